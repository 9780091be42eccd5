"""The chain rule at work: hand derivations and the evaluation trace of notebook 03.

The evaluation trace (Wengert list) of the loss of one sigmoid neuron,
``L = (sigmoid(w x + b) - target)^2``, one elementary operation per line::

    t1 = w * x        t5 = 1 + t4
    t2 = t1 + b       t6 = 1 / t5        (= sigmoid(w x + b))
    t3 = -t2          t7 = t6 - target
    t4 = exp(t3)      t8 = t7 ** 2       (= L)

Each step's *local* derivative is computed by adlib's forward mode applied to
that one operation, so no derivative formula is restated here; chaining them
from the end gives dL/dw.
"""
from __future__ import annotations

import adlib

__all__ = ["TRACE_STEPS", "LOCAL_FORMULAS", "evaluation_trace", "local_derivatives", "chain_backward",
           "logistic_loss", "logistic_dloss_dw_by_hand", "car_position", "bicycle_position"]

#: (name, formula, input it is differentiated along, the operation as a function of that input
#:  given the trace so far).  t1 is differentiated along w; every other step along the one before.
TRACE_STEPS = [
    ("t1", "w * x", "w", lambda v, t: v * t["x"]),
    ("t2", "t1 + b", "t1", lambda v, t: v + t["b"]),
    ("t3", "-t2", "t2", lambda v, t: -v),
    ("t4", "exp(t3)", "t3", lambda v, t: adlib.exp(v)),
    ("t5", "1 + t4", "t4", lambda v, t: 1.0 + v),
    ("t6", "1 / t5", "t5", lambda v, t: 1.0 / v),
    ("t7", "t6 - target", "t6", lambda v, t: v - t["target"]),
    ("t8", "t7 ** 2", "t7", lambda v, t: v ** 2),
]

#: Each local derivative in symbols, as a student would write it.  The lecture
#: notes write exp(t3) * t3 for dt4/dt3; the correct derivative is exp(t3).
LOCAL_FORMULAS = {
    "t1": "dt1/dw = x", "t2": "dt2/dt1 = 1", "t3": "dt3/dt2 = -1", "t4": "dt4/dt3 = exp(t3)",
    "t5": "dt5/dt4 = 1", "t6": "dt6/dt5 = -1 / t5^2", "t7": "dt7/dt6 = 1", "t8": "dt8/dt7 = 2 t7",
}


def evaluation_trace(w, x, b, target):
    """The forward pass as a dict: the inputs and t1 .. t8 in order."""
    t = {"w": w, "x": x, "b": b, "target": target}
    for name, _formula, arg, op in TRACE_STEPS:
        t[name] = op(t[arg], t)
    return t


def local_derivatives(trace):
    """{t_i: d t_i / d (its input)} at the trace's values, each by forward mode on one step."""
    return {name: adlib.derivative(lambda v, op=op: op(v, trace), trace[arg])
            for name, _formula, arg, op in TRACE_STEPS}


def chain_backward(trace):
    """Multiply the local derivatives from the end: [(name, dL/d name)] from t8 back to w.

    dL/dt8 = 1, and dL/d(input of t_i) = dL/dt_i * dt_i/d(input).
    """
    local = local_derivatives(trace)
    adjoint = 1.0
    rows = [("t8", adjoint)]
    for name, _formula, arg, _op in reversed(TRACE_STEPS):
        adjoint = adjoint * local[name]
        rows.append((arg, adjoint))
    return rows


def logistic_loss(w, b, x, t, lam):
    """Regularized logistic regression on one example: 1/2 (sigmoid(w x + b) - t)^2 + lam/2 w^2."""
    r = adlib.sigmoid(w * x + b) - t
    return 0.5 * r * r + 0.5 * lam * w * w


def logistic_dloss_dw_by_hand(w, b, x, t, lam):
    """The derivation by hand: (sigmoid(z) - t) sigmoid(z) (1 - sigmoid(z)) x + lam w, z = w x + b.

    Written once here so notebook 03 can compare it with forward mode and finite
    differences; sigmoid(z) is computed once and reused (caching).
    """
    s = adlib.sigmoid(w * x + b)
    return (s - t) * s * (1 - s) * x + lam * w


# The car, the bicycle and the walking man: positions as functions of the man's.
def bicycle_position(z):
    """The bicycle goes four times as fast as the man: y = 4 z."""
    return 4.0 * z


def car_position(y):
    """The car goes twice as fast as the bicycle: x = 2 y."""
    return 2.0 * y
