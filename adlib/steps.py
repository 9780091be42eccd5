"""Backpropagation explained step by step: which gradient grows by how much, and why.

Nothing here computes a derivative: the local derivatives are the ones each
Value recorded from :mod:`adlib.rules` when it was computed.
"""
from __future__ import annotations

from dataclasses import dataclass

from .value import Value  # noqa: F401  (the doctest's Value)
from .value_graph import _parents, _require_value, node_names, topological_order

__all__ = ["backward_steps", "BackwardSteps", "Step"]


@dataclass(frozen=True)
class Step:
    """One step of backpropagation: ``grad[node] += local * upstream``.

    ``consumer`` is the node that used ``node`` (None for the first step, which
    sets the output's own gradient to 1); ``local`` is d consumer / d node,
    ``upstream`` the consumer's (already complete) gradient, ``contribution``
    their product and ``grad`` the node's gradient after this step.
    """
    index: int
    node: object
    name: str
    consumer: object
    consumer_name: str
    op: str
    local: float
    upstream: float
    contribution: float
    grad: float
    names_of_parents: tuple = ()

    def text(self, output="out"):
        """The step as one line, numbered from 1 (``index`` counts from 0, as the list does)."""
        if self.consumer is None:
            return f"{self.index + 1:>3}. d{output}/d{self.name} = 1   (the output, with respect to itself)"
        return (f"{self.index + 1:>3}. d{output}/d{self.name} += \u2202{self.consumer_name}/\u2202{self.name} * "
                f"d{output}/d{self.consumer_name} = {_fmt(self.local)} * {_fmt(self.upstream)} = "
                f"{_fmt(self.contribution)}   -> d{output}/d{self.name} = {_fmt(self.grad)}   "
                f"({_formula(self.consumer, self.consumer_name, self.names_of_parents)})")

    __str__ = text


def _fmt(x):
    return f"{x:.6g}"


def _formula(node, name, parent_names):
    """How ``node`` was computed, in its operands' names: "U1 = W * x", "H = ReLU(U2)", "u = x + c"."""
    args = list(parent_names)
    op = node._op
    if op == "neg":
        return f"{name} = -{args[0]}"
    if op.startswith("**") and len(op) > 2:
        return f"{name} = {args[0]}{op}"
    if op[:1].isalpha() or op == "?":
        return f"{name} = {op}({', '.join(args)})"
    if len(args) == 2:
        return f"{name} = {args[0]} {op} {args[1]}"
    # one operand was a plain number c: tell which side from the local derivative
    x, local = args[0], node._da
    if op == "*":
        return f"{name} = {x} * {_fmt(local)}"
    if op == "-" and local < 0:
        return f"{name} = c - {x}"
    if op == "/" and node.data != node._a.data * local:
        return f"{name} = c / {x}"
    if op == "**":
        return f"{name} = c ** {x}"
    return f"{name} = {x} {op} c"


class BackwardSteps(list):
    """The steps of one backward pass, in order; a list of :class:`Step`.

    ``print(steps)`` shows them; ``steps.grads_after(k)`` gives every node's
    gradient after the first k steps (a widget replays a pass with it);
    ``steps.grads`` the final ones.  The user's ``.grad`` fields are not touched.
    """

    def __init__(self, steps, root, nodes, names):
        super().__init__(steps)
        self.root = root
        self.nodes = nodes      # parents first, as topological_order gives them
        self.names = names

    def grads_after(self, k):
        """{node: gradient} after the first ``k`` steps (0 for nodes not reached yet)."""
        if not 0 <= k <= len(self):
            raise ValueError(f"grads_after: k must be between 0 and {len(self)}, got {k}")
        grads = {v: 0.0 for v in self.nodes}
        for step in self[:k]:
            grads[step.node] = step.grad
        return grads

    @property
    def grads(self):
        """{node: gradient} after the whole pass."""
        return self.grads_after(len(self))

    def grad_of(self, node):
        """The final gradient of ``node`` (a Value in this graph, or its name)."""
        if isinstance(node, str):
            matches = [v for v, n in self.names.items() if n == node]
            if not matches:
                raise KeyError(f"grad_of: no node named {node!r}; names: {sorted(self.names.values())}")
            node = matches[0]
        return self.grads[node]

    def text(self):
        out = self.names[self.root]
        return "\n".join(step.text(out) for step in self)

    def __str__(self):
        return self.text()

    def __repr__(self):
        return f"<BackwardSteps: {len(self)} steps for d{self.names[self.root]}>\n{self.text()}"


def backward_steps(root):
    """Explain ``root.backward()`` step by step; returns :class:`BackwardSteps`.

    Nodes are finished in the order backpropagation visits them (reverse
    topological order); each receives one step per use, in the order its users
    were visited.  The gradients it reports are exactly the floats ``backward()``
    computes (same additions in the same order), starting from zero everywhere;
    the Values' own ``.grad`` fields are left alone.

    >>> W, x, b = Value(2.0, label="W"), Value(3.0, label="x"), Value(1.0, label="b")
    >>> [s.name for s in backward_steps((W * x + b).relu())][-3:]
    ['W', 'x', 'b']
    """
    _require_value(root, "backward_steps")
    order = topological_order(root)
    names = node_names(root, order)
    users = {v: [] for v in order}
    for v in reversed(order):
        for parent, local in _parents(v):
            if local is None:
                raise ValueError(f"backward_steps: node {names[v]} was built by hand with "
                                 "Value(data, _children, _op); its local derivatives are unknown")
            users[parent].append((v, local))
    grads = {v: 0.0 for v in order}
    grads[root] = 1.0
    steps = [Step(0, root, names[root], None, "", root._op, 1.0, 1.0, 1.0, 1.0)]
    for v in reversed(order):
        for user, local in users[v]:
            upstream = grads[user]
            contribution = local * upstream
            grads[v] += contribution
            steps.append(Step(len(steps), v, names[v], user, names[user], user._op,
                              local, upstream, contribution, grads[v],
                              tuple(names[p] for p, _ in _parents(user))))
    return BackwardSteps(steps, root, order, names)


