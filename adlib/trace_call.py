"""Calling a function under a trace: box its inputs, unbox its output, shape its gradients.

The steps ``grad``, ``vjp`` (:mod:`adlib.functional`) and ``checkpoint`` share:

1. :func:`trace` runs f with the arguments to differentiate wrapped in ArrayBoxes
   of a fresh level (:mod:`adlib.numpy.tracing`);
2. :func:`unbox` reads f's output for that level, refusing what cannot be differentiated;
3. the backward pass (:mod:`adlib.numpy.backward`) gives gradients, and
   :func:`as_gradient` returns each in its input's shape and dtype.

>>> import adlib.numpy as anp
>>> level, out, leaves = trace(lambda x: anp.sum(x * x), (np.array([1.0, 2.0]),), {}, (0,), "grad")
>>> unbox(out, level, "grad")[0]
np.float64(5.0)
"""
from __future__ import annotations

import numbers

import numpy as np

from . import validate
from .errors import returned_none
from .forward import Dual
from .numpy.tracing import ArrayBox, Node
from .traced import Traced, new_level, primal
from .value import Value

__all__ = ["check_input", "trace", "unbox", "as_gradient"]


def check_input(x, what):
    """Refuse inputs that cannot carry a gradient, in a student's words (adlib.validate)."""
    if type(x) in (ArrayBox, Dual) or (type(x) is np.ndarray and x.dtype.kind == "f"):
        return x                    # traced (it checks itself), or a float array: nothing to refuse
    return validate.differentiable(x, what)


def trace(f, args, kwargs, nums, what):
    """Run f with args[nums] boxed in a fresh trace; return (level, output, leaf nodes)."""
    level = new_level()
    args = list(args)
    leaves = []
    boxed = {}
    for i in nums:
        if i not in boxed:          # argnum=(0, 0): one box, its gradient given twice
            x = check_input(args[i], f"{what}: argument {i}")
            node = Node(None, (), {}, x, ())
            boxed[i] = node
            args[i] = ArrayBox(x, node, level)
        leaves.append(boxed[i])
    return level, f(*args, **kwargs), leaves


def unbox(out, level, what):
    """(value, node) of f's output for this trace; node None when it does not depend on the inputs."""
    if type(out) is ArrayBox:
        if out.tag == level:
            return out._value, out._node
        return out, None                 # traced by an outer call only: a constant here
    if out is None:
        raise returned_none(what)
    if isinstance(out, (tuple, list, dict)):
        raise TypeError(f"{what}: the function returned a {type(out).__name__}; it must return a single "
                        "array or number")
    if isinstance(out, Value):           # scalar reverse mode has its own backward()
        raise TypeError(f"{what}: the function returned an adlib.Value; {what} differentiates functions "
                        "written with adlib.numpy (for a Value, call out.backward() and read .grad)")
    if isinstance(out, (bool, np.bool_, str, bytes)) or not isinstance(out, (numbers.Number, np.ndarray,
                                                                          np.generic, Dual)):
        raise TypeError(f"{what}: the function returned {type(out).__name__} ({out!r:.40}); "
                        "it must return a number or an array")
    if isinstance(out, (np.ndarray, np.generic)) and not np.issubdtype(out.dtype, np.number):
        raise TypeError(f"{what}: the function returned an array of dtype {out.dtype}; "
                        "it must return numbers")
    return out, None


def as_gradient(g, x):
    """The gradient in the input's shape, as a writable array (or a number for a number input)."""
    shape = np.shape(x)
    if g is None:                   # f does not depend on x: zeros of x's shape (x may be traced)
        return np.zeros(shape, dtype=_float_dtype(x)) if shape or isinstance(primal(x), np.ndarray) else 0.0
    dtype = _float_dtype(x)
    if dtype != np.float64 and type(g) is np.ndarray and g.dtype != dtype:
        g = g.astype(dtype)         # float32 in, float32 out (as torch and autograd)
    if type(g) is np.ndarray:
        if g.shape != shape:
            g = np.broadcast_to(g, shape)
        if not g.flags.writeable:   # a broadcast view: give the student an array of their own
            g = g.copy()
        if g.ndim == 0 and not isinstance(x, np.ndarray):
            return g[()]
    elif isinstance(g, np.generic) and isinstance(x, np.ndarray):
        return np.asarray(g)          # a 0-d array in, a 0-d array out
    return g


def _float_dtype(x):
    """The dtype of x's gradient: x's own float dtype (float32 stays float32), else float64."""
    dtype = getattr(primal(x) if isinstance(x, Traced) else x, "dtype", None)
    return dtype if dtype is not None and dtype.kind == "f" else np.dtype(np.float64)
