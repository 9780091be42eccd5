"""The README is part of the product: its code runs, its commands exist, its links resolve."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_has_python_examples():
    assert len(python_blocks()) >= 1


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_code_block_runs(index, tmp_path):
    code = python_blocks()[index]
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_readme_has_exactly_two_setup_commands():
    commands = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    lines = [line.split("#")[0].strip() for block in commands for line in block.strip().splitlines()]
    lines = [line for line in lines if line]
    assert lines == ["python3 tasks.py course", "python3 tasks.py test"]


def test_setup_commands_exist():
    import importlib.util
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.main([]) == 2          # prints usage, names both commands
    assert "course" in tasks.__doc__ and "test" in tasks.__doc__


def test_ci_runs_the_readme_test_command():
    assert "python3 tasks.py test" in (ROOT / ".ci" / "run").read_text()


def test_readme_links_resolve():
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README):
        if "://" in target:
            continue
        assert (ROOT / target).exists(), f"README links to missing {target}"
