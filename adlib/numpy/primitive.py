"""Primitives and their rules: ``primitive``, ``defvjp``, ``defjvp``.

A primitive is a plain numpy function that adlib treats as one step of a trace.
Its derivative is data, registered beside it::

    mysquare = primitive(lambda x: x * x)
    defvjp(mysquare, lambda g, ans, x: 2 * x * g)      # reverse mode: x̄ = ȳ ∂y/∂x
    defjvp(mysquare, lambda t, ans, x: 2 * x * t)      # forward mode: ẏ = ∂y/∂x ẋ

One rule per argument.  A VJP rule maps the output gradient ``g`` (shape of the
answer) to the gradient of its argument (shape of that argument); a JVP rule maps
the argument's tangent to its contribution to the answer's tangent.  Rules are
written with adlib.numpy functions, so they can be differentiated again.

A primitive called with traced arguments hands itself to the one of the newest
level (:mod:`adlib.traced`), which peels that level off:

* an :class:`~adlib.numpy.tracing.ArrayBox` records a node (reverse mode);
* an :class:`adlib.Dual` pushes its tangent through the JVP rules (forward mode).
"""
from __future__ import annotations

import functools

import numpy as np

from .. import validate
from ..traced import Traced

__all__ = ["Primitive", "primitive", "defvjp", "defjvp", "describe"]


def describe(x) -> str:
    """A student-readable description of an operand: its kind and shape.

    >>> describe(np.zeros((2, 3)))
    'array of shape (2, 3) (float64)'
    """
    if isinstance(x, Traced):
        return f"{x._kind} of shape {x.shape}"
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} ({x.dtype})"
    if isinstance(x, (list, tuple)):
        if len(x) <= 8 and all(isinstance(i, (int, np.integer)) for i in x):
            return repr(tuple(x))
        return f"{type(x).__name__} of length {len(x)}"
    return type(x).__name__


class Primitive:
    """A numpy function with registered derivative rules (see module docstring)."""

    def __init__(self, fun, name=None):
        functools.update_wrapper(self, fun, updated=())
        self.fun = fun
        self.name = name or getattr(fun, "__name__", "primitive")
        self.__name__ = self.__qualname__ = self.name
        self.vjps = {}        # argnum -> lambda g, ans, *args, **kwargs: input gradient
        self.jvps = {}        # argnum -> lambda t, ans, *args, **kwargs: output tangent term
        self.vjp_all = None   # optional: (g, ans, args, kwargs, argnums) -> gradients for argnums
        self.jvp_all = None   # optional: (tangents [(argnum, t)], ans, args, kwargs) -> tangent

    def __repr__(self):
        return f"<adlib primitive {self.name}>"

    # (position, name, kind: None, "mask" or "optional") of each argument that must be a number or an array of numbers:
    # checked once, on plain values (adlib.validate), so None, strings and the like are refused by name
    operands = ()

    def __call__(self, *args, **kwargs):
        top = None                    # the traced argument of the newest level (adlib.traced.top_traced)
        for a in args:
            if isinstance(a, Traced) and (top is None or a.tag > top.tag):
                top = a
        if top is not None:           # the tracer of that level peels it off: one call into it
            return top._apply_primitive(self, args, kwargs)
        n = len(args)
        for i, operand, kind in self.operands:
            if i < n:
                a = args[i]
                t = type(a)
                if t is float or (t is np.ndarray and a.dtype.kind in "fiu"):
                    continue           # the common case, checked cheaply
                validate.array_operand(a, f"anp.{self.name}", operand, mask=kind == "mask",
                                       optional=kind == "optional")
        try:
            return self.fun(*args, **kwargs)
        except (ValueError, TypeError, IndexError, OverflowError) as e:
            raise _friendly(self.name, e, args) from None


_AxisError = getattr(np, "exceptions", np).AxisError   # numpy < 1.25 keeps it at the top level


def _friendly(name, e, args):
    msg = str(e)
    if msg.startswith("anp."):
        return e            # already says which function and which operands
    cls = ValueError if isinstance(e, (_AxisError, OverflowError)) else type(e)
    if cls not in (ValueError, TypeError):
        cls = (ValueError if isinstance(e, ValueError) else TypeError if isinstance(e, TypeError)
               else validate.IndexOutOfRange)       # an IndexError that is also a ValueError
    operands = ", ".join(describe(a) for a in args)
    return cls(f"anp.{name}: {msg} (operands: {operands})")


def primitive(fun=None, *, name=None):
    """Make ``fun`` (a function of numpy arrays) a differentiable primitive; usable as a decorator.

    Register its rules with :func:`defvjp` (reverse mode) and :func:`defjvp` (forward mode).

    >>> import adlib
    >>> cube = adlib.primitive(lambda x: x ** 3)
    >>> _ = adlib.defvjp(cube, lambda g, ans, x: 3 * x ** 2 * g)
    >>> float(adlib.grad(cube)(2.0))
    12.0
    """
    if fun is None:
        return lambda f: primitive(f, name=name)
    validate.function(fun, "primitive", "fun")
    if isinstance(fun, Primitive):
        return fun
    return Primitive(fun, name)


def _check_prim(prim, what):
    if not isinstance(prim, Primitive):
        raise TypeError(f"{what}: the first argument must be an adlib primitive (made with adlib.primitive(f)), "
                        f"got {type(prim).__name__}")


def defvjp(prim, *vjps, argnums=None):
    """Register reverse-mode rules: one ``lambda g, ans, *inputs: input_gradient`` per argument.

    ``vjps[i]`` returns x̄_i = ȳ · ∂y/∂x_i (the shape of argument i).  ``None`` skips an
    argument that is never differentiated.  Replaces the primitive's previous VJP rules.

    >>> import adlib
    >>> mul = adlib.primitive(lambda a, b: a * b)
    >>> _ = adlib.defvjp(mul, lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a)
    >>> adlib.grad(mul, argnum=(0, 1))(2.0, 5.0)
    (5.0, 2.0)
    """
    prim.vjps = _rules_by_argnum(prim, vjps, argnums, "defvjp", "g")
    return prim


def defjvp(prim, *jvps, argnums=None):
    """Register forward-mode rules: one ``lambda t, ans, *inputs: output_tangent`` per argument.

    ``jvps[i]`` returns ∂y/∂x_i · ẋ_i (the shape of the answer, or one that broadcasts to it).

    >>> import adlib
    >>> cube = adlib.primitive(lambda x: x ** 3)
    >>> _ = adlib.defjvp(cube, lambda t, ans, x: 3 * x ** 2 * t)
    >>> adlib.jvp(cube, (2.0,), (1.0,))
    (8.0, 12.0)
    """
    prim.jvps = _rules_by_argnum(prim, jvps, argnums, "defjvp", "t")
    return prim


def _rules_by_argnum(prim, rules, argnums, what, first):
    """{argnum: rule} for defvjp / defjvp, refusing what is not a primitive or not a function."""
    _check_prim(prim, what)
    argnums = range(len(rules)) if argnums is None else argnums
    by_argnum = {i: f for i, f in zip(argnums, rules) if f is not None}
    for i, f in by_argnum.items():
        if not callable(f):
            raise TypeError(f"{what}({prim.name}): the rule for argument {i} must be a function "
                            f"lambda {first}, ans, *inputs: ..., got {type(f).__name__}")
    return by_argnum
