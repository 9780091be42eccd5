"""notebooks/IDEAS.md, the table of the lecture notes' ideas, names only things that exist.

Every notebook section named is a heading of that notebook, every ``module.function``
in the figure column is a function of ``adlib/widgets/<module>.py``, and every
``check_exNN.py::test_x`` is a test function in ``adlib/grade/checks/`` or
``grading/hidden/``.  An exercise listed in ``PENDING`` (one being written) may be
named at exercise level, and a check of its is skipped, with a reason, until its
file exists.  At least 20 ideas must be graded by a named check.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "notebooks" / "IDEAS.md"
CHECK_DIRS = (ROOT / "adlib" / "grade" / "checks", ROOT / "grading" / "hidden")
PENDING = set()                     # exercises whose checks are being written (none now)
COLUMNS = ["idea", "notebook section", "figure or widget", "lecture exercise", "graded check"]
CHECK = re.compile(r"check_(ex\d\d)\w*\.py::(test_\w+)")


def rows():
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| idea |"))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    assert header == COLUMNS, f"IDEAS.md's columns are {header}, not {COLUMNS}"
    table = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == len(COLUMNS), f"a row of IDEAS.md has {len(cells)} cells, not 5: {line}"
        table.append(dict(zip(COLUMNS, cells)))
    return table


ROWS = rows()


def _headings(stem_prefix):
    matches = sorted((ROOT / "notebooks").glob(f"{stem_prefix}_*.ipynb"))
    assert matches, f"IDEAS.md names notebook {stem_prefix}, but notebooks/{stem_prefix}_*.ipynb does not exist"
    nb = nbformat.read(matches[0], as_version=4)
    return {line.lstrip("#").strip() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if re.match(r"#{1,6}\s", line)}


def _test_functions():
    found = {}
    for folder in CHECK_DIRS:
        for path in folder.glob("check_ex*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            names |= {t.id for n in tree.body if isinstance(n, ast.Assign)    # test_x = make_test(...)
                      for t in n.targets if isinstance(t, ast.Name) and t.id.startswith("test_")}
            found[path.name] = names
    return found


def test_the_table_has_a_row_per_idea():
    assert len(ROWS) >= 30, f"IDEAS.md has {len(ROWS)} ideas; the lecture notes have at least 30"
    assert len({r["idea"] for r in ROWS}) == len(ROWS), "an idea is listed twice"


@pytest.mark.parametrize("row", ROWS, ids=[r["idea"][:40] for r in ROWS])
def test_every_section_named_is_a_heading_of_its_notebook(row):
    sections = [s.strip() for s in row["notebook section"].split(";")]
    assert sections and all(sections), f"{row['idea']!r} names no notebook section"
    for section in sections:
        match = re.fullmatch(r"(\d\d[a-z]?) § (.+)", section)
        assert match, f"{section!r} is not 'NN § heading'"
        stem, heading = match.groups()
        assert heading in _headings(stem), f"notebook {stem} has no heading {heading!r} (row {row['idea']!r})"


@pytest.mark.parametrize("row", ROWS, ids=[r["idea"][:40] for r in ROWS])
def test_every_function_named_exists_in_adlib_widgets(row):
    for module, name in re.findall(r"`(\w+)\.(\w+)`", row["figure or widget"]):
        assert (ROOT / "adlib" / "widgets" / f"{module}.py").exists(), f"adlib/widgets/{module}.py does not exist"
        mod = importlib.import_module(f"adlib.widgets.{module}")
        assert callable(getattr(mod, name, None)), f"adlib.widgets.{module} has no function {name}"


@pytest.mark.parametrize("row", [r for r in ROWS if CHECK.search(r["graded check"])],
                         ids=[r["idea"][:40] for r in ROWS if CHECK.search(r["graded check"])])
def test_every_graded_check_named_is_a_test_function(row):
    functions = _test_functions()
    for exercise, test in CHECK.findall(row["graded check"]):
        files = [f for f in functions if f.startswith(f"check_{exercise}")]
        if not files and exercise in PENDING:
            pytest.skip(f"{exercise} is being written in parallel: no check_{exercise}*.py yet")
        assert files, f"no check_{exercise}*.py in adlib/grade/checks/ or grading/hidden/ (row {row['idea']!r})"
        assert any(test in functions[f] for f in files), f"no {test} in {files} (row {row['idea']!r})"


def test_the_exercise_column_agrees_with_its_checks():
    for row in ROWS:
        cell = row["graded check"]
        if cell == "—":
            continue
        exercise = re.match(r"`(ex\d\d)`", cell)
        assert exercise, f"{cell!r} does not start with the exercise, `exNN`"
        named = {e for e, _ in CHECK.findall(cell)}
        assert named <= {exercise.group(1)}, f"{cell!r} names checks of another exercise"
        if not named:
            assert exercise.group(1) in PENDING, f"{cell!r} names {exercise.group(1)} but none of its checks"


def test_at_least_20_ideas_are_graded_by_a_named_check():
    graded = [r["idea"] for r in ROWS if CHECK.search(r["graded check"])]
    assert len(graded) >= 20, f"only {len(graded)} ideas have a named graded check: {graded}"
