"""Step through a backward pass on a drawn graph (notebook 05).

The steps come from :func:`adlib.graph.backward_steps` (one step per edge:
``grad[node] += local * upstream``, in backpropagation's order); the drawing from
:func:`adlib.graph.draw_graph`.  The plain functions here turn "after k steps"
into what the widget shows, and replay a pass with the classic ``=`` bug; the
widget only wires a button to them.

DOM classes (the browser tests rely on them): ``adlib-step-next`` (button, one
step), ``adlib-step-reset`` (button), ``adlib-step-state`` (the gradients filled
in so far), ``adlib-step-text`` (the current step in words), ``adlib-step-graph``
(the SVG drawing, in a pane that scrolls), ``adlib-step-fit`` (toggle: shrink
the drawing to the pane's width), ``adlib-backprop-stepper`` (the whole box).

The stepper draws the graph compactly (:func:`compact_svg`): one box per Value
holding its name, operation, data and gradient, no separate operation nodes, and
the output at the top, where backpropagation starts.  The lecture's eight-step
chain then fits a notebook page at full text size, where ``draw_graph``'s
left-to-right drawing is thousands of pixels wide.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess

from ..graph import backward_steps, draw_graph

__all__ = ["sigmoid_chain", "reached_nodes", "state_html", "step_text", "compact_dot", "compact_svg",
           "graph_svg", "sized_svg", "overwrite_grads", "BackpropStepper", "make_backprop_stepper_widget"]


def sigmoid_chain(w=2.0, b=0.0, x=1.0, target=10.0, value=None):
    """The lecture's chain: t8 = (sigmoid(w x + b) - target)^2, written as eight labelled Values.

    Returns ``(t8, nodes)`` with ``nodes`` a dict name -> Value (w, b, x, target, t1..t8).
    ``value``: the class to build it with (default adlib's Value; notebook 05b passes
    the engine written on its page, which needs ``+ - * **``, ``exp`` and a ``label``).
    """
    if value is None:
        from ..value import Value as value
    w, b, x, target = (value(v, label=n) for v, n in ((w, "w"), (b, "b"), (x, "x"), (target, "target")))
    t = {}
    t[1] = w * x
    t[2] = t[1] + b
    t[3] = -1 * t[2]
    t[4] = t[3].exp()
    t[5] = t[4] + 1
    t[6] = t[5] ** -1
    t[7] = t[6] - target
    t[8] = t[7] ** 2
    for k, v in t.items():
        v.label = f"t{k}"
    nodes = {"w": w, "b": b, "x": x, "target": target, **{f"t{k}": v for k, v in t.items()}}
    return t[8], nodes


def reached_nodes(steps, k):
    """The nodes that have received a gradient in the first ``k`` steps, in the order first reached."""
    if not 0 <= k <= len(steps):
        raise ValueError(f"reached_nodes: k must be between 0 and {len(steps)}, got {k}")
    seen = []
    for step in steps[:k]:
        if step.node not in seen:
            seen.append(step.node)
    return seen


def _complete_after(steps):
    """{node: index of the step after which its gradient is final} (its last incoming step)."""
    last = {}
    for step in steps:
        last[step.node] = step.index
    return last


def state_html(steps, k):
    """HTML listing every node reached in the first ``k`` steps with its gradient so far.

    The node that changed at step k is bold; a gradient that will still grow
    (a node with users not yet processed) is marked "partial".
    """
    grads = steps.grads_after(k)
    final_at = _complete_after(steps)
    current = steps[k - 1].node if k > 0 else None
    if k == 0:
        return "<div>No gradients yet: press <b>Next step</b> to seed the output's gradient with 1.</div>"
    rows = []
    for v in reached_nodes(steps, k):
        name = html.escape(steps.names[v])
        status = "" if final_at[v] <= k - 1 else ' <span style="color:#a60">(partial)</span>'
        text = f"grad {name} = {grads[v]:.6g}{status}"
        rows.append(f"<li><b>{text}</b></li>" if v is current else f"<li>{text}</li>")
    return (f"<div>After step {k} of {len(steps)}:</div>"
            f"<ul style='margin:0'>{''.join(rows)}</ul>")


def step_text(steps, k):
    """Step k (1-based) in words, as :meth:`adlib.graph.Step.text` writes it."""
    if k == 0:
        return "Backpropagation has not started."
    return steps[k - 1].text(steps.names[steps.root]).strip()


def _record(text):
    for ch in "\\{}|<>\"":
        text = text.replace(ch, "\\" + ch)
    return text


def compact_dot(steps, k, rankdir="BT"):
    """Graphviz source of the compact drawing after ``k`` steps: one box per Value, one arrow per message.

    Each box reads ``name | op | data | grad`` (inputs have no op); an arrow runs
    from a value to each consumer, one per step, so ``y * y`` shows two arrows.
    ``rankdir="BT"`` puts the inputs at the bottom and the output at the top.
    """
    if rankdir not in ("BT", "TB", "LR", "RL"):
        raise ValueError(f"compact_dot: rankdir must be 'BT', 'TB', 'LR' or 'RL', got {rankdir!r}")
    grads = steps.grads_after(k)
    current = steps[k - 1].node if k > 0 else None
    ids = {v: f"n{i}" for i, v in enumerate(steps.nodes)}
    lines = ["digraph G {", f"  rankdir={rankdir}; ranksep=0.25; nodesep=0.2;",
             '  node [shape=record, fontname="Helvetica", fontsize=12, height=0.3];',
             '  edge [color="#555555", arrowsize=0.6];']
    for v in steps.nodes:
        fields = [steps.names[v]] + ([v._op] if v._op else []) + [f"data {v.data:.4f}", f"grad {grads[v]:.4f}"]
        style = ', style=filled, fillcolor="#ffe9a8"' if v is current else ""
        lines.append(f'  {ids[v]} [label="{" | ".join(_record(f) for f in fields)}"{style}];')
    for step in steps:
        if step.consumer is not None:
            lines.append(f"  {ids[step.node]} -> {ids[step.consumer]};")
    return "\n".join(lines + ["}"]) + "\n"


def _dot_program():
    try:                                   # the program draw_graph uses (graphviz-pure, or a system dot)
        from ..graph import _find_dot
        return _find_dot()
    except ImportError:
        return shutil.which("graphviz-pure") or shutil.which("dot")


def compact_svg(steps, k, rankdir="BT"):
    """SVG of :func:`compact_dot`; without a Graphviz program, ``draw_graph``'s plain drawing instead."""
    dot = _dot_program()
    if dot:
        try:
            proc = subprocess.run([dot, "-Tsvg"], input=compact_dot(steps, k, rankdir), capture_output=True,
                                  text=True, timeout=60)
            if proc.returncode == 0 and "<svg" in proc.stdout:
                return proc.stdout
        except (OSError, subprocess.TimeoutExpired):
            pass
    highlight = (steps[k - 1].node,) if k > 0 else ()
    return draw_graph(steps.root, grads=steps.grads_after(k), highlight=highlight, renderer="plain").svg


def graph_svg(steps, k, rankdir="BT", compact=True):
    """SVG of the graph with the gradients after ``k`` steps; the node just updated is highlighted.

    ``compact=True``: :func:`compact_svg`; ``False``: ``draw_graph``'s full drawing (an oval per op).
    """
    if compact:
        return compact_svg(steps, k, rankdir)
    highlight = (steps[k - 1].node,) if k > 0 else ()
    return draw_graph(steps.root, grads=steps.grads_after(k), rankdir=rankdir, highlight=highlight).svg


_SVG_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="([0-9.]+)(pt|px)?"\s+height="([0-9.]+)(pt|px)?"')


def sized_svg(svg, fit=False):
    """The drawing sized for a notebook page.

    ``fit=False``: its natural size, with Graphviz's points read as CSS pixels (text of
    14 px instead of 19; a long chain is still wider than the page, and the pane
    holding it scrolls).  ``fit=True``: as wide as the pane, the height following from
    the viewBox, so the whole graph is in view (its text small for a long chain).
    """
    match = _SVG_SIZE.search(svg)
    if match is None:
        raise ValueError("sized_svg: expected an <svg> with width and height attributes")
    width, height = float(match.group(2)), float(match.group(4))
    head = f'<svg{match.group(1)}'
    if "viewBox" not in svg[match.start():svg.index(">", match.start())]:
        head += f' viewBox="0 0 {width:g} {height:g}"'      # what the browser scales by
    if fit:
        head += ' width="100%" style="height:auto; display:block"'
    else:
        head += f' width="{width:g}px" height="{height:g}px" style="max-width:none; display:block"'
    # what precedes <svg> (an XML prolog, a DOCTYPE) has no place inside an HTML page
    return head + svg[match.end():]


def overwrite_grads(steps):
    """Replay a backward pass with the classic bug ``grad[node] = local * upstream`` (no ``+=``).

    Each node keeps only the last message it received; returns {node: gradient}.
    Upstream gradients are the buggy ones too, as a buggy engine would use them.
    """
    grads = {v: 0.0 for v in steps.nodes}
    for step in steps:
        if step.consumer is None:
            grads[step.node] = 1.0
        else:
            grads[step.node] = step.local * grads[step.consumer]
    return grads


class BackpropStepper:
    """The stepper's state: a graph's backward steps and how many have been shown."""

    def __init__(self, root, rankdir="BT", compact=True):
        if rankdir not in ("BT", "TB", "LR", "RL"):
            raise ValueError(f"BackpropStepper: rankdir must be 'BT', 'TB', 'LR' or 'RL', got {rankdir!r}")
        self.steps = backward_steps(root)
        self.rankdir = rankdir
        self.compact = compact
        self.k = 0

    @property
    def done(self):
        return self.k >= len(self.steps)

    def next(self):
        """Show one more step (no-op at the end); returns the new k."""
        if not self.done:
            self.k += 1
        return self.k

    def reset(self):
        self.k = 0
        return self.k

    def state_html(self):
        return state_html(self.steps, self.k)

    def step_text(self):
        return step_text(self.steps, self.k)

    def graph_svg(self):
        return graph_svg(self.steps, self.k, self.rankdir, self.compact)


def make_backprop_stepper_widget(root, rankdir="BT", compact=True):
    """A Next / Reset pair of buttons over :class:`BackpropStepper`, redrawing graph and gradients.

    The graph is drawn compactly and bottom to top by default: the output sits at
    the top, where backpropagation starts, and every label is at full size.  A
    graph larger than its pane scrolls; the "Fit to width" toggle shrinks it into
    the pane's width instead.
    """
    import ipywidgets as widgets
    from ._show import tagged

    stepper = BackpropStepper(root, rankdir, compact)
    next_button = tagged(widgets.Button(description="Next step", button_style="primary", icon="step-forward"), "adlib-step-next")
    reset_button = tagged(widgets.Button(description="Reset", icon="undo"), "adlib-step-reset")
    fit = widgets.ToggleButton(value=False, description="Fit to width", icon="compress",
                               tooltip="Scale the drawing to the width of its pane (off: full size, the pane scrolls)")
    fit.add_class("adlib-step-fit")
    text = tagged(widgets.HTML(), "adlib-step-text")
    state = tagged(widgets.HTML(), "adlib-step-state")
    graph = tagged(widgets.HTML(), "adlib-step-graph")

    def show():
        # the readout changes last: a reader (or a browser test) that waits for it to
        # change then finds the button state and the drawing already updated
        next_button.disabled = stepper.done
        graph.value = sized_svg(stepper.graph_svg(), fit=fit.value)
        text.value = f"<code>{html.escape(stepper.step_text())}</code>"
        state.value = stepper.state_html()

    def on_next(_):
        stepper.next()
        show()

    def on_reset(_):
        stepper.reset()
        show()

    next_button.on_click(on_next)
    reset_button.on_click(on_reset)
    fit.observe(lambda _change: show(), names="value")
    show()
    # the readout sits left of the drawing, so it stays in view while a wide graph scrolls
    state.layout = widgets.Layout(min_width="230px", max_width="260px", flex="0 0 auto")
    # min_width 0 lets the pane be narrower than the drawing (a flex item is never
    # narrower than its content otherwise, and the page would cut the drawing off);
    # the pane then scrolls (sideways, and down past max_height), its border shows where it ends
    graph.layout = widgets.Layout(flex="1 1 auto", min_width="0", max_width="100%", max_height="560px",
                                  overflow="auto", border="1px solid #ddd", padding="4px")
    row = widgets.HBox([state, graph], layout=widgets.Layout(width="100%", max_width="100%",
                                                              align_items="flex-start"))
    box = widgets.VBox([widgets.HBox([next_button, reset_button, fit]), text, row],
                       layout=widgets.Layout(max_width="100%", overflow="hidden"))
    box.add_class("adlib-backprop-stepper")
    box.stepper = stepper          # so tests (and curious students) can drive it from Python
    box.fit = fit
    return box
