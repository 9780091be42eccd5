"""The probe's way out: the student's results as plain numbers, one marked JSON line per section.

Shared by :mod:`adlib.widgets.my_solutions_probe` and the probes it dispatches to
(:mod:`adlib.widgets.my_solutions_probe_costs`): only numbers, lists of numbers and
messages leave the student's process, and the student's errors are said in their terms.
"""
from __future__ import annotations

import json
import os
import sys
import traceback

import numpy as np

__all__ = ["MARKER", "STUDENT_ERRORS", "plain", "describe", "emit", "attempt", "curve", "attempt_word"]

MARKER = "@@adlib-probe@@"

#: What the student's code may raise, reported as its error; sys.exit() in their code is one too.
STUDENT_ERRORS = (Exception, SystemExit)


def plain(value):
    """A number, or a nested list of numbers, for JSON; raises TypeError for anything else."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"got a bool ({value!r}), not a number")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) or isinstance(value, (list, tuple)):
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"got an array of {arr.dtype}, not of numbers")
        return arr.astype(float).tolist()
    raise TypeError(f"got {type(value).__name__}, not a number")


def describe(exc):
    """The student's error in one line: 'NotImplementedError: your code here (line 19)'."""
    line = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if _STATE["path"] and os.path.abspath(frame.filename) == _STATE["path"]:
            line = f" (line {frame.lineno} of your file)"
            break
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}{line}" if text else f"{type(exc).__name__}{line}"


#: The student's file (to name its lines in errors) and where results go (the real stdout,
#: kept aside while the student's own prints are captured).
_STATE = {"path": "", "out": None}


def emit(section, **data):
    """One finished section, as a marked JSON line on the real stdout."""
    print(MARKER, json.dumps({"section": section, **data}), file=_STATE["out"] or sys.stdout, flush=True)


def attempt(call):
    """(result, None) or (None, message): the student's code raised, or returned something not numeric."""
    try:
        return plain(call()), None
    except STUDENT_ERRORS as exc:       # the student's error, reported in their terms
        return None, describe(exc)


def attempt_word(call, longest=40):
    """(text, None) or (None, message), where a word is expected: a str is kept (cut to ``longest``
    characters), anything else is sent as its repr, so the picture can say what came back."""
    try:
        value = call()
        return (value if isinstance(value, str) else repr(value))[:longest], None
    except STUDENT_ERRORS as exc:
        return None, describe(exc)


def curve(fn, points):
    """The student's fn at each point; the first error stops the curve (it would repeat)."""
    values = []
    for p in points:
        value, error = attempt(lambda: fn(p))
        if error:
            return values, error
        values.append(value)
    return values, None
