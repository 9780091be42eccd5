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

from . import validate
from .forward import Dual
from .numpy.backward import backward
from .numpy.primitive import Primitive
from .numpy.tracing import ArrayBox
from .trace_call import as_gradient, trace, unbox
from .traced import top_traced

__all__ = ["checkpoint"]


class _Checkpointed(Primitive):
    """f as one primitive: its VJP re-runs f under a fresh trace."""

    def __init__(self, f):
        super().__init__(f, name=f"checkpoint({getattr(f, '__name__', 'f')})")
        self.vjp_all = self._recompute_vjp

    def __call__(self, *args, **kwargs):
        top = top_traced(args)
        if isinstance(top, Dual):
            return self.fun(*args, **kwargs)   # forward mode stores nothing: just run f on the Duals
        out = super().__call__(*args, **kwargs)
        if top is not None and type(out._value) is ArrayBox and out._value.tag == top.tag:
            raise ValueError(f"{self.name}: the function uses a traced array it did not receive as an argument "
                             "(a closure variable); pass every array you differentiate as an argument")
        return out

    def _recompute_vjp(self, g, ans, args, kwargs, argnums):
        level, out, leaves = trace(self.fun, args, kwargs, argnums, self.name)
        value, node = unbox(out, level, self.name)
        grads = [None] * len(leaves) if node is None else backward(node, g, leaves)
        return [as_gradient(gr, args[i]) for gr, i in zip(grads, argnums)]


def checkpoint(f):
    """f, but in reverse mode its intermediates are recomputed in the backward pass, not stored.

    Pass every traced array f uses as an argument.  Gradients are unchanged (tested);
    the backward pass costs one extra forward pass of f.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> layer = adlib.checkpoint(lambda x: anp.tanh(x) * x)
    >>> x = np.array([0.5, 1.0])
    >>> bool(np.allclose(adlib.grad(lambda x: anp.sum(layer(x)))(x),
    ...                  adlib.grad(lambda x: anp.sum(anp.tanh(x) * x))(x)))
    True
    """
    return _Checkpointed(validate.function(f, "checkpoint"))
