"""The graded tests, one pytest module per exercise (``check_exNN.py``).

They run in the trusted grading process.  Each test draws fresh random inputs,
calls the student's code through ``student.call(probe, ...)`` (a sandboxed
child process) and only then computes the reference answer and compares.
"""
