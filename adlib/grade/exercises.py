"""The graded exercises: their files, titles and check modules."""
from __future__ import annotations

import os
import re

__all__ = ["EXERCISES", "Exercise", "identify"]


class Exercise:
    def __init__(self, key, filename, title, forbid=()):
        self.key = key              # "ex01"
        self.filename = filename    # the file name students edit and submit
        self.title = title
        # adlib's own answers to this exercise: while it is graded, calling them
        # raises an error instead of earning points the student's code did not earn.
        self.forbid = tuple(forbid)

    @property
    def number(self):
        return int(self.key[2:])

    @property
    def checks(self):
        """The pytest module that grades this exercise."""
        return os.path.join(os.path.dirname(__file__), "checks", f"check_{self.key}.py")

    def __repr__(self):
        return f"Exercise({self.key}: {self.title})"


_DIFFERENTIATE = ("derivative", "jvp", "grad", "value_and_grad", "vjp", "jacobian", "hessian", "hvp")

EXERCISES = {e.key: e for e in [
    Exercise("ex01", "ex01_finite_differences.py", "Finite differences",
             forbid=("forward_difference", "backward_difference", "central_difference", "complex_step",
                     "numerical_grad", "numerical_jacobian", "optimal_step", "difference",
                     "default_step") + _DIFFERENTIATE),
    Exercise("ex02", "ex02_dual_numbers.py", "Dual numbers from scratch", forbid=("Dual",) + _DIFFERENTIATE),
    Exercise("ex03", "ex03_backprop_value.py", "Backprop for a scalar Value",
             forbid=("Value", "backward_steps", "topological_order") + _DIFFERENTIATE),
    Exercise("ex04", "ex04_backprop_by_hand.py", "Backprop by hand", forbid=("Value",) + _DIFFERENTIATE),
    # adlib.grad itself needs adlib.unbroadcast, so exercise 5 checks that unbroadcast is the student's own.
    Exercise("ex05", "ex05_vjp_rules.py", "VJP rules with defvjp"),
    Exercise("ex06", "ex06_mlp_backprop.py", "A two-layer MLP's backprop",
             forbid=("MLP", "Layer", "Neuron") + _DIFFERENTIATE),
]}

_KEY = re.compile(r"^(ex\d\d)(?:_|\.py$|$)")


def identify(filename):
    """The Exercise a submitted file is for, from its name (``ex03_backprop_value.py``), or None."""
    name = os.path.basename(filename)
    if not name.endswith(".py"):
        return None
    match = _KEY.match(name)
    return EXERCISES.get(match.group(1)) if match else None
