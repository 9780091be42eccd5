"""The grader: points and feedback for the exercises in ``exercises/``.

Run it as ``adlib-grade PATH [--json FILE]`` or ``python -m adlib.grade PATH``.

How a verdict stays trustworthy:

* :mod:`~adlib.grade.runner` runs the exercise's pytest modules (``checks/``,
  and the instructor's hidden ones) in a trusted process; student code never runs there;
* :mod:`~adlib.grade.sandbox` answers each call into the student's code from a
  probe server in a fresh, isolated interpreter (:mod:`~adlib.grade.jail`), and
  brings back plain data only;
* the tests draw fresh random inputs and non-uniform upstream gradients on every
  run; the expected answers come from the public adlib (:mod:`~adlib.grade.oracle`),
  computed in the grader;
* results are written atomically, after every process the submission started is dead.
"""
from .exercises import EXERCISES, identify
from .grader import grade_file, grade_folder, grade_submission

__all__ = ["EXERCISES", "identify", "grade_file", "grade_folder", "grade_submission"]
