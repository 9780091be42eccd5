"""A Value's graph: its nodes in order, its edges with their local derivatives, its names.

What :mod:`adlib.steps` (explaining a backward pass) and :mod:`adlib.drawing` share.

>>> x = Value(2.0, label="x")
>>> sorted(node_names(x * x).values())
['v1', 'x']
"""
from __future__ import annotations

from . import walk
from .value import Value, parents

__all__ = ["topological_order", "node_names"]


def topological_order(root):
    """Every Value ``root`` depends on (root included), each after all of its parents.

    Depth-first post-order with an explicit stack (:mod:`adlib.walk`).  Operands are
    explored last first, so that ``reversed(order)`` -- the order backpropagation
    uses -- meets the first operand's chain first: for H = relu(W*x + b) it reads
    H, W*x+b, W*x, W, x, b.

    >>> x = Value(2.0, label="x")
    >>> [v.label or v._op for v in topological_order(x * x + 1)]
    ['x', '*', '+']
    """
    _require_value(root, "topological_order")
    return walk.topological_order(root, parents)


def _require_value(v, what):
    if not isinstance(v, Value):
        raise TypeError(f"{what}: expected an adlib.Value, got {type(v).__name__}")


def _parents(v):
    """(parent, local derivative) for each operand edge of v, first operand first."""
    if v._first is None:
        return ()
    if v._second is None:
        return ((v._first, v._d_first),)
    return ((v._first, v._d_first), (v._second, v._d_second))


def node_names(root, order=None):
    """A name for every node: its label, or ``v1, v2, ...`` in topological order (inputs first)."""
    order = topological_order(root) if order is None else order
    names, used = {}, {v.label for v in order if v.label}
    k = 0
    for v in order:
        if v.label:
            names[v] = v.label
        else:
            k += 1
            while f"v{k}" in used:
                k += 1
            names[v] = f"v{k}"
    return names


