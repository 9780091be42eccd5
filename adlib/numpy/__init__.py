"""adlib.numpy: numpy functions you can differentiate.

Write ordinary numpy code with ``anp`` in place of ``np``::

    import adlib, adlib.numpy as anp
    def loss(W, x, y):
        return anp.mean((anp.tanh(x @ W) - y) ** 2)
    adlib.grad(loss)(W, x, y)

The same code runs on plain arrays (it returns what numpy returns).  Inside a
function being differentiated, plain ``numpy`` functions refuse traced arrays
with a message pointing here.  New primitives: :func:`adlib.primitive`,
:func:`adlib.defvjp`, :func:`adlib.defjvp`.
"""
import numpy as _np

from . import linalg  # noqa: F401  (anp.linalg.norm)
from . import methods as _methods  # noqa: F401  (installs x + y, x @ W, x.T, x.sum() ... on traced values)
from . import rules as _rules  # noqa: F401  (registers every rule)
from .api import *  # noqa: F401,F403
from .api import (NONDIFFERENTIABLE, abs, absolute, add, amax, amin, array, broadcast_to, clip,  # noqa: F401,A004
                  concatenate, cos, divide, dot, einsum, exp, expand_dims, expm1, getitem, log, log1p, log_softmax,
                  logsumexp, matmul, max, maximum, mean, min, minimum, multiply, negative, outer, power, ravel,
                  relu, reshape, sigmoid, sin, softmax, softplus, sqrt, square, squeeze, stack, std, subtract, sum,
                  swapaxes, tan, tanh, transpose, true_divide, untake, var, where)
from .primitive import Primitive, defjvp, defvjp, primitive  # noqa: F401
from .rules import unbroadcast  # noqa: F401
from .tracing import ArrayBox  # noqa: F401

# numpy names that create constants or describe types: passed through unchanged.
_PASS_THROUGH = {"pi", "e", "inf", "nan", "newaxis", "float64", "float32", "float16", "int64", "int32", "int8",
                 "uint8", "bool_", "complex128", "ndarray", "dtype", "random", "zeros", "ones", "empty", "full",
                 "eye", "identity", "arange", "linspace", "logspace", "meshgrid", "asarray", "errstate",
                 "seterr", "set_printoptions", "printoptions", "finfo", "iinfo", "testing"}


def __getattr__(name):
    if name in _PASS_THROUGH:
        return getattr(_np, name)
    raise AttributeError(f"adlib.numpy has no differentiable '{name}'. Use the functions listed in "
                         f"dir(adlib.numpy), or make your own with adlib.primitive(f) and adlib.defvjp(...)")


def __dir__():
    return sorted(set(globals()) | _PASS_THROUGH)
