"""Backpropagation explained step by step: which gradient grows by how much, and why.

Nothing here computes a derivative: the local derivatives are the ones each
Value recorded from :mod:`adlib.rules` when it was computed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import rules
from .value import Value, parents  # noqa: F401  (Value: the doctest's)
from .value_graph import _parents, _require_value, node_names, topological_order

__all__ = ["backward_steps", "BackwardSteps", "Step"]


@dataclass(frozen=True)
class Step:
    """One step of backpropagation: ``grad[node] += local * upstream``.

    ``consumer`` is the node that used ``node`` (None for the first step, which
    sets the output's own gradient to 1); ``local`` is what this step multiplies by,
    ``upstream`` the consumer's (already complete) gradient, ``contribution`` their
    product and ``grad`` the node's gradient after this step.

    A step is one message, one use of ``node`` as an operand.  Usually ``local`` is the
    whole local derivative ∂consumer/∂node; when ``node`` fills several operands of one
    consumer (y in y * y), each use sends its own message and ``local`` is that use's
    ``part`` (1, 2, ...) of it: ``whole_local`` is their sum, ∂consumer/∂node (2y), and
    ``local_formula`` says it in the operands' names ("2·y").  ``use`` of ``uses``
    counts the messages ``node`` receives, from ``consumers`` consumers: they add up.
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
    whole_local: float = 0.0
    local_formula: str = ""
    part: int = 0
    parts: int = 1
    use: int = 1
    uses: int = 1
    consumers: int = 1

    def text(self, output="out"):
        """The step as one line, numbered from 1 (``index`` counts from 0, as the list does)."""
        if self.consumer is None:
            return f"{self.index + 1:>3}. d{output}/d{self.name} = 1   (the output, with respect to itself)"
        whole = f"\u2202{self.consumer_name}/\u2202{self.name}"
        local = whole if self.parts == 1 else f"(part {self.part} of {whole})"
        why = _formula(self.consumer, self.consumer_name, self.names_of_parents)
        if self.parts > 1:
            why += (f": {self.name} is both operands, so {whole} = {self.local_formula or '...'} = "
                    f"{_fmt(self.whole_local)} arrives in {self.parts} parts, one per use")
        elif self.local_formula and self.local_formula != _fmt(self.local):
            why += f", {whole} = {self.local_formula} = {_fmt(self.local)}"
        if self.uses > 1:
            senders = ("" if self.consumers == self.uses else ", all from one consumer" if self.consumers == 1
                       else f", from {self.consumers} consumers")
            why += (f"; {self.name} receives {self.uses} contributions{senders}: they add up "
                    f"({self.use} of {self.uses})")
        return (f"{self.index + 1:>3}. d{output}/d{self.name} += {local} * d{output}/d{self.consumer_name} = "
                f"{_fmt(self.local)} * {_fmt(self.upstream)} = {_fmt(self.contribution)}   "
                f"-> d{output}/d{self.name} = {_fmt(self.grad)}   ({why})")

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
    x, local = args[0], node._d_first
    if op == "*":
        return f"{name} = {x} * {_fmt(local)}"
    if op == "-" and local < 0:
        return f"{name} = c - {x}"
    if op == "/" and node.data != node._first.data * local:
        return f"{name} = c / {x}"
    if op == "**":
        return f"{name} = c ** {x}"
    return f"{name} = {x} {op} c"


# ---------------------------------------------------------------------------
# The local derivative in the operands' names, read from the rule table's own text

_BINARY_BY_SYMBOL = {rule.symbol: rule for rule in rules.BINARY.values()}
_UNARY_BY_OP = dict({name: rule for name, rule in rules.UNARY.items()}, ReLU=rules.UNARY["relu"])
_SHOWN = {"_pow_d_base(a, b, ans)": "b * a ** (b - 1)", "_pow_d_exponent(a, b, ans)": "ans * log(a)",
          "_sign(x)": "sign(x)", "(x > 0) * 1.0": "(x > 0)"}


def _pretty(source, names):
    """A rule's text for people: div(1.0, b) -> 1 / b, 2.0 * x -> 2·x, with the operands' names."""
    text = _SHOWN.get(source, source)
    text = re.sub(r"div\(([^(),]+), ([^(),]+)\)", r"\1 / \2", text)
    text = re.sub(r"(?<![\d.])(\d+)\.0\b", r"\1", text)
    text = re.sub(r"\b(a|b|x|ans)\b", lambda m: names[m.group(1)], text)
    return text.replace(" * ", "\u00b7")


def _local_formula(node, parent, names):
    """∂node/∂parent in names ("2·y", "x", "cos(y)"), or "" where a number operand hides its side."""
    op = node._op
    if node._second is None:
        rule = _UNARY_BY_OP.get(op)
        if rule is not None and rule.source is not None:
            return _pretty(rule.source, {"x": names[parent], "ans": names[node]})
        if op.startswith("**") and len(op) > 2:          # v ** n: a number exponent n
            n = op[2:]
            text = _pretty(_SHOWN["_pow_d_base(a, b, ans)"], {"a": names[parent], "b": n, "ans": names[node]})
            return text.replace(f"({n} - 1)", _fmt(float(n) - 1.0)).replace(" ** 1", "")
        return ""
    rule = _BINARY_BY_SYMBOL.get(op)
    if rule is None or None in rule.sources[1:]:
        return ""
    slot_names = {"a": names[node._first], "b": names[node._second], "ans": names[node]}
    terms = [_pretty(source, slot_names) for source, operand in zip(rule.sources[1:], (node._first, node._second))
             if operand is parent]
    if len(terms) == 2 and terms[0] == terms[1]:
        return f"2\u00b7{terms[0]}"
    return " + ".join(terms).replace("+ -", "- ")


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
    topological order); each receives one step per use (a message), in the order its
    consumers were visited; a step says the consumer's whole local derivative (for
    y * y, 2y, which arrives as two messages of y each).  The gradients it reports are exactly the floats ``backward()``
    computes (same additions in the same order), starting from zero everywhere;
    the Values' own ``.grad`` fields are left alone.

    >>> W, x, b = Value(2.0, label="W"), Value(3.0, label="x"), Value(1.0, label="b")
    >>> [s.name for s in backward_steps((W * x + b).relu())][-3:]
    ['W', 'x', 'b']
    >>> y = Value(0.5, label="y"); u = y * y; u.label = "u"
    >>> print(backward_steps(u)[1].text("u"))  # doctest: +NORMALIZE_WHITESPACE
      2. du/dy += (part 1 of ∂u/∂y) * du/du = 0.5 * 1 = 0.5   -> du/dy = 0.5   (u = y * y: y is both
      operands, so ∂u/∂y = 2·y = 1 arrives in 2 parts, one per use; y receives 2 contributions, all from
      one consumer: they add up (1 of 2))
    """
    _require_value(root, "backward_steps")
    order = topological_order(root)
    names = node_names(root, order)
    users = {v: {} for v in order}      # node -> {consumer: the partials of the operands it fills}
    for v in reversed(order):
        for parent, local in _parents(v):
            if local is None:
                raise ValueError(f"backward_steps: node {names[v]} was built by hand with "
                                 "Value(data, _children, _op); its local derivatives are unknown")
            users[parent].setdefault(v, []).append(local)
    grads = {v: 0.0 for v in order}
    grads[root] = 1.0
    steps = [Step(0, root, names[root], None, "", root._op, 1.0, 1.0, 1.0, 1.0, whole_local=1.0)]
    for v in reversed(order):
        uses = sum(len(parts) for parts in users[v].values())
        use = 0
        for user, parts in users[v].items():
            upstream = grads[user]
            formula = _local_formula(user, v, names)
            whole = parts[0] if len(parts) == 1 else parts[0] + parts[1]
            for k, local in enumerate(parts, start=1):    # backward()'s own additions, one per use
                use += 1
                contribution = local * upstream
                grads[v] += contribution
                steps.append(Step(len(steps), v, names[v], user, names[user], user._op,
                                  local, upstream, contribution, grads[v],
                                  tuple(names[p] for p in parents(user)), whole, formula,
                                  k if len(parts) > 1 else 0, len(parts), use, uses, len(users[v])))
    return BackwardSteps(steps, root, order, names)


