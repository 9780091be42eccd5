"""What a Dual number and a traced array share: a level, and how a primitive reaches them.

adlib traces a function in two ways: forward mode (:class:`adlib.Dual`, in
:mod:`adlib.forward`) and reverse mode over arrays (``ArrayBox``, in
:mod:`adlib.numpy.tracing`).  Every call of ``derivative``, ``jvp``, ``grad`` or
``vjp`` draws a fresh *level* from one counter, so the two nest in either order
(``grad`` of ``grad``, ``jvp`` of ``grad``): the newest level is the outermost
wrapper, and a primitive deals with it first.

Both kinds subclass :class:`Traced`; neither mode imports the other.

>>> a, b = new_level(), new_level()
>>> a < b
True
"""
from __future__ import annotations

import itertools

__all__ = ["Traced", "new_level", "primal", "top_traced"]

# new_level(): a fresh level (a Dual's tag, a trace's level); later levels nest outside earlier ones.
# The counter's own __next__, so drawing a level is no Python call on the way of every grad.
new_level = itertools.count(1).__next__


class Traced:
    """The base class of Dual and ArrayBox.

    A subclass stores its level in ``tag`` and defines:

    * ``_unwrap()``: the value one level down (a Dual's ``real``, a box's value);
    * ``_apply_primitive(prim, args, kwargs)``: ``prim(*args)`` for arguments whose
      newest level is this one's: it replaces the arguments of its own level by their
      values one level down, calls ``prim`` on those, and forward mode pushes a
      tangent while reverse mode records a node;
    * ``_kind``: what to call it in an error message ("Dual", "traced array").

    adlib.numpy gives this class the array methods (``x @ W``, ``x.T``,
    ``x.sum()``, ``x[i]`` ...), so both kinds support what an array supports.
    """

    __slots__ = ()
    _kind = "traced value"

    def _no_rule(self, prim, argnum, rule_name):
        """The error for this value reaching argument ``argnum`` of ``prim``, which has no rule for it."""
        return TypeError(f"anp.{prim.name}: no {rule_name} for argument {argnum} ({self._kind} of shape "
                         f"{self.shape}); register one with adlib.{_REGISTER[rule_name]}({prim.name}, ...)")


_REGISTER = {"gradient rule (VJP)": "defvjp", "forward-mode rule (JVP)": "defjvp"}


def primal(x):
    """The innermost plain value of x, through any number of levels of tracing.

    >>> primal(2.5)
    2.5
    """
    while isinstance(x, Traced):
        x = x._unwrap()
    return x


def top_traced(args):
    """The argument with the newest level among ``args``, or None when none is traced."""
    top = None
    for a in args:
        if isinstance(a, Traced) and (top is None or a.tag > top.tag):
            top = a
    return top
