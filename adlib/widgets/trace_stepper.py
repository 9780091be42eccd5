"""Fill in an evaluation trace forward, then backward, one row per step (notebook 03).

The trace is built from :class:`adlib.Value` operations, so the values come from
adlib's forward pass and the adjoints dL/dt_i from :func:`adlib.steps.backward_steps`
(the exact floats ``backward()`` computes); nothing here restates a derivative rule.
The plain functions turn "after k steps" into the table and the step's formula with
its numbers; :func:`make_trace_stepper_widget` only wires sliders and buttons to them.

Steps, for a trace of n lines t1 .. tn and m inputs (``n_steps = 2 n + m``):

* 1 .. n: the forward sweep computes t1, t2, ..., tn (= L);
* n + 1: the backward sweep starts with dL/dtn = 1;
* n + 2 .. 2n: dL/dt(n-1), ..., dL/dt1, each the sum over the lines that use it
  (its consumers) of dL/d(consumer) times the consumer's local derivative;
* 2n + 1 .. 2n + m: the inputs' adjoints, the gradient.

DOM classes (the browser test relies on them): ``adlib-trace-stepper`` (the box),
``adlib-trace-choice`` (which trace), ``adlib-slider-<input>`` (w, x, b, target, lam),
``adlib-trace-next``, ``adlib-trace-prev``, ``adlib-trace-reset`` (buttons),
``adlib-trace-table`` (the table; each row ``<tr data-name=...>`` has cells
``adlib-trace-value`` and ``adlib-trace-adjoint``), ``adlib-trace-text`` (the current
step and its formula with numbers).
"""
from __future__ import annotations

import html
import math
import numbers
import re
from dataclasses import dataclass

__all__ = ["TRACES", "Sweep", "sweep", "n_steps", "shown_after", "step_text", "table_html",
           "make_trace_stepper_widget"]

_NEURON_LINES = (
    ("t1", "{w} * {x}", lambda t: t["w"] * t["x"]),
    ("t2", "{t1} + {b}", lambda t: t["t1"] + t["b"]),
    ("t3", "-{t2}", lambda t: -t["t2"]),
    ("t4", "exp({t3})", lambda t: t["t3"].exp()),
    ("t5", "1 + {t4}", lambda t: 1 + t["t4"]),
    ("t6", "1 / {t5}", lambda t: 1 / t["t5"]),
    ("t7", "{t6} - {target}", lambda t: t["t6"] - t["target"]),
    ("t8", "{t7} ** 2", lambda t: t["t7"] ** 2),
)

#: name -> (inputs as (name, default, (low, high, step)), lines as (name, template, operation)).
#: A template names the operands in braces; the operation builds the line from adlib Values.
TRACES = {
    "one sigmoid neuron: L = (sigmoid(w x + b) - target)^2": (
        (("w", 2.0, (-3.0, 3.0, 0.1)), ("x", 1.0, (-3.0, 3.0, 0.1)), ("b", 0.0, (-3.0, 3.0, 0.1)),
         ("target", 10.0, (-10.0, 10.0, 0.5))),
        _NEURON_LINES),
    "with weight decay: L = (sigmoid(w x + b) - target)^2 + lam w^2 (w used twice)": (
        (("w", 2.0, (-3.0, 3.0, 0.1)), ("x", 1.0, (-3.0, 3.0, 0.1)), ("b", 0.0, (-3.0, 3.0, 0.1)),
         ("target", 10.0, (-10.0, 10.0, 0.5)), ("lam", 0.1, (0.0, 1.0, 0.05))),
        _NEURON_LINES + (
            ("t9", "{w} ** 2", lambda t: t["w"] ** 2),
            ("t10", "{lam} * {t9}", lambda t: t["lam"] * t["t9"]),
            ("t11", "{t8} + {t10}", lambda t: t["t8"] + t["t10"]))),
}

#: The few local derivatives adlib cannot name in the operands' names (a plain-number
#: operand hides which side it was on); only the text: the numbers still come from adlib.
_LOCAL_TEXT = {("t5", "t4"): "1", ("t6", "t5"): "-1 / t5^2"}


@dataclass(frozen=True)
class Use:
    """One consumer of a node: dL/dnode gets ``local * upstream`` from it."""
    consumer: str
    local: float          # d consumer / d node, adlib's number
    formula: str          # the same in names ("2·t7"), "" when unknown
    upstream: float       # dL/d consumer


@dataclass(frozen=True)
class Sweep:
    """One trace at one choice of inputs: everything the stepper shows."""
    inputs: tuple         # input names, in the sliders' order
    lines: tuple          # (name, template) of t1 .. tn
    values: dict          # name -> float, inputs and lines
    adjoints: dict        # name -> dL/dname, from backward_steps
    uses: dict            # name -> tuple of Use (empty for the output)

    @property
    def output(self):
        return self.lines[-1][0]

    def backward_order(self):
        """The rows the backward sweep fills, in order: tn, ..., t1, then the inputs."""
        return [name for name, _ in reversed(self.lines)] + list(self.inputs)


def _trace(trace):
    try:
        return TRACES[trace]
    except KeyError:
        raise ValueError(f"trace stepper: unknown trace {trace!r}; choose one of {list(TRACES)}") from None


def sweep(trace, **inputs):
    """Build ``trace`` (a key of TRACES) from adlib Values at ``inputs`` (missing ones take their
    defaults) and return its :class:`Sweep`."""
    from ..steps import backward_steps
    from ..value import Value

    spec, lines = _trace(trace)
    known = [name for name, _, _ in spec]
    unknown = set(inputs) - set(known)
    if unknown:
        raise ValueError(f"trace stepper: {trace!r} has no input {sorted(unknown)}; its inputs are {known}")
    t = {}
    for name, default, _ in spec:
        v = inputs.get(name, default)
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise TypeError(f"trace stepper: input {name} must be a finite number, got {v!r}")
        t[name] = Value(float(v), label=name)
    for name, _template, op in lines:
        t[name] = op(t)
        t[name].label = name
    steps = backward_steps(t[lines[-1][0]])
    uses = {name: {} for name in t}
    for s in steps:
        if s.consumer is None or s.name not in uses:
            continue
        if s.consumer_name not in uses[s.name]:
            formula = s.local_formula or _LOCAL_TEXT.get((s.consumer_name, s.name), "")
            uses[s.name][s.consumer_name] = Use(s.consumer_name, s.whole_local, formula, s.upstream)
    grads = steps.grads
    return Sweep(inputs=tuple(known), lines=tuple((name, template) for name, template, _ in lines),
                 values={name: v.data for name, v in t.items()},
                 adjoints={name: grads.get(v, 0.0) for name, v in t.items()},
                 uses={name: tuple(u.values()) for name, u in uses.items()})


def n_steps(sw):
    """How many steps fill the whole table: n forward, n backward over the lines, one per input."""
    return 2 * len(sw.lines) + len(sw.inputs)


def _check_k(sw, k, where):
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= n_steps(sw):
        raise ValueError(f"{where}: the step k must be a whole number from 0 to {n_steps(sw)}, got {k!r}")


def shown_after(sw, k):
    """``(values, adjoints, current)`` after ``k`` steps: the numbers filled in so far
    (name -> float; inputs' values are given from the start) and the row step k filled
    (None before the first step)."""
    _check_k(sw, k, "shown_after")
    n = len(sw.lines)
    values = {name: sw.values[name] for name in sw.inputs}
    for name, _ in sw.lines[:min(k, n)]:
        values[name] = sw.values[name]
    back = sw.backward_order()[:max(0, k - n)]
    adjoints = {name: sw.adjoints[name] for name in back}
    current = None if k == 0 else sw.lines[k - 1][0] if k <= n else back[-1]
    return values, adjoints, current


def _num(x):
    text = f"{x:.6g}"
    return f"({text})" if text.startswith("-") else text


def _with_numbers(template, values):
    """The template with each operand replaced by its number: bracketed when negative,
    except where the template already brackets it ("exp(-2)", "-(2)", "2 * (-1)")."""
    def number(m):
        before, name = m.group(1), m.group(2)
        if before == "(":
            return f"({values[name]:.6g}"
        return before + (f"({values[name]:.6g})" if before == "-" else _num(values[name]))
    return re.sub(r"(^|[(\-\s])\{(\w+)\}", number, template)


def _template(sw, name):
    return dict(sw.lines)[name]


def step_text(sw, k):
    """Step k in words, with the formula and its numbers (plain text, one or two lines)."""
    _check_k(sw, k, "step_text")
    n, total = len(sw.lines), n_steps(sw)
    if k == 0:
        return (f"Step 0 of {total}: only the inputs are known. Press 'next step' to run the forward sweep.")
    _, _, name = shown_after(sw, k)
    head = f"Step {k} of {total}, {'forward' if k <= n else 'backward'} sweep: "
    if k <= n:
        template = _template(sw, name)
        operands = {m: m for m in sw.values}
        return (head + f"{name} = {template.format(**operands)} = {_with_numbers(template, sw.values)} "
                f"= {sw.values[name]:.6g}")
    out = sw.output
    if name == out:
        return head + f"dL/d{out} = 1   (L is {out} itself: the backward sweep starts here)"
    uses = sw.uses[name]
    symbols = " + ".join(f"dL/d{u.consumer} * d{u.consumer}/d{name}" for u in uses)
    numbers = " + ".join(f"{_num(u.upstream)} * {_num(u.local)}" for u in uses)
    text = head + f"dL/d{name} = {symbols} = {numbers} = {sw.adjoints[name]:.6g}"
    known = [f"d{u.consumer}/d{name} = {u.formula}" for u in uses if u.formula and u.formula != f"{u.local:.6g}"]
    if len(uses) > 1:
        text += (f"\n{name} is used by {len(uses)} lines ({', '.join(u.consumer for u in uses)}): "
                 "their contributions add up.")
    if known:
        text += "\nwhere " + ", ".join(known) + ", at the values of the forward sweep."
    return text


_STYLE = ("<style>.adlib-trace-table-inner td, .adlib-trace-table-inner th {padding: 2px 10px; "
          "text-align: right; font-family: monospace} .adlib-trace-table-inner td.op {text-align: left}"
          " .adlib-trace-table-inner tr.current td {background: #ffe9a8; font-weight: bold}</style>")


def table_html(sw, k):
    """The trace as an HTML table after k steps: value and adjoint columns, the current row marked."""
    values, adjoints, current = shown_after(sw, k)
    rows = [("input", name, "given") for name in sw.inputs]
    rows += [("line", name, dict(sw.lines)[name].format(**{m: m for m in sw.values})) for name, _ in sw.lines]
    body = []
    for _kind, name, op in rows:
        cls = ' class="current"' if name == current else ""
        value = f"{values[name]:.6g}" if name in values else ""
        adjoint = f"{adjoints[name]:.6g}" if name in adjoints else ""
        body.append(f'<tr data-name="{html.escape(name)}"{cls}><td>{html.escape(name)}</td>'
                    f'<td class="op">{html.escape(op)}</td><td class="adlib-trace-value">{value}</td>'
                    f'<td class="adlib-trace-adjoint">{adjoint}</td></tr>')
    head = ("<tr><th>name</th><th class='op'>operation</th><th>value (forward)</th>"
            f"<th>dL/d(name) (backward)</th></tr>")
    return _STYLE + f'<table class="adlib-trace-table-inner">{head}{"".join(body)}</table>'


def make_trace_stepper_widget(trace=None, k=0):
    """Sliders for the inputs, a choice of trace, and buttons that fill the table one row per step.

    Moving a slider recomputes every number shown and keeps the step; choosing another
    trace starts again from step 0.  The box has
    ``box.sweep()`` and ``box.k()`` for tests and curious students.
    """
    import ipywidgets as widgets
    from ._show import tagged

    names = list(TRACES)
    trace = names[0] if trace is None else trace
    _trace(trace)
    _check_k(sweep(trace), k, "make_trace_stepper_widget")
    choice = widgets.Dropdown(options=names, value=trace, description="trace",
                              layout=widgets.Layout(width="640px"))
    choice.add_class("adlib-trace-choice")
    sliders = {}
    for spec, _ in TRACES.values():
        for name, default, (low, high, step) in spec:
            if name not in sliders:
                s = widgets.FloatSlider(value=default, min=low, max=high, step=step, description=name,
                                        continuous_update=False, readout_format=".2f")
                s.add_class(f"adlib-slider-{name}")
                sliders[name] = s
    buttons = {}
    for key, label in (("prev", "back"), ("next", "next step"), ("reset", "start again")):
        buttons[key] = widgets.Button(description=label, layout=widgets.Layout(width="auto"))
        buttons[key].add_class(f"adlib-trace-{key}")
    table = tagged(widgets.HTML(), "adlib-trace-table")
    text = tagged(widgets.HTML(), "adlib-trace-text")
    state = {"k": k, "sweep": None}

    def redraw():
        sw = state["sweep"]
        state["k"] = min(state["k"], n_steps(sw))
        table.value = table_html(sw, state["k"])
        text.value = "<pre style='white-space: pre-wrap; margin: 0'>" + html.escape(step_text(sw, state["k"])) + "</pre>"
        buttons["prev"].disabled = state["k"] == 0
        buttons["next"].disabled = state["k"] == n_steps(sw)

    def recompute(*_):
        spec, _ = TRACES[choice.value]
        used = [name for name, _, _ in spec]
        for name, s in sliders.items():
            s.layout.display = None if name in used else "none"
        state["sweep"] = sweep(choice.value, **{name: float(sliders[name].value) for name in used})
        redraw()

    def move(by):
        def clicked(_):
            state["k"] = max(0, min(n_steps(state["sweep"]), state["k"] + by))
            redraw()
        return clicked

    def reset(_):
        state["k"] = 0
        redraw()

    buttons["next"].on_click(move(+1))
    buttons["prev"].on_click(move(-1))
    buttons["reset"].on_click(reset)
    def choose(_):
        state["k"] = 0                    # another trace: start its sweeps from the beginning
        recompute()

    choice.observe(choose, names="value")
    for s in sliders.values():
        s.observe(recompute, names="value")
    box = widgets.VBox([choice, widgets.HBox([widgets.VBox(list(sliders.values())[:3]),
                                              widgets.VBox(list(sliders.values())[3:])]),
                        widgets.HBox([buttons["prev"], buttons["next"], buttons["reset"]]), text, table])
    box.add_class("adlib-trace-stepper")
    box.sweep = lambda: state["sweep"]
    box.k = lambda: state["k"]
    recompute()
    return box
