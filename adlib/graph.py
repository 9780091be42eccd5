"""Computation graphs of Values: walk them, explain a backward pass, draw them.

* :func:`topological_order` lists a graph parents-first with an explicit stack
  (no recursion, so a chain a million operations deep is fine);
* :func:`backward_steps` explains backpropagation as an ordered list of steps,
  each ``grad[node] += local derivative * upstream gradient``;
* :func:`draw_graph` (alias :func:`draw_dot`, the lecture's name) draws the graph
  as SVG, each node showing its label, op, data and grad.

Nothing here computes a derivative: the local derivatives are the ones each
Value recorded from :mod:`adlib.rules` when it was computed.
"""
from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import walk
from .value import Value, parents

__all__ = ["topological_order", "backward_steps", "BackwardSteps", "Step",
           "draw_graph", "draw_dot", "GraphDrawing", "node_names"]


# ---------------------------------------------------------------------------
# Walking

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
    if v._a is None:
        return ()
    if v._b is None:
        return ((v._a, v._da),)
    return ((v._a, v._da), (v._b, v._db))


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


# ---------------------------------------------------------------------------
# Explaining a backward pass

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


# ---------------------------------------------------------------------------
# Drawing

class GraphDrawing:
    """A drawn graph: ``.svg`` (text), ``.source`` (Graphviz DOT), shown inline by Jupyter."""

    def __init__(self, svg, source, renderer):
        self.svg = svg
        self.source = source
        self.renderer = renderer   # "graphviz-pure", "dot" or "plain"

    def _repr_svg_(self):
        return self.svg

    def save(self, path):
        """Write the SVG to ``path``; returns the path."""
        Path(path).write_text(self.svg, encoding="utf-8")
        return path

    def __repr__(self):
        return f"<GraphDrawing: {self.source.count('->')} edges, drawn by {self.renderer}>"


def _find_dot():
    """A Graphviz-compatible ``dot`` program: graphviz-pure (pip) first, then a system dot."""
    override = os.environ.get("ADLIB_DOT")
    if override is not None:
        return override or None     # ADLIB_DOT="" forces the plain drawing
    here = Path(sys.executable).parent
    for name in ("graphviz-pure", "graphviz-pure.exe"):
        if (here / name).exists():
            return str(here / name)
    return shutil.which("graphviz-pure") or shutil.which("dot")


def _escape_record(text):
    for ch in "\\{}|<>\"":
        text = text.replace(ch, "\\" + ch)
    return text


def _dot_source(order, names, grads, rankdir, highlight):
    lines = ["digraph G {", f"  rankdir={rankdir};",
             '  node [fontname="Helvetica", fontsize=12];', '  edge [color="#555555"];']
    ids = {v: f"n{i}" for i, v in enumerate(order)}
    for v in order:
        i = ids[v]
        label = _escape_record(names[v])
        text = f"{{ {label} | data {v.data:.4f} | grad {grads(v):.4f} }}"
        style = ', style=filled, fillcolor="#ffe9a8"' if v in highlight else ""
        lines.append(f'  {i} [shape=record, label="{text}"{style}];')
        if v._a is not None:
            lines.append(f'  {i}op [shape=ellipse, label="{_escape_record(v._op)}"];')
            lines.append(f"  {i}op -> {i};")
    for v in order:
        for parent, _ in _parents(v):
            lines.append(f"  {ids[parent]} -> {ids[v]}op;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw_graph(root, grads=None, rankdir="LR", format="svg", highlight=(), renderer="auto", max_nodes=1000):
    """Draw the graph of ``root`` as SVG: one box per Value (label | data | grad), one oval per op.

    ``grads`` -- a mapping {Value: gradient} to show instead of the ``.grad``
    fields (for instance ``backward_steps(root).grads_after(k)``); ``highlight``
    -- Values to fill in colour; ``rankdir`` -- "LR" (left to right) or "TB".
    Uses Graphviz's layout when a ``dot`` program is found (the pip package
    ``graphviz-pure`` provides one; ``ADLIB_DOT`` names another, "" for none),
    and otherwise a plain layered drawing.  The same graph always gives the same SVG.
    A graph of more than ``max_nodes`` Values is refused: a drawing that big says nothing.
    """
    _require_value(root, "draw_graph")
    if format != "svg":
        raise ValueError(f"draw_graph: format must be 'svg', got {format!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    if renderer not in ("auto", "graphviz", "plain"):
        raise ValueError(f"draw_graph: renderer must be 'auto', 'graphviz' or 'plain', got {renderer!r}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(f"draw_graph: the graph has {len(order)} Values, more than max_nodes={max_nodes}; "
                         "draw a smaller expression (or pass a larger max_nodes)")
    names = node_names(root, order)
    if grads is None:
        grad_of = lambda v: v.grad  # noqa: E731
    else:
        grad_of = lambda v: float(grads.get(v, 0.0))  # noqa: E731
    highlight = set(highlight)
    source = _dot_source(order, names, grad_of, rankdir, highlight)
    dot = _find_dot() if renderer != "plain" else None
    if dot is None and renderer == "graphviz":
        raise RuntimeError("draw_graph: no dot program found; pip install graphviz-pure")
    if dot is not None:
        try:
            proc = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True, timeout=120)
            if proc.returncode == 0 and "<svg" in proc.stdout:
                return GraphDrawing(proc.stdout, source, Path(dot).name)
            problem = proc.stderr.strip()[:200]
        except (OSError, subprocess.TimeoutExpired) as err:
            problem = str(err)
        if renderer == "graphviz":
            raise RuntimeError(f"draw_graph: {dot} failed: {problem}")
        warnings.warn(f"draw_graph: {dot} failed ({problem}); drawing a plain layout instead", RuntimeWarning)
    return GraphDrawing(_plain_svg(order, names, grad_of, rankdir, highlight), source, "plain")


draw_dot = draw_graph   # the name the micrograd lecture uses


def _plain_svg(order, names, grad_of, rankdir, highlight):
    """A layered drawing without Graphviz, always left to right: column = longest path from an input.

    Each Value is an oval with its op (if any) followed by a box "label | data | grad".
    """
    depth = {}
    for v in order:
        depth[v] = 1 + max((depth[p] for p, _ in _parents(v)), default=-1)
    columns = {}
    for v in order:
        columns.setdefault(depth[v], []).append(v)
    char_w, box_h, gap_x, gap_y, pad, link = 7.0, 26.0, 60.0, 24.0, 10.0, 16.0
    texts = {v: [names[v], f"data {v.data:.4f}", f"grad {grad_of(v):.4f}"] for v in order}
    widths = {v: [len(t) * char_w + 12 for t in texts[v]] for v in order}
    op_w = {v: max(28.0, len(v._op) * 6.5 + 12) if v._a is not None else 0.0 for v in order}
    col_op = {d: max(op_w[v] for v in vs) for d, vs in columns.items()}
    col_w = {d: col_op[d] + link + max(sum(widths[v]) for v in vs) for d, vs in columns.items()}
    skips = any(depth[v] - depth[p] > 1 for v in order for p, _ in _parents(v))
    top = pad + (box_h + gap_y) * 0.8 if skips else pad     # room for the arcs drawn above row 0
    pos, x = {}, pad
    for d in sorted(columns):
        for k, v in enumerate(columns[d]):
            pos[v] = (x, top + k * (box_h + gap_y), x + col_op[d] + link)   # column start, top, box left
        x += col_w[d] + gap_x
    width = max(bx + sum(widths[v]) for v, (px, py, bx) in pos.items()) + pad
    height = max(py for px, py, bx in pos.values()) + box_h + pad
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
           '<rect width="100%" height="100%" fill="white"/>']
    anchor = {}
    for i, v in enumerate(order):
        px, py, bx = pos[v]
        cy = py + box_h / 2
        total = sum(widths[v])
        fill = "#ffe9a8" if v in highlight else "white"
        out.append(f'<g id="n{i}">')
        out.append(f'<rect x="{bx:.1f}" y="{py:.1f}" width="{total:.1f}" height="{box_h:.1f}" '
                   f'fill="{fill}" stroke="black"/>')
        cx = bx
        for t, w in zip(texts[v], widths[v]):
            out.append(f'<text x="{cx + w / 2:.1f}" y="{cy + 4:.1f}" text-anchor="middle">{html.escape(t)}</text>')
            cx += w
            if cx < bx + total - 1:
                out.append(f'<line x1="{cx:.1f}" y1="{py:.1f}" x2="{cx:.1f}" y2="{py + box_h:.1f}" stroke="black"/>')
        in_x = bx
        if v._a is not None:
            rx = op_w[v] / 2
            ox = bx - link - rx
            in_x = ox - rx
            out.append(f'<ellipse cx="{ox:.1f}" cy="{cy:.1f}" rx="{rx:.1f}" ry="13" fill="white" stroke="black"/>')
            out.append(f'<text x="{ox:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-size="11">'
                       f'{html.escape(v._op)}</text>')
            out.append(f'<path d="M{ox + rx:.1f},{cy:.1f} L{bx:.1f},{cy:.1f}" fill="none" stroke="#555" '
                       'marker-end="url(#arrow)"/>')
        out.append("</g>")
        anchor[v] = (bx + total, cy, in_x, cy)   # out-point (right of box), in-point (left of the op oval)
    for v in order:
        for parent, _ in _parents(v):
            x1, y1 = anchor[parent][0], anchor[parent][1]
            x2, y2 = anchor[v][2], anchor[v][3]
            mid = (x1 + x2) / 2
            # an edge that skips columns arcs above the rows in between instead of crossing their boxes
            lift = 0.0 if depth[v] - depth[parent] <= 1 else box_h * 0.5 + gap_y * 0.5
            c1x, c2x = (mid, mid) if not lift else (x1 + 40, x2 - 40)
            out.append(f'<path d="M{x1:.1f},{y1:.1f} C{c1x:.1f},{y1 - lift * 2:.1f} {c2x:.1f},{y2 - lift * 2:.1f} '
                       f'{x2:.1f},{y2:.1f}" fill="none" stroke="#555" marker-end="url(#arrow)"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
