"""The graded exercises: their files, titles and check modules."""
from __future__ import annotations

import os
import re

__all__ = ["EXERCISES", "Exercise", "identify"]


class Exercise:
    def __init__(self, key, filename, title):
        self.key = key              # "ex01"
        self.filename = filename    # the file name students edit and submit
        self.title = title

    @property
    def number(self):
        return int(self.key[2:])

    @property
    def checks(self):
        """The pytest module that grades this exercise."""
        return os.path.join(os.path.dirname(__file__), "checks", f"check_{self.key}.py")

    def __repr__(self):
        return f"Exercise({self.key}: {self.title})"


EXERCISES = {e.key: e for e in [
    Exercise("ex01", "ex01_finite_differences.py", "Finite differences"),
    Exercise("ex02", "ex02_dual_numbers.py", "Dual numbers from scratch"),
    Exercise("ex03", "ex03_backprop_value.py", "Backprop for a scalar Value"),
    Exercise("ex04", "ex04_backprop_by_hand.py", "Backprop by hand"),
    Exercise("ex05", "ex05_vjp_rules.py", "VJP rules with defvjp"),
    Exercise("ex06", "ex06_mlp_backprop.py", "A two-layer MLP's backprop"),
]}

_KEY = re.compile(r"^(ex\d\d)(?:_|\.py$|$)")


def identify(filename):
    """The Exercise a submitted file is for, from its name (``ex03_backprop_value.py``), or None."""
    name = os.path.basename(filename)
    if not name.endswith(".py"):
        return None
    match = _KEY.match(name)
    return EXERCISES.get(match.group(1)) if match else None
