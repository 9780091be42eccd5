"""Value: scalar reverse mode (backpropagation), compatible with micrograd.

A Value holds a number ``data`` and, after ``backward()``, the gradient ``grad``
of one output with respect to it.  Each operation records its parents and the
*local derivatives* of its result with respect to them, read from
:mod:`adlib.rules` at forward time.  ``backward()`` then applies the chain rule
once per edge, in reverse topological order (a node after every node that used it):

    parent.grad += (d node / d parent) * node.grad

``+=`` matters: a value used twice receives both contributions (u = x + 1,
y = x u at x = 17 gives dy/dx = u + x = 35).

Why no closure per node, as in micrograd: a closure refers to its output node,
which refers back to the closure, so every node is a reference cycle that only
Python's garbage collector can free, and it spends most of micrograd's time
doing so.  Here a node keeps plain numbers (its local derivatives) and its
parents, nothing points back, so a graph is freed as soon as it is dropped.

Gradients and repeated ``backward()`` calls (the rule PyTorch follows):

* a *leaf* (a Value you created, such as a weight) accumulates: calling
  ``backward()`` twice doubles its ``grad``.  Reset with ``zero_grad(v)``
  (every Value in v's graph) or ``model.zero_grad()`` (an ``adlib.nn`` module);
* an *inner* node (the result of an operation) holds the gradient of the latest
  ``backward()`` only: each call starts it from 0.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import rules, validate
from .value_operators import binary_methods, unary_method, weighted_sum_function
from .walk import topological_order

__all__ = ["Value", "zero_grad", "weighted_sum"]

_new = object.__new__


def _kind(x):
    return type(x).__name__


def _number(x, what):
    """x as a Python float, or a TypeError that names ``what`` and x's type in a student's terms."""
    cls = type(x)
    if cls is float:
        return x
    if cls is int:
        return validate.real_number(x, what, "the number")    # beyond float range: ValueError
    if isinstance(x, bool) or x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{what}: expected a number, got {_kind(x)} ({x!r:.40})")
    if isinstance(x, np.ndarray):
        if x.ndim == 0 and np.issubdtype(x.dtype, np.number) and not np.iscomplexobj(x):
            return float(x)
        raise TypeError(f"{what}: got a numpy array of shape {x.shape}; a Value holds one number. "
                        "Arrays belong to adlib.numpy (import adlib.numpy as anp; adlib.grad(f)(x))")
    if isinstance(x, Value):
        raise TypeError(f"{what}: got a Value; use it as it is (or Value(v.data) for a new leaf)")
    if isinstance(x, (list, tuple, set, dict)):
        raise TypeError(f"{what}: got a {_kind(x)}; a Value holds one number "
                        "(use a list of Values, or adlib.numpy for arrays)")
    if isinstance(x, numbers.Real):        # numpy float64, Fraction, Decimal-like reals
        return validate.real_number(x, what, "the number")      # too large for a float: ValueError
    if isinstance(x, numbers.Complex):
        raise TypeError(f"{what}: got a complex number ({x!r}); Value is for real numbers")
    raise TypeError(f"{what}: expected a number or a Value, got {validate.describe(x)}")


class Value:
    """One scalar in a computation graph: ``data``, ``grad`` and how it was computed.

    ``Value(2.0)`` or ``Value(2.0, label="x")``; micrograd's signature
    ``Value(data, _children=(), _op='')`` is accepted too.  Supports ``+ - * / **``
    with numbers on either side (an exponent may be a Value: d/dy x**y = x**y log x,
    for x > 0), unary ``-``, ``abs``, comparisons of ``data``, and
    ``.exp() .log() .tanh() .relu() .sigmoid() .sin() .cos() .sqrt()``;
    ``adlib.exp(v)`` and the other elementary functions accept a Value as well.
    ``==`` compares identity (as in micrograd), so Values can be set members.

    >>> x = Value(3.0)
    >>> y = x * x + 1
    >>> y.backward()
    >>> y.data, x.grad
    (10.0, 6.0)
    """

    # _first, _second: the parents (Values, or None: a leaf, or a number operand);
    # _d_first, _d_second: d(self)/d(_first) and d(self)/d(_second), floats from adlib.rules;
    # _how: the operation's name (micrograd's _op), or (name, label) once a label is given:
    #   a slot fewer for every node, which the garbage collector scans (see benchmarks/bench_value.py)
    __slots__ = ("data", "grad", "_first", "_second", "_d_first", "_d_second", "_how")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy.exp(v) and friends work on a Value; a numpy array mixed with a Value is refused."""
        name = rules.NUMPY_UFUNCS.get(ufunc.__name__)
        if method == "__call__" and not kwargs and name in rules.UNARY and len(inputs) == 1:
            return getattr(rules, name)(self)
        if any(isinstance(x, np.ndarray) for x in inputs):
            shapes = ", ".join(str(np.shape(x)) for x in inputs if isinstance(x, np.ndarray))
            sym = rules.BINARY[name].symbol if name in rules.BINARY else ""
            raise TypeError(f"Value {sym} (numpy.{ufunc.__name__}): got a numpy array of shape {shapes} and a Value; "
                            "a Value holds one number. Arrays belong to adlib.numpy "
                            "(import adlib.numpy as anp; adlib.grad(f)(x))")
        if method == "__call__" and not kwargs and name in rules.BINARY and len(inputs) == 2:
            a, b = (float(x) if isinstance(x, np.generic) else x for x in inputs)
            forward, reflected = _BINARY_METHODS[name]      # a + b, or b.__radd__(a)
            return forward(a, b) if isinstance(a, Value) else reflected(b, a)
        raise TypeError(f"numpy.{ufunc.__name__} does not support Value; use Value's operators "
                        "and adlib's elementary functions (adlib.exp, ...)")

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data if type(data) is float else _number(data, "Value(data)")
        self.grad = 0.0
        self._first = self._second = None
        self._how = _op if type(_op) is str else str(_op)
        if label:
            self.label = label
        if _children:
            # micrograd lets user code wire nodes by hand and attach a closure; adlib
            # computes local derivatives inside its operations, so such a node is only
            # drawn: backward() refuses it instead of giving a silently wrong gradient.
            parents = tuple(_children)
            if len(parents) > 2 or not all(isinstance(p, Value) for p in parents):
                raise TypeError("Value(data, _children): _children must be up to two Values")
            self._first = parents[0]
            self._second = parents[1] if len(parents) == 2 else None
            self._d_first = self._d_second = None   # unknown: backward() says so
            self._op = str(_op) or "?"

    # -- micrograd's attributes --------------------------------------------
    @property
    def _prev(self):
        """The set of Values this one was computed from (micrograd's ``_prev``)."""
        return {p for p in (self._first, self._second) if p is not None}

    @property
    def _op(self):
        """The operation that made this Value ("+", "*", "tanh" ...; "" for a leaf), micrograd's ``_op``."""
        how = self._how
        return how if type(how) is str else how[0]

    @_op.setter
    def _op(self, op):
        how = self._how
        self._how = op if type(how) is str else (op, how[1])

    @property
    def label(self):
        """An optional name shown in drawings and step-by-step explanations."""
        how = self._how
        return "" if type(how) is str else how[1]

    @label.setter
    def label(self, name):
        name = str(name)
        self._how = (self._op, name) if name else self._op

    def __repr__(self):
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{name})"

    # -- arithmetic and elementary functions ---------------------------------
    # + - * / ** and the methods v.exp(), v.relu() ... are generated from the rule table
    # when this module is imported (see _binary_methods and _unary_method below).

    def __pos__(self):
        return self

    def _apply_rule(self, rule):
        """rule(self) as a new node; adlib.exp(v) etc. land here."""
        return _UNARY_METHODS[rule.name](self)

    # -- comparisons look at data (so max(0, v) and sorting work); == stays identity --
    def __lt__(self, other): return self.data < _data(other, "<")
    def __le__(self, other): return self.data <= _data(other, "<=")
    def __gt__(self, other): return self.data > _data(other, ">")
    def __ge__(self, other): return self.data >= _data(other, ">=")
    __hash__ = object.__hash__   # stated so the graph walk's set lookups take CPython's fast path

    def __float__(self):
        # math.exp(v) would quietly compute a float and lose the graph: refuse, as Dual does
        raise TypeError("float(Value) would drop the gradient; use v.data for the number, and "
                        "adlib.exp / v.exp() (not math.exp) inside functions you differentiate")

    __int__ = __index__ = __complex__ = __float__

    # -- backpropagation ----------------------------------------------------
    def backward(self, grad=1.0):
        """Fill ``.grad`` of every Value this one depends on with d(self)/d(that Value).

        Visits the graph in reverse topological order (the order of
        :func:`adlib.topological_order`, so :func:`adlib.backward_steps`
        explains exactly these additions), found with an explicit stack, without
        recursion, so any depth works.  Leaves
        accumulate across calls; inner nodes are reset for each call (see the
        module docstring).
        """
        if type(grad) is not float:
            grad = _number(grad, "Value.backward(grad)")
        if self._first is None:           # a leaf: d self / d self = 1, nothing else to do
            self.grad += grad
            return
        order = _walk(self, _new_mark(), [])
        self.grad += grad
        try:
            for v in reversed(order):     # every user of v has passed its gradient to v by now
                g = v.grad
                v._first.grad += v._d_first * g
                b = v._second
                if b is not None:
                    b.grad += v._d_second * g
        except TypeError:
            if v._d_first is None:
                raise ValueError(f"Value.backward: the node {v!r} (op {v._op!r}) was built with "
                                 "Value(data, _children, _op), so adlib does not know its local "
                                 "derivatives; build it with Value's operators or adlib.exp etc.") from None
            raise

    def _backward(self):
        """Push this node's grad to its parents once (micrograd's per-node step, for stepping by hand)."""
        g = self.grad
        if self._first is not None:
            self._first.grad += self._d_first * g
        if self._second is not None:
            self._second.grad += self._d_second * g



# ---------------------------------------------------------------------------
# The operators + - * / ** and the methods v.exp(), v.relu() ...: generated from the
# rule table when this module is imported (adlib/value_operators.py).

def _binary(rule, a, b):
    """rule(a, b) where a or b is a Value and the other is not a Python float or int:
    checked and converted to a float, then built by the generated operator."""
    forward, reflected = _BINARY_METHODS[rule.name]
    if type(a) is Value:
        return forward(a, _operand(b, rule, a))
    return reflected(b, _operand(a, rule, b))


_BINARY_METHODS = {}
for _rule, _dunder in [(rules.BINARY["add"], "add"), (rules.BINARY["sub"], "sub"), (rules.BINARY["mul"], "mul"),
                       (rules.BINARY["div"], "truediv"), (rules.BINARY["pow"], "pow")]:
    _BINARY_METHODS[_rule.name] = _forward, _reflected = binary_methods(_rule, Value, _binary)
    _forward.__name__, _reflected.__name__ = f"__{_dunder}__", f"__r{_dunder}__"
    setattr(Value, f"__{_dunder}__", _forward)
    setattr(Value, f"__r{_dunder}__", _reflected)

_UNARY_METHODS = {name: unary_method(rule, Value) for name, rule in rules.UNARY.items()}
for _name in rules.VALUE_METHODS:
    setattr(Value, _name, _UNARY_METHODS[_name])
Value.__neg__ = _UNARY_METHODS["neg"]
Value.__abs__ = _UNARY_METHODS["abs"]

weighted_sum = weighted_sum_function(rules.BINARY["mul"], rules.BINARY["add"], Value)
weighted_sum.__doc__ = """bias + w_0 x_0 + w_1 x_1 + ...: the same nodes, in the same order, as the operators build.

A neuron's sum without an operator call per term (generated from the table's mul and add,
like the operators themselves); a weight or input that is not a Value takes the operators.

>>> w, x = [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)]
>>> s = weighted_sum(Value(0.5), w, x)          # 0.5 + 2 * 3 + (-1) * 4
>>> s.backward(); s.data, [v.grad for v in w], [v.grad for v in x]
(2.5, [3.0, 4.0], [2.0, -1.0])
"""


def _operand(x, rule, value):
    """The plain-number operand of ``rule`` as a float, or a TypeError naming op and operand."""
    cls = type(x)
    if cls is float:
        return x
    try:
        return _number(x, f"Value {rule.symbol} ({rule.name})")
    except (TypeError, ValueError) as err:
        raise type(err)(f"{err}; the other operand is {value!r:.60}") from None


# The graph walk of backward(): graph.topological_order's depth-first post-order
# (second operand explored first), restricted to inner nodes -- a leaf has no
# parents, so where it sits in the order changes no gradient.  A node reached by the
# walk is marked by setting its grad to the walk's mark, a zero made for that walk
# alone: so the mark is also the reset of an inner node's grad, and a node needs no
# slot for marks (a smaller node, which the garbage collector scans faster).  Marks
# left by earlier walks are other objects, so they mean nothing; backward() then
# replaces every mark by a plain float (each inner node receives at least one +=).
# No recursion: a chain of any depth works at Python's default recursion limit.

class _Mark(float):
    """0.0 with an identity of its own on any Python (where ``is`` may compare floats by value)."""
    __slots__ = ()

    def __new__(cls):
        return float.__new__(cls, 0.0)


def _new_mark():
    """A fresh 0.0 that no node holds yet: on CPython float(0) makes a new float object.

    A plain float, not a _Mark: ``grad += ...`` on a plain float takes CPython's fast path."""
    return float(0)


if _new_mark() is _new_mark():      # an implementation comparing floats by value: be safe
    _new_mark = _Mark


def _walk(root, done, order):
    """Append to ``order`` the depth-first post-order of the inner nodes under root; no recursion.

    ``done`` is the walk's mark: every inner node reached gets ``grad = done``.
    ``v`` is the node being looked at.  ``v`` is finished once neither parent is an
    unexplored inner node; otherwise it waits on the stack while that parent is
    explored, second operand first.  Waiting on its first operand, v is finished as
    soon as that operand is; waiting on its second (a ``None`` above it on the stack
    says so), v is looked at again, as its first operand may still be unexplored.  A
    second operand whose own parents are leaves or finished (a neuron's product w * x,
    mostly) is finished on the spot, without making v wait.
    """
    root.grad = done
    stack = []
    v = root
    while True:
        parent = v._second
        if parent is not None and parent.grad is not done and parent._first is not None:
            parent.grad = done
            up = parent._second
            if ((up is None or up.grad is done or up._first is None)
                    and ((up := parent._first).grad is done or up._first is None)):
                order.append(parent)     # nothing to explore above it: finished at once
            else:
                stack.append(v)          # list methods called in place: CPython's fastest path
                stack.append(None)       # v is looked at again once parent is finished
                v = parent
                continue
        parent = v._first
        if parent.grad is not done and parent._first is not None:
            parent.grad = done
            stack.append(v)              # v is finished as soon as parent is
            v = parent
            continue
        order.append(v)                  # v is finished: every parent is a leaf or finished
        while stack:
            v = stack.pop()
            if v is None:                # the node below waited on its second operand
                v = stack.pop()
                break
            order.append(v)              # v waited on its first operand, finished just now
        else:
            return order




def _data(x, op):
    if type(x) is Value:
        return x.data
    return _number(x, f"Value {op}")


def zero_grad(root):
    """Set ``.grad = 0`` on every Value in the graph of ``root`` (root included).

    ``backward()`` adds to the gradients of leaves, so reset them before a new
    pass (an ``adlib.nn`` model has ``model.zero_grad()`` for its parameters).

    >>> x = Value(3.0)
    >>> y = x * x
    >>> y.backward(); y.backward()
    >>> x.grad                     # two passes added up
    12.0
    >>> zero_grad(y); x.grad
    0.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"zero_grad: expected a Value, got {_kind(root)}")
    for v in topological_order(root, parents):
        v.grad = 0.0


def parents(v):
    """The Values ``v`` was computed from, first operand first (no parents: a leaf)."""
    if v._first is None:
        return ()
    return (v._first,) if v._second is None else (v._first, v._second)
