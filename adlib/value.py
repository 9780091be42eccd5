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

from . import rules
from .graph import topological_order

__all__ = ["Value", "zero_grad"]

_UNARY = rules.UNARY
_ADD, _SUB, _MUL, _DIV, _POW = (rules.BINARY[k] for k in ("add", "sub", "mul", "div", "pow"))
_new = object.__new__
_power = rules.power
_d_pow_base = _POW.float_partials[0]     # Python-number fast paths of the table's partials
_div = rules.div
_d_div_a, _d_div_b = _DIV.float_partials
_POW_OPS = {int: {}, float: {}}
_OP_NAMES = {"relu": "ReLU"}   # micrograd's name for the op, shown in drawings


def _kind(x):
    return type(x).__name__


def _number(x, what):
    """x as a Python float, or a TypeError that names ``what`` and x's type in a student's terms."""
    cls = type(x)
    if cls is float:
        return x
    if cls is int:
        return float(x)
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
        return float(x)
    if isinstance(x, numbers.Complex):
        raise TypeError(f"{what}: got a complex number ({x!r}); Value is for real numbers")
    raise TypeError(f"{what}: expected a number or a Value, got {_kind(x)} ({x!r:.40})")


def _unary_method(name):
    """The method ``v.<name>()``: _apply_rule for one rule, with the rule's parts looked up once."""
    rule = _UNARY[name]
    on_float, scalar, derivative = rule.on_float, rule.scalar, rule.float_derivative
    op = _OP_NAMES.get(name, name)
    if scalar is None:  # pragma: no cover - every rule has a float version today
        def method(self):
            return self._apply_rule(rule)
    else:
        def method(self):
            x = self.data
            try:
                ans = scalar(x)          # rule.on_float's fast path, without its indirection
            except (ValueError, OverflowError, ZeroDivisionError):
                ans = on_float(x)        # numpy's inf or nan, with its warning
            out = _new(Value)
            out._mark = None
            out.data = ans
            out.grad = 0.0
            out._a = self
            out._b = None
            d = derivative(x, ans)
            out._da = d if type(d) is float else float(d)
            out._op = op
            return out
    method.__name__, method.__qualname__ = name, f"Value.{name}"
    method.__doc__ = f"{name} of this Value as a new node: {rule.math}."
    return method


class Value:
    """One scalar in a computation graph: ``data``, ``grad`` and how it was computed.

    ``Value(2.0)`` or ``Value(2.0, label="x")``; micrograd's signature
    ``Value(data, _children=(), _op='')`` is accepted too.  Supports ``+ - * / **``
    with numbers on either side (an exponent may be a Value: d/dy x**y = x**y log x,
    for x > 0), unary ``-``, ``abs``, comparisons of ``data``, and
    ``.exp() .log() .tanh() .relu() .sigmoid() .sin() .cos() .sqrt()``;
    ``adlib.exp(v)`` and the other elementary functions accept a Value as well.
    ``==`` compares identity (as in micrograd), so Values can be set members.
    """

    # _a, _b: the parents (Values, or None); _da, _db: d(self)/d(parent), plain floats
    # _mark: scratch space for backward()'s graph walk (faster than a set of visited nodes)
    __slots__ = ("data", "grad", "_a", "_b", "_da", "_db", "_op", "_mark", "_label")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy.exp(v) and friends work on a Value; a numpy array mixed with a Value is refused."""
        name = _NUMPY_UNARY.get(ufunc.__name__)
        if method == "__call__" and not kwargs and name and len(inputs) == 1:
            return getattr(rules, name)(self)
        if any(isinstance(x, np.ndarray) for x in inputs):
            shapes = ", ".join(str(np.shape(x)) for x in inputs if isinstance(x, np.ndarray))
            sym = _NUMPY_SYMBOLS.get(ufunc.__name__, "")
            raise TypeError(f"Value {sym} (numpy.{ufunc.__name__}): got a numpy array of shape {shapes} and a Value; "
                            "a Value holds one number. Arrays belong to adlib.numpy "
                            "(import adlib.numpy as anp; adlib.grad(f)(x))")
        op = _NUMPY_BINARY.get(ufunc.__name__)
        if method == "__call__" and not kwargs and op and len(inputs) == 2:
            a, b = (float(x) if isinstance(x, np.generic) else x for x in inputs)
            return op(a, b)
        raise TypeError(f"numpy.{ufunc.__name__} does not support Value; use Value's operators "
                        "and adlib's elementary functions (adlib.exp, ...)")

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data if type(data) is float else _number(data, "Value(data)")
        self.grad = 0.0
        self._a = self._b = None
        self._op = _op if type(_op) is str else str(_op)
        self._mark = None
        if label:
            self._label = str(label)
        if _children:
            # micrograd lets user code wire nodes by hand and attach a closure; adlib
            # computes local derivatives inside its operations, so such a node is only
            # drawn: backward() refuses it instead of giving a silently wrong gradient.
            parents = tuple(_children)
            if len(parents) > 2 or not all(isinstance(p, Value) for p in parents):
                raise TypeError("Value(data, _children): _children must be up to two Values")
            self._a = parents[0]
            self._b = parents[1] if len(parents) == 2 else None
            self._da = self._db = None   # unknown: backward() says so
            self._op = str(_op) or "?"

    # -- micrograd's attributes --------------------------------------------
    @property
    def _prev(self):
        """The set of Values this one was computed from (micrograd's ``_prev``)."""
        return {p for p in (self._a, self._b) if p is not None}

    @property
    def label(self):
        """An optional name shown in drawings and step-by-step explanations."""
        return getattr(self, "_label", "")   # not stored by operations until set

    @label.setter
    def label(self, name):
        self._label = str(name)

    def __repr__(self):
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{name})"

    # -- arithmetic ---------------------------------------------------------
    # +, - and * are the hot path of every neural network, so they build their
    # node inline; their partials (1 and -1 for + and -, the other factor for *)
    # are checked against rules.BINARY when this module is imported.  Every
    # other operation reads its partials from the table through _binary.
    def __add__(self, other):
        cls = type(other)
        if cls is Value:
            out = _new(Value)
            out._mark = None
            out.data = self.data + other.data
            out._b = other
            out._db = 1.0
        elif cls is float or cls is int:
            out = _new(Value)
            out._mark = None
            out.data = self.data + other
            out._b = None
        else:
            return _binary(_ADD, self, other, "+")
        out.grad = 0.0
        out._a = self
        out._da = 1.0
        out._op = "+"
        return out

    __radd__ = __add__    # c + v: the same node; a + b is exact and symmetric in floats

    def __sub__(self, other):
        cls = type(other)
        if cls is Value:
            out = _new(Value)
            out._mark = None
            out.data = self.data - other.data
            out._b = other
            out._db = -1.0
        elif cls is float or cls is int:
            out = _new(Value)
            out._mark = None
            out.data = self.data - other
            out._b = None
        else:
            return _binary(_SUB, self, other, "-")
        out.grad = 0.0
        out._a = self
        out._da = 1.0
        out._op = "-"
        return out

    def __rsub__(self, other):
        return _binary(_SUB, other, self, "-")

    def __mul__(self, other):
        cls = type(other)
        out = _new(Value)
        out._mark = None
        if cls is Value:
            y = other.data
            out._b = other
            out._db = self.data
        elif cls is float:
            y = other
            out._b = None
        elif cls is int:
            y = float(other)     # the same product: float * int converts the int first
            out._b = None
        else:
            return _binary(_MUL, self, other, "*")
        out.data = self.data * y
        out.grad = 0.0
        out._a = self
        out._da = y
        out._op = "*"
        return out

    __rmul__ = __mul__    # c * v: the same node (float products commute exactly)

    def __truediv__(self, other):
        cls = type(other)
        if cls is Value:
            y = other.data
        elif cls is float or cls is int:
            y = other
        else:
            return _binary(_DIV, self, other, "/")
        x = self.data
        try:
            ans = x / y
        except ZeroDivisionError:        # rules.div: numpy's inf or nan, with its warning
            ans = _div(x, y)
        out = _new(Value)
        out._mark = None
        out.data = ans
        out.grad = 0.0
        out._a = self
        out._da = _d_div_a(x, y, ans)    # rules.BINARY["div"]: 1 / b and -(a / b) / b
        if cls is Value:
            out._b = other
            out._db = _d_div_b(x, y, ans)
        else:
            out._b = None
        out._op = "/"
        return out

    def __rtruediv__(self, other):
        return _binary(_DIV, other, self, "/")

    def __pow__(self, other):
        cls = type(other)
        x = self.data
        if cls is int:
            try:                 # float ** int is a float; rules.power handles 0 ** -1 and overflow
                ans = x ** other
            except (ZeroDivisionError, OverflowError):
                ans = _power(x, other)
        elif cls is float:
            ans = _power(x, other)
        else:
            return _binary(_POW, self, other, "**")
        out = _new(Value)
        out._mark = None
        out.data = ans
        out.grad = 0.0
        out._a = self
        out._b = None
        out._da = _d_pow_base(x, other, ans)
        op = _POW_OPS[cls].get(other)   # micrograd's op name, "**2"; cached, formatting costs more
        out._op = op if op is not None else _pow_op(cls, other)
        return out

    def __rpow__(self, other):
        return _binary(_POW, other, self, "**")

    def __neg__(self):
        return _binary(_MUL, self, -1.0, "neg")

    def __pos__(self):
        return self

    def __abs__(self):
        return self._apply_rule(_UNARY["abs"])

    # -- elementary functions: one method per rule, all through _apply_rule --
    def _apply_rule(self, rule, op=None):
        """rule(self) as a new node; adlib.exp(v) etc. land here."""
        x = self.data
        ans = rule.on_float(x)
        out = _new(Value)
        out._mark = None
        out.data = ans
        out.grad = 0.0
        out._a = self
        out._b = None
        d = rule.float_derivative(x, ans)
        out._da = d if type(d) is float else float(d)
        out._op = op or _OP_NAMES.get(rule.name, rule.name)
        return out

    # v.exp(), v.relu(), ...: one method per name in rules.METHODS (added after the class)

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
        :func:`adlib.graph.topological_order`, so :func:`adlib.backward_steps`
        explains exactly these additions), found with an explicit stack, without
        recursion, so any depth works.  Leaves
        accumulate across calls; inner nodes are reset for each call (see the
        module docstring).
        """
        if type(grad) is not float:
            grad = _number(grad, "Value.backward(grad)")
        if self._a is None:           # a leaf: d self / d self = 1, nothing else to do
            self.grad += grad
            return
        order = _walk(self, object(), [])
        self.grad += grad
        try:
            for v in reversed(order):     # every user of v has passed its gradient to v by now
                g = v.grad
                v._a.grad += v._da * g
                b = v._b
                if b is not None:
                    b.grad += v._db * g
        except TypeError:
            if v._da is None:
                raise ValueError(f"Value.backward: the node {v!r} (op {v._op!r}) was built with "
                                 "Value(data, _children, _op), so adlib does not know its local "
                                 "derivatives; build it with Value's operators or adlib.exp etc.") from None
            raise

    def _backward(self):
        """Push this node's grad to its parents once (micrograd's per-node step, for stepping by hand)."""
        g = self.grad
        if self._a is not None:
            self._a.grad += self._da * g
        if self._b is not None:
            self._b.grad += self._db * g


for _name in rules.METHODS:
    setattr(Value, _name, _unary_method(_name))


# The graph walk of backward(): graph.topological_order's depth-first post-order
# (second operand explored first), restricted to inner nodes -- a leaf has no
# parents, so where it sits in the order changes no gradient -- with marks on the
# nodes instead of a set of visited ones.  Each walk marks with a fresh token, so
# marks left by earlier walks mean nothing.  Finishing an inner node is also the
# moment to reset its grad.  No recursion: a chain of any depth works at Python's
# default recursion limit.

def _walk(root, done, order):
    """Append to ``order`` the depth-first post-order of the inner nodes under root; no recursion.

    ``v`` is the node being explored; the stack holds the nodes waiting for it.
    ``v`` is finished once neither parent is an unfinished inner node; otherwise
    it waits on the stack while that parent is explored (second operand first).
    """
    root._mark = done
    stack = []
    v = root
    while True:
        b = v._b
        if b is not None and b._mark is not done and b._a is not None:
            b._mark = done
            stack.append(v)      # list methods called in place: CPython's fastest path
            v = b
            continue
        a = v._a
        if a._mark is not done and a._a is not None:
            a._mark = done
            stack.append(v)
            v = a
            continue
        while True:   # v is finished; so is each waiting node whose operands are all finished now
            v.grad = 0.0
            order.append(v)
            if not stack:
                return order
            w = v
            v = stack.pop()
            if w is v._b:        # back from the second operand: the first may be unexplored
                a = v._a
                if a._mark is not done and a._a is not None:
                    a._mark = done
                    stack.append(v)
                    v = a
                    break
            # else back from the first operand, explored last: v is finished


_NUMPY_UNARY = {"exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh",
                "sqrt": "sqrt", "absolute": "abs", "square": "square"}
_NUMPY_SYMBOLS = {"add": "+", "subtract": "-", "multiply": "*", "true_divide": "/", "divide": "/", "power": "**"}
_NUMPY_BINARY = {"add": lambda a, b: a + b, "subtract": lambda a, b: a - b, "multiply": lambda a, b: a * b,
                 "true_divide": lambda a, b: a / b, "divide": lambda a, b: a / b, "power": lambda a, b: a ** b}


def _pow_op(cls, exponent):
    """The op name of v ** exponent ("**2", "**0.5"), remembered for the next time (up to 1000 of each kind)."""
    op = f"**{exponent}"
    ops = _POW_OPS[cls]
    if len(ops) < 1000:
        ops[exponent] = op
    return op


def _data(x, op):
    if type(x) is Value:
        return x.data
    return _number(x, f"Value {op}")


def _binary(rule, a, b, op):
    """rule(a, b) where a or b (or both) is a Value; local derivatives from the rule's partials."""
    if type(a) is Value:
        x, pa = a.data, a
    else:
        x, pa = _operand(a, rule, op, b), None
    if type(b) is Value:
        y, pb = b.data, b
    else:
        y, pb = _operand(b, rule, op, a), None
    ans = rule.apply(x, y)
    if type(ans) is not float:
        ans = float(ans)
    d_a, d_b = rule.float_partials     # x and y are Python numbers here
    out = _new(Value)
    out._mark = None
    out.data = ans
    out.grad = 0.0
    out._op = op
    if pa is not None:
        out._a = pa
        d = d_a(x, y, ans)
        out._da = d if type(d) is float else float(d)
        if pb is not None:
            out._b = pb
            d = d_b(x, y, ans)
            out._db = d if type(d) is float else float(d)
        else:
            out._b = None
    else:  # only b is a Value: it becomes the single parent
        out._a = pb
        d = d_b(x, y, ans)
        out._da = d if type(d) is float else float(d)
        out._b = None
    return out


def _operand(x, rule, op, value):
    """The plain-number operand of ``rule`` as a float, or a TypeError naming op and operand."""
    cls = type(x)
    if cls is float:
        return x
    if cls is int:
        return float(x)
    try:
        return _number(x, f"Value {rule.symbol} ({rule.name})")
    except TypeError as err:
        raise TypeError(f"{err}; the other operand is {value!r:.60}") from None


def zero_grad(root):
    """Set ``.grad = 0`` on every Value in the graph of ``root`` (root included).

    ``backward()`` adds to the gradients of leaves, so reset them before a new
    pass (an ``adlib.nn`` model has ``model.zero_grad()`` for its parameters).
    """
    if not isinstance(root, Value):
        raise TypeError(f"zero_grad: expected a Value, got {_kind(root)}")
    for v in topological_order(root):
        v.grad = 0.0


# The inlined operators above state the add, sub and mul partials; check them
# against the rule table once, so the table stays the one source of truth.
for _rule, _expect in ((_ADD, (1.0, 1.0)), (_SUB, (1.0, -1.0)), (_MUL, (3.0, 2.0))):
    _got = tuple(float(d(2.0, 3.0, _rule.apply(2.0, 3.0))) for d in _rule.partials)
    if _got != _expect:  # pragma: no cover - guards against editing rules.py alone
        raise ImportError(f"adlib.value: the inlined {_rule.name} partials disagree with rules.BINARY")
del _rule, _expect, _got
