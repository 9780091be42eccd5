"""Numerical differentiation: finite differences, the complex step, and their error model.

For a step h the difference quotients are

* forward   (f(x+h) - f(x)) / h          truncation error  |f''| h / 2
* backward  (f(x) - f(x-h)) / h          truncation error  |f''| h / 2
* central   (f(x+h) - f(x-h)) / (2h)     truncation error  |f'''| h^2 / 6
* complex   Im f(x + ih) / h             truncation error  |f'''| h^2 / 6, no cancellation

Each subtraction of two nearly equal values of f also loses about eps |f| / h to
rounding, so the total error of a difference is U-shaped in h, with its minimum
near sqrt(eps) (forward, backward) or cbrt(eps) (central).  The complex step
subtracts nothing, so h can be tiny (1e-20) and the result is exact to rounding.
The default steps below come from that model.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import validate
from .errors import returned_none  # noqa: F401  (adlib.numeric.returned_none, as before)

__all__ = [
    "forward_difference", "backward_difference", "central_difference", "complex_step",
    "numerical_grad", "numerical_jacobian", "error_model", "optimal_step", "default_step",
    "difference", "difference_quotient", "METHODS",
]

EPS = float(np.finfo(np.float64).eps)
METHODS = ("forward", "backward", "central", "complex")


# ---------------------------------------------------------------------------
# The error model

def error_model(method, h, f0=1.0, d1=1.0, d2=1.0, d3=1.0, eps=EPS):
    """Predicted (truncation, rounding, total) error of a difference quotient with step h.

    ``f0, d1, d2, d3`` are |f(x)|, |f'(x)|, |f''(x)| and |f'''(x)| at the point;
    ``eps`` is the machine epsilon of the arithmetic (float64 by default).

    forward/backward:  |f''| h / 2    + 2 eps |f| / h
    central:           |f'''| h^2 / 6 + eps |f| / h
    complex step:      |f'''| h^2 / 6 + eps |f'|      (no subtraction, so no 1/h term)

    At h = 1e-5 with |f| = |f'''| = 1 a central difference loses h²/6 ≈ 1.7e-11 to
    truncation and eps/h ≈ 2.2e-11 to rounding:

    >>> truncation, rounding, total = error_model("central", 1e-5)
    >>> print(f"{float(truncation):.2e} {float(rounding):.2e} {float(total):.2e}")
    1.67e-11 2.22e-11 3.89e-11
    """
    _check_method(method, "error_model")
    h = validate.real_array(h, "error_model", "the step h")
    if not np.all(h > 0):
        raise ValueError("error_model: every step h must be positive")
    f0, d1, d2, d3 = (abs(validate.real_number(v, "error_model", n)) for v, n in
                      ((f0, "f0"), (d1, "d1"), (d2, "d2"), (d3, "d3")))
    eps = validate.finite_number(eps, "error_model", "eps", positive=True)
    if method in ("forward", "backward"):
        truncation = d2 * h / 2
        rounding = 2 * eps * f0 / h
    elif method == "central":
        truncation = d3 * h ** 2 / 6
        rounding = eps * f0 / h
    else:
        truncation = d3 * h ** 2 / 6
        rounding = eps * d1 * np.ones_like(h)
    return truncation, rounding, truncation + rounding


def optimal_step(method, f0=1.0, d2=1.0, d3=1.0, eps=EPS):
    """The step h that minimises :func:`error_model`'s total error.

    forward/backward: h* = 2 sqrt(eps |f| / |f''|)      (about sqrt(eps))
    central:          h* = cbrt(3 eps |f| / |f'''|)      (about cbrt(eps))
    complex step:     any small h; 1e-20 is used.

    >>> print(f"{float(optimal_step('forward')):.2e}  {optimal_step('central'):.2e}")   # 2 sqrt(eps), cbrt(3 eps)
    2.98e-08  8.73e-06
    """
    _check_method(method, "optimal_step")
    f0, d2, d3 = (abs(validate.real_number(v, "optimal_step", n)) or 1.0 for v, n in
                  ((f0, "f0"), (d2, "d2"), (d3, "d3")))
    eps = validate.finite_number(eps, "optimal_step", "eps", positive=True)
    if method in ("forward", "backward"):
        return 2.0 * np.sqrt(eps * f0 / d2)
    if method == "central":
        return float(np.cbrt(3.0 * eps * f0 / d3))
    return 1e-20


def default_step(method, x=0.0, eps=EPS):
    """The step used when none is given: sqrt(eps) or cbrt(eps), scaled by max(1, |x|)."""
    _check_method(method, "default_step")
    if method == "complex":
        return 1e-20
    base = np.sqrt(eps) if method in ("forward", "backward") else np.cbrt(eps)
    return float(base * max(1.0, abs(float(x))))


# ---------------------------------------------------------------------------
# Checking input

def _check_method(method, op):
    validate.choice(method, METHODS, op, "method")


def _check_point(x, op):
    """x must be a finite real number (adlib.validate)."""
    if isinstance(x, np.ndarray) and x.ndim != 0:
        raise TypeError(f"{op}: x must be a single number, got an array of shape {x.shape} "
                        "(use numerical_grad or numerical_jacobian for arrays)")
    x = validate.real_number(x, op, "x")
    if not np.isfinite(x):
        raise ValueError(f"{op}: the point x = {x} is not finite; no derivative can be checked there")
    return x


def _check_step(h, op):
    return validate.finite_number(h, op, "the step h", positive=True)


def _check_f(f, op):
    return validate.function(f, op)


def _scalar_value(y, op):
    """f's output at one point as a float (or complex, for the complex step)."""
    if isinstance(y, np.ndarray) and y.size == 1:
        y = y.reshape(())[()]
    if isinstance(y, bool) or not isinstance(y, (numbers.Number, np.number)):
        raise TypeError(f"{op}: f(x) returned {type(y).__name__}"
                        + (f" of shape {np.shape(y)}" if isinstance(y, np.ndarray) else "")
                        + "; f must return a single number (use numerical_jacobian for vector outputs)")
    return y


# ---------------------------------------------------------------------------
# Scalar differences

def _exact_step(x, h):
    """Round a default step so that x + h is exactly representable: then (x + h) - x == h.

    A step the caller chose is used exactly as given, so that the error curves
    over h show the textbook rounding error.

    A step below the spacing of floats at x cannot be represented at all; it is
    kept as given, and the difference quotient then shows pure rounding error.
    """
    rounded = (x + h) - x
    return rounded if rounded != 0 else h


def difference_quotient(f, x, h, method="central"):
    """The bare difference quotient of ``method`` at x with step h: the formulas, once.

    No checks and no default step: x and h may be arrays of any float dtype (the
    quotient is then computed elementwise in that precision, as notebook 02's error
    curves need).  The public functions below add the checks and default steps.
    """
    if method == "forward":
        return (f(x + h) - f(x)) / h
    if method == "backward":
        return (f(x) - f(x - h)) / h
    if method == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    if method == "complex":
        return np.imag(f(x + 1j * h)) / h
    _check_method(method, "difference_quotient")


def _scalar_f(f, op):
    return lambda t: _scalar_value(f(t), op)


def _checked_difference(f, x, h, method):
    """The forward, backward or central difference of f at x, with checks and the default step.

    The default step is rounded so that the points the quotient moves to (x + h, or
    x - h going backward) are exact floats.
    """
    op = f"{method}_difference"
    _check_f(f, op)
    x = _check_point(x, op)
    if h is None:
        side = -1.0 if method == "backward" else 1.0
        h = side * _exact_step(x, side * default_step(method, x))
    else:
        h = _check_step(h, op)
    return float(difference_quotient(_scalar_f(f, op), x, h, method))


def forward_difference(f, x, h=None):
    """f'(x) ≈ (f(x + h) - f(x)) / h; error O(h).  Default h = sqrt(eps) max(1, |x|).

    sin'(1) = cos(1) = 0.5403..., found to about 1e-8 (h ≈ 1.5e-8):

    >>> import math
    >>> d = forward_difference(math.sin, 1.0)
    >>> round(d, 6), abs(d - math.cos(1.0)) < 1e-7
    (0.540302, True)
    """
    return _checked_difference(f, x, h, "forward")


def backward_difference(f, x, h=None):
    """f'(x) ≈ (f(x) - f(x - h)) / h; error O(h).  Default h = sqrt(eps) max(1, |x|).

    exp'(0) = 1, found to about 1e-8 from the left; a step of 0.1 shows the O(h) error,
    (1 - e^-0.1) / 0.1 = 1 - h/2 + ...:

    >>> import math
    >>> abs(backward_difference(math.exp, 0.0) - 1.0) < 1e-7
    True
    >>> round(backward_difference(math.exp, 0.0, h=0.1), 4)
    0.9516
    """
    return _checked_difference(f, x, h, "backward")


def central_difference(f, x, h=None):
    """f'(x) ≈ (f(x + h) - f(x - h)) / (2h); error O(h^2).  Default h = cbrt(eps) max(1, |x|).

    sin'(1) = cos(1), found to about 1e-11 (h ≈ 6e-6), a thousand times closer than forward:

    >>> import math
    >>> d = central_difference(math.sin, 1.0)
    >>> round(d, 9), abs(d - math.cos(1.0)) < 1e-10
    (0.540302306, True)
    """
    return _checked_difference(f, x, h, "central")


def complex_step(f, x, h=1e-20):
    """f'(x) ≈ Im f(x + ih) / h; error O(h^2) with no cancellation, so exact to rounding at h = 1e-20.

    f must accept complex input: write it with adlib's functions or numpy, not ``math``.

    sin'(1) = cos(1) to the last digit or so, since nothing is subtracted:

    >>> import math
    >>> abs(complex_step(np.sin, 1.0) - math.cos(1.0)) < 1e-15
    True
    """
    op = "complex_step"
    _check_f(f, op)
    x = _check_point(x, op)
    h = _check_step(h, op)

    def f_complex(z):
        try:
            y = f(z)
        except TypeError as e:
            raise TypeError(f"{op}: f failed on the complex input x + ih ({e}); f must accept complex "
                            "numbers (use adlib.exp or numpy.exp, not math.exp)") from e
        y = _scalar_value(y, op)
        if not np.iscomplexobj(y):
            raise TypeError(f"{op}: f returned a real number ({type(y).__name__}) for the complex input x + ih, "
                            "so the imaginary part was dropped on the way; write f with operations that keep "
                            "complex numbers (adlib.exp, numpy), not math or float()")
        return y

    return float(difference_quotient(f_complex, x, h, "complex"))


def difference(f, x, h=None, method="central"):
    """f'(x) by ``method``: one of 'forward', 'backward', 'central', 'complex'."""
    _check_method(method, "difference")
    fn = {"forward": forward_difference, "backward": backward_difference,
          "central": central_difference, "complex": complex_step}[method]
    if h is None:
        return fn(f, x)
    return fn(f, x, h)


# ---------------------------------------------------------------------------
# Gradients and Jacobians

MAX_ENTRIES = 10 ** 5   # finite differences cost 2 evaluations of f per entry: more is a hang, not a check


def _check_array(x, op):
    arr = validate.real_array(x, op, "x")
    if arr.size > MAX_ENTRIES:
        raise ValueError(f"{op}: x has {arr.size} entries; finite differences would evaluate f {2 * arr.size} "
                         f"times (at most {MAX_ENTRIES} entries here). Use adlib.gradcheck, which checks random "
                         "directions, or differentiate a slice of x")
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0]) if arr.ndim else ()
        raise ValueError(f"{op}: x is not finite at index {bad} (value {arr[bad]}); "
                         "no derivative can be checked there")
    return arr


def _output(y, op):
    if y is None:
        raise returned_none(op)
    if isinstance(y, bool) or not isinstance(y, (numbers.Number, np.ndarray, np.generic)):
        raise TypeError(f"{op}: f returned {type(y).__name__}; it must return a number or a numpy array")
    return np.asarray(y)


def numerical_jacobian(f, x, h=None, method="central"):
    """The Jacobian of f at x by finite differences, shape f(x).shape + x.shape.

    For f: R^n -> R^m this is the (m, n) matrix J[i, j] = d f_i / d x_j,
    costing 2n evaluations of f (central) or n + 1 (forward, backward).

    f(x) = (x0 x1, x0 + x1) has J = [[x1, x0], [1, 1]]; at x = (2, 3):

    >>> f = lambda x: np.array([x[0] * x[1], x[0] + x[1]])
    >>> numerical_jacobian(f, np.array([2.0, 3.0])).round(6)
    array([[3., 2.],
           [1., 1.]])
    """
    op = "numerical_jacobian"
    x, h = _check_arguments(f, x, h, method, op)
    return _jacobian(f, x, h, method, _output(f(x.copy()), op), op)


def _check_arguments(f, x, h, method, op):
    """(x as a float array, h checked or None) for numerical_jacobian and numerical_grad."""
    _check_f(f, op)
    _check_method(method, op)
    return _check_array(x, op), (None if h is None else _check_step(h, op))


def _jacobian(f, x, h, method, y0, op):
    out_shape = y0.shape
    J = np.zeros(out_shape + x.shape)
    J_flat = J.reshape(out_shape + (x.size,)) if x.size else J
    flat = x.reshape(-1)
    for j in range(x.size):
        xj = flat[j]
        step = default_step(method, xj) if h is None else h
        if method == "complex":
            xp = flat.astype(complex)
            xp[j] += 1j * step
            yp = f(xp.reshape(x.shape))
            if not np.iscomplexobj(yp):
                raise TypeError(f"{op}: f returned real values for complex input; with method='complex', "
                                "f must keep complex numbers (adlib or numpy functions, not math)")
            col = np.imag(np.asarray(yp)) / step
        else:
            if h is None:
                step = _exact_step(xj, step)
            xp = flat.copy()
            xm = flat.copy()
            if method in ("forward", "central"):
                xp[j] = xj + step
            if method in ("backward", "central"):
                xm[j] = xj - step
            yp = _output(f(xp.reshape(x.shape)), op) if method != "backward" else y0
            ym = _output(f(xm.reshape(x.shape)), op) if method != "forward" else y0
            if yp.shape != out_shape or ym.shape != out_shape:
                raise ValueError(f"{op}: f's output changed shape from {out_shape} to "
                                 f"{yp.shape if yp.shape != out_shape else ym.shape} when x moved")
            col = (yp - ym) / (2 * step if method == "central" else step)
        J_flat[(Ellipsis, j)] = col
    return J


def numerical_grad(f, x, h=None, method="central"):
    """The gradient of a scalar f: R^n -> R at x by finite differences, shaped like x.

    f(x) = sum(x²) has gradient 2x:

    >>> numerical_grad(lambda x: np.sum(x ** 2), np.array([1.0, 3.0])).round(6)
    array([2., 6.])
    """
    op = "numerical_grad"
    xa, h = _check_arguments(f, x, h, method, op)
    y0 = _output(f(xa.copy()), op)
    if y0.size != 1:
        raise ValueError(f"{op}: f returned an array of shape {y0.shape}; a gradient needs a single "
                         "number (use numerical_jacobian for vector outputs)")
    return _jacobian(lambda v: np.reshape(f(v), ()), xa, h, method, y0.reshape(()), op)
