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
* ``d(a ** b)/da = 0`` where ``b = 0``, also at ``a = 0`` (``x ** 0`` is constant), so
  ``x ** 1`` has second derivative 0 at 0; ``d(a ** b)/db = 0`` at ``a = 0, b >= 0``
  (the values torch and HIPS autograd give);
* outside a function's domain (``log(-1)``, ``sqrt(-1)``) the value is ``nan``
  with a ``RuntimeWarning`` naming the function, as numpy does.

Complex input is accepted by the elementary functions for the complex step only: each is
continued analytically from the real axis (``abs``, ``relu``, ``sigmoid`` and ``softplus``
included), which is not numpy's ``abs`` of a complex number.  Functions defined for real
input only (``anp.var``, ``anp.std``, ``anp.linalg.norm``, and ``grad`` of a complex input)
refuse complex numbers with a TypeError.
"""
from __future__ import annotations

import math
import numbers
import operator
import warnings

import numpy as np

from . import validate

__all__ = [
    "Rule", "BinaryRule", "UNARY", "BINARY", "VALUE_METHODS", "NUMPY_NAME", "NUMPY_UFUNCS", "elementary", "compiled", "div", "power",
    "exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs", "square", "neg",
    "log1p", "expm1", "softplus",
]


class Rule:
    """One elementary function f of one variable: its value and f'(x).

    ``numpy``      f on arrays (and numpy or complex scalars);
    ``scalar``     f on a Python float (fast path, ``math``); may be None;
    ``derivative`` f'(x) as ``derivative(x, ans)`` with ``ans = f(x)``, written
                   with adlib's generic functions so that every mode can reuse it.
                   It may be given as the text of an expression in ``x`` and ``ans``
                   (``"2.0 * x"``): then ``source`` keeps that text, from which Value
                   builds its fast path for Python floats (see :func:`compiled`).
    """

    __slots__ = ("name", "numpy", "scalar", "derivative", "math", "complex", "source")

    def __init__(self, name, numpy, scalar, derivative, math, complex=None):
        self.name = name
        self.numpy = numpy
        self.scalar = scalar
        self.derivative, self.source = compiled(derivative, "x, ans")
        self.math = math          # the rule in words, shown in docs and explanations
        self.complex = complex    # f on complex input, when numpy's version is not analytic

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

    ``apply`` computes f(a, b) and ``partials = (d_a, d_b)`` its partial derivatives,
    each called as ``d(a, b, ans)``.  Each may be given as the text of an expression
    (in ``a, b`` for apply, ``a, b, ans`` for a partial); ``sources`` keeps the texts
    (None for one given as a function), from which Value builds its fast path.
    """

    __slots__ = ("name", "symbol", "apply", "partials", "math", "sources")

    def __init__(self, name, symbol, apply, partials, math):
        self.name = name
        self.symbol = symbol
        self.apply, apply_source = compiled(apply, "a, b")
        (d_a, source_a), (d_b, source_b) = (compiled(d, "a, b, ans") for d in partials)
        self.partials = (d_a, d_b)
        self.sources = (apply_source, source_a, source_b)
        self.math = math

    def __repr__(self):
        return f"BinaryRule({self.name}: {self.math})"


def _kind(x):
    return type(x).__name__


def compiled(rule, arguments):
    """(function, source): a rule given as expression text becomes ``lambda <arguments>: <text>``.

    The text is evaluated in this module, so it may use div, power, log ... A rule given
    as a function is returned as it is, with source None.

    >>> f, text = compiled("2.0 * x", "x, ans")
    >>> f(3.0, 9.0), text
    (6.0, '2.0 * x')
    """
    if not isinstance(rule, str):
        return rule, None
    return eval(f"lambda {arguments}: {rule}", globals()), rule   # noqa: S307  (our own table's text)


def elementary(rule: Rule):
    """Make the public, generic function for ``rule``: float, array, complex or any traced type."""
    name = rule.name

    def f(x):
        cls = type(x)
        if cls is float:
            return rule.on_float(x)
        if cls is int:     # an int beyond float range is a ValueError by name (adlib.validate)
            return rule.on_float(validate.real_number(x, f"adlib.{name}", "x"))
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
                        f"got {validate.describe(x)}")

    f.__name__ = f.__qualname__ = name
    f.rule = rule
    f.__doc__ = (f"{name}(x): elementwise {rule.math}.\n\n"
                 "Accepts a float, a numpy array, a Dual, a Value or a traced array and returns "
                 "the same kind: reverse mode, forward mode and central differences agree.\n\n"
                 f">>> import adlib\n>>> from adlib.rules import {name}\n"
                 f">>> x = adlib.Value(0.5); {name}(x).backward()\n"
                 f">>> bool(abs(x.grad - adlib.central_difference({name}, 0.5)) < 1e-6)\nTrue\n"
                 f">>> bool(abs(adlib.derivative({name}, 0.5) - x.grad) < 1e-12)\nTrue\n")
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
            if type(r) is float:
                return r
            if r is not None and type(r) is not complex:
                return float(r)           # int ** int
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


def _softplus_float(x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): the exponent is never positive, so nothing overflows
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-x if x > 0.0 else x))


def _softplus_array(x):
    return np.logaddexp(0.0, x)


def _softplus_complex(z):
    # the analytic continuation near the real axis, for the complex step
    return np.where(np.real(z) > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))


def _sigmoid_array(x):
    x = np.asarray(x, dtype=float) if not np.iscomplexobj(x) else x
    if np.iscomplexobj(x):
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(-np.abs(x))          # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sign(x):
    return (x > 0) * 1.0 - (x < 0) * 1.0


def _abs_complex(x):
    # analytic continuation of |x| near the real axis, so the complex step sees the right slope
    return np.where(np.real(x) < 0, -x, x)


# The table: one line per function f, with f'(x) written from x and ans = f(x) in
# adlib's generic functions (the text every mode reads), then the rule in words.
_UNARY_TABLE = """
exp       | ans                 | exp'(x) = exp(x)
log       | div(1.0, x)         | log'(x) = 1 / x  (natural logarithm, x > 0)
sin       | cos(x)              | sin'(x) = cos(x)
cos       | -sin(x)             | cos'(x) = -sin(x)
tan       | 1.0 + ans * ans     | tan'(x) = 1 + tan(x)^2
tanh      | 1.0 - ans * ans     | tanh'(x) = 1 - tanh(x)^2
sigmoid   | ans * (1.0 - ans)   | sigmoid(x) = 1 / (1 + exp(-x)),  sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))
relu      | (x > 0) * 1.0       | relu(x) = max(0, x),  relu'(x) = 1 if x > 0 else 0  (relu'(0) = 0)
sqrt      | div(0.5, ans)       | sqrt'(x) = 1 / (2 sqrt(x))  (sqrt'(0) = +inf)
abs       | _sign(x)            | abs'(x) = sign(x)  (abs'(0) = 0)
square    | 2.0 * x             | square'(x) = 2 x
neg       | -1.0                | neg(x) = -x,  neg'(x) = -1
log1p     | div(1.0, 1.0 + x)   | log1p(x) = log(1 + x), accurate for tiny x,  log1p'(x) = 1 / (1 + x)  (x > -1)
expm1     | ans + 1.0           | expm1(x) = exp(x) - 1, accurate for tiny x,  expm1'(x) = exp(x)
softplus  | sigmoid(x)          | softplus(x) = log(1 + exp(x)), never overflowing,  softplus'(x) = sigmoid(x)
"""
# relu's derivative is a constant, whatever kind x is: a comparison reads the primal value.
# log1p, expm1 and softplus are the stable forms: log(1 + x) and exp(x) - 1 lose every
# digit for tiny x, and log(1 + exp(x)) overflows.

# f itself is numpy's function of the same name on arrays and math's on Python floats,
# except where these say otherwise.
_ON_ARRAYS = {"sigmoid": _sigmoid_array, "relu": lambda x: np.maximum(x, 0.0), "neg": np.negative,
              "softplus": _softplus_array}
_ON_FLOATS = {"sigmoid": _sigmoid_float, "relu": lambda x: x if (x > 0.0 or x != x) else 0.0,
              "abs": lambda x: x if x >= 0.0 else -x, "square": lambda x: x * x, "neg": operator.neg,
              "softplus": _softplus_float}
# f on complex input (the complex step), where numpy's version is not the analytic continuation;
# relu takes the real part's sign as the branch
_ON_COMPLEX = {"abs": _abs_complex, "softplus": _softplus_complex,
               "relu": lambda x: np.where(np.real(x) > 0, x, 0.0 * x)}


def _table(text):
    """The rows of a table written as lines of ``|``-separated cells."""
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


def _unary_rule(name, derivative, words):
    return Rule(name, _ON_ARRAYS.get(name) or getattr(np, name), _ON_FLOATS.get(name) or getattr(math, name),
                derivative, words, complex=_ON_COMPLEX.get(name))


UNARY = {row[0]: _unary_rule(*row) for row in _table(_UNARY_TABLE)}

# The elementary functions a Value offers as methods (micrograd's v.relu(), v.exp() ...);
# Dual offers the same ones, so code written for micrograd's Value runs in forward mode too.
VALUE_METHODS = ("exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "sqrt", "relu")


def _pow_d_base(a, b, ans):
    # b a^(b-1) at b = 0 is 0 · a^(-1): nan where a^(-1) overflows (a = 0, or a tiny), though
    # a^0 = 1 is constant.  There the exponent 1 stands in, giving 0 as torch and autograd do;
    # that also makes d²(a^1)/da² = d(1 · a^0)/da = 0 at a = 0.  A constant exponent is swapped
    # wherever it is 0 (autograd's rule); a traced one only where a^(-1) overflows, so that
    # mixed derivatives ∂²(a^b)/∂a∂b = 1/a at b = 0 stay exact elsewhere (autograd's are not).
    if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS:
        return 0.0 if b == 0 else b * power(a, b - 1.0)
    swap = b == 0                       # comparisons read values through any tracing
    if not isinstance(b, (np.ndarray, np.generic, *_PLAIN_NUMBERS)):
        swap = np.logical_and(swap, np.logical_and(a < _TINY, a > -_TINY))
    if np.any(swap):
        return b * power(a, (b - 1.0) + 2.0 * swap)
    return b * power(a, b - 1.0)


_TINY = float(np.finfo(np.float64).tiny)     # below it, 1 / a may overflow


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


# One line per operation: its name and symbol, f(a, b), the partials d/da and d/db
# (from a, b and ans = f(a, b)), and the rule in words.
_BINARY_TABLE = """
add  | +   | a + b        | 1.0                     | 1.0                         | d(a + b) = da + db
sub  | -   | a - b        | 1.0                     | -1.0                        | d(a - b) = da - db
mul  | *   | a * b        | b                       | a                           | d(a b) = b da + a db
div  | /   | div(a, b)    | div(1.0, b)             | -div(ans, b)                | d(a / b) = da / b - (a / b^2) db
pow  | **  | power(a, b)  | _pow_d_base(a, b, ans)  | _pow_d_exponent(a, b, ans)  | d(a^b) = b a^(b-1) da + a^b log(a) db  (the second term needs a > 0)
"""

BINARY = {name: BinaryRule(name, symbol, apply, (d_a, d_b), words)
          for name, symbol, apply, d_a, d_b, words in _table(_BINARY_TABLE)}

# numpy's name of a rule, where it differs (adlib.numpy's functions bear numpy's names) ...
NUMPY_NAME = {"neg": "negative", "add": "add", "sub": "subtract", "mul": "multiply", "div": "divide",
              "pow": "power"}
# ... and numpy's ufunc name -> the rule, for every rule numpy has as a ufunc (numpy.abs is
# "absolute"), so np.exp(v) and np.add(x, v) work on a Value or a Dual
NUMPY_UFUNCS = {getattr(np, NUMPY_NAME.get(name, name)).__name__: name for name in (*UNARY, *BINARY)
                if isinstance(getattr(np, NUMPY_NAME.get(name, name), None), np.ufunc)}


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
neg = elementary(UNARY["neg"])
log1p = elementary(UNARY["log1p"])
expm1 = elementary(UNARY["expm1"])
softplus = elementary(UNARY["softplus"])
log1p.__doc__ += "\n\n>>> log1p(1e-20), math.log(1 + 1e-20)   # the naive form loses every digit\n(1e-20, 0.0)\n"
expm1.__doc__ += "\n\n>>> expm1(1e-20), math.exp(1e-20) - 1\n(1e-20, 0.0)\n"
softplus.__doc__ += ("\n\n>>> softplus(1000.0), softplus(-1000.0)   # log(1 + exp(1000)) would overflow\n"
                     "(1000.0, 0.0)\n")     # -x, as Value, Dual and traced arrays negate
