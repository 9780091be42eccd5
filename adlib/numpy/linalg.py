"""adlib.numpy.linalg: the differentiable part of numpy.linalg (for now, ``norm``)."""
from __future__ import annotations

import numpy as np

from ..forward import Dual
from . import api as anp
from .tracing import ArrayBox

__all__ = ["norm"]

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
    if type(x) not in (ArrayBox, Dual):
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.inexact):
            x = x.astype(float)        # numpy's norm of integers is a float
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
