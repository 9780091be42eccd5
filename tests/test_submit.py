"""The students' submit command: exact names at the zip's root, misnamed files refused with the
name to use, missing exercises warned about, nothing else packed, nothing changed or overwritten."""
import importlib.util
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from adlib.grade.exercises import EXERCISES
from adlib.grade.submit import main

ROOT = Path(__file__).resolve().parents[1]
STUBS = ROOT / "exercises"
NAMES = [e.filename for e in EXERCISES.values()]


def course_folder(tmp_path, names=NAMES):
    folder = tmp_path / "exercises"
    folder.mkdir()
    for name in names:
        shutil.copyfile(STUBS / name, folder / name)
    return folder


def test_packs_every_exercise_at_the_zip_root(tmp_path, capsys):
    folder = course_folder(tmp_path)
    (folder / "README.md").write_text("notes\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "ex01_finite_differences.cpython-311.pyc").write_bytes(b"\0")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    out = tmp_path / "submission.zip"
    assert main([str(folder), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == sorted(NAMES)
        for name in NAMES:
            assert z.read(name) == (folder / name).read_bytes()
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert "README.md" in capsys.readouterr().out          # said what was left out


@pytest.mark.parametrize("wrong, right", [
    ("ex03_backprop.py", "ex03_backprop_value.py"),
    ("Ex03_backprop_value.py", "ex03_backprop_value.py"),
    ("ex02_dual_numbers (1).py", "ex02_dual_numbers.py"),
])
def test_a_misnamed_file_is_refused_with_the_name_to_use(tmp_path, capsys, wrong, right):
    folder = course_folder(tmp_path, [n for n in NAMES if n != right])
    shutil.copyfile(STUBS / right, folder / wrong)
    out = tmp_path / "submission.zip"
    assert main([str(folder), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert wrong in err and f"name it {right}" in err
    assert not out.exists()


def test_a_file_in_a_subfolder_is_refused(tmp_path, capsys):
    folder = course_folder(tmp_path, NAMES[1:])
    (folder / "old").mkdir()
    shutil.copyfile(STUBS / NAMES[0], folder / "old" / NAMES[0])
    assert main([str(folder), "-o", str(tmp_path / "s.zip")]) == 2
    assert f"old/{NAMES[0]}" in capsys.readouterr().err


def test_missing_exercises_and_syntax_errors_are_warned_about(tmp_path, capsys):
    folder = course_folder(tmp_path, NAMES[:2])
    (folder / NAMES[1]).write_text("def f(:\n")
    out = tmp_path / "submission.zip"
    assert main([str(folder), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    for e in list(EXERCISES.values())[2:]:
        assert f"exercise {e.number} is missing ({e.filename})" in err
    assert "syntax error on line 1" in err
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == sorted(NAMES[:2])


def test_explicit_files_must_be_exercise_files(tmp_path, capsys):
    folder = course_folder(tmp_path, NAMES[:1])
    other = folder / "helpers.py"
    other.write_text("x = 1\n")
    assert main([str(folder / NAMES[0]), str(other), "-o", str(tmp_path / "s.zip")]) == 2
    assert "helpers.py: not an exercise file (expected one of ex01_finite_differences.py" in capsys.readouterr().err
    assert main([str(folder / NAMES[0]), "-o", str(tmp_path / "s.zip")]) == 0


def test_a_symlink_is_refused(tmp_path, capsys):
    folder = course_folder(tmp_path, NAMES[1:])
    os.symlink(STUBS / NAMES[0], folder / NAMES[0])
    assert main([str(folder), "-o", str(tmp_path / "s.zip")]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_nothing_to_pack_and_no_such_folder(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([str(empty), "-o", str(tmp_path / "s.zip")]) == 2
    assert "no exercise files found" in capsys.readouterr().err
    assert main([str(tmp_path / "nowhere")]) == 2


def test_never_overwrites_a_file_it_did_not_write(tmp_path, capsys):
    folder = course_folder(tmp_path)
    precious = tmp_path / "thesis.zip"
    with zipfile.ZipFile(precious, "w") as z:
        z.writestr("chapter1.tex", "...")
    before = precious.read_bytes()
    assert main([str(folder), "-o", str(precious)]) == 2
    assert precious.read_bytes() == before
    assert "choose another name" in capsys.readouterr().err
    ours = tmp_path / "submission.zip"
    assert main([str(folder), "-o", str(ours)]) == 0
    assert main([str(folder), "-o", str(ours)]) == 0          # its own zip it may replace


def test_tasks_py_submit_runs_the_packer_in_the_venv(tmp_path):
    spec = importlib.util.spec_from_file_location("adlib_tasks_submit", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    ran = []
    tasks.install = lambda: Path("/venv/bin/python")
    tasks.run = lambda *cmd, **kw: ran.append([str(c) for c in cmd]) or 0
    assert tasks.main(["submit", "exercises", "-o", "hw.zip"]) == 0
    assert ran == [["/venv/bin/python", "-m", "adlib.grade.submit", "exercises", "-o", "hw.zip"]]
