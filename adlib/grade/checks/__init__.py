"""The public graded tests, one pytest module per exercise (``check_exNN.py``).

They run in the trusted grading process.  Each test draws fresh random inputs,
calls the student's code through ``student.call(probe, ...)`` (a probe server in
an isolated process of its own) and only then computes the expected answer --
with the public adlib (:mod:`adlib.grade.oracle`), never with a hand-written
solution, since these files ship to students -- and compares.
"""
