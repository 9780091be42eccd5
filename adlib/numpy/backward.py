"""The backward pass of reverse mode: replay a trace in reverse, adding up gradients.

:func:`backward` visits the nodes a trace recorded (:mod:`adlib.numpy.tracing`) in
reverse topological order, each after every node that used it, and applies each
primitive's vector-Jacobian products (its rules, registered with ``defvjp``),
adding up the gradients that reach a node from all its uses::

    x̄_i = Σ_{j : i -> j} vjp_{j,i}(ȳ_j)      (reverse topological order, += never =)

>>> import adlib, adlib.numpy as anp, numpy as np
>>> adlib.grad(lambda x: anp.sum(x * x))(np.array([1.0, 2.0]))   # x̄ = 2 x
array([2., 4.])
"""
from __future__ import annotations

import numpy as np

__all__ = ["backward", "toposort"]


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
            for _, parent in node.parents:
                stack.append(parent)
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


def _accumulate(grads, owned, node, g, prev):
    """grads[node] = prev + g, copying once so a gradient shared with another node is never mutated."""
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
        prim, parents = node.prim, node.parents
        if prim.vjp_all is not None:
            pgs = prim.vjp_all(g, node.ans, node.args, node.kwargs, tuple(i for i, _ in parents))
        else:   # x̄_i = vjp_i(ȳ): the rule registered with defvjp for each traced argument
            vjps = prim.vjps
            pgs = []
            for argnum, _ in parents:
                pgs.append((vjps.get(argnum) or _no_rule(prim, argnum))(g, node.ans, *node.args, **node.kwargs))
        for (argnum, parent), pg in zip(parents, pgs):
            if np.shape(pg) != np.shape(parent.ans):
                _refuse_shape(pg, parent, prim, argnum)
            prev = grads.get(parent)
            if prev is None:
                grads[parent] = pg
            else:
                _accumulate(grads, owned, parent, pg, prev)
    return [grads.get(n) for n in wanted]


def _no_rule(prim, argnum):
    # checked when the node was recorded; defvjp may have replaced the rules since
    raise TypeError(f"anp.{prim.name}: no gradient rule (VJP) for argument {argnum}")


def _refuse_shape(pg, parent, prim, argnum):
    """A VJP rule must return a gradient of its argument's own shape; say so plainly if not.

    Without this check a too-small gradient (a rule that forgot to sum over a
    broadcast axis the other way round) would be broadcast silently into a wrong one.
    """
    raise ValueError(
        f"the gradient rule (VJP) of {prim.name} for argument {argnum} returned shape {np.shape(pg)}, "
        f"but that argument has shape {np.shape(parent.ans)}; a VJP must return a gradient of its argument's "
        f"shape (if the argument was broadcast, sum the gradient back with adlib.unbroadcast)")
