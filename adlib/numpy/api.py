"""The differentiable numpy functions of ``adlib.numpy``: primitives and a few compositions.

Primitives are defined here by their numpy value; their derivative rules are
registered in :mod:`adlib.numpy.rules`.  Functions written from primitives
(``mean``, ``softmax``, ``stack`` ...) need no rule: the chain rule does the work.
Each runs on plain arrays too, at numpy speed plus one check.
"""
from __future__ import annotations

import builtins
import functools
import math

import numpy as np

from .. import validate
from ..rules import BINARY, NUMPY_NAME, UNARY
from ..traced import Traced, primal as getval
from .primitive import Primitive, describe
from .einstein import _einsum_subscripts, einsum, einsum_args  # noqa: F401  (anp.einsum; einsum_args: its rules)
from .shapes import (array, broadcast_to, concatenate, concatenate_args, expand_dims, getitem,  # noqa: F401
                     ravel, reshape, squeeze, stack, swapaxes, transpose, untake)
from .tracing import DIFFERENTIABLE_NAMES

# ---------------------------------------------------------------------------
# Elementwise: the shared rule table gives the value (and, in rules.py, the derivative).

UNARY_PRIMITIVES = {name: Primitive(rule.on_array, NUMPY_NAME.get(name, name)) for name, rule in UNARY.items()}
for _name, _prim in UNARY_PRIMITIVES.items():
    _prim.__doc__ = (f"{_prim.name}(x): elementwise; {UNARY[_name].math}.  Rule from adlib.rules.UNARY.\n\n"
                     ">>> import adlib, adlib.numpy as anp, numpy as np\n"     # the rule against differences
                     f">>> adlib.gradcheck(lambda x: anp.sum(anp.{_prim.name}(x)), np.array([0.5, 1.5]))\nTrue\n")
exp = UNARY_PRIMITIVES["exp"]
log = UNARY_PRIMITIVES["log"]
sin = UNARY_PRIMITIVES["sin"]
cos = UNARY_PRIMITIVES["cos"]
tan = UNARY_PRIMITIVES["tan"]
tanh = UNARY_PRIMITIVES["tanh"]
sigmoid = UNARY_PRIMITIVES["sigmoid"]
relu = UNARY_PRIMITIVES["relu"]
sqrt = UNARY_PRIMITIVES["sqrt"]
abs = UNARY_PRIMITIVES["abs"]  # noqa: A001
absolute = abs
square = UNARY_PRIMITIVES["square"]
log1p = UNARY_PRIMITIVES["log1p"]
expm1 = UNARY_PRIMITIVES["expm1"]
softplus = UNARY_PRIMITIVES["softplus"]

BINARY_PRIMITIVES = {NUMPY_NAME[name]: Primitive(rule.apply, NUMPY_NAME[name]) for name, rule in BINARY.items()}
add = BINARY_PRIMITIVES["add"]
subtract = BINARY_PRIMITIVES["subtract"]
multiply = BINARY_PRIMITIVES["multiply"]
divide = true_divide = BINARY_PRIMITIVES["divide"]
power = BINARY_PRIMITIVES["power"]

for _name, _rule in BINARY.items():
    BINARY_PRIMITIVES[NUMPY_NAME[_name]].__doc__ = (
        f"{NUMPY_NAME[_name]}(a, b): a {_rule.symbol} b elementwise, broadcasting like numpy; {_rule.math}.  "
        "Rules from adlib.rules.BINARY; gradients are summed back to each input's shape by unbroadcast.\n\n"
        ">>> import adlib, adlib.numpy as anp, numpy as np\n"
        f">>> a, b = np.array([[0.5], [1.5]]), np.array([1.2, 2.0, 0.7])      # b broadcasts over a's rows\n"
        f">>> adlib.gradcheck(lambda a, b: anp.sum(anp.{NUMPY_NAME[_name]}(a, b)), a, b)\nTrue\n")

negative = UNARY_PRIMITIVES["neg"]


@Primitive
def maximum(a, b):
    """max(a, b) elementwise; where a == b the gradient is shared half and half.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda a: anp.sum(anp.maximum(a, 1.0)))(np.array([0.0, 1.0, 2.0]))
    array([0. , 0.5, 1. ])
    """
    return np.maximum(a, b)


@Primitive
def minimum(a, b):
    """min(a, b) elementwise; where a == b the gradient is shared half and half.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> a, b = np.array([1.0, 5.0]), np.array([3.0, 3.0])
    >>> anp.minimum(a, b), adlib.grad(lambda a, b: anp.sum(anp.minimum(a, b)), argnum=1)(a, b)
    (array([1., 3.]), array([0., 1.]))
    """
    return np.minimum(a, b)


@Primitive
def clip(x, a_min, a_max):
    """x limited to [a_min, a_max]; gradient 1 inside (bounds included), 0 outside.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda x: anp.sum(anp.clip(x, 0.0, 1.0)))(np.array([-1.0, 0.5, 2.0]))
    array([0., 1., 0.])
    """
    return np.clip(x, a_min, a_max)


def where(condition, x, y):
    """x where condition holds, else y.

    The gradient flows only into the chosen branch (0 to the other), as in HIPS
    autograd.  The condition is a mask: its values are read (a traced condition is
    treated as a constant: the output is piecewise constant in it).  Both branches
    are still *computed* everywhere: if the unchosen one is nan or inf
    (``where(x > 0, log(x), 0)`` at x = -1), its own rules may turn that into nan
    gradients (0 · inf = nan).  Guard the input, not the output.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> x = np.array([-2.0, 3.0])
    >>> adlib.grad(lambda x: anp.sum(anp.where(x > 0, x * x, -x)))(x)     # -1 where x <= 0, 2x elsewhere
    array([-1.,  6.])
    """
    return where_args(getval(condition), x, y)


where_args = Primitive(np.where, "where")   # rules in rules.py; the condition is a plain mask


# ---------------------------------------------------------------------------
# Linear algebra

def _check_matmul(name, a, b):
    sa, sb = np.shape(a), np.shape(b)
    if len(sa) == 0 or len(sb) == 0:
        raise ValueError(f"anp.{name}: operands must have at least one axis, got shapes {sa} and {sb}; "
                         "use * to multiply by a scalar")
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        where_b = "only axis" if len(sb) == 1 else "second-to-last axis"
        raise ValueError(f"anp.{name}: shapes {sa} and {sb} do not match: the first operand's last axis has "
                         f"size {ka} but the second operand's {where_b} has size {kb}")


@Primitive
def matmul(a, b):
    """a @ b (numpy's matmul: batched over leading axes, 1-D operands promoted).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> W, x = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0])
    >>> adlib.grad(lambda W: anp.sum(anp.matmul(W, x)))(W)     # d(Σ Wx)/dW = 1 xᵀ
    array([[1., 1.],
           [1., 1.]])
    """
    _check_matmul("matmul", a, b)
    return np.matmul(a, b)


@Primitive
def dot(a, b):
    """numpy.dot for scalars, vectors and matrices (use matmul for stacks of matrices).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda a: anp.dot(a, np.array([3.0, 4.0])))(np.array([1.0, 2.0]))
    array([3., 4.])
    """
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return np.multiply(a, b)
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        raise ValueError(f"anp.dot: supports operands of at most 2 axes, got shapes {np.shape(a)} and "
                         f"{np.shape(b)}; use anp.matmul for stacks of matrices")
    _check_matmul("dot", a, b)
    return np.dot(a, b)


def outer(a, b):
    """Outer product: out[i, j] = a[i] · b[j], both inputs flattened first (as numpy.outer).

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.outer(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    array([[3., 4.],
           [6., 8.]])
    """
    return multiply(reshape(ravel(a), (-1, 1)), ravel(b))


# ---------------------------------------------------------------------------
# Reductions

def _check_axis(name, x, axis):
    if axis is None:
        return
    nd = np.ndim(x)
    for ax in (axis if isinstance(axis, tuple) else (axis,)):
        if not isinstance(ax, (int, np.integer)) or isinstance(ax, bool):
            raise TypeError(f"anp.{name}: axis must be an int or a tuple of ints, got {ax!r}")
        if not -nd <= ax < nd:
            raise ValueError(f"anp.{name}: axis {ax} is out of range for an array with {nd} "
                             f"axes (shape {np.shape(x)})")


def _reduction(reduce, name, doc):
    """A primitive reducing x over ``axis`` with numpy's ``reduce`` (its rules are in rules.py)."""
    def f(x, axis=None, keepdims=False):
        _check_axis(name, x, axis)
        return reduce(x, axis=axis, keepdims=keepdims)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return Primitive(f)


sum = _reduction(np.sum, "sum", """Σ x over ``axis`` (all axes by default).

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.sum(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    array([4., 6.])
    """)  # noqa: A001
max = _reduction(np.max, "max", """Largest entry over ``axis``; ties share the gradient equally.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda x: anp.max(x))(np.array([1.0, 3.0, 3.0]))
    array([0. , 0.5, 0.5])
    """)  # noqa: A001
min = _reduction(np.min, "min", """Smallest entry over ``axis``; ties share the gradient equally.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda x: anp.min(x))(np.array([1.0, 3.0, 2.0]))
    array([1., 0., 0.])
    """)  # noqa: A001
amax, amin = max, min


def _count(x, axis):
    shape = np.shape(x)
    if axis is None:
        return math.prod(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    return math.prod(shape[a] for a in axes)


def mean(x, axis=None, keepdims=False):
    """Average over ``axis``: sum / count (so it needs no rule of its own).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.grad(lambda x: anp.mean(x))(np.array([1.0, 2.0, 3.0, 4.0]))
    array([0.25, 0.25, 0.25, 0.25])
    """
    _check_axis("mean", x, axis)
    return sum(x, axis=axis, keepdims=keepdims) / float(_count(x, axis))


def var(x, axis=None, keepdims=False, ddof=0):
    """Variance over ``axis``: Σ (x - mean(x))² / (N - ddof), N the number of entries reduced.

    For real x only: numpy's variance of complex x is Σ |x - mean|² / N, not this formula.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> x = np.array([1.0, 2.0, 3.0])
    >>> float(anp.var(x)), adlib.grad(anp.var)(x)        # d var / dx = 2 (x - mean) / N
    (0.6666666666666666, array([-0.66666667,  0.        ,  0.66666667]))
    """
    validate.refuse_complex(getval(x), "anp.var")
    _check_axis("var", x, axis)
    d = subtract(x, mean(x, axis=axis, keepdims=True))
    return sum(square(d), axis=axis, keepdims=keepdims) / float(builtins.max(_count(x, axis) - ddof, 0))


def std(x, axis=None, keepdims=False, ddof=0):
    """Standard deviation over ``axis``: sqrt(var(x)).  No gradient where var = 0 (sqrt'(0) = ∞).

    >>> import adlib.numpy as anp, numpy as np
    >>> float(anp.std(np.array([1.0, 3.0])))
    1.0
    """
    validate.refuse_complex(getval(x), "anp.std")
    _check_axis("std", x, axis)
    return sqrt(var(x, axis=axis, keepdims=keepdims, ddof=ddof))


@Primitive
def logsumexp(x, axis=None, keepdims=False):
    """log Σ exp(x) over ``axis``, computed without overflow (shifting by the max).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> x = np.array([1000.0, 1000.0])
    >>> print(f"{float(anp.logsumexp(x)) - 1000:.6f}", adlib.grad(anp.logsumexp)(x))   # its gradient: softmax
    0.693147 [0.5 0.5]
    """
    _check_axis("logsumexp", x, axis)
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else (np.squeeze(out, axis=axis) if axis is not None else out.reshape(()))


def softmax(x, axis=-1):
    """exp(x) / Σ exp(x) along ``axis``, stable: exp(x - logsumexp(x)).

    >>> import adlib.numpy as anp, numpy as np
    >>> anp.softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    _check_axis("softmax", x, axis)
    return exp(x - logsumexp(x, axis=axis, keepdims=True))


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``.

    >>> import adlib.numpy as anp, numpy as np
    >>> np.exp(anp.log_softmax(np.array([0.0, np.log(3.0)])))
    array([0.25, 0.75])
    """
    _check_axis("log_softmax", x, axis)
    return x - logsumexp(x, axis=axis, keepdims=True)


# ---------------------------------------------------------------------------
# Not differentiable: these read the value (through any tracing) and return plain numpy.

def _on_value(fun):
    def f(*args, **kwargs):
        args = [getval(a) for a in args]
        for i, a in enumerate(args[:2]):     # the arrays read (masks welcome); other arguments are numpy's
            if not isinstance(a, (int, tuple)) or i == 0:
                validate.array_operand(a, f"anp.{fun.__name__}", f"argument {i}", mask=True)
        try:
            return fun(*args, **kwargs)
        except (TypeError, ValueError, OverflowError) as e:
            cls = TypeError if isinstance(e, TypeError) else ValueError
            raise cls(f"anp.{fun.__name__}: {e}") from None
    f.__name__ = f.__qualname__ = fun.__name__
    f.__doc__ = f"numpy.{fun.__name__} of the values (not differentiable: the result is a constant)."
    return f


NONDIFFERENTIABLE = ["argmax", "argmin", "argsort", "sign", "floor", "ceil", "round", "isfinite", "isnan",
                     "isinf", "allclose", "isclose", "array_equal", "shape", "ndim", "size", "zeros_like",
                     "ones_like", "empty_like", "full_like", "equal", "not_equal", "greater", "greater_equal",
                     "less", "less_equal", "logical_and", "logical_or", "logical_not", "nonzero", "count_nonzero"]
for _name in NONDIFFERENTIABLE:
    globals()[_name] = _on_value(getattr(np, _name))

# ---------------------------------------------------------------------------
# Bad input, refused by name: which arguments must be numbers or arrays of numbers (adlib.validate).
# A primitive checks its ``operands`` on plain values; a function written from primitives checks
# its own first, so that the message names the function the student called.

_X, _AB = ((0, "x", None),), ((0, "a", None), (1, "b", None))
for _prim in UNARY_PRIMITIVES.values():
    _prim.operands = _X
for _prim in (*BINARY_PRIMITIVES.values(), maximum, minimum, matmul, dot):
    _prim.operands = _AB
for _prim in (sum, max, min, logsumexp, reshape, transpose, swapaxes, broadcast_to, getitem):
    _prim.operands = _X
clip.operands = ((0, "x", None), (1, "a_min", "optional"), (2, "a_max", "optional"))
where_args.operands = ((0, "the condition", "mask"), (1, "x", None), (2, "y", None))
untake.operands = ((0, "g", None),)


def _checking(fun, *operands):
    """fun, first checking that its leading arguments (named ``operands``) are numbers or arrays."""
    what = f"anp.{fun.__name__}"

    @functools.wraps(fun)
    def checked(*args, **kwargs):
        for a, operand in zip(args, operands):
            validate.array_operand(a, what, operand)
        return fun(*args, **kwargs)
    return checked


outer = _checking(outer, "a", "b")
mean, var, std = _checking(mean, "x"), _checking(var, "x"), _checking(std, "x")
softmax, log_softmax = _checking(softmax, "x"), _checking(log_softmax, "x")
expand_dims, squeeze, ravel = _checking(expand_dims, "x"), _checking(squeeze, "x"), _checking(ravel, "x")


__all__ = ["exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs", "absolute", "square",
           "log1p", "expm1", "softplus",
           "add", "subtract", "multiply", "divide", "true_divide", "power", "negative", "maximum", "minimum",
           "clip", "where", "matmul", "dot", "outer", "einsum", "sum", "max", "min", "amax", "amin", "mean",
           "var", "std", "logsumexp", "softmax", "log_softmax", "reshape", "transpose", "swapaxes",
           "broadcast_to", "expand_dims", "squeeze", "ravel", "getitem", "untake", "concatenate", "stack",
           "array"] + NONDIFFERENTIABLE
DIFFERENTIABLE_NAMES.update(__all__)
