"""Step through a backward pass on a drawn graph (notebook 05).

The steps come from :func:`adlib.graph.backward_steps` (one step per edge:
``grad[node] += local * upstream``, in backpropagation's order); the drawing from
:func:`adlib.graph.draw_graph`.  The plain functions here turn "after k steps"
into what the widget shows, and replay a pass with the classic ``=`` bug; the
widget only wires a button to them.

DOM classes (the browser tests rely on them): ``adlib-step-next`` (button, one
step), ``adlib-step-reset`` (button), ``adlib-step-state`` (the gradients filled
in so far), ``adlib-step-text`` (the current step in words), ``adlib-step-graph``
(the SVG drawing), ``adlib-backprop-stepper`` (the whole box).
"""
from __future__ import annotations

import html

from ..graph import backward_steps, draw_graph

__all__ = ["sigmoid_chain", "reached_nodes", "state_html", "step_text", "graph_svg",
           "overwrite_grads", "BackpropStepper", "make_backprop_stepper_widget"]


def sigmoid_chain(w=2.0, b=0.0, x=1.0, target=10.0):
    """The lecture's chain: t8 = (sigmoid(w x + b) - target)^2, written as eight labelled Values.

    Returns ``(t8, nodes)`` with ``nodes`` a dict name -> Value (w, b, x, target, t1..t8).
    """
    from ..value import Value
    w, b, x, target = (Value(v, label=n) for v, n in ((w, "w"), (b, "b"), (x, "x"), (target, "target")))
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


def graph_svg(steps, k, rankdir="LR"):
    """SVG of the graph with the gradients after ``k`` steps; the node just updated is highlighted."""
    highlight = (steps[k - 1].node,) if k > 0 else ()
    return draw_graph(steps.root, grads=steps.grads_after(k), rankdir=rankdir, highlight=highlight).svg


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

    def __init__(self, root, rankdir="LR"):
        self.steps = backward_steps(root)
        self.rankdir = rankdir
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
        return graph_svg(self.steps, self.k, self.rankdir)


def make_backprop_stepper_widget(root, rankdir="RL"):
    """A Next / Reset pair of buttons over :class:`BackpropStepper`, redrawing graph and gradients.

    The graph is drawn right to left by default: the output sits at the left edge,
    where backpropagation starts, so the first steps are in view without scrolling.
    """
    import ipywidgets as widgets

    stepper = BackpropStepper(root, rankdir)
    next_button = widgets.Button(description="Next step", button_style="primary", icon="step-forward")
    next_button.add_class("adlib-step-next")
    reset_button = widgets.Button(description="Reset", icon="undo")
    reset_button.add_class("adlib-step-reset")
    text = widgets.HTML()
    text.add_class("adlib-step-text")
    state = widgets.HTML()
    state.add_class("adlib-step-state")
    graph = widgets.HTML()
    graph.add_class("adlib-step-graph")

    def show():
        # the readout changes last: a reader (or a browser test) that waits for it to
        # change then finds the button state and the drawing already updated
        next_button.disabled = stepper.done
        # a long chain is wider than a notebook: scroll rather than shrink the text
        graph.value = f'<div style="overflow-x:auto; max-width:100%">{stepper.graph_svg()}</div>'
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
    show()
    # the readout sits left of the drawing, so it stays in view while a wide graph scrolls
    state.layout = widgets.Layout(min_width="230px", max_width="260px")
    graph.layout = widgets.Layout(flex="1 1 auto", overflow="auto")
    box = widgets.VBox([widgets.HBox([next_button, reset_button]), text, widgets.HBox([state, graph])])
    box.add_class("adlib-backprop-stepper")
    box.stepper = stepper          # so tests (and curious students) can drive it from Python
    return box
