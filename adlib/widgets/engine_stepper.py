"""Step a scalar engine's backward pass one node at a time, with ``+=`` or with the ``=`` bug (notebook 05b).

The engine is any micrograd-style class, read by duck typing: a node has ``data``,
``grad``, ``_prev`` (its parents), ``_op`` and ``_backward()`` (its local backward
closure), and may have a ``label``.  Notebook 05b passes the engine written on its
page and a copy with ``=`` in place of ``+=``, so the widget runs the student's own
closures, not a model of them.

The plain functions below do the work and are what the tests call: :func:`schedule`
(the closures a backward pass runs, in its order), :func:`grads_after` (the
gradients once the first k have run), :func:`names`, :func:`table_html` and
:func:`step_text`; :class:`EngineStepper` holds the state and the widget only wires
buttons to it.

DOM classes (the browser test relies on them): ``adlib-engine-stepper`` (the box),
``adlib-engine-example`` (dropdown), ``adlib-engine-kind`` (toggle: the engine),
``adlib-engine-next``, ``adlib-engine-reset`` (buttons), ``adlib-engine-text`` (the
step in words), ``adlib-engine-table`` (rows ``tr[data-name]`` in topological order,
cells ``adlib-engine-grad``; the node whose closure just ran has class ``current``,
the parents it changed ``changed``).
"""
from __future__ import annotations

import html

from ..walk import topological_order
from .backprop_stepper import sigmoid_chain

__all__ = ["EXAMPLES", "schedule", "grads_after", "names", "table_html", "step_text", "EngineStepper",
           "make_engine_stepper_widget"]


def _x_used_twice(value):
    x = value(17.0, label="x")
    u = x + 1
    u.label = "u"
    y = x * u
    y.label = "y"
    return y


def _square(value):
    x = value(3.0, label="x")
    y = x * x
    y.label = "y"
    return y


#: The lecture's examples, each a function of the engine's class that builds the graph and returns its output.
EXAMPLES = {
    "u = x + 1, y = x·u at x = 17": _x_used_twice,
    "y = x·x at x = 3": _square,
    "the sigmoid chain t1..t8": lambda value: sigmoid_chain(value=value)[0],
}


def _parents(v):
    return tuple(v._prev)


def schedule(root, order=None):
    """(every node in topological order, the inner nodes whose ``_backward()`` a pass runs, in its order).

    ``order`` is the engine's own function ``root -> topological order``; by default
    adlib's walk over ``_prev``.  A pass runs the closures in reverse topological
    order; a leaf's closure does nothing, so it is left out.
    """
    nodes = list(order(root)) if order is not None else topological_order(root, _parents)
    return nodes, [v for v in reversed(nodes) if _parents(v)]


def grads_after(root, nodes, steps, k):
    """Every grad set to 0, the root's to 1, then the first ``k`` closures run: {node: grad}.

    This leaves the graph's ``.grad`` attributes in that state, as a real pass would.
    """
    if not 0 <= k <= len(steps):
        raise ValueError(f"grads_after: k must be between 0 and {len(steps)}, got {k}")
    for v in nodes:
        v.grad = 0.0
    root.grad = 1.0
    for v in steps[:k]:
        v._backward()
    return {v: v.grad for v in nodes}


def names(nodes):
    """{node: name}: its label; else a leaf is named by its number, an inner node v1, v2, ... (names are unique)."""
    named, seen, count = {}, set(), 0
    for v in nodes:
        name = getattr(v, "label", "")
        if not name:
            if _parents(v):
                count += 1
                name = f"v{count}"
            else:
                name = f"{v.data:g}"
        while name in seen:
            name += "′"
        seen.add(name)
        named[v] = name
    return named


def _changes(root, nodes, steps, k):
    """{parent: (grad before, grad after)} for the parents that step k (1-based) changed."""
    if k == 0:
        return {}
    before = grads_after(root, nodes, steps, k - 1)
    after = grads_after(root, nodes, steps, k)
    return {p: (before[p], after[p]) for p in _parents(steps[k - 1]) if before[p] != after[p]}


def table_html(root, nodes, steps, k):
    """One row per node in topological order: name, operation, data, grad after ``k`` closures, what changed."""
    grads, changed = grads_after(root, nodes, steps, k), _changes(root, nodes, steps, k)
    named = names(nodes)
    current = steps[k - 1] if k else None
    rows = []
    for v in nodes:
        css = "current" if v is current else "changed" if v in changed else ""
        style = {"current": "background:#ffe9a8", "changed": "background:#d8ecff"}.get(css, "")
        note = f"{changed[v][0]:g} → {changed[v][1]:g}" if v in changed else ""
        rows.append(f'<tr data-name="{html.escape(named[v])}" class="{css}" style="{style}">'
                    f"<td><b>{html.escape(named[v])}</b></td><td>{html.escape(v._op or 'leaf')}</td>"
                    f"<td>{v.data:.6g}</td><td class='adlib-engine-grad'>{grads[v]:.6g}</td><td>{note}</td></tr>")
    head = "<tr><th>node</th><th>op</th><th>data</th><th>grad</th><th>this step</th></tr>"
    pad = "<style>.adlib-engine-rows td, .adlib-engine-rows th {padding: 2px 12px; text-align: left}</style>"
    return f"{pad}<table class='adlib-engine-rows' style='border-collapse:collapse'>{head}{''.join(rows)}</table>"


def step_text(root, nodes, steps, k):
    """Step k in words (k = 0: the seed)."""
    named = names(nodes)
    if k == 0:
        return (f"{named[root]}.grad = 1 (the seed). {len(steps)} closures to run, "
                f"in reverse topological order: {', '.join(named[v] for v in steps)}.")
    v = steps[k - 1]
    sent = ", ".join(f"{named[p]}.grad {a:g} → {b:g}" for p, (a, b) in _changes(root, nodes, steps, k).items())
    return f"step {k} of {len(steps)}: {named[v]}._backward() ({v._op}): {sent or 'nothing changed'}."


class EngineStepper:
    """The stepper's state: which example, which engine, how many closures have run."""

    def __init__(self, engines, examples=None, order=None):
        if not engines:
            raise ValueError("EngineStepper: give at least one engine, e.g. {'+=': Value}")
        self.engines, self.examples, self.order = dict(engines), dict(examples or EXAMPLES), order
        self.engine, self.example = next(iter(self.engines)), next(iter(self.examples))
        self.build()

    def build(self, engine=None, example=None):
        """Rebuild the example's graph with the engine (names as in ``engines``/``examples``); back to step 0."""
        for given, known, what in ((engine, self.engines, "engine"), (example, self.examples, "example")):
            if given is not None and given not in known:
                raise ValueError(f"unknown {what} {given!r}; choose one of {', '.join(map(repr, known))}")
        self.engine, self.example = engine or self.engine, example or self.example
        self.root = self.examples[self.example](self.engines[self.engine])
        self.nodes, self.steps = schedule(self.root, self.order)
        self.k = 0

    @property
    def done(self):
        return self.k >= len(self.steps)

    def next(self):
        self.k = min(self.k + 1, len(self.steps))
        return self.k

    def reset(self):
        self.k = 0
        return self.k

    def grads(self):
        """{name: grad} after the closures run so far."""
        named = names(self.nodes)
        return {named[v]: g for v, g in grads_after(self.root, self.nodes, self.steps, self.k).items()}

    def table_html(self):
        return table_html(self.root, self.nodes, self.steps, self.k)

    def text(self):
        return step_text(self.root, self.nodes, self.steps, self.k)


def make_engine_stepper_widget(engines, examples=None, order=None):
    """Buttons over :class:`EngineStepper`: pick an example and an engine, run one closure per press."""
    import ipywidgets as widgets
    from ._show import tagged

    stepper = EngineStepper(engines, examples, order)
    example = tagged(widgets.Dropdown(options=list(stepper.examples), value=stepper.example, description="example"),
                     "adlib-engine-example")
    kind = tagged(widgets.ToggleButtons(options=list(stepper.engines), value=stepper.engine,
                                        style={"button_width": "auto"}), "adlib-engine-kind")
    next_button = tagged(widgets.Button(description="Next step", button_style="primary", icon="step-forward"),
                         "adlib-engine-next")
    reset_button = tagged(widgets.Button(description="Reset", icon="undo"), "adlib-engine-reset")
    text = tagged(widgets.HTML(), "adlib-engine-text")
    table = tagged(widgets.HTML(), "adlib-engine-table")

    def show():
        next_button.disabled = stepper.done
        table.value = stepper.table_html()
        text.value = html.escape(stepper.text())      # the text changes last: a reader waiting on it sees the rest

    def rebuild(_change):
        stepper.build(kind.value, example.value)
        show()

    def step(_):
        stepper.next()
        show()

    def reset(_):
        stepper.reset()
        show()

    example.observe(rebuild, names="value")
    kind.observe(rebuild, names="value")
    next_button.on_click(step)
    reset_button.on_click(reset)
    show()
    box = widgets.VBox([widgets.HBox([example, kind]), widgets.HBox([next_button, reset_button]), text, table])
    box.add_class("adlib-engine-stepper")
    box.stepper = stepper          # so tests (and curious students) can drive it from Python
    return box
