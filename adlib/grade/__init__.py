"""The grader: points and feedback for the exercises in ``exercises/``.

Run it as ``adlib-grade PATH [--json FILE]`` or ``python -m adlib.grade PATH``.

How a verdict stays trustworthy:

* :mod:`~adlib.grade.runner` runs the exercise's pytest module (``checks/``) in a
  trusted process; student code never runs there;
* :mod:`~adlib.grade.sandbox` runs each call into the student's code in a fresh
  forked child with time and memory limits, and brings back plain data only;
* the tests draw fresh random inputs and non-uniform upstream gradients on every
  run and compute the reference answer themselves;
* results are written atomically, after every child process is dead.
"""
from .exercises import EXERCISES, identify
from .grader import grade_file, grade_folder, grade_submission

__all__ = ["EXERCISES", "identify", "grade_file", "grade_folder", "grade_submission"]
