"""Reading what a stored notebook printed, for the tests that check prose against outputs.

Shared by tests/test_notebook_claims*.py: ``printed(nb, "part of a cell's source")``
is the stdout that one code cell stored, ``numbers_after(text, label)`` the numbers
on the line that holds ``label``, after it.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def load(stem):
    """The stored notebook notebooks/<stem>.ipynb."""
    return nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)


def cell(nb, source_part, kind="code"):
    """The one cell of ``kind`` whose source contains ``source_part``."""
    hits = [c for c in nb.cells if c.cell_type == kind and source_part in c.source]
    assert len(hits) == 1, f"expected one {kind} cell containing {source_part!r}, found {len(hits)}"
    return hits[0]


def printed(nb, source_part):
    """Everything a code cell printed (its stdout streams), as one string."""
    c = cell(nb, source_part)
    return "".join(o.text for o in c.outputs if o.output_type == "stream" and o.name == "stdout")


def numbers_after(text, label):
    """The numbers on the first line that contains ``label``, after it."""
    for line in text.splitlines():
        if label in line:
            return [float(x) for x in re.findall(NUMBER, line.split(label, 1)[1])]
    raise AssertionError(f"no line with {label!r} in:\n{text}")


def prose(nb):
    """All markdown of the notebook, one string."""
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
