"""`python3 tasks.py course` gives the student working copies and never overwrites their work.

The student's copies live in a gitignored folder (``my-notebooks/``), so JupyterLab's
autosave never rewrites the course's own notebooks, and the test suite, which reads
notebooks/ only, still passes after a student has edited and saved their copies.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_tasks():
    spec = importlib.util.spec_from_file_location("adlib_tasks_course", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def small_notebook(text):
    from nbformat.v4 import new_markdown_cell, new_notebook
    return nbformat.writes(new_notebook(cells=[new_markdown_cell(text)])).encode()


@pytest.fixture
def course(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    (source / "01_a.ipynb").write_bytes(small_notebook("# one"))
    (source / "02_b.ipynb").write_bytes(small_notebook("# two"))
    return source, tmp_path / "my-notebooks"


def copied_then_edited(tasks, course, text):
    """Run the copying once, then let the student change 01_a.ipynb; return (source, dest, edited bytes)."""
    source, dest = course
    tasks.working_copies(source, dest)
    edited = small_notebook(text)
    (dest / "01_a.ipynb").write_bytes(edited)
    return source, dest, edited


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_first_run_copies_every_notebook_and_leaves_the_course_alone(course):
    tasks = load_tasks()
    source, dest = course
    before = snapshot(source)
    said = tasks.working_copies(source, dest)
    assert snapshot(source) == before
    assert {p.name for p in dest.glob("*.ipynb")} == {"01_a.ipynb", "02_b.ipynb"}
    assert all((dest / n).read_bytes() == before[n] for n in before)
    assert said == ["new notebook: 01_a.ipynb", "new notebook: 02_b.ipynb"]
    assert tasks.working_copies(source, dest) == []          # nothing to do the second time


def test_a_students_edits_survive_every_later_run(course):
    tasks = load_tasks()
    source, dest, edited = copied_then_edited(tasks, course, "# one, with my notes")
    assert tasks.working_copies(source, dest) == []
    assert (dest / "01_a.ipynb").read_bytes() == edited

    # The course changes both notebooks and adds a third.
    (source / "01_a.ipynb").write_bytes(small_notebook("# one, version 2"))
    (source / "02_b.ipynb").write_bytes(small_notebook("# two, version 2"))
    (source / "03_c.ipynb").write_bytes(small_notebook("# three"))
    said = tasks.working_copies(source, dest)
    assert (dest / "01_a.ipynb").read_bytes() == edited                  # never clobbered
    beside = [p for p in dest.glob("01_a.course-update-*.ipynb")]
    assert len(beside) == 1 and beside[0].read_bytes() == (source / "01_a.ipynb").read_bytes()
    assert any("01_a.ipynb" in s and beside[0].name in s for s in said), said
    # The untouched copy is brought up to date, the new notebook is added.
    assert (dest / "02_b.ipynb").read_bytes() == (source / "02_b.ipynb").read_bytes()
    assert (dest / "03_c.ipynb").read_bytes() == (source / "03_c.ipynb").read_bytes()
    assert "new notebook: 03_c.ipynb" in said

    # Running again reports the pending update again, writes nothing new, loses nothing.
    files = snapshot(dest)
    again = tasks.working_copies(source, dest)
    assert any(beside[0].name in s for s in again)
    assert {k: v for k, v in snapshot(dest).items() if k != tasks.VERSIONS} == \
        {k: v for k, v in files.items() if k != tasks.VERSIONS}


def test_a_lost_record_never_costs_the_student_their_copy(course):
    tasks = load_tasks()
    source, dest, edited = copied_then_edited(tasks, course, "# mine")
    (dest / tasks.VERSIONS).write_text("not json")
    tasks.working_copies(source, dest)
    assert (dest / "01_a.ipynb").read_bytes() == edited


def test_the_working_folder_is_gitignored_and_outside_the_tested_paths():
    tasks = load_tasks()
    assert tasks.WORKDIR == ROOT / "my-notebooks" or "ADLIB_COURSE_DIR" in __import__("os").environ
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "/my-notebooks/" in ignored
    import tomllib
    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    assert "my-notebooks" not in testpaths


def test_the_test_suite_ignores_a_students_edited_copies(tmp_path):
    """After a student edits and saves a copy (here: one that now stores an error),
    pytest run as `tasks.py test` runs it (from the project root, the project's pytest
    settings) collects the course's notebooks and tests, never the student's copies."""
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "tests").mkdir()
    shutil.copy(ROOT / "pyproject.toml", project)
    shutil.copy(ROOT / "notebooks" / "sanitize.cfg", project / "notebooks")
    (project / "tests" / "test_ok.py").write_text("def test_ok():\n    assert True\n")
    from nbformat.v4 import new_code_cell, new_notebook, new_output
    good = new_notebook(cells=[new_code_cell("print(1)", execution_count=1,
                                             outputs=[new_output("stream", name="stdout", text="1\n")])])
    nbformat.write(good, project / "notebooks" / "01_a.ipynb")
    copies = project / "my-notebooks"
    copies.mkdir()
    broken = new_notebook(cells=[new_code_cell("1 / 0", execution_count=7, outputs=[
        new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])])])
    nbformat.write(broken, copies / "01_a.ipynb")
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                            cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "notebooks/01_a.ipynb" in result.stdout and "tests/test_ok.py" in result.stdout
    assert "my-notebooks" not in result.stdout


def test_a_working_folder_that_cannot_hold_copies_is_refused_in_words(course, tmp_path):
    tasks = load_tasks()
    source, _ = course
    with pytest.raises(SystemExit, match="course's own notebooks folder"):
        tasks.working_copies(source, source)
    blocker = tmp_path / "a-file"
    blocker.write_text("mine")
    with pytest.raises(SystemExit, match="is a file, not a folder"):
        tasks.working_copies(source, blocker)
    assert blocker.read_text() == "mine"
