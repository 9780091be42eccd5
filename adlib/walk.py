"""Walking a graph: every node after all of its parents, without recursion.

A ground helper: it knows nothing of any node type, only a function giving a
node's parents, so Value's graphs (and any other) can be walked at any depth.

>>> parents = {"y": ("u", "x"), "u": ("x",), "x": ()}
>>> topological_order("y", parents.get)
['x', 'u', 'y']
"""
from __future__ import annotations

__all__ = ["topological_order"]

_DONE = object()


def topological_order(root, parents):
    """Every node ``root`` depends on (root included), each after all of its parents.

    Depth-first post-order with an explicit stack, so a chain a million nodes deep is
    fine.  Parents are explored last first, so that ``reversed(order)`` -- the order
    backpropagation uses -- meets the first parent's chain first: for
    H = relu(W*x + b) it reads H, W*x+b, W*x, W, x, b.
    """
    order = []
    seen = set()
    stack = [root]
    while stack:
        v = stack.pop()
        if v is _DONE:        # every parent of the node below the marker is in order now
            order.append(stack.pop())
            continue
        if v in seen:         # a second push of a node already reached through another path
            continue
        seen.add(v)
        stack.append(v)
        stack.append(_DONE)
        stack.extend(p for p in parents(v) if p not in seen)
    return order
