"""Drawing a Value's graph as SVG: one box per Value (label | data | grad), one oval per op."""
from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from . import validate
from .value import parents
from .value_graph import _require_value, node_names, topological_order

__all__ = ["draw_graph", "draw_dot", "GraphDrawing"]


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
        if v._first is not None:
            lines.append(f'  {i}op [shape=ellipse, label="{_escape_record(v._op)}"];')
            lines.append(f"  {i}op -> {i};")
    for v in order:
        for parent in parents(v):
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

    >>> import adlib
    >>> x = adlib.Value(2.0, label="x")
    >>> y = (x * x).relu()
    >>> drawing = adlib.draw_graph(y, rankdir="TB", renderer="plain")
    >>> drawing.svg.startswith("<svg"), "ReLU" in drawing.svg
    (True, True)
    """
    _require_value(root, "draw_graph")
    validate.choice(format, ("svg",), "draw_graph", "format")
    validate.choice(rankdir, ("LR", "TB", "RL", "BT"), "draw_graph", "rankdir")
    max_nodes = validate.size(max_nodes, "draw_graph", "max_nodes", limit=10 ** 7)
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
        depth[v] = 1 + max((depth[p] for p in parents(v)), default=-1)
    columns = {}
    for v in order:
        columns.setdefault(depth[v], []).append(v)
    char_w, box_h, gap_x, gap_y, pad, link = 7.0, 26.0, 60.0, 24.0, 10.0, 16.0
    texts = {v: [names[v], f"data {v.data:.4f}", f"grad {grad_of(v):.4f}"] for v in order}
    widths = {v: [len(t) * char_w + 12 for t in texts[v]] for v in order}
    op_w = {v: max(28.0, len(v._op) * 6.5 + 12) if v._first is not None else 0.0 for v in order}
    col_op = {d: max(op_w[v] for v in vs) for d, vs in columns.items()}
    col_w = {d: col_op[d] + link + max(sum(widths[v]) for v in vs) for d, vs in columns.items()}
    skips = any(depth[v] - depth[p] > 1 for v in order for p in parents(v))
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
        if v._first is not None:
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
        for parent in parents(v):
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
