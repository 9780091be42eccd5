"""Shapes, indexing and joining in ``adlib.numpy``: the linear maps that move entries around.

Their rules (in :mod:`adlib.numpy.rules`) are their adjoints: reshape back,
transpose back, scatter a slice's gradient back into zeros (``untake``).

>>> import numpy as np
>>> stack([np.zeros(2), np.ones(2)]).shape
(2, 2)
"""
from __future__ import annotations

import numpy as np

from .. import validate
from ..traced import Traced
from .primitive import Primitive, describe

__all__ = ["reshape", "transpose", "swapaxes", "broadcast_to", "expand_dims", "squeeze", "ravel", "getitem",
           "untake", "concatenate", "stack", "array"]



@Primitive
def reshape(x, shape):
    """The same entries in a new shape.

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.reshape(np.arange(4.0), (2, 2))
    array([[0., 1.],
           [2., 3.]])
    """
    return np.reshape(x, validate.shape(shape, "anp.reshape"))


@Primitive
def transpose(x, axes=None):
    """Axes reversed (or permuted by ``axes``).

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.transpose(np.zeros((2, 3))).shape
    (3, 2)
    """
    return np.transpose(x, axes)


@Primitive
def swapaxes(x, axis1, axis2):
    """x with two axes exchanged.

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.swapaxes(np.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    validate.axis(axis1, "anp.swapaxes", operand="axis1")
    validate.axis(axis2, "anp.swapaxes", operand="axis2")
    return np.swapaxes(x, axis1, axis2)


@Primitive
def broadcast_to(x, shape):
    """x repeated along new or size-1 axes to ``shape`` (the adjoint of unbroadcast).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda b: anp.sum(anp.broadcast_to(b, (3, 2))))(np.array([1.0, 2.0]))   # each b[j] used 3 times
    array([3., 3.])
    """
    return np.broadcast_to(x, validate.shape(shape, "anp.broadcast_to"))


def expand_dims(x, axis):
    """x with a new axis of size 1 at ``axis``.

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.expand_dims(np.zeros(3), 0).shape
    (1, 3)
    """
    validate.axis(axis, "anp.expand_dims")
    return reshape(x, np.expand_dims(np.empty(np.shape(x), dtype=bool), axis).shape)


def squeeze(x, axis=None):
    """x without its axes of size 1 (or only ``axis``).

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.squeeze(np.zeros((1, 3, 1))).shape
    (3,)
    """
    validate.axis(axis, "anp.squeeze", optional=True)
    return reshape(x, np.squeeze(np.empty(np.shape(x), dtype=bool), axis).shape)


def ravel(x):
    """x flattened to one axis.

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.ravel(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([1., 2., 3., 4.])
    """
    return reshape(x, (-1,))


# ---------------------------------------------------------------------------
# Indexing, joining, selecting

@Primitive
def getitem(x, index):
    """x[index]: basic or advanced indexing.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda x: anp.sum(anp.getitem(x, [0, 0, 2])))(np.array([1.0, 2.0, 3.0]))   # x[0] used twice
    array([2., 0., 1.])
    """
    return x[index]


def _is_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer)) and not isinstance(i, bool)
               for i in items)


@Primitive
def untake(g, index, shape):
    """zeros(shape) with g added at x[index] (repeated indices add up): the adjoint of getitem.

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.untake(np.array([1.0, 1.0]), [0, 0], (3,))
    array([2., 0., 0.])
    """
    out = np.zeros(shape, dtype=np.result_type(g, np.float64))
    if _is_basic(index):
        out[index] += g    # a basic index never repeats an entry
    else:
        np.add.at(out, index, g)
    return out


def _concatenate(axis, *arrays):
    return np.concatenate(arrays, axis=axis)


concatenate_args = Primitive(_concatenate, "concatenate")


def concatenate(arrays, axis=0):
    """Join arrays along an existing axis.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda a: anp.sum(anp.concatenate([a, 2.0 * a])))(np.array([1.0, 2.0]))
    array([3., 3.])
    """
    if not isinstance(arrays, (list, tuple)):
        raise TypeError(f"anp.concatenate: expected a list or tuple of arrays, got {describe(arrays)}")
    _check_arrays(arrays, "anp.concatenate")
    return concatenate_args(axis, *arrays)


def stack(arrays, axis=0):
    """Join arrays along a new axis.

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.stack([np.zeros(3), np.ones(3)], axis=1).shape
    (3, 2)
    """
    if not isinstance(arrays, (list, tuple)) or len(arrays) == 0:
        raise TypeError(f"anp.stack: expected a non-empty list or tuple of arrays, got {describe(arrays)}")
    _check_arrays(arrays, "anp.stack")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"anp.stack: axis must be an int, got {validate.describe(axis)}")
    shapes = {np.shape(a) for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"anp.stack: all arrays must have the same shape, got {sorted(shapes)}")
    nd = np.ndim(arrays[0]) + 1
    if not -nd <= axis < nd:
        raise ValueError(f"anp.stack: axis {axis} is out of range for the result with {nd} axes")
    return concatenate_args(axis, *[expand_dims(a, axis) for a in arrays])


def array(obj, dtype=None):
    """numpy.array, also for a list holding traced arrays (it stacks them).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda x: anp.sum(anp.array([x[0] * x[1], x[1]])))(np.array([2.0, 3.0]))
    array([3., 3.])
    """
    if isinstance(obj, (list, tuple)) and any(isinstance(o, (Traced, list, tuple)) for o in obj):
        return stack([array(o) for o in obj])
    if isinstance(obj, Traced):
        return obj
    validate.array_operand(obj, "anp.array", "obj")
    return np.array(obj, dtype=dtype)


def _check_arrays(arrays, what):
    for i, a in enumerate(arrays):
        validate.array_operand(a, what, f"array {i}")
