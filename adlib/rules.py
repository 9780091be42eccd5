"""The derivative rules: each elementary operation, its value and its derivative, once.

Every mode of differentiation in adlib reads this table and nothing else:

* forward mode (:mod:`adlib.forward`) pushes a tangent through ``derivative``;
* scalar reverse mode (:mod:`adlib.value`) multiplies an upstream gradient by it;
* array reverse mode (:mod:`adlib.numpy`) registers it as a vector-Jacobian product.

A derivative is written with adlib's own generic functions (``cos``, ``log``,
``div`` ...), never with ``math`` or ``numpy`` directly, so the same line works on
floats, arrays, :class:`~adlib.Dual` numbers and traced values.  That is what
makes nested (higher-order) derivatives work in every mode.

Nothing here knows about any mode.  A type takes part by defining a method
``_apply_rule(rule)`` (for unary rules); :func:`elementary` dispatches to it.

Conventions at points where a function is not differentiable (tested):

* ``relu'(0) = 0`` and ``abs'(0) = 0`` (the subgradient PyTorch and JAX use);
* ``sqrt'(0) = +inf`` (the one-sided limit of 1 / (2 sqrt(x)));
* outside a function's domain (``log(-1)``, ``sqrt(-1)``) the value is ``nan``
  with a ``RuntimeWarning`` naming the function, as numpy does.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

__all__ = [
    "Rule", "BinaryRule", "UNARY", "BINARY", "METHODS", "elementary", "div", "power",
    "exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs", "square",
]


class Rule:
    """One elementary function f of one variable: its value and f'(x).

    ``numpy``      f on arrays (and numpy or complex scalars);
    ``scalar``     f on a Python float (fast path, ``math``); may be None;
    ``derivative`` f'(x) as ``derivative(x, ans)`` with ``ans = f(x)``, written
                   with adlib's generic functions so that every mode can reuse it;
    ``float_derivative`` the same derivative for a Python number x (fast path,
                   without the generic dispatch); equal to ``derivative`` float for
                   float (tested); ``derivative`` itself when not given.
    """

    __slots__ = ("name", "numpy", "scalar", "derivative", "math", "complex", "float_derivative")

    def __init__(self, name, numpy, scalar, derivative, math, complex=None, float_derivative=None):
        self.name = name
        self.numpy = numpy
        self.scalar = scalar
        self.derivative = derivative
        self.math = math          # the rule in words, shown in docs and explanations
        self.complex = complex    # f on complex input, when numpy's version is not analytic
        self.float_derivative = derivative if float_derivative is None else float_derivative

    def __repr__(self):
        return f"Rule({self.name}: {self.math})"

    def on_float(self, x):
        """f(x) for a Python number, following numpy for overflow and domain errors."""
        if self.scalar is not None:
            try:
                return self.scalar(x)
            except (ValueError, OverflowError, ZeroDivisionError):
                pass  # numpy gives inf or nan with a RuntimeWarning instead of raising
        return float(self.numpy(np.float64(x)))

    def on_array(self, x):
        """f(x) for numpy arrays, numpy scalars and complex numbers."""
        if self.complex is not None and np.iscomplexobj(x):
            return self.complex(x)
        return self.numpy(x)


class BinaryRule:
    """One arithmetic operation f(a, b): its value and both partial derivatives.

    ``partials = (d_a, d_b)``, each called as ``d(a, b, ans)``;
    ``float_partials`` the same two partials for Python numbers a, b (fast paths,
    without the generic dispatch); equal to ``partials`` float for float (tested);
    ``partials`` themselves when not given.
    """

    __slots__ = ("name", "symbol", "apply", "partials", "math", "float_partials")

    def __init__(self, name, symbol, apply, partials, math, float_partials=None):
        self.name = name
        self.symbol = symbol
        self.apply = apply
        self.partials = partials
        self.math = math
        self.float_partials = partials if float_partials is None else float_partials

    def __repr__(self):
        return f"BinaryRule({self.name}: {self.math})"


def _kind(x):
    return type(x).__name__


def elementary(rule: Rule):
    """Make the public, generic function for ``rule``: float, array, complex or any traced type."""
    name = rule.name

    def f(x):
        cls = type(x)
        if cls is float or cls is int:
            return rule.on_float(x)
        apply_rule = getattr(cls, "_apply_rule", None)
        if apply_rule is not None:
            return apply_rule(x, rule)
        if isinstance(x, (np.ndarray, np.generic, complex)):
            if isinstance(x, np.ndarray) and x.dtype == object:
                raise TypeError(f"adlib.{name}: got a numpy array of Python objects; "
                                "use adlib.numpy for arrays you want to differentiate")
            if isinstance(x, (np.ndarray, np.generic)) and not np.issubdtype(x.dtype, np.number):
                raise TypeError(f"adlib.{name}: expected numbers, got an array of dtype {x.dtype}")
            return rule.on_array(x)
        if isinstance(x, bool):
            raise TypeError(f"adlib.{name}: expected a number, got a bool ({x!r})")
        if isinstance(x, numbers.Real):
            return rule.on_float(float(x))
        if isinstance(x, (list, tuple)):
            raise TypeError(f"adlib.{name}: got a {_kind(x)}; convert it with numpy.asarray(...) first")
        raise TypeError(f"adlib.{name}: expected a number, numpy array, Dual, Value or traced array, "
                        f"got {_kind(x)} ({x!r:.40})")

    f.__name__ = f.__qualname__ = name
    f.rule = rule
    f.__doc__ = (f"{name}(x): elementwise {rule.math}.\n\n"
                 "Accepts a float, a numpy array, a Dual, a Value or a traced array and returns "
                 "the same kind.")
    return f


# ---------------------------------------------------------------------------
# Safe arithmetic: Python floats raise where numpy warns (1/0, 0**-1, (-8)**(1/3),
# 1e200**2).  These follow numpy for plain numbers and defer to the operands'
# own operators for everything else.

def div(a, b):
    """a / b, with numpy's inf/nan and RuntimeWarning for a zero divisor of plain numbers."""
    try:
        return a / b
    except ZeroDivisionError:
        return float(np.float64(a) / np.float64(b))


def power(a, b):
    """a ** b, real-valued: a negative base with a fractional exponent gives nan, as in numpy."""
    if type(a) is float or type(a) is int:
        if type(b) is float or type(b) is int:
            try:
                r = a ** b
            except (ZeroDivisionError, OverflowError):
                r = None
            if r is not None and type(r) is not complex:
                return float(r)
            return float(np.power(np.float64(a), np.float64(b)))
        if type(b) is complex:        # the complex step through an exponent: 0 ** z as numpy has it
            try:
                return a ** b
            except (ZeroDivisionError, OverflowError):
                return complex(np.power(np.complex128(a), np.complex128(b)))
    if isinstance(a, np.ndarray) and isinstance(b, (int, float, np.ndarray)) and np.issubdtype(a.dtype, np.integer):
        a = a.astype(float)  # numpy refuses integers to negative integer powers
    return a ** b


# ---------------------------------------------------------------------------
# The unary rules.  Each derivative refers to the public functions defined below
# (late binding), so it applies to whatever kind of value it is given.

def _sigmoid_float(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sigmoid_array(x):
    x = np.asarray(x, dtype=float) if not np.iscomplexobj(x) else x
    if np.iscomplexobj(x):
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(-np.abs(x))          # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _step(x):
    """1 where x > 0, else 0: a constant, whatever kind x is (comparisons read the primal value)."""
    return (x > 0) * 1.0


def _sign(x):
    return (x > 0) * 1.0 - (x < 0) * 1.0


def _abs_complex(x):
    # analytic continuation of |x| near the real axis, so the complex step sees the right slope
    return np.where(np.real(x) < 0, -x, x)


UNARY = {r.name: r for r in [
    Rule("exp", np.exp, math.exp, lambda x, ans: ans,
         "exp'(x) = exp(x)"),
    Rule("log", np.log, math.log, lambda x, ans: div(1.0, x),
         "log'(x) = 1 / x  (natural logarithm, x > 0)"),
    Rule("sin", np.sin, math.sin, lambda x, ans: cos(x),
         "sin'(x) = cos(x)"),
    Rule("cos", np.cos, math.cos, lambda x, ans: -sin(x),
         "cos'(x) = -sin(x)"),
    Rule("tan", np.tan, math.tan, lambda x, ans: 1.0 + ans * ans,
         "tan'(x) = 1 + tan(x)^2"),
    Rule("tanh", np.tanh, math.tanh, lambda x, ans: 1.0 - ans * ans,
         "tanh'(x) = 1 - tanh(x)^2"),
    Rule("sigmoid", _sigmoid_array, _sigmoid_float, lambda x, ans: ans * (1.0 - ans),
         "sigmoid(x) = 1 / (1 + exp(-x)),  sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))"),
    Rule("relu", lambda x: np.maximum(x, 0.0), lambda x: x if (x > 0.0 or x != x) else 0.0,
         lambda x, ans: _step(x),
         "relu(x) = max(0, x),  relu'(x) = 1 if x > 0 else 0  (relu'(0) = 0)",
         float_derivative=lambda x, ans: 1.0 if x > 0.0 else 0.0),
    Rule("sqrt", np.sqrt, math.sqrt, lambda x, ans: div(0.5, ans),
         "sqrt'(x) = 1 / (2 sqrt(x))  (sqrt'(0) = +inf)"),
    Rule("abs", np.abs, lambda x: x if x >= 0.0 else -x, lambda x, ans: _sign(x),
         "abs'(x) = sign(x)  (abs'(0) = 0)", complex=_abs_complex),
    Rule("square", np.square, lambda x: x * x, lambda x, ans: 2.0 * x,
         "square'(x) = 2 x"),
]}

# relu on complex input (complex step): treat the real part's sign as the branch
UNARY["relu"].complex = lambda x: np.where(np.real(x) > 0, x, 0.0 * x)

# The elementary functions a Value offers as methods (micrograd's v.relu(), v.exp() ...);
# Dual offers the same ones, so code written for micrograd's Value runs in forward mode too.
METHODS = ("exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "sqrt", "relu")


def _pow_d_base(a, b, ans):
    # b a^(b-1) is 0 · 0^(-1) = nan at a = b = 0, though a^0 = 1 is constant: where both are 0
    # (read through any tracing) the exponent 1 stands in, giving 0 as torch and autograd do.
    # That also makes d²(a^1)/da² = d(1 · a^0)/da = 0 at a = 0.  Elsewhere the formula is exact,
    # so mixed derivatives in a traced exponent b stay right.
    if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS:
        return 0.0 if a == 0 and b == 0 else b * power(a, b - 1.0)
    both_zero = np.logical_and(a == 0, b == 0)
    if np.any(both_zero):
        return b * power(a, (b - 1.0) + 2.0 * both_zero)
    return b * power(a, b - 1.0)


def _pow_d_base_float(a, b, ans):
    """_pow_d_base for Python numbers: the same operations, without power()'s checks when a ** c is real."""
    c = b - 1.0
    try:
        r = a ** c
    except (ZeroDivisionError, OverflowError):
        return _pow_d_base(a, b, ans)        # numpy's inf, with its warning
    if type(r) is complex:                   # a negative base to a fractional power: nan, warned
        return _pow_d_base(a, b, ans)
    return b * r


def _div_d_a_float(a, b, ans):
    """d(a / b)/da for Python numbers; a zero divisor goes through div (numpy's inf/nan)."""
    return 1.0 / b if b else div(1.0, b)


def _div_d_b_float(a, b, ans):
    """d(a / b)/db for Python numbers; a zero divisor goes through div (numpy's inf/nan)."""
    return -(ans / b) if b else -div(ans, b)


def _pow_d_exponent(a, b, ans):
    # d/db a^b = a^b log(a), defined for a > 0.  At a = 0 with b >= 0 it is 0 (the limit
    # a^b log a -> 0 for b > 0, and torch's and autograd's value at 0 ** 0); for a < 0 it is
    # nan, with numpy's warning.
    if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS:
        if a == 0 and _nonnegative(b):
            return 0.0 * b
        return ans * log(a)
    zero = np.logical_and(a == 0, _nonnegative(b))   # comparisons read values through any tracing
    if np.any(zero):
        a = a + 1.0 * zero       # log(1) = 0 there, and a stays traced where it is not 0
    return ans * log(a)


_PLAIN_NUMBERS = (float, int, complex)


def _nonnegative(b):
    """b >= 0, elementwise; a complex b (the complex step) by its real part."""
    if isinstance(b, (complex, np.ndarray, np.generic)):
        return np.real(b) >= 0
    return b >= 0


BINARY = {r.name: r for r in [
    BinaryRule("add", "+", lambda a, b: a + b,
               (lambda a, b, ans: 1.0, lambda a, b, ans: 1.0),
               "d(a + b) = da + db"),
    BinaryRule("sub", "-", lambda a, b: a - b,
               (lambda a, b, ans: 1.0, lambda a, b, ans: -1.0),
               "d(a - b) = da - db"),
    BinaryRule("mul", "*", lambda a, b: a * b,
               (lambda a, b, ans: b, lambda a, b, ans: a),
               "d(a b) = b da + a db"),
    BinaryRule("div", "/", div,
               (lambda a, b, ans: div(1.0, b), lambda a, b, ans: -div(ans, b)),
               "d(a / b) = da / b - (a / b^2) db",
               float_partials=(_div_d_a_float, _div_d_b_float)),
    BinaryRule("pow", "**", power,
               (_pow_d_base, _pow_d_exponent),
               "d(a^b) = b a^(b-1) da + a^b log(a) db  (the second term needs a > 0)",
               float_partials=(_pow_d_base_float, _pow_d_exponent)),
]}


exp = elementary(UNARY["exp"])
log = elementary(UNARY["log"])
sin = elementary(UNARY["sin"])
cos = elementary(UNARY["cos"])
tan = elementary(UNARY["tan"])
tanh = elementary(UNARY["tanh"])
sigmoid = elementary(UNARY["sigmoid"])
relu = elementary(UNARY["relu"])
sqrt = elementary(UNARY["sqrt"])
abs = elementary(UNARY["abs"])  # noqa: A001  (adlib.abs, like numpy.abs)
square = elementary(UNARY["square"])
