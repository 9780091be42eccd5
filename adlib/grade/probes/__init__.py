"""Trusted code that runs inside the student's own process (see ``serve.py``).

Nothing here knows an expected value or a reference solution: a probe takes
plain inputs, calls the student's functions and returns plain data.  The
verdict is computed in the grader, outside the student's process.  These files
are copied (or bind-mounted) into the student's sandbox as the package
``adlib_probes``; they import nothing from adlib.
"""
