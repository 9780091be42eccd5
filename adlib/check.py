"""gradcheck: does a gradient agree with central differences?  And if not, why?

Three independent computations of the same derivative are compared, in float64:

* reverse mode  ūᵀJ  (the VJP rules, :func:`adlib.vjp`);
* forward mode  J v  (the JVP rules, :func:`adlib.jvp`), where every operation has one;
* central differences  (f(x + h e) - f(x - h e)) / 2h,  error O(h²) plus rounding.

Small inputs (``x.size * out.size <= FULL_JACOBIAN_LIMIT``) get their full Jacobians
compared entry by entry.  Larger ones are checked along random directions with a
random, non-uniform output gradient ū (an all-ones ū would let a wrong reduction
pass, since a mistake can cancel when every weight is 1), and at sampled entries.

A mismatch raises :class:`GradcheckError` naming the input, the index, the
analytic and numerical values, the relative error and a likely cause in words.
"""
from __future__ import annotations

import numpy as np

from . import validate
from .forward import jvp as _jvp
from .functional import vjp as _vjp
from .numeric import returned_none

__all__ = ["gradcheck", "GradcheckError", "FULL_JACOBIAN_LIMIT"]

FULL_JACOBIAN_LIMIT = 1024   # x.size * out.size up to which whole Jacobians are compared


class GradcheckError(AssertionError):
    """A gradient that disagrees with central differences (or with the other mode).

    Attributes: ``argnum``, ``index`` (in the input), ``out_index`` (in the output, or
    None for a projection), ``analytic``, ``numerical``, ``mode`` ("reverse"/"forward").

    A primitive whose rule says sin' = sin (it is cos) is caught at the first entry:

    >>> import adlib
    >>> bad_sin = adlib.defvjp(adlib.primitive(np.sin), lambda g, ans, x: g * np.sin(x))
    >>> try:
    ...     adlib.gradcheck(bad_sin, np.array([1.0]))
    ... except adlib.GradcheckError as e:
    ...     print(e.mode, e.index, round(float(e.analytic), 4), round(float(e.numerical), 4))
    reverse (0,) 0.8415 0.5403
    """

    def __init__(self, message, argnum=None, index=None, out_index=None, analytic=None, numerical=None,
                 mode=None):
        super().__init__(message)
        self.argnum, self.index, self.out_index = argnum, index, out_index
        self.analytic, self.numerical, self.mode = analytic, numerical, mode


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """True if reverse mode, forward mode (where it applies) and central differences agree.

    Tolerances (PyTorch's convention): an analytic value a passes against the
    numerical value n when ``|a - n| <= atol + rtol * |n|``.  The defaults
    ``eps=1e-6, atol=1e-5, rtol=1e-3`` suit float64 functions of moderate size:
    central differences with h = 1e-6 are accurate to about 1e-9 relative for
    smooth f (truncation h² f''' ≈ 1e-12, rounding ε_mach |f| / h ≈ 1e-10).  The step is
    relative: h = eps · max(1, |x_j|) for entry j (and eps · max(1, max |x|) along a random
    direction), so large inputs (x = 1e10) are checked as accurately as small ones.
    ``eps`` must be positive and finite, ``atol`` and ``rtol`` finite and >= 0.

    Every float input is converted to float64 and must be finite.  Integer arrays
    (labels, indices) are passed through unchanged and held fixed: they are not
    differentiable, so they are not checked.  f must accept the
    inputs as float64 arrays and return an array or a number.  Raises
    :class:`GradcheckError` at the worst mismatch; ``seed`` fixes the random
    directions and output gradients.

    d/dx (x sin x) = sin x + x cos x, in both modes, against central differences:

    >>> import adlib.numpy as anp
    >>> gradcheck(lambda x: x * anp.sin(x), np.array([0.5, 1.0, 2.0]))
    True
    """
    if not callable(f):
        raise TypeError(f"gradcheck: f must be a function, got {validate.describe(f)}")
    eps = validate.finite_number(eps, "gradcheck", "eps (the relative step)", positive=True)
    atol = validate.finite_number(atol, "gradcheck", "atol", nonnegative=True)
    rtol = validate.finite_number(rtol, "gradcheck", "rtol", nonnegative=True)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"gradcheck: seed must be an int, got {validate.describe(seed)}")
    xs = [_prepare(x, i) for i, x in enumerate(inputs)]
    if not xs:
        raise TypeError("gradcheck: give at least one input: gradcheck(f, x, ...)")
    if all(_is_fixed(x) for x in inputs):
        raise TypeError("gradcheck: every input is an integer array, so there is nothing to differentiate; "
                        "give the inputs to check as float arrays")
    out = _evaluate(f, xs, "at the given inputs")
    rng = np.random.default_rng(seed)
    tol = dict(eps=eps, atol=atol, rtol=rtol)
    for i, x in enumerate(xs):
        if _is_fixed(inputs[i]):
            continue
        def f_i(xi, i=i):
            return f(*xs[:i], xi, *xs[i + 1:])
        if x.size * max(out.size, 1) <= FULL_JACOBIAN_LIMIT:
            _check_full(f_i, x, out, i, rng, tol)
        else:
            _check_projected(f_i, x, out, i, rng, tol)
    return True


# ---------------------------------------------------------------------------

def _is_fixed(x):
    """Integer arrays are indices or labels: held fixed, never perturbed."""
    return isinstance(x, np.ndarray) and (np.issubdtype(x.dtype, np.integer) or x.dtype == bool)


def _prepare(x, i):
    if _is_fixed(x):
        return x
    a = validate.real_array(x, "gradcheck", f"input {i}")
    if not np.all(np.isfinite(a)):
        bad = tuple(int(k) for k in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"gradcheck: input {i} is not finite at index {bad} ({a[bad]}); "
                         "no derivative can be checked there")
    return a


def _evaluate(f, xs, where):
    out = f(*xs)
    if out is None:
        raise returned_none("gradcheck")
    try:
        out = np.array(out, dtype=np.float64)
    except TypeError:
        raise TypeError(f"gradcheck: f returned {type(out).__name__}; when called on plain float arrays it must "
                        "return an array or a number (is a traced value leaking out of it?)") from None
    if not np.all(np.isfinite(out)):
        raise ValueError(f"gradcheck: f is not finite {where} (output {out!r:.60}); no derivative can be checked")
    return out


def _numerical_column(f_i, x, direction, eps):
    """(f(x + h d) - f(x - h d)) / 2h as a flat array, with the relative step h = eps · max(1, |x| along d)."""
    moved = np.abs(np.asarray(x)[np.asarray(direction) != 0])
    h = eps * max(1.0, float(np.max(moved)) if moved.size else 1.0)
    hi = np.asarray(f_i(x + h * direction), dtype=np.float64)
    lo = np.asarray(f_i(x - h * direction), dtype=np.float64)
    return ((hi - lo) / (2.0 * h)).ravel()


def _forward_column(f_i, x, direction):
    """J d by forward mode, or None if some operation has no forward-mode rule."""
    try:
        _, t = _jvp(f_i, (x,), (direction,))
    except (TypeError, AttributeError):
        return None
    return np.asarray(t, dtype=np.float64).ravel()


def _unit(x, j):
    e = np.zeros(x.size)
    e[j] = 1.0
    return e.reshape(x.shape)


def _check_full(f_i, x, out, i, rng, tol):
    m, n = max(out.size, 1), x.size
    value, vjp_fn = _vjp(f_i, x)
    J_rev = np.empty((m, n))
    for k in range(m):
        e = np.zeros(m)
        e[k] = 1.0
        J_rev[k] = np.asarray(vjp_fn(e.reshape(np.shape(value)))[0], dtype=np.float64).ravel()
    J_num = np.stack([_numerical_column(f_i, x, _unit(x, j), tol["eps"]) for j in range(n)], axis=1) \
        if n else np.zeros((m, 0))
    cols = [_forward_column(f_i, x, _unit(x, j)) for j in range(n)]
    J_fwd = None if any(c is None for c in cols) or not n else np.stack(cols, axis=1)
    for mode, J in (("reverse", J_rev), ("forward", J_fwd)):
        if J is not None:
            _compare(J, J_num, mode, i, x, out, f_i, tol, other=J_fwd if mode == "reverse" else J_rev,
                     full=True)
    # a random, non-uniform output gradient: the VJP must be linear in it
    u = rng.standard_normal(np.shape(value))
    r = np.asarray(vjp_fn(u)[0], dtype=np.float64).ravel()
    expected = u.ravel() @ J_rev
    _compare(r[None, :], expected[None, :], "reverse", i, x, out, f_i, tol, other=None, full=False,
             note="with a random output gradient ū, ūᵀJ differs from the sum of ū_k times the Jacobian's rows: "
                  "the VJP rule does not multiply the output gradient g through linearly")


def _check_projected(f_i, x, out, i, rng, tol):
    value, vjp_fn = _vjp(f_i, x)
    u = rng.standard_normal(np.shape(value))
    r = np.asarray(vjp_fn(u)[0], dtype=np.float64).ravel()        # ūᵀJ, one entry per input element

    def projected(xi):
        return np.sum(u * np.asarray(f_i(xi), dtype=np.float64))

    # entries: the largest analytic ones and a few random ones
    n = x.size
    picks = list(np.argsort(-np.abs(r))[:8]) + list(rng.choice(n, size=min(8, n), replace=False))
    picks = sorted(set(int(p) for p in picks))
    num = np.array([_numerical_column(projected, x, _unit(x, j), tol["eps"])[0] for j in picks])
    _compare(r[picks][None, :], num[None, :], "reverse", i, x, out, f_i, tol, other=None, full=False,
             columns=picks, projected=projected)
    # a random direction v: ūᵀ J v three ways
    v = rng.standard_normal(x.shape)
    num_v = _numerical_column(projected, x, v, tol["eps"])
    rev_v = np.array([r @ v.ravel()])
    _compare(rev_v[None, :], num_v[None, :], "reverse", i, x, out, f_i, tol, other=None, full=False,
             direction=True)
    fwd = _forward_column(f_i, x, v)
    if fwd is not None:
        _compare(np.array([[u.ravel() @ fwd]]), num_v[None, :], "forward", i, x, out, f_i, tol, other=None,
                 full=False, direction=True)


def _compare(A, N, mode, i, x, out, f_i, tol, other, full, columns=None, note=None, projected=None,
             direction=False):
    atol, rtol = tol["atol"], tol["rtol"]
    excess = np.abs(A - N) - (atol + rtol * np.abs(N))
    if not np.any(excess > 0) and np.all(np.isfinite(A) == np.isfinite(N)):
        return
    k, j = np.unravel_index(np.nanargmax(np.where(np.isfinite(excess), excess, np.inf)), A.shape)
    a, nval = float(A[k, j]), float(N[k, j])
    col = columns[j] if columns is not None else j
    in_index = tuple(int(t) for t in np.unravel_index(col, x.shape)) if not direction else None
    out_index = tuple(int(t) for t in np.unravel_index(k, out.shape)) if full and out.ndim else None
    rel = abs(a - nval) / max(abs(nval), 1e-300)
    other_val = float(other[k, j]) if other is not None else None
    what = ("the derivative of " + (f"output {out_index} " if out_index is not None else "the output ")
            + f"with respect to input {i}" + (f" at index {in_index}" if in_index is not None else ""))
    if not full and not direction:
        what = f"ūᵀJ for a random output gradient ū, input {i} at index {in_index}"
    if direction:
        what = f"ūᵀJv for a random output gradient ū and random direction v, input {i}"
    label = "reverse mode (vjp)" if mode == "reverse" else "forward mode (jvp)"
    lines = [f"gradcheck failed: {what} (input shape {x.shape}, output shape {out.shape})",
             f"  {label + ':':<22}{a!r}",
             f"  {'central differences:':<22}{nval!r}"]
    if other_val is not None:
        lines.append(f"  {'forward mode (jvp):':<22}{other_val!r}")
    lines.append(f"  relative error {rel:.3g}; passes when |analytic - numerical| <= atol + rtol·|numerical| "
                 f"(atol={atol:g}, rtol={rtol:g})")
    # rounding alone spoils a central difference by about ε_mach |f| / h: when that exceeds the
    # tolerance, the numerical value cannot be trusted (|f| huge next to the derivative checked)
    h = tol["eps"] * max(1.0, abs(float(x.flat[col])) if in_index is not None and x.size else 1.0)
    size = (abs(float(out.flat[k])) if full and out.size else float(np.max(np.abs(out)))) if out.size else 0.0
    noise = np.finfo(np.float64).eps * size / h
    if noise > atol + rtol * abs(nval) and note is None:
        note = (f"central differences cannot resolve this derivative: f's values (up to {size:.3g}) "
                f"are so large that rounding alone changes the difference quotient by about {noise:.3g} "
                "(ε_mach · |f| / h). Check a scaled-down f, or this input on its own.")
    cause = note or explain(a, nval, mode=mode, other=other_val, shapes=(x.shape, out.shape), tol=tol,
                            kink=_kink(f_i, x, col, k, tol, projected) if in_index is not None else False)
    lines.append(f"Likely cause: {cause}")
    raise GradcheckError("\n".join(lines), argnum=i, index=in_index, out_index=out_index, analytic=a,
                         numerical=nval, mode=mode)


def _kink(f_i, x, col, k, tol, projected):
    """Is f not smooth here?  Central differences with steps h and 100 h disagree, or the one-sided
    slopes do (a symmetric kink such as relu at 0, where every central difference gives 1/2)."""
    e = _unit(x, col)          # the steps are relative to |x_col|, as in _numerical_column
    g = projected if projected is not None else (lambda xi: np.asarray(f_i(xi), dtype=np.float64).ravel()[k])
    small = _numerical_column(g, x, e, tol["eps"])[0]
    big = _numerical_column(g, x, e, 100 * tol["eps"])[0]
    bound = 10 * (tol["atol"] + tol["rtol"] * abs(small))
    if abs(small - big) > bound:
        return True
    h = 100 * tol["eps"] * max(1.0, abs(float(x.flat[col])))
    f0 = float(np.asarray(g(x)).ravel()[0])
    right = (float(np.asarray(g(x + h * e)).ravel()[0]) - f0) / h
    left = (f0 - float(np.asarray(g(x - h * e)).ravel()[0])) / h
    return abs(right - left) > bound


def _near(r, target, tol=0.02):
    return abs(r - target) <= tol * abs(target)


def explain(analytic, numerical, mode="reverse", other=None, shapes=(), tol=None, kink=False):
    """A likely cause, in plain words, for an analytic value that disagrees with the numerical one."""
    atol = (tol or {}).get("atol", 1e-5)
    if kink:
        return ("central differences change with the step size here, so f is probably not smooth at this "
                "point (a kink of relu, abs, max/min at a tie, clip at a bound, or a branch). Check at "
                "another point.")
    if not np.isfinite(analytic):
        return ("the analytic value is not finite: a rule divides by zero or takes log/sqrt at 0 "
                "(e.g. in the unchosen branch of anp.where, whose nan times 0 gives nan).")
    if abs(numerical) <= atol and abs(analytic) > atol:
        return ("the analytic gradient is not zero where the function does not change: a rule gives a "
                "gradient to an input that does not affect the output, or returns the wrong entries.")
    if analytic == 0.0 and numerical != 0.0:
        return ("the analytic gradient is exactly zero: the gradient does not reach this input. Is the input "
                "turned into a constant (float(), numpy.array(), .value) or used through plain numpy, or does "
                "a rule return 0 for this argument?")
    if other is not None and mode == "reverse" and abs(other - numerical) <= atol + 1e-3 * abs(numerical):
        return ("forward mode agrees with central differences but reverse mode does not: the VJP rule is wrong "
                "while the JVP rule is right; check the transpose and the reductions (unbroadcast) in defvjp.")
    ratio = analytic / numerical
    if _near(ratio, 2.0):
        return ("the gradient is twice the expected value: a contribution counted twice (a factor the chain "
                "rule already supplies written again in a rule, or a gradient added twice), or, where gradients "
                "were assigned, was an input used twice with `=` instead of `+=`?")
    if _near(ratio, 0.5):
        return ("the gradient is half the expected value: an input used twice (like x * x) whose two gradient "
                "contributions were assigned with `=` instead of accumulated with `+=`, or a missing factor 2.")
    if _near(ratio, -1.0):
        return "the gradient has the wrong sign: check the sign in the rule (d cos = -sin, d(a - b) = da - db)."
    sizes = sorted({int(d) for s in shapes for d in s if d > 1})
    for d in sizes:
        if _near(ratio, float(d)) or _near(ratio, 1.0 / d):
            return (f"the gradient is off by a factor {d}, the size of an axis: a broadcast or a reduction is "
                    "handled wrong (unbroadcast must sum over every axis that was broadcast; mean divides by the "
                    "count once).")
    if other is not None and abs(other - analytic) <= atol + 1e-3 * abs(analytic):
        return ("reverse and forward mode agree with each other but not with central differences: the derivative "
                "formula both modes read is probably wrong (e.g. sin' registered as sin instead of cos).")
    return ("the rule for this argument disagrees with central differences: compare its formula with the math, "
            "and check that it multiplies by the incoming gradient g.")
