"""Operators and array methods of traced values, through adlib.numpy's functions.

``box + 1``, ``x @ W``, ``x.T``, ``x.sum()``, ``x[i]`` on a traced array record the
same primitives as ``anp.add``, ``anp.matmul`` ...  The array methods go on
:class:`adlib.traced.Traced`, so a Dual of arrays has them too (Dual does its own
arithmetic, in :mod:`adlib.forward`).

>>> import adlib, numpy as np
>>> adlib.grad(lambda x: (x.T @ x).sum())(np.array([1.0, 2.0]))
array([2., 4.])
"""
from __future__ import annotations

from ..traced import Traced
from .api import (UNARY_PRIMITIVES, abs, add, divide, dot, getitem, matmul, max, mean, min,  # noqa: A004
                  multiply, negative, power, ravel, reshape, std, subtract, sum, transpose, var)
from .tracing import ArrayBox

__all__ = []



def _reshape_method(self, *shape, **kwargs):
    if kwargs:
        raise TypeError(f"reshape of a traced array takes only the new shape, got {sorted(kwargs)}")
    return reshape(self, shape[0] if len(shape) == 1 else shape)


def _transpose_method(self, *axes):
    return transpose(self, (axes[0] if len(axes) == 1 else axes) if axes else None)


def _install_array_methods(cls):
    """The array methods and indexing of a traced array, for ArrayBox and for Dual (whose parts may be arrays)."""
    cls.__matmul__ = lambda self, other: matmul(self, other)
    cls.__rmatmul__ = lambda self, other: matmul(other, self)
    cls.__getitem__ = lambda self, index: getitem(self, index)
    cls.T = property(lambda self: transpose(self))
    cls.reshape = _reshape_method
    cls.transpose = _transpose_method
    cls.ravel = ravel
    cls.sum = lambda self, axis=None, keepdims=False: sum(self, axis, keepdims)
    cls.mean = lambda self, axis=None, keepdims=False: mean(self, axis, keepdims)
    cls.var = lambda self, axis=None, keepdims=False, ddof=0: var(self, axis, keepdims, ddof)
    cls.std = lambda self, axis=None, keepdims=False, ddof=0: std(self, axis, keepdims, ddof)
    cls.max = lambda self, axis=None, keepdims=False: max(self, axis, keepdims)
    cls.min = lambda self, axis=None, keepdims=False: min(self, axis, keepdims)
    cls.dot = lambda self, other: dot(self, other)


def _install_operators(cls):
    """Arithmetic on a traced array records each operation through the primitives above."""
    cls.__add__ = lambda self, other: add(self, other)
    cls.__radd__ = lambda self, other: add(other, self)
    cls.__sub__ = lambda self, other: subtract(self, other)
    cls.__rsub__ = lambda self, other: subtract(other, self)
    cls.__mul__ = lambda self, other: multiply(self, other)
    cls.__rmul__ = lambda self, other: multiply(other, self)
    cls.__truediv__ = lambda self, other: divide(self, other)
    cls.__rtruediv__ = lambda self, other: divide(other, self)
    cls.__pow__ = lambda self, other: power(self, other)
    cls.__rpow__ = lambda self, other: power(other, self)
    cls.__neg__ = lambda self: negative(self)
    cls.__pos__ = lambda self: self
    cls.__abs__ = lambda self: abs(self)
    # adlib.exp(box) etc. land here (see adlib.rules.elementary)
    cls._apply_rule = lambda self, rule: UNARY_PRIMITIVES[rule.name](self)


_install_operators(ArrayBox)
_install_array_methods(Traced)   # ArrayBox and Dual (which does its own arithmetic, in adlib.forward)
