"""How long a notebook takes a student, estimated from what it asks of them.

The course promises that no notebook needs more than about 40 minutes with its
exercises, and that notebook 01 takes under 30. This estimate is the measure the
tests hold the notebooks to; it is deliberately simple so an author can predict it:

- prose: the markdown a student reads before the solutions, at 150 words a minute
  (technical reading with formulas; about half the speed of ordinary prose);
  the References and Next sections are not counted;
- code: half a minute per code cell before the solutions (run it, look at the
  output), plus 4 seconds per line of code (read it);
- exercises: 4 minutes per numbered exercise in the Exercises section (trying it,
  then reading its folded solution); other paragraphs of that section count as prose.
"""
from __future__ import annotations

import re

WORDS_PER_MINUTE = 150
MINUTES_PER_CELL = 0.5
MINUTES_PER_CODE_LINE = 4 / 60
MINUTES_PER_EXERCISE = 4

_SKIPPED = re.compile(r"^##\s+(References|Next)\b", re.M)
_SOLUTIONS = re.compile(r"^##\s+Solutions\b", re.M)
_EXERCISES = re.compile(r"^##\s+Exercises\b", re.M)
_ITEM = re.compile(r"^\d+\.\s", re.M)


def _before_solutions(nb):
    """The cells a student works through before the folded solutions."""
    cells = []
    for c in nb.cells:
        if c.cell_type == "markdown" and _SOLUTIONS.search(c.source):
            break
        cells.append(c)
    return cells


def _words_beside_the_items(exercises):
    """Words of the Exercises section outside its numbered items (an introduction, a note on a
    graded exercise): read like prose; the items themselves are in the exercises' minutes."""
    blocks = re.split(r"\n\s*\n", exercises)
    return sum(len(re.findall(r"\w+", b)) for b in blocks
               if b.strip() and not _ITEM.match(b.strip()) and not b.startswith((" ", "\t")))


def breakdown(nb):
    """Minutes for prose, code and exercises, as a dict."""
    cells = _before_solutions(nb)
    words = 0
    exercises = 0
    for c in cells:
        if c.cell_type != "markdown":
            continue
        text = _SKIPPED.split(c.source)[0]
        if _EXERCISES.search(text):
            head, ex = _EXERCISES.split(text, 1)
            exercises += len(_ITEM.findall(ex))
            words += len(re.findall(r"\w+", head)) + _words_beside_the_items(ex)
        else:
            words += len(re.findall(r"\w+", text))
    code = [c for c in cells if c.cell_type == "code"]
    lines = sum(len([l for l in c.source.splitlines() if l.strip()]) for c in code)
    return {
        "prose": words / WORDS_PER_MINUTE,
        "code": len(code) * MINUTES_PER_CELL + lines * MINUTES_PER_CODE_LINE,
        "exercises": exercises * MINUTES_PER_EXERCISE,
    }


def minutes(nb):
    """The estimated minutes a student needs for the notebook, exercises included."""
    return sum(breakdown(nb).values())
