"""The graded exercises: their files, titles, points and where their checks live.

Public checks (``adlib/grade/checks/check_exNN.py``) ship with the course;
hidden checks (``grading/hidden/check_exNN_hidden.py``) are the instructor's and
ship only in the Gradescope autograder.  The points of both are tabled here, so
the maximum of every exercise is known without running anything and never
depends on what was submitted (``tests/test_grade_points.py`` checks the table
against the test files).
"""
from __future__ import annotations

import os
import re

__all__ = ["EXERCISES", "Exercise", "identify", "max_points", "find_hidden", "HIDDEN_ENV"]

HIDDEN_ENV = "ADLIB_GRADE_HIDDEN"


class Exercise:
    def __init__(self, key, filename, title, public, hidden):
        self.key = key              # "ex01"
        self.filename = filename    # the file name students edit and submit
        self.title = title
        self.public_points = public   # points of the public checks
        self.hidden_points = hidden   # points of the hidden checks (the instructor's)

    @property
    def number(self):
        return int(self.key[2:])

    @property
    def max_points(self):
        """Public plus hidden points: the exercise's maximum, whatever is submitted."""
        return self.public_points + self.hidden_points

    @property
    def checks(self):
        """The public pytest module that grades this exercise."""
        return os.path.join(os.path.dirname(__file__), "checks", f"check_{self.key}.py")

    def hidden_checks(self, folder):
        """The hidden pytest module in ``folder`` for this exercise, or None."""
        path = os.path.join(folder, f"check_{self.key}_hidden.py")
        return path if os.path.isfile(path) else None

    def __repr__(self):
        return f"Exercise({self.key}: {self.title})"


EXERCISES = {e.key: e for e in [
    Exercise("ex01", "ex01_finite_differences.py", "Finite differences", 12, 1),
    Exercise("ex02", "ex02_dual_numbers.py", "Dual numbers from scratch", 14, 0),
    Exercise("ex03", "ex03_backprop_value.py", "Backprop for a scalar Value", 16, 0),
    Exercise("ex04", "ex04_backprop_by_hand.py", "Backprop by hand", 10, 0),
    Exercise("ex05", "ex05_vjp_rules.py", "VJP rules with defvjp", 15, 0),
    Exercise("ex06", "ex06_mlp_backprop.py", "A two-layer MLP's backprop", 11, 0),
    Exercise("ex07", "ex07_mode_cost.py", "Forward against reverse: counting the cost", 9, 4),
    Exercise("ex08", "ex08_differentiable_simulation.py", "A differentiable simulation", 12, 4),
]}


def max_points(key=None):
    """The maximum points of one exercise (``"ex03"``), or {key: maximum} of all, public + hidden."""
    if key is not None:
        return EXERCISES[key].max_points
    return {k: e.max_points for k, e in EXERCISES.items()}


def find_hidden(explicit=None):
    """The folder of hidden checks: ``explicit``, else $ADLIB_GRADE_HIDDEN, else
    ``<repository>/grading/hidden`` when it exists next to this package; None when none is found."""
    for folder in (explicit, os.environ.get(HIDDEN_ENV)):
        if folder:
            if not os.path.isdir(folder):
                raise FileNotFoundError(f"no folder of hidden checks at {folder!r}")
            return os.path.abspath(folder)
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(os.path.dirname(os.path.dirname(here)), "grading", "hidden")
    return default if os.path.isdir(default) else None


_KEY = re.compile(r"^(ex\d\d)(?:_|\.py$|$)")


def identify(filename):
    """The Exercise a submitted file is for, from its name (``ex03_backprop_value.py``), or None."""
    name = os.path.basename(filename)
    if not name.endswith(".py"):
        return None
    match = _KEY.match(name)
    return EXERCISES.get(match.group(1)) if match else None
