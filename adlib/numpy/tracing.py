"""Tracing: boxes record a computation; the backward pass replays it in reverse.

A *trace* is one call of ``grad`` (or ``vjp``).  Each input of that call is wrapped
in an :class:`ArrayBox`; every primitive applied to a box records a :class:`Node`
(the primitive, its inputs, its answer, which inputs were traced) and returns a new
box.  :func:`backward` then visits the nodes in reverse topological order and
applies each primitive's vector-Jacobian products (its rules), adding up the
gradients that reach a node from all its uses::

    x̄_i = Σ_{j : i -> j} vjp_{j,i}(ȳ_j)      (reverse topological order, += never =)

Trace levels come from the same counter as :class:`adlib.Dual` tags, so boxes and
dual numbers nest in either order (``grad`` of ``grad``, ``jvp`` of ``grad``): the
newest level is the outermost wrapper, and a primitive peels it off first.
"""
from __future__ import annotations

import numpy as np

from ..forward import BUILD_A_NEW_ARRAY, Dual, new_tag

__all__ = ["ArrayBox", "Node", "new_trace", "backward", "top_level", "getval", "is_traced"]


def new_trace() -> int:
    """A fresh trace level, ordered with Dual tags (newer = outer)."""
    return new_tag()


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


class ArrayBox:
    """A traced array: a value plus the node that computed it, in trace ``level``.

    Arithmetic, indexing, ``.T``, ``.reshape`` ... go through :mod:`adlib.numpy`, so
    they are recorded.  Comparisons, ``shape`` and ``dtype`` read the value.
    Plain numpy functions refuse a box: they would drop the gradient silently.
    """

    __slots__ = ("_value", "_node", "_level")
    __array_priority__ = 200  # above Dual's 100 and ndarray's: our reflected operators win

    def __init__(self, value, node, level):
        self._value = value
        self._node = node
        self._level = level

    # -- what a student inspects --------------------------------------------
    @property
    def value(self):
        """The primal value (may itself be traced by an outer level)."""
        return self._value

    shape = property(lambda self: np.shape(self._value))
    ndim = property(lambda self: np.ndim(self._value))
    size = property(lambda self: np.size(self._value))
    dtype = property(lambda self: _primal(self._value).dtype if hasattr(_primal(self._value), "dtype")
                     else np.dtype(type(_primal(self._value))))

    def __len__(self):
        return len(self._value)

    def __repr__(self):
        return f"ArrayBox({self._value!r}, level={self._level})"

    # -- comparisons read the value (control flow on values is allowed) ------
    def __lt__(self, other): return _primal(self) < _primal(other)
    def __le__(self, other): return _primal(self) <= _primal(other)
    def __gt__(self, other): return _primal(self) > _primal(other)
    def __ge__(self, other): return _primal(self) >= _primal(other)
    def __eq__(self, other): return _primal(self) == _primal(other)
    def __ne__(self, other): return _primal(self) != _primal(other)
    __hash__ = object.__hash__  # boxes are graph objects; identity is their key

    def __bool__(self):
        return bool(_primal(self))

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
                        "which would drop its gradient; use adlib.numpy (import adlib.numpy as anp) "
                        "instead of numpy inside the function you differentiate")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # ndarray <op> box arrives here; the arithmetic ufuncs are the operators, so allow them
        if method == "__call__" and not kwargs and ufunc in _OPERATOR_UFUNCS:
            from . import api
            return getattr(api, _OPERATOR_UFUNCS[ufunc])(*inputs)
        raise TypeError(f"numpy.{ufunc.__name__} was called on a traced array (shape {self.shape}); "
                        f"numpy cannot follow gradients: use adlib.numpy instead "
                        f"(import adlib.numpy as anp; anp.{ufunc.__name__}(...))")

    def __array_function__(self, func, types, args, kwargs):
        name = func.__name__
        if name in _SHAPE_QUERIES:          # asking for a shape is harmless
            return func(*[a._value if type(a) is ArrayBox else a for a in args], **kwargs)
        from . import api
        hint = (f"anp.{name}(...)" if hasattr(api, name)
                else f"adlib.numpy has no {name}: build it from anp functions or register it with "
                     f"adlib.primitive and adlib.defvjp")
        raise TypeError(f"numpy.{name} was called on a traced array (shape {self.shape}); "
                        f"numpy cannot follow gradients: use adlib.numpy instead "
                        f"(import adlib.numpy as anp; {hint})")


def _index_text(index):
    """x[...]'s index as the student wrote it: 0, 1:3, 0, :, ..."""
    def one(i):
        if isinstance(i, slice):
            return ":".join("" if v is None else str(v) for v in (i.start, i.stop)) + (
                f":{i.step}" if i.step is not None else "")
        return "..." if i is Ellipsis else (f"<array of shape {np.shape(i)}>" if np.ndim(i) else repr(i))
    return ", ".join(one(i) for i in index) if isinstance(index, tuple) else one(index)


_SHAPE_QUERIES = {"shape", "ndim", "size"}
_OPERATOR_UFUNCS = {np.add: "add", np.subtract: "subtract", np.multiply: "multiply",
                    np.true_divide: "divide", np.power: "power", np.matmul: "matmul",
                    np.negative: "negative"}


def _primal(x):
    """The innermost plain value of x (through boxes and Duals)."""
    while True:
        t = type(x)
        if t is ArrayBox:
            x = x._value
        elif t is Dual:
            x = x.real
        else:
            return x


getval = _primal


def is_traced(x) -> bool:
    return type(x) is ArrayBox or type(x) is Dual


def top_level(args):
    """The highest trace level among args (a box's level or a Dual's tag), or -1."""
    top = -1
    for a in args:
        t = type(a)
        if t is ArrayBox:
            if a._level > top:
                top = a._level
        elif t is Dual:
            if a.tag > top:
                top = a.tag
    return top


def toposort(end_node):
    """Nodes reachable from end_node, children before parents (iterative, any depth)."""
    child_counts = {}
    stack = [end_node]
    while stack:
        node = stack.pop()
        if node in child_counts:
            child_counts[node] += 1
        else:
            child_counts[node] = 1
            stack.extend(p for _, p in node.parents)
    order = []
    ready = [end_node]
    while ready:
        node = ready.pop()
        order.append(node)
        for _, parent in node.parents:
            if child_counts[parent] == 1:
                ready.append(parent)
            else:
                child_counts[parent] -= 1
    return order


def _accumulate(grads, owned, node, g):
    """grads[node] += g, copying once so a gradient shared with another node is never mutated."""
    prev = grads.get(node)
    if prev is None:
        grads[node] = g
        return
    if (node in owned and type(prev) is np.ndarray and type(g) is np.ndarray
            and prev.shape == g.shape and prev.dtype == np.result_type(prev, g)):
        prev += g           # in place: this buffer is ours
    else:
        grads[node] = prev + g
        if type(grads[node]) is np.ndarray:
            owned.add(node)


def backward(end_node, g, wanted):
    """Propagate cotangent g from end_node; return the gradients of the ``wanted`` nodes."""
    grads = {end_node: g}
    owned = set()
    for node in toposort(end_node):
        if not node.parents:
            continue            # a leaf: its gradient stays in grads for the caller
        g = grads.pop(node, None)   # freed as soon as it has been passed on
        if g is None:
            continue
        prim = node.prim
        if prim.vjp_all is not None:
            argnums = tuple(i for i, _ in node.parents)
            outs = prim.vjp_all(g, node.ans, node.args, node.kwargs, argnums)
            for (argnum, parent), pg in zip(node.parents, outs):
                _accumulate(grads, owned, parent, _checked(pg, parent, prim, argnum))
            continue
        for argnum, parent in node.parents:
            pg = prim.vjp_for(argnum)(g, node.ans, *node.args, **node.kwargs)
            _accumulate(grads, owned, parent, _checked(pg, parent, prim, argnum))
    return [grads.get(n) for n in wanted]


def _checked(pg, parent, prim, argnum):
    """A VJP rule must return a gradient of its argument's own shape; say so plainly if not.

    Without this check a too-small gradient (a rule that forgot to sum over a
    broadcast axis the other way round) would be broadcast silently into a wrong one.
    """
    got, want = np.shape(pg), np.shape(parent.ans)
    if got != want:
        raise ValueError(
            f"the gradient rule (VJP) of {prim.name} for argument {argnum} returned shape {got}, "
            f"but that argument has shape {want}; a VJP must return a gradient of its argument's "
            f"shape (if the argument was broadcast, sum the gradient back with adlib.unbroadcast)")
    return pg
