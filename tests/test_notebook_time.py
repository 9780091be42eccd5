"""Every notebook fits a study session: about 40 minutes with its exercises, 01 under 30.

The estimate is tests/notebook_time.py (prose at 150 words a minute, half a minute
per code cell plus 4 s per line, 4 minutes per exercise).
"""
import pytest

from notebook_outputs import NOTEBOOKS, load
from notebook_time import breakdown, minutes

STEMS = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
LIMIT = 40
FIRST_LIMIT = 30


@pytest.mark.parametrize("stem", STEMS)
def test_notebook_fits_a_session(stem):
    nb = load(stem)
    limit = FIRST_LIMIT if stem.startswith("01_") else LIMIT
    parts = ", ".join(f"{k} {v:.1f}" for k, v in breakdown(nb).items())
    assert minutes(nb) <= limit, f"{stem}: about {minutes(nb):.0f} min ({parts}); the limit is {limit}"


def test_estimate_counts_what_a_student_does():
    """The estimate grows with prose, code and exercises (so trimming any of them shows)."""
    import nbformat

    def nb(words, cells, exercises, note=0):
        md = "# T\n\n" + " ".join(["word"] * words)
        ex = "## Exercises\n\n" + "\n".join(f"{i + 1}. task" for i in range(exercises))
        ex += "\n\n" + " ".join(["note"] * note)
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(md)]
                                        + [nbformat.v4.new_code_cell("x = 1") for _ in range(cells)]
                                        + [nbformat.v4.new_markdown_cell(ex),
                                           nbformat.v4.new_markdown_cell("## Solutions\n\n" + "w " * 9000)])
    base = minutes(nb(300, 2, 1))
    assert minutes(nb(450, 2, 1)) == pytest.approx(base + 1)
    assert minutes(nb(300, 4, 1)) > base
    assert minutes(nb(300, 2, 2)) == pytest.approx(base + 4)
    assert minutes(nb(300, 2, 1, note=150)) == pytest.approx(base + 1)   # a paragraph after the items is prose


@pytest.mark.parametrize("stem", STEMS)
def test_a_time_stated_in_the_notebook_is_the_estimate(stem):
    """A notebook that tells the student how long it takes states this estimate, to the nearest 5 minutes."""
    import re

    nb = load(stem)
    stated = [int(m) for c in nb.cells if c.cell_type == "markdown"
              for m in re.findall(r"Time: about (\d+) minutes", c.source)]
    for value in stated:
        assert abs(value - minutes(nb)) <= 2.5, f"{stem} says about {value} minutes; the estimate is {minutes(nb):.1f}"
