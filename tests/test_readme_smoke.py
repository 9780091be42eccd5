"""Smoke tests of the README as a newcomer meets it (complements tests/test_readme.py).

* ``tasks.py`` runs on a bare Python: it needs nothing beyond the standard library.
* Each set-up command, as written in the README, reaches the right action in tasks.py
  (the course copies the notebooks into a working folder and opens JupyterLab there,
  the tests run pytest), checked without
  installing or starting anything.
* The quick tour prints what its comments say it prints.
* The course outline's links to notebooks lead to valid notebooks, numbered as listed.

Starting the course server for real is tests/browser/test_jupyter_server.py.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def setup_commands():
    """The README's set-up commands: the code in its ```bash blocks, comments stripped."""
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def load_tasks():
    spec = importlib.util.spec_from_file_location("adlib_tasks_readme", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def test_tasks_py_runs_on_a_bare_python():
    # -I -S: no site-packages, no user site, no PYTHONPATH: only the standard library.
    proc = subprocess.run([sys.executable, "-I", "-S", str(ROOT / "tasks.py")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "tasks.py course" in proc.stdout and "tasks.py test" in proc.stdout, proc.stdout


@pytest.mark.parametrize("command", setup_commands())
def test_setup_command_reaches_its_action(command, tmp_path):
    argv = shlex.split(command)
    assert argv[:2] == ["python3", "tasks.py"], f"the README's set-up command {command!r} is not tasks.py"
    tasks = load_tasks()
    tasks.WORKDIR = tmp_path / "my-notebooks"            # the student's working copies go here
    ran = []
    tasks.install = lambda: Path("/venv/bin/python")      # nothing is installed by this test
    tasks.run = lambda *cmd, **kw: ran.append(([str(c) for c in cmd], Path(kw.get("cwd", tasks.ROOT)))) or 0
    assert tasks.main(argv[2:]) == 0, f"{command!r} is not a command tasks.py knows"
    assert len(ran) == 1, ran
    cmd, cwd = ran[0]
    expected = {"course": (["/venv/bin/python", "-m", "jupyter", "lab"], tasks.WORKDIR),
                "test": (["/venv/bin/python", "-m", "pytest"], ROOT)}
    assert argv[2] in expected, f"no smoke check for {command!r}; add one here"
    if cmd[-1] == "--allow-root":      # tasks.py adds it when run as root: JupyterLab refuses root otherwise
        assert os.geteuid() == 0
        cmd = cmd[:-1]
    assert (cmd, cwd.resolve()) == (expected[argv[2]][0], expected[argv[2]][1].resolve())


# --------------------------------------------------------------------------- the quick tour

def python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


PRINT_WITH_COMMENT = re.compile(r"^print\(.*\)\s*#\s*(?P<expected>.+)$")


def token_matches(expected: str, shown: str) -> bool:
    """``~1.2345``: within one unit of the last digit written; ``1.2345...``: starts so; else: equal."""
    if expected.startswith("~"):
        digits = expected[1:]
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        try:
            return abs(float(shown) - float(digits)) <= 10.0 ** -decimals
        except ValueError:
            return False
    if expected.endswith("..."):
        return shown.startswith(expected[:-3])
    return shown == expected


def printed_claims(code: str):
    """(line, expected) for each top-level ``print(...)  # expected`` line, text after ':' dropped."""
    claims = []
    for line in code.splitlines():
        if line.startswith("print("):
            match = PRINT_WITH_COMMENT.match(line)
            expected = match.group("expected").split(":")[0].strip() if match else None
            claims.append((line, expected))
    return claims


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_quick_tour_prints_what_its_comments_say(index, tmp_path):
    code = python_blocks()[index]
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    shown = proc.stdout.splitlines()
    claims = printed_claims(code)
    assert len(shown) == len(claims), f"{len(claims)} print lines printed {len(shown)} lines:\n{proc.stdout}"
    for (line, expected), output in zip(claims, shown):
        if expected is None:
            continue
        want, got = expected.split(), output.split()
        assert len(want) == len(got) and all(map(token_matches, want, got)), \
            f"README says {line!r} prints {expected!r}; it prints {output!r}"


def test_token_matching_is_strict_enough():
    assert token_matches("~11.154845485", "11.154845485592134")
    assert not token_matches("~11.154845485", "11.154845487")
    assert not token_matches("~11.154845485", "not a number")
    assert token_matches("11.154845485...", "11.154845485377136")
    assert not token_matches("11.15484549...", "11.154845485377136")
    assert not token_matches("True", "False")


# --------------------------------------------------------------------------- the course outline

def notebook_links():
    """(position in the numbered course list or None, link target) for every .ipynb link."""
    links = []
    for line in README.splitlines():
        item = re.match(r"^(\d+)\.\s", line)
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)(?:#[^)]*)?\)", line):
            links.append((int(item.group(1)) if item else None, target))
    return links


def test_readme_links_to_the_course_notebooks():
    assert notebook_links(), "the README links to no notebook"


@pytest.mark.parametrize("position,target", notebook_links(), ids=[t for _, t in notebook_links()])
def test_notebook_link_resolves_to_a_valid_notebook(position, target):
    path = ROOT / target
    assert path.is_file(), f"the README links to {target}, which does not exist"
    nbformat.validate(nbformat.read(str(path), as_version=4))
    if position is not None:        # item n of the course list is notebook n
        assert path.name.startswith(f"{position:02d}_"), f"item {position} of the course links to {path.name}"


def test_every_course_notebook_is_in_the_readme():
    linked = {(ROOT / target).resolve() for _, target in notebook_links()}
    missing = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if p.resolve() not in linked]
    assert not missing, f"notebooks missing from the README's course outline: {missing}"
