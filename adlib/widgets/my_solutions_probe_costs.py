"""The probe of the cost exercise (ex07), in the student's process: counted JVPs and VJPs, plain numbers out.

:mod:`adlib.widgets.my_solutions_probe` dispatches here.  Only numpy runs beside the
student's code: each map f: R^n -> R^m is f(x) = tanh(A x) + B x, built from seeded
coefficients (:func:`ex07_map`), whose JVP and VJP are written out with
J(x) = diag(1 - tanh(A x)²) A + B and count every call (:func:`counted_map`).  The
Jacobian itself is never formed here: the kernel builds the same maps with
adlib.numpy and asks adlib (:func:`adlib.widgets.my_solutions_reference.reference_ex07`).

Sections, one line each (a size whose code never finishes is simply missing)::

    {"section": "jacobian_by_jvps n=4 m=3", "J": [[...]], "jvp": 4, "vjp": 0, "back": 0,
     "elsewhere": 0, "error": null}
    {"section": "cheaper_mode", "answers": ["reverse", ...], "errors": [null, ...]}
    {"section": "chain_cost", "forward": [90.0, ...], "reverse": [36.0, ...], "errors": {...}}
"""
from __future__ import annotations

import numpy as np

from .my_solutions_probe_io import attempt, attempt_word, emit

__all__ = ["EX07_FIXED", "EX07_GRID", "EX07_JACOBIANS", "EX07_MODE_CASES", "EX07_CHAINS", "ex07_map",
           "section_name", "counted_map", "probe_ex07"]

#: The size held fixed while the other grows: n grows with m = 3, then m grows with n = 3.
EX07_FIXED = 3
EX07_GRID = (tuple((n, EX07_FIXED) for n in (1, 2, 4, 6, 8))
             + tuple((EX07_FIXED, m) for m in (1, 2, 4, 6, 8)))

#: The student's two Jacobian builders and the mode each one is.
EX07_JACOBIANS = {"jacobian_by_jvps": "forward", "jacobian_by_vjps": "reverse"}

#: (n, m) for cheaper_mode: a gradient, a curve, both ways round, and a tie.
EX07_MODE_CASES = ((100, 1), (1, 100), (5, 3), (3, 5), (4, 4))

#: Chains for chain_cost: notebook 07's example, the same sizes reversed, and a longer one.
EX07_CHAINS = ((6, 4, 3, 1), (1, 3, 4, 6), (2, 6, 6, 6, 1))


def ex07_map(n, m):
    """``(A, B, x)``: the coefficients of f(x) = tanh(A x) + B x from R^n to R^m, and the point x."""
    rng = np.random.default_rng(7000 + 100 * n + m)
    A, B = rng.normal(size=(m, n)) / np.sqrt(n), rng.normal(size=(m, n)) / np.sqrt(n)
    return A, B, rng.normal(size=n)


def section_name(function, n, m):
    return f"{function} n={n} m={m}"


def _vector(value, size, what):
    v = np.asarray(value, dtype=float)
    if v.shape != (size,):
        raise ValueError(f"{what} must be one vector of shape ({size},), got shape {v.shape}")
    return v


def counted_map(A, B, x0):
    """``(jvp, vjp, counts)`` for f(x) = tanh(A x) + B x, as the exercise describes them.

    ``counts`` holds the calls of ``jvp``, of ``vjp`` (recordings of f) and of ``back``
    (VJPs), and ``elsewhere``: the calls of jvp or vjp at a point other than ``x0``.
    """
    m, n = A.shape
    counts = {"jvp": 0, "vjp": 0, "back": 0, "elsewhere": 0}

    def at(point, what):
        point = _vector(point, n, what)
        counts["elsewhere"] += int(not np.array_equal(point, x0))
        th = np.tanh(A @ point)
        return th + B @ point, 1.0 - th * th          # f(point), and the slopes of tanh

    def jvp(x, v):
        y, s = at(x, "jvp(x, v): the point x")
        v = _vector(v, n, "jvp(x, v): the tangent v (one JVP per call)")
        counts["jvp"] += 1
        return y, s * (A @ v) + B @ v

    def vjp(x):
        y, s = at(x, "vjp(x): the point x")
        counts["vjp"] += 1

        def back(u):
            u = _vector(u, m, "back(u): the cotangent u (one VJP per call)")
            counts["back"] += 1
            return A.T @ (s * u) + B.T @ u
        return y, back
    return jvp, vjp, counts


def probe_ex07(mod):
    for function in EX07_JACOBIANS:
        fn = getattr(mod, function, None)
        for n, m in EX07_GRID:
            A, B, x = ex07_map(n, m)
            jvp, vjp, counts = counted_map(A, B, x.copy())
            given = jvp if function == "jacobian_by_jvps" else vjp
            if fn is None:
                J, error = None, f"there is no function {function} in your file"
            else:
                J, error = attempt(lambda: fn(given, x.copy()))
            emit(section_name(function, n, m), J=J, error=error, **counts)
    cheaper = getattr(mod, "cheaper_mode", None)
    answers, errors = [], []
    for n, m in EX07_MODE_CASES:
        word, error = (attempt_word(lambda: cheaper(n, m)) if cheaper is not None
                       else (None, "there is no function cheaper_mode in your file"))
        answers.append(word)
        errors.append(error)
    emit("cheaper_mode", answers=answers, errors=errors)
    cost = getattr(mod, "chain_cost", None)
    found = {"forward": [], "reverse": []}
    errors = {"forward": [], "reverse": []}
    for dims in EX07_CHAINS:
        for grouping in found:
            value, error = (attempt(lambda: cost(list(dims), grouping)) if cost is not None
                            else (None, "there is no function chain_cost in your file"))
            found[grouping].append(value if isinstance(value, float) else None)
            errors[grouping].append(error or (None if isinstance(value, float) else "did not return one number"))
    emit("chain_cost", errors=errors, **found)
