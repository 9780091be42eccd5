"""Probes for exercise 7 (forward against reverse).

The maps are built here from their coefficients, in numpy: f(x) is A x, tanh(A x) + B x
or (A x) * (B x), so that J(x) = diag(s) A + diag(t) B.  The JVP and the VJP handed to
the student's functions count every call and note every call at a point other than
the x they were given; the Jacobian itself is never computed here.
"""
from itertools import count

import numpy as np

from .common import own


def _parts(kind, A, B, x):
    """(f(x), s, t) with J(x) = diag(s) A + diag(t) B."""
    a, b = A @ x, B @ x
    if kind == "linear":
        return a, np.ones_like(a), np.zeros_like(a)
    if kind == "tanh":
        th = np.tanh(a)
        return th + b, 1.0 - th * th, np.ones_like(a)
    if kind == "product":
        return a * b, b, a
    raise ValueError(f"no map of kind {kind!r}")


#: What the probe counts: the calls of jvp, of vjp, of back, and those at a point other than x.
COUNTS = ("jvp", "vjp", "back", "elsewhere")


def _vector(value, size, what):
    v = np.asarray(value, dtype=float)
    if v.shape != (size,):
        raise ValueError(f"{what} must be one vector of shape ({size},), got shape {v.shape}")
    return v


def _counted(kind, A, B, x0):
    """(jvp, vjp, counters) for f at any point; the counters count the calls and the calls away from x0,
    in the order of COUNTS.

    Each counter is an itertools.count, which can go up but never down, and the caller keeps its
    own references to them in a tuple, which cannot be changed either: replacing what the
    functions' closures hold, or what the caller's frame holds, only stops the counting.
    """
    n, m = A.shape[1], A.shape[0]
    counters = tuple(count() for _ in COUNTS)
    jvps, vjps, backs, away = counters

    x0 = x0.tobytes()   # compared as bytes: a submission can patch numpy's functions, not ndarray's methods

    def at(point, what):
        point = _vector(point, n, what)
        if point.tobytes() != x0:
            next(away)
        return point

    def jvp(x, v):
        x = at(x, "jvp(x, v): the point x")
        v = _vector(v, n, "jvp(x, v): the tangent v (one JVP per call)")
        next(jvps)
        y, s, t = _parts(kind, A, B, x)
        return y, s * (A @ v) + t * (B @ v)

    def vjp(x):
        x = at(x, "vjp(x): the point x")
        next(vjps)
        y, s, t = _parts(kind, A, B, x)

        def back(u):
            u = _vector(u, m, "back(u): the cotangent u (one VJP per call)")
            next(backs)
            return A.T @ (s * u) + B.T @ (t * u)
        return y, back
    return jvp, vjp, counters


def jacobian(m, mode, kind, A, B, x):
    """The student's jacobian_by_jvps (mode "forward") or jacobian_by_vjps ("reverse") on f at x,
    with the counts of its calls: {"J", "jvp", "vjp", "back", "elsewhere"}."""
    jvp, vjp, counters = _counted(kind, A, B, x.copy())
    if mode == "forward":
        J = own(m, "jacobian_by_jvps")(jvp, x.copy())
    else:
        J = own(m, "jacobian_by_vjps")(vjp, x.copy())
    return {"J": J, **{name: next(counter) for name, counter in zip(COUNTS, counters)}}


def cheaper_mode(m, cases):
    fn = own(m, "cheaper_mode")
    return [fn(int(n), int(k)) for n, k in cases]


def chain_cost(m, dims, grouping):
    return own(m, "chain_cost")([int(d) for d in dims], str(grouping))
