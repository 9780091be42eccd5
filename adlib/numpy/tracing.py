"""The tracer of reverse mode: boxes record a computation as a graph of nodes.

A *trace* is one call of ``grad`` (or ``vjp``).  Each input of that call is wrapped
in an :class:`ArrayBox`; every primitive applied to a box records a :class:`Node`
(the primitive, its inputs, its answer, which inputs were traced) and returns a new
box.  :mod:`adlib.numpy.backward` then replays the nodes in reverse.

Trace levels come from the same counter as :class:`adlib.Dual` tags
(:mod:`adlib.traced`), so boxes and dual numbers nest in either order (``grad`` of
``grad``, ``jvp`` of ``grad``): the newest level is the outermost wrapper, and a
primitive hands itself to it first (:meth:`ArrayBox._apply_primitive`).

>>> from adlib.traced import new_level
>>> x = ArrayBox(3.0, Node(None, (), {}, 3.0, ()), new_level())
>>> y = x * x          # adlib.numpy records the product
>>> y.value, y._node.prim.name
(9.0, 'multiply')
"""
from __future__ import annotations

import numpy as np

from ..errors import BUILD_A_NEW_ARRAY, COMPARISONS, CONVERTED_BY_NUMPY
from ..traced import Traced, primal

__all__ = ["ArrayBox", "Node", "DIFFERENTIABLE_NAMES"]


class Node:
    """One primitive application in a trace: y = prim(*args, **kwargs).

    ``parents`` lists ``(argnum, parent_node)`` for the traced arguments only, so the
    backward pass never computes a gradient nobody asked for (e.g. for the data x).
    """

    __slots__ = ("prim", "args", "kwargs", "ans", "parents")

    def __init__(self, prim, args, kwargs, ans, parents):
        self.prim = prim
        self.args = args
        self.kwargs = kwargs
        self.ans = ans
        self.parents = parents


class ArrayBox(Traced):
    """A traced array: a value plus the node that computed it, in the trace of level ``tag``.

    Arithmetic, indexing, ``.T``, ``.reshape`` ... go through :mod:`adlib.numpy`, so
    they are recorded.  Comparisons, ``shape`` and ``dtype`` read the value.
    Plain numpy functions refuse a box: they would drop the gradient silently.
    """

    __slots__ = ("_value", "_node", "tag")
    __array_priority__ = 200  # above Dual's 100 and ndarray's: our reflected operators win
    _kind = "traced array"

    def __init__(self, value, node, level):
        self._value = value
        self._node = node
        self.tag = level

    def _unwrap(self):
        return self._value

    def _apply_primitive(self, prim, args, kwargs):
        """prim(*args) where this box's trace is the newest level: compute on the values
        one level down, and record a node that remembers which arguments were traced."""
        level, vjps, vjp_all = self.tag, prim.vjps, prim.vjp_all
        values, parents = list(args), []
        for i, a in enumerate(args):
            if type(a) is ArrayBox and a.tag == level:
                if vjp_all is None and i not in vjps:
                    raise a._no_rule(prim, i, "gradient rule (VJP)")
                values[i] = a._value
                parents.append((i, a._node))
        ans = prim(*values, **kwargs)    # one level down: plain values, or an outer level's
        return ArrayBox(ans, Node(prim, values, kwargs, ans, parents), level)

    # -- what a student inspects --------------------------------------------
    @property
    def value(self):
        """The primal value (may itself be traced by an outer level)."""
        return self._value

    shape = property(lambda self: np.shape(self._value))
    ndim = property(lambda self: np.ndim(self._value))
    size = property(lambda self: np.size(self._value))
    dtype = property(lambda self: primal(self._value).dtype if hasattr(primal(self._value), "dtype")
                     else np.dtype(type(primal(self._value))))

    def __len__(self):
        return len(self._value)

    def __repr__(self):
        return f"ArrayBox({self._value!r}, level={self.tag})"

    # -- comparisons read the value (control flow on values is allowed) ------
    def __lt__(self, other): return primal(self) < primal(other)
    def __le__(self, other): return primal(self) <= primal(other)
    def __gt__(self, other): return primal(self) > primal(other)
    def __ge__(self, other): return primal(self) >= primal(other)
    def __eq__(self, other): return primal(self) == primal(other)
    def __ne__(self, other): return primal(self) != primal(other)
    __hash__ = object.__hash__  # boxes are graph objects; identity is their key

    def __bool__(self):
        return bool(primal(self))

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    # -- conversions that would drop the gradient are refused -----------------
    def __float__(self):
        raise TypeError(f"float() of a traced array of shape {self.shape} would drop its gradient "
                        "(math.exp, math.sin ... call float() too: use anp.exp, anp.sin instead); "
                        "keep it as an array, or use .value outside the function you differentiate")

    __int__ = __complex__ = __index__ = __float__

    def __setitem__(self, index, value):
        raise TypeError(f"x[{_index_text(index)}] = ... writes into a traced array (shape {self.shape}), "
                        f"which would lose the gradient of what it overwrites; {BUILD_A_NEW_ARRAY}")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"numpy tried to convert a traced array of shape {self.shape} to a plain array, "
                        f"which would drop its gradient; {CONVERTED_BY_NUMPY}")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # ndarray <op> box arrives here; the arithmetic ufuncs are the operators, so allow them
        if method == "__call__" and not kwargs and ufunc in _OPERATOR_UFUNCS:
            name, reflected = _OPERATOR_UFUNCS[ufunc]
            if inputs[0] is self:                   # box.__add__(other), as adlib.numpy installs it
                return getattr(self, name)(*inputs[1:])
            return getattr(self, reflected)(inputs[0])
        if method == "__call__" and ufunc in COMPARISONS:   # ndarray < box, as box > ndarray: plain booleans
            return ufunc(*[primal(a) for a in inputs], **kwargs)
        raise TypeError(f"numpy.{ufunc.__name__} was called on a traced array (shape {self.shape}); "
                        f"numpy cannot follow gradients: {_advice(ufunc.__name__)}")

    def __array_function__(self, func, types, args, kwargs):
        name = func.__name__
        if name in _SHAPE_QUERIES:          # asking for a shape is harmless
            return func(*[a._value if type(a) is ArrayBox else a for a in args], **kwargs)
        raise TypeError(f"numpy.{name} was called on a traced array (shape {self.shape}); "
                        f"numpy cannot follow gradients: {_advice(name)}")


def _advice(name):
    """What to call instead of numpy's ``name`` on a traced array: anp's, or how to do without."""
    if name in DIFFERENTIABLE_NAMES:
        return f"use adlib.numpy instead (import adlib.numpy as anp; anp.{name}(...))"
    instead = WRITE_INSTEAD.get(name, "build it from anp functions, or register it with adlib.primitive "
                                      "and adlib.defvjp")
    return f"adlib.numpy has no {name}: {instead}"


# numpy functions adlib.numpy leaves out, and how to write each from what it has
WRITE_INSTEAD = {
    "logaddexp": "log(exp(a) + exp(b)) = a + anp.softplus(b - a), which never overflows "
                 "(or anp.logsumexp over a stacked axis)",
    "logaddexp2": "log2(2^a + 2^b) = a + anp.softplus((b - a) * log(2)) / log(2)",
    "log2": "anp.log(x) / np.log(2)",
    "log10": "anp.log(x) / np.log(10)",
}


def _index_text(index):
    """x[...]'s index as the student wrote it: 0, 1:3, 0, :, ..."""
    def one(i):
        if isinstance(i, slice):
            return ":".join("" if v is None else str(v) for v in (i.start, i.stop)) + (
                f":{i.step}" if i.step is not None else "")
        return "..." if i is Ellipsis else (f"<array of shape {np.shape(i)}>" if np.ndim(i) else repr(i))
    return ", ".join(one(i) for i in index) if isinstance(index, tuple) else one(index)


_SHAPE_QUERIES = {"shape", "ndim", "size"}
# numpy's ufunc -> the box's operator and reflected operator (adlib.numpy installs them)
_OPERATOR_UFUNCS = {np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
                    np.multiply: ("__mul__", "__rmul__"), np.true_divide: ("__truediv__", "__rtruediv__"),
                    np.power: ("__pow__", "__rpow__"), np.matmul: ("__matmul__", "__rmatmul__"),
                    np.negative: ("__neg__", "__neg__")}
DIFFERENTIABLE_NAMES = set()     # adlib.numpy's functions, named in the advice above (filled by adlib.numpy)

