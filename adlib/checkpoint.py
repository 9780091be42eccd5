"""Gradient checkpointing: trade compute for memory in the backward pass.

Reverse mode keeps every intermediate of the forward pass until the backward pass
uses it, so memory grows with depth.  ``checkpoint(f)`` makes a segment keep only
its inputs: during the backward pass it runs f again (traced) and backpropagates
through that fresh copy, whose intermediates are freed as soon as the segment is done.

With a network of L layers checkpointed every k layers, peak memory is about
L/k stored segment inputs plus k layers recomputed at a time; k ≈ √L makes it
O(√L) instead of O(L), for about one extra forward pass.
"""
from __future__ import annotations

from .numpy.primitive import Primitive
from .numpy.tracing import ArrayBox, backward

__all__ = ["checkpoint"]


class _Checkpointed(Primitive):
    """f as one primitive: its VJP re-runs f under a fresh trace."""

    def __init__(self, f):
        super().__init__(f, name=f"checkpoint({getattr(f, '__name__', 'f')})")
        self.vjp_all = self._recompute_vjp

    def _trace(self, level, args, kwargs):
        box = super()._trace(level, args, kwargs)
        if type(box._value) is ArrayBox and box._value._level == level:
            raise ValueError(f"{self.name}: the function uses a traced array it did not receive as an argument "
                             "(a closure variable); pass every array you differentiate as an argument")
        return box

    def _push_tangent(self, tag, args, kwargs):
        return self.fun(*args, **kwargs)   # forward mode stores nothing: just run f on the Duals

    def _recompute_vjp(self, g, ans, args, kwargs, argnums):
        from .functional import _as_gradient, _trace, _unbox
        level, out, leaves = _trace(self.fun, args, kwargs, argnums, self.name)
        value, node = _unbox(out, level, self.name)
        grads = [None] * len(leaves) if node is None else backward(node, g, leaves)
        return [_as_gradient(gr, args[i]) for gr, i in zip(grads, argnums)]


def checkpoint(f):
    """f, but in reverse mode its intermediates are recomputed in the backward pass, not stored.

    Pass every traced array f uses as an argument.  Gradients are unchanged (tested);
    the backward pass costs one extra forward pass of f.
    """
    return _Checkpointed(f)
