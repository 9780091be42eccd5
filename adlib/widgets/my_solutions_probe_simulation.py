"""The probe of the simulation exercise (ex08), in the student's process: the ball's flight and its slopes.

:mod:`adlib.widgets.my_solutions_probe` dispatches here.  Only numpy runs beside the
student's code.  The student's functions are called on one launch (:data:`EX08_LAUNCH`),
over a small range of drags (:data:`EX08_DRAGS`), for every loop length n = 1..N, and
on notebook 10's fit (:data:`EX08_FIT`).  ``reverse_gradient`` is given the states of
:func:`ex08_states` (the exercise's Euler step, in numpy), so a wrong ``simulate`` does
not hide a right reverse sweep; the kernel computes adlib's side with adlib.numpy
(:func:`adlib.widgets.my_solutions_reference.reference_ex08`).

Sections, one line each (a section whose code never finishes is simply missing)::

    {"section": "helpers", "errors": {"step": null, "step_tangent": "NotImplementedError: ...", ...}}
    {"section": "simulate", "states": [[0, 0, 11, 19.05], ...], "error": null}
    {"section": "distance_and_slope", "x": [...], "slope": [...], "error": null}   # one per drag
    {"section": "fit_drag", "drags": [...], "x_seen": 26.4, "error": null}
    {"section": "forward n", "slopes": [...], "error": null}                      # dx_n/dk, n = 1..N
    {"section": "reverse n", "slopes": [...], "state_grad": [...], "error": null}  # state_grad at n = N

An ``error`` names the student's function it was raised in, as ``"... [in step]"``.
"""
from __future__ import annotations

import os

import numpy as np

from .my_solutions_probe_io import STUDENT_ERRORS, _STATE, describe, emit, plain

__all__ = ["EX08_LAUNCH", "EX08_DRAGS", "EX08_TANGENTS", "EX08_FIT", "EX08_ITERATIONS", "EX08_FUNCTIONS",
           "ex08_states", "probe_ex08"]

G = 9.81
#: The launch of the trajectory and of the slopes along the loop: angle (°), speed (m/s), drag, Δt (s), N.
EX08_LAUNCH = (60.0, 22.0, 0.02, 0.02, 100)
#: The drags at which x_N and dx_N/dk are asked for, and those whose tangent lines are drawn.
EX08_DRAGS = tuple(round(0.005 * i, 3) for i in range(13))
EX08_TANGENTS = (0.01, 0.03, 0.05)
#: fit_drag: notebook 10's ball (40°, 25 m/s, Δt = 0.02 s, 100 steps) thrown with the drag 0.03.
EX08_FIT = (40.0, 25.0, 0.02, 100, 0.03)
EX08_ITERATIONS = 8
#: The student's functions in the order of the exercise, each with the ones it calls.
EX08_FUNCTIONS = {"step": (), "simulate": ("step",), "step_tangent": (), "distance_and_slope":
                  ("simulate", "step_tangent"), "step_adjoint": (), "reverse_gradient": ("step_adjoint",),
                  "fit_drag": ("distance_and_slope",)}


def ex08_states(angle, speed, drag, dt, steps):
    """The states s_0, ..., s_N of the exercise's Euler loop, shape (N + 1, 4): the inputs the probe hands on."""
    theta = angle * np.pi / 180
    states = np.empty((steps + 1, 4))
    states[0] = 0.0, 0.0, speed * np.cos(theta), speed * np.sin(theta)
    for n in range(steps):
        x, y, vx, vy = states[n]
        v = np.sqrt(vx * vx + vy * vy)
        states[n + 1] = x + dt * vx, y + dt * vy, vx - dt * drag * v * vx, vy - dt * (G + drag * v * vy)
    return states


def _where(exc):
    """The student's function the error was raised in (the innermost frame of their file), or ""."""
    tb, name = exc.__traceback__, ""
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == _STATE["path"]:
            name = tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return name


def _call(call, shape=None, what=""):
    """(plain numbers, None) or (None, "the error [in function]"); a result of another shape is an error."""
    try:
        value = call()
        if shape is None:
            return plain(value), None
        parts = list(value) if isinstance(value, (tuple, list)) else None
        if parts is None or len(parts) != len(shape):
            raise TypeError(f"returned {type(value).__name__}, expected {what}")
        parts = [plain(p) for p in parts]
        for part, size in zip(parts, shape):
            if np.shape(part) != size:
                raise ValueError(f"returned a part of shape {np.shape(part)}, expected {what}")
        return parts, None
    except STUDENT_ERRORS as exc:
        where = _where(exc)
        return None, describe(exc) + (f" [in {where}]" if where and where != "<module>" else "")


def _series(call, points, **kw):
    """The student's call at each point; the first error stops the series (it would repeat)."""
    values = []
    for p in points:
        value, error = _call(lambda: call(p), **kw)
        if error:
            return values, error
        values.append(value)
    return values, None


def probe_ex08(mod):
    fns = {name: getattr(mod, name, None) for name in EX08_FUNCTIONS}
    missing = {name: f"there is no function {name} in your file" for name, fn in fns.items() if fn is None}
    angle, speed, drag, dt, steps = EX08_LAUNCH
    right = ex08_states(angle, speed, drag, dt, steps)
    state, vector = right[40].copy(), np.array([0.3, -0.2, 1.5, 0.7])
    checks = {"step": lambda: fns["step"](state.copy(), drag, dt),
              "step_tangent": lambda: fns["step_tangent"](state.copy(), vector.copy(), drag, dt),
              "step_adjoint": lambda: fns["step_adjoint"](state.copy(), vector.copy(), drag, dt)[0]}
    emit("helpers", errors={k: missing.get(k) or _call(c)[1] for k, c in checks.items()})
    pair = dict(shape=((), ()), what="the pair (x_N, dx_N/dk)")
    for name, run in (
            ("simulate", lambda: dict(zip(("states", "error"), _call(lambda: fns["simulate"](*EX08_LAUNCH))))),
            ("distance_and_slope", lambda: _xs_and_slopes(fns["distance_and_slope"], pair)),
            ("fit_drag", lambda: _fit(fns["fit_drag"])),
            ("forward n", lambda: _along(lambda n: fns["distance_and_slope"](angle, speed, drag, dt, n), pair)),
            ("reverse n", lambda: _reverse(fns["reverse_gradient"], right))):
        function = "distance_and_slope" if name == "forward n" else name.split()[0]
        emit(name, **({"error": missing[function]} if function in missing else run()))


def _xs_and_slopes(fn, pair):
    angle, speed, _, dt, steps = EX08_LAUNCH
    found, error = _series(lambda k: fn(angle, speed, k, dt, steps), EX08_DRAGS, **pair)
    return {"x": [f[0] for f in found], "slope": [f[1] for f in found], "error": error}


def _fit(fn):
    angle, speed, dt, steps, drag = EX08_FIT
    x_seen = float(ex08_states(angle, speed, drag, dt, steps)[-1, 0])
    drags, error = _call(lambda: fn(angle, speed, dt, steps, x_seen))
    if error is None and np.shape(drags) != (EX08_ITERATIONS,):
        drags, error = None, f"returned shape {np.shape(drags)}, expected a list of {EX08_ITERATIONS} drags"
    return {"drags": drags, "x_seen": x_seen, "error": error}


def _along(call, pair):
    found, error = _series(call, range(1, EX08_LAUNCH[-1] + 1), **pair)
    return {"slopes": [f[1] for f in found], "error": error}


def _reverse(fn, right):
    drag, dt = EX08_LAUNCH[2], EX08_LAUNCH[3]
    shape = dict(shape=((4,), ()), what="the pair (dx_N/ds_0 of shape (4,), dx_N/dk)")
    found, error = _series(lambda n: fn(right[:n + 1].copy(), drag, dt), range(1, len(right)), **shape)
    return {"slopes": [f[1] for f in found], "state_grad": found[-1][0] if found else None, "error": error}
