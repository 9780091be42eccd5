"""Wrong answers dressed up: fake output, tampering, a forged results file, a daemon.

Every function returns a wrong number; none of the tricks may earn a point.
"""
import gc
import json
import math
import os
import sys
import time

import numpy as np

FAKE = {"score": 999, "tests": [{"name": "everything", "score": 999, "max_score": 1}]}

# Fake printed results, in the grader's text format and in Gradescope's.
print("Exercise 1: Finite differences -- 13/13 points\nTotal: 13/13 points")
print(json.dumps(FAKE))
sys.stderr.write("PASSED\n")


def _forge_results():
    """Overwrite every results file the grader might write."""
    targets = ["results.json", "/autograder/results/results.json"]
    for pid in os.listdir("/proc"):
        try:
            args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        for flag in (b"--json", b"--out"):
            if flag in args:
                i = args.index(flag)
                if i + 1 < len(args):
                    targets.append(args[i + 1].decode())
    for t in targets:
        try:
            with open(t, "w") as fh:
                json.dump(FAKE, fh)
        except OSError:
            pass


def _tamper():
    # Monkeypatch numpy, math, adlib, pytest and the grader's own checks.
    np.allclose = lambda *a, **k: True
    np.array_equal = lambda *a, **k: True
    math.isclose = lambda *a, **k: True
    try:
        import adlib
        adlib.central_difference = lambda *a, **k: 0.0
        import pytest
        pytest.fail = lambda *a, **k: None
        pytest.approx = lambda *a, **k: True
        from adlib.grade import expect
        expect.close = lambda *a, **k: None
        expect.matches = lambda *a, **k: True
        for name, mod in list(sys.modules.items()):
            if name.startswith("adlib.grade.checks") or name.startswith("check_ex"):
                for attr in dir(mod):
                    if attr.startswith("test_"):
                        setattr(mod, attr, lambda *a, **k: None)
    except Exception:
        pass


def _daemon():
    """A detached process that forges the results again after grading ends."""
    try:
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(1.0)
                _forge_results()
            os._exit(0)
    except OSError:
        pass


def _steal_expected():
    """Walk the caller's frames for a reference answer."""
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("want", "expected", "reference"):
            if name in frame.f_locals:
                return frame.f_locals[name]
        frame = frame.f_back
    return None


for trick in (_tamper, _forge_results, _daemon):
    try:
        trick()
    except Exception:
        pass


def forward_difference(f, x, h=1e-7):
    stolen = _steal_expected()
    return stolen if stolen is not None else 42.0


def central_difference(f, x, h=1e-5):
    try:
        _forge_results()
    except Exception:
        pass
    return 42.0


def numerical_gradient(f, x, h=1e-5):
    try:
        os.kill(os.getppid(), 9)   # try to kill the grader
    except OSError:
        pass
    return np.zeros_like(x) + 42.0


def best_step(method):
    return 42.0
