"""Forward mode: dual numbers.

A dual number ``a + b ε`` with ``ε² = 0`` carries a value and a tangent.  By
Taylor's theorem ``f(a + b ε) = f(a) + f'(a) b ε``, so evaluating a function on
``Dual(x, 1)`` yields ``f(x)`` and ``f'(x)`` together, one pass per input direction.

Every operation reads its derivative from :mod:`adlib.rules`.

Nested duals give higher derivatives.  Each call of :func:`derivative` or
:func:`jvp` draws a fresh *tag*, so two perturbations of different variables are
never confused: a Dual with a newer tag sits outside, and one with an older tag
is a constant to it.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import validate
from .errors import BUILD_A_NEW_ARRAY, COMPARISONS, CONVERTED_BY_NUMPY, returned_none
from .rules import BINARY, NUMPY_UFUNCS, UNARY, VALUE_METHODS, elementary
from .traced import Traced, new_level, primal

__all__ = ["Dual", "derivative", "jvp"]

new_tag = new_level   # a fresh perturbation tag, drawn from the counter trace levels use too


def _check_part(part, name, op="Dual"):
    """Accept a number, a numpy array of numbers, or a traced value (for nesting); refuse the rest (adlib.validate)."""
    if isinstance(part, Dual) or hasattr(type(part), "_apply_rule"):
        return part   # nesting: a Dual of an older tag, or a traced array (grad of jvp)
    if isinstance(part, (list, tuple)):
        raise TypeError(f"{op}: the {name} part is a {type(part).__name__}; convert it with numpy.asarray(...) first")
    if isinstance(part, (complex, np.complexfloating)):
        return part   # the complex step through forward mode
    if isinstance(part, np.ndarray):
        validate.array_operand(part, op, f"the {name} part")
        if part.dtype.kind == "b":
            raise TypeError(f"{op}: the {name} part must hold numbers, got {validate.describe(part)}")
        return part.astype(float) if part.dtype.kind in "iu" else part
    return validate.real_number(part, op, f"the {name} part")


class Dual(Traced):
    """A dual number ``real + dual·ε`` with ``ε² = 0``.

    ``real`` and ``dual`` are floats or numpy arrays (which broadcast like numpy);
    they may also be Duals of an older tag, which is how second derivatives nest.
    Comparisons look at the real part only.

    >>> d = Dual(3.0, 1.0) * Dual(3.0, 1.0)
    >>> d.real, d.dual
    (9.0, 6.0)
    """

    __slots__ = ("real", "dual", "tag")
    _kind = "Dual"
    __array_priority__ = 100  # ndarray <op> Dual defers to Dual

    def __init__(self, real, dual=0.0, tag=0):
        real = _check_part(real, "real")
        dual = _check_part(dual, "dual")
        rs, ds = np.shape(real), np.shape(dual)
        if rs != ds:
            try:
                shape = np.broadcast_shapes(rs, ds)
            except ValueError:
                shape = None
            if shape != rs:
                raise ValueError(f"Dual: the dual part has shape {ds}, which does not fit the real part's shape {rs}")
            dual = dual + np.zeros(rs)   # a scalar tangent spread over the whole array
        self.real = real
        self.dual = dual
        self.tag = tag

    # -- display -----------------------------------------------------------
    def __repr__(self):
        tag = f", tag={self.tag}" if self.tag else ""
        return f"Dual({self.real!r}, {self.dual!r}{tag})"

    @property
    def shape(self):
        return np.shape(self.real)

    @property
    def ndim(self):
        return np.ndim(self.real)

    def __len__(self):
        return len(self.real)

    # -- arithmetic: every operator reads BINARY -----------------------------
    def __add__(self, other): return _binary(BINARY["add"], self, other)
    def __radd__(self, other): return _binary(BINARY["add"], other, self)
    def __sub__(self, other): return _binary(BINARY["sub"], self, other)
    def __rsub__(self, other): return _binary(BINARY["sub"], other, self)
    def __mul__(self, other): return _binary(BINARY["mul"], self, other)
    def __rmul__(self, other): return _binary(BINARY["mul"], other, self)
    def __truediv__(self, other): return _binary(BINARY["div"], self, other)
    def __rtruediv__(self, other): return _binary(BINARY["div"], other, self)
    def __pow__(self, other): return _binary(BINARY["pow"], self, other)
    def __rpow__(self, other): return _binary(BINARY["pow"], other, self)

    def __neg__(self):
        return self._apply_rule(UNARY["neg"])

    def __pos__(self):
        return self

    def __abs__(self):
        return self._apply_rule(UNARY["abs"])

    # -- array methods (d @ W, d.T, d.sum(), d[i] ...): adlib.numpy gives them to every
    #    Traced value, so a Dual of arrays supports what a traced array supports

    def _unwrap(self):
        return self.real

    def _apply_primitive(self, prim, args, kwargs):
        """prim(*args) where this Dual's tag is the newest: the value from the real parts,
        the tangent from prim's JVP rules, ẏ = Σ_i ∂y/∂x_i ẋ_i (an adlib.numpy primitive lands here)."""
        tag, jvps = self.tag, prim.jvps
        reals, tangents = list(args), []
        for i, a in enumerate(args):
            if type(a) is Dual and a.tag == tag:
                if prim.jvp_all is None and i not in jvps:
                    raise a._no_rule(prim, i, "forward-mode rule (JVP)")
                reals[i] = a.real
                tangents.append((i, a.dual))
        ans = prim(*reals, **kwargs)
        if prim.jvp_all is not None:
            tangent = prim.jvp_all(tangents, ans, reals, kwargs)
        elif len(tangents) == 2:
            # One expression, so numpy may add into the first term in place when no one else
            # holds it (its temporary elision checks that itself): one large temporary fewer.
            (i, t), (j, u) = tangents
            tangent = jvps[i](t, ans, *reals, **kwargs) + jvps[j](u, ans, *reals, **kwargs)
        else:
            tangent = None
            for i, t in tangents:
                term = jvps[i](t, ans, *reals, **kwargs)
                tangent = term if tangent is None else tangent + term
        shape = np.shape(ans)
        if np.shape(tangent) != shape:     # a rule gave a tangent that broadcasts to the answer
            if isinstance(tangent, Traced):
                tangent = tangent + np.zeros(shape)
            else:
                tangent = np.broadcast_to(tangent, shape).copy()   # writable, not a view
        return _make(ans, tangent, self.tag)

    # -- elementary functions: adlib.exp(d) etc. land here -------------------
    def _apply_rule(self, rule):
        f = _GENERIC[rule.name]
        ans = f(self.real)
        return _make(ans, _scaled(rule.derivative(self.real, ans), self.dual), self.tag)

    # -- comparisons on the real part --------------------------------------
    def __lt__(self, other): return self.real < _real(other)
    def __le__(self, other): return self.real <= _real(other)
    def __gt__(self, other): return self.real > _real(other)
    def __ge__(self, other): return self.real >= _real(other)
    def __eq__(self, other): return self.real == _real(other)
    def __ne__(self, other): return self.real != _real(other)
    __hash__ = None  # compares by value, like a number; not usable as a dict key

    def __bool__(self):
        return bool(self.real)

    # -- conversions that would silently drop the derivative are refused ----
    def __float__(self):
        raise TypeError("float(Dual) would drop the derivative; use d.real for the value "
                        "(and adlib.exp etc. instead of math.exp inside functions you differentiate)")

    __int__ = __complex__ = __index__ = __float__

    def __setitem__(self, index, value):
        raise TypeError("d[...] = ... would write into a Dual's arrays and lose the derivative of what it "
                        f"overwrites; {BUILD_A_NEW_ARRAY}")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"numpy cannot turn a Dual into an array of numbers without dropping the "
                        f"derivative; {CONVERTED_BY_NUMPY}")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs and ufunc is np.matmul:
            a, b = inputs                        # ndarray @ Dual: Dual.__rmatmul__ (from adlib.numpy)
            return b.__rmatmul__(a) if b is self else a.__matmul__(b)
        name = NUMPY_UFUNCS.get(ufunc.__name__)
        if method == "__call__" and not kwargs and name in BINARY:
            return _binary(BINARY[name], *inputs)
        if method == "__call__" and not kwargs and name in UNARY:
            return _GENERIC[name](inputs[0])
        if method == "__call__" and ufunc in COMPARISONS:   # ndarray < d, as d > ndarray: plain booleans
            return ufunc(*[primal(a) for a in inputs], **kwargs)
        raise TypeError(f"numpy.{ufunc.__name__} does not support Dual numbers; use adlib.numpy "
                        f"(import adlib.numpy as anp) or adlib's elementary functions")


def _make(real, dual, tag):
    """A Dual from parts already known to be valid and of matching shapes (no checks: hot path)."""
    d = object.__new__(Dual)
    d.real = real
    d.dual = dual
    d.tag = tag
    return d


def _real(x):
    return x.real if isinstance(x, Dual) else x


def _tag(x):
    return x.tag if isinstance(x, Dual) else -1


def _operand(x, op):
    """Check that x may take part in arithmetic with a Dual."""
    if isinstance(x, Dual) or type(x) is float:
        return x
    if type(x) is int:
        return validate.real_number(x, f"Dual {op}", "the operand")
    if isinstance(x, bool) or x is None or isinstance(x, (str, bytes, list, tuple, dict, set)):
        raise TypeError(f"Dual {op}: unsupported operand of type {type(x).__name__} ({x!r:.40})")
    if isinstance(x, np.ndarray) and x.dtype == bool:
        return x.astype(float)      # a mask from a comparison (x * (x > 0)): 0 and 1, as numpy and anp read it
    if isinstance(x, np.ndarray) and (x.dtype == object or not np.issubdtype(x.dtype, np.number)):
        raise TypeError(f"Dual {op}: unsupported operand: an array of dtype {x.dtype}")
    if isinstance(x, (numbers.Number, np.ndarray, np.generic)):
        return x
    return None  # let Python try the other operand's reflected method


def _binary(rule, a, b):
    """f(a, b) where either may be a Dual: the newer tag is the perturbation, the other a constant."""
    a_ = _operand(a, rule.symbol)
    b_ = _operand(b, rule.symbol)
    if a_ is None or b_ is None:
        return NotImplemented
    t = max(_tag(a), _tag(b))
    if isinstance(a, Dual) and a.tag == t:
        ar, ad = a.real, a.dual
    else:
        ar, ad = a, None
    if isinstance(b, Dual) and b.tag == t:
        br, bd = b.real, b.dual
    else:
        br, bd = b, None
    try:
        ans = rule.apply(ar, br)
    except ValueError:
        raise ValueError(f"Dual {rule.symbol}: operands of shapes {np.shape(ar)} and {np.shape(br)} "
                         "do not broadcast together") from None
    d_a, d_b = rule.partials
    tangent = None
    if ad is not None:
        p_a = d_a(ar, br, ans)
        tangent = _scaled(p_a, ad)
    if bd is not None:
        p_b = d_b(ar, br, ans)
        term = tangent if (bd is ad and p_b is p_a) else _scaled(p_b, bd)   # x * x: the same product twice
        if tangent is None:
            tangent = term
        elif type(tangent) is np.ndarray and tangent is not ad and _may_add_into(tangent, p_a, ad, term):
            tangent += term          # one 8 MB temporary fewer on 10^6 values
        else:
            tangent = tangent + term
    if np.shape(tangent) != np.shape(ans):   # a constant operand broadcast the value
        tangent = tangent + np.zeros(np.shape(ans))
    return _make(ans, tangent, t)


def _scaled(partial, dot):
    """partial · dot, where a partial of +1 or -1 (as in + and -) costs no multiplication."""
    if type(partial) is float:
        if partial == 1.0:
            return dot
        if partial == -1.0:
            return -dot
    return partial * dot



_GENERIC = {name: elementary(rule) for name, rule in UNARY.items()}


def _method(name):
    f = _GENERIC[name]

    def method(self):
        return f(self)
    method.__name__, method.__qualname__ = name, f"Dual.{name}"
    method.__doc__ = f"{name} of this Dual (the same as adlib.{name}(d)): {UNARY[name].math}."
    return method


for _name in VALUE_METHODS:      # d.exp(), d.relu(), ...: the methods micrograd-style code calls on a Value
    setattr(Dual, _name, _method(_name))


# Plain numbers and arrays: numpy computes a product of these into a new array.
_PLAIN = (float, int, complex, np.ndarray, np.float64, np.float32, np.complex128)


def _may_add_into(tangent, partial, dot, term):
    """Whether ``tangent = partial * dot`` may take ``+= term`` in place, with numpy's result.

    Yes when the product was made by numpy from plain numbers and arrays (so it is a new
    array that nobody else holds: never the user's tangent, an operand's part or a value
    shared with a rule) and already has the final shape and dtype of ``tangent + term``.
    """
    if type(partial) not in _PLAIN or type(dot) not in _PLAIN or type(term) not in _PLAIN:
        return False    # a Dual of an older tag or a traced array: leave it to its own operators
    if type(term) is np.ndarray and term.shape == tangent.shape and term.dtype == tangent.dtype:
        return True     # the common case, checked cheaply
    return (tangent.shape == np.broadcast_shapes(tangent.shape, np.shape(term))
            and tangent.dtype == np.result_type(tangent, term))


def _seed(x, tangent, tag, what):
    x = _check_part(x, "primal", op=what)
    tangent = _check_part(tangent, "tangent", op=what)
    if np.shape(tangent) != np.shape(x):
        raise ValueError(f"{what}: the tangent has shape {np.shape(tangent)} but the primal has shape {np.shape(x)}; "
                         "they must match")
    return Dual(x, tangent, tag)


def _split(out, tag, what):
    """(value, tangent) of f's output for perturbation ``tag``; a constant output has tangent 0."""
    if isinstance(out, Dual):
        if out.tag == tag:
            return out.real, out.dual
        if out.tag > tag:
            raise ValueError(f"{what}: the output carries a perturbation of an inner call that escaped it")
        return out, _zeros_like(out.real)
    if isinstance(out, (tuple, list)):
        pairs = [_split(o, tag, what) for o in out]
        return type(out)(p[0] for p in pairs), type(out)(p[1] for p in pairs)
    if isinstance(out, (numbers.Number, np.ndarray, np.generic)) and not isinstance(out, bool):
        return out, _zeros_like(out)
    if out is None:
        raise returned_none(what)
    raise TypeError(f"{what}: f returned {type(out).__name__}; it must return a number, an array or a Dual")


def _zeros_like(x):
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape)
    return 0.0


def derivative(f, x):
    """f'(x) for f: R -> R, exact to rounding, by one forward pass with ``Dual(x, 1)``.

    >>> derivative(lambda x: x * x + 1.0, 3.0)
    6.0
    """
    validate.function(f, "derivative")
    tag = new_tag()
    if isinstance(x, np.ndarray) and x.ndim > 0:
        raise ValueError(f"derivative: x has shape {x.shape}; derivative is for f: R -> R "
                         "(use jvp, adlib.grad or adlib.jacobian for arrays)")
    out = f(_seed(x, 1.0, tag, "derivative"))
    value, slope = _split(out, tag, "derivative")
    return slope


def jvp(f, primals, tangents):
    """(f(*primals), J·tangents): the Jacobian-vector product by one forward pass.

    ``primals`` and ``tangents`` are tuples with one entry per argument of f, of
    matching shapes.  f may use elementwise operations, adlib's elementary
    functions and adlib.numpy.

    >>> import adlib
    >>> adlib.jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))      # (f, ∂f/∂x)
    (6.0, 3.0)
    """
    return jvp_named(f, primals, tangents, "jvp")


def jvp_named(f, primals, tangents, what):
    """jvp, with errors naming ``what`` (the function the student called: jvp, jacobian, ...)."""
    validate.function(f, what)
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(f"{what}: primals and tangents must be tuples (one entry per argument of f), "
                        f"got {type(primals).__name__} and {type(tangents).__name__}")
    if len(primals) != len(tangents):
        raise ValueError(f"{what}: {len(primals)} primals but {len(tangents)} tangents; "
                         "give one tangent per primal")
    tag = new_tag()
    args = [_seed(p, t, tag, f"{what} (argument {i})") for i, (p, t) in enumerate(zip(primals, tangents))]
    return _split(f(*args), tag, what)
