"""adlib.numpy.linalg: the differentiable part of numpy.linalg: ``norm``, ``inv``, ``solve`` and ``det``.

``norm`` is written from other adlib.numpy functions, so it needs no rule of its own.
``inv``, ``solve`` and ``det`` are primitives of one square matrix (2-D, n×n; no stacks)
wrapping numpy.linalg; their rules, at the end of this file, are written with adlib.numpy
functions (including these three), so they can be differentiated again (hessians work).
A singular matrix makes inv and solve raise ValueError.
"""
from __future__ import annotations

import numpy as np

from .. import validate
from ..traced import Traced
from . import api as anp
from .primitive import Primitive, defjvp, defvjp

__all__ = ["norm", "inv", "solve", "det"]

_SUPPORTED = ("supported: ord=None or 2 (the 2-norm of vectors), ord=None or 'fro' (the Frobenius norm of "
              "matrices or of all entries), ord=1 (Σ|x|) and ord=inf (max|x|) for vectors "
              "(a 1-D array, or an int axis)")


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002  (numpy's name)
    """Norms as numpy.linalg.norm, over ``axis`` (all entries by default):

    * ord None, 2 (vectors) or 'fro' (matrices): ‖x‖ = sqrt(Σ x²);
    * ord 1 (vectors): Σ |x|;  ord inf (vectors): max |x|.

    Matrix norms needing an SVD (ord 2 of a matrix, 'nuc') and the other orders raise ValueError.
    At x = 0 there is no gradient: the norm has a kink there, and sqrt'(0) = ∞ makes the
    gradient nan (0 · ∞); likewise |x| at 0 and max|x| at ties are kinks.
    """
    if not isinstance(x, Traced):
        x = np.asarray(validate.array_operand(x, "anp.linalg.norm", "x"))
        validate.refuse_complex(x, "anp.linalg.norm")
        if not np.issubdtype(x.dtype, np.inexact):
            x = x.astype(float)        # numpy's norm of integers is a float
    if ord is not None and not isinstance(ord, str) and (isinstance(ord, (bool, np.bool_))
                                                         or not isinstance(ord, (int, float, np.integer, np.floating))):
        raise TypeError(f"anp.linalg.norm: ord must be None, a number or a string, got {validate.describe(ord)}; "
                        f"{_SUPPORTED}")
    shape = np.shape(x)
    anp._check_axis("linalg.norm", x, axis)
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    axes = axis if isinstance(axis, tuple) else None
    if axes is not None and len({a % len(shape) for a in axes}) != len(axes):
        raise ValueError(f"anp.linalg.norm: axis {axis} names the same axis twice (shape {shape})")
    if axes is not None and len(axes) > 2:
        raise ValueError(f"anp.linalg.norm: axis {axis} names {len(axes)} axes of shape {shape}; a norm is taken "
                         "over one axis (vectors), two (matrices) or, with axis=None and ord=None, all entries")
    vector = isinstance(axis, (int, np.integer)) or (axis is None and len(shape) == 1)
    matrix = (axes is not None and len(axes) == 2) or (axis is None and len(shape) == 2)
    if ord is None or (vector and _is(ord, 2)) or (matrix and ord in ("fro", "f")):
        return anp.sqrt(anp.sum(anp.square(x), axis=axis, keepdims=keepdims))
    if vector and _is(ord, 1):
        return anp.sum(anp.abs(x), axis=axis, keepdims=keepdims)
    if vector and _is(ord, np.inf):
        return anp.max(anp.abs(x), axis=axis, keepdims=keepdims)
    what = "vectors" if vector else "matrices" if matrix else f"arrays of {len(shape)} axes"
    hint = " (the matrix 2-norm needs an SVD)" if matrix and _is(ord, 2) else ""
    raise ValueError(f"anp.linalg.norm: ord={ord!r} of {what} (shape {shape}, axis={axis}) is not supported"
                     f"{hint}; {_SUPPORTED}")


def _is(ord, value):  # noqa: A002
    return not isinstance(ord, str) and ord == value


# ---------------------------------------------------------------------------
# inv, solve, det: primitives of one square matrix

def _check_square(name, A):
    shape = np.shape(A)
    if len(shape) != 2 or shape[0] != shape[1]:
        if len(shape) > 2:
            what = f"a stack of matrices (shape {shape}) is not supported; loop over the matrices"
        elif len(shape) == 2:
            what = f"got a {shape[0]}×{shape[1]} matrix (shape {shape}), which is not square"
        else:
            what = f"got {'a scalar' if not shape else 'a vector'} (shape {shape}), not a matrix"
        raise ValueError(f"anp.linalg.{name}: needs one square matrix (a 2-D array of shape (n, n)); {what}")


def _singular(name, A):
    consequence = "it has no inverse" if name == "inv" else "A x = b has no unique solution"
    return ValueError(f"anp.linalg.{name}: the matrix is singular (shape {np.shape(A)}), so {consequence}")


def _inv(A):
    _check_square("inv", A)
    try:
        return np.linalg.inv(A)
    except np.linalg.LinAlgError:
        raise _singular("inv", A) from None


def _solve(A, b):
    _check_square("solve", A)
    sa, sb = np.shape(A), np.shape(b)
    if len(sb) not in (1, 2) or sb[0] != sa[0]:
        raise ValueError(f"anp.linalg.solve: A has shape {sa}, so b must have shape ({sa[0]},) (one right-hand "
                         f"side) or ({sa[0]}, k) (k of them, as columns); got b of shape {sb}")
    try:
        return np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        raise _singular("solve", A) from None


def _det(A):
    _check_square("det", A)
    return np.linalg.det(A)


inv = Primitive(_inv, "linalg.inv")
inv.__doc__ = """The inverse A⁻¹ of a square matrix A (numpy.linalg.inv); ValueError if A is singular.

Gradient: Ā = -A⁻ᵀ ḡ A⁻ᵀ.  To apply A⁻¹ to a vector, solve(A, b) is cheaper and more accurate.
"""
solve = Primitive(_solve, "linalg.solve")
solve.__doc__ = """x with A x = b (numpy.linalg.solve), for square A and b of shape (n,) or (n, k).

Gradients: b̄ = solve(Aᵀ, ḡ) and Ā = -b̄ xᵀ.  ValueError if A is singular.
"""
det = Primitive(_det, "linalg.det")
det.__doc__ = """The determinant det(A) of a square matrix A (numpy.linalg.det).

Gradient: Ā = ḡ det(A) A⁻ᵀ; it needs A⁻¹, so at a singular A (det 0) the gradient raises ValueError.
"""


# ---------------------------------------------------------------------------
# The linear-algebra rules: written with adlib.numpy functions (and inv/solve themselves),
# so they can be differentiated again.

def _solve_vjp_all(g, ans, args, kwargs, argnums):
    """b̄ = A⁻ᵀ ḡ and Ā = -b̄ xᵀ: one solve serves both arguments."""
    A, b = args
    gb = solve(anp.transpose(A), g)
    gA = -anp.outer(gb, ans) if np.ndim(b) == 1 else -anp.dot(gb, anp.transpose(ans))
    return [(gA, gb)[i] for i in argnums]


defvjp(inv, lambda g, ans, A: -anp.dot(anp.dot(anp.transpose(ans), g), anp.transpose(ans)))
defjvp(inv, lambda t, ans, A: -anp.dot(anp.dot(ans, t), ans))

solve.vjp_all = _solve_vjp_all
defjvp(solve, lambda t, ans, A, b: -solve(A, anp.dot(t, ans)), lambda t, ans, A, b: solve(A, t))

defvjp(det, lambda g, ans, A: g * ans * anp.transpose(inv(A)))
defjvp(det, lambda t, ans, A: ans * anp.sum(inv(A) * anp.transpose(t)))    # det(A) · trace(A⁻¹ Ȧ)
