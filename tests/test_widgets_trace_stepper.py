"""Notebook 03's trace stepper (adlib/widgets/trace_stepper.py), checked against oracles.

The values are checked against the trace computed here in plain floats, the adjoints
of the inputs against central differences of that plain-float loss and against
adlib.grad, every row's adjoint against the chain rule applied to the rows after it,
and the widget by pressing its buttons and moving its sliders from Python.
"""
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
from adlib.widgets import trace_stepper as ts
from plain_trace import plain_trace
from widget_lookup import by_class as _by_class, one as _one

NEURON, DECAY = list(ts.TRACES)

inputs = st.fixed_dictionaries({
    "w": st.floats(-3, 3), "x": st.floats(-3, 3), "b": st.floats(-3, 3),
    "target": st.floats(-10, 10), "lam": st.floats(0, 1)})




def plain_loss(trace, **v):
    return plain_trace(**v)["t11" if trace == DECAY else "t8"]


def central(f, v, name, h=1e-6):
    up, down = dict(v, **{name: v[name] + h}), dict(v, **{name: v[name] - h})
    return (f(**up) - f(**down)) / (2 * h)


def close(a, b, rel=1e-6, abs_=1e-6):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@settings(max_examples=40, deadline=None)
@given(inputs, st.sampled_from([NEURON, DECAY]))
def test_values_are_the_plain_trace_and_input_adjoints_are_the_gradient(v, trace):
    if trace == NEURON:
        v = {k: v[k] for k in ("w", "x", "b", "target")}
    sw = ts.sweep(trace, **v)
    want = plain_trace(**v)
    assert set(sw.values) == set(want)
    for name, value in want.items():
        assert close(sw.values[name], value, 1e-12, 1e-12), name
    loss = lambda **u: plain_loss(trace, **u)  # noqa: E731
    scale = 1 + abs(loss(**v))
    for name in v:
        assert close(sw.adjoints[name], central(loss, v, name), 1e-5, 1e-6 * scale), name
    names = list(v)
    g = adlib.grad(lambda *a: _value_loss(trace, names, a), argnum=tuple(range(len(names))))(*[v[n] for n in names])
    for name, gi in zip(names, g):
        assert close(sw.adjoints[name], gi, 1e-12, 1e-12), name


def _value_loss(trace, names, args):
    t = dict(zip(names, args))
    s = adlib.sigmoid(t["w"] * t["x"] + t["b"])
    loss = (s - t["target"]) ** 2
    return loss + t["lam"] * t["w"] ** 2 if trace == DECAY else loss


@settings(max_examples=30, deadline=None)
@given(inputs, st.sampled_from([NEURON, DECAY]))
def test_every_adjoint_is_the_sum_over_its_consumers(v, trace):
    """dL/dt_i = sum over the lines j that use t_i of dL/dt_j * dt_j/dt_i, each local derivative
    checked by a central difference of that one line in plain floats."""
    if trace == NEURON:
        v = {k: v[k] for k in ("w", "x", "b", "target")}
    sw = ts.sweep(trace, **v)
    want = plain_trace(**v)
    assert sw.adjoints[sw.output] == 1.0 and sw.uses[sw.output] == ()
    for name in sw.backward_order()[1:]:
        total = 0.0
        for use in sw.uses[name]:
            assert use.upstream == sw.adjoints[use.consumer]
            h = 1e-6 * (1 + abs(want[name]))
            local = (_line(use.consumer, want, name, want[name] + h) - _line(use.consumer, want, name, want[name] - h)) / (2 * h)
            assert close(use.local, local, 1e-5, 1e-6 * (1 + abs(want[use.consumer]))), (name, use.consumer)
            total += use.local * use.upstream
        assert close(sw.adjoints[name], total, 1e-12, 1e-12), name


def _line(consumer, t, name, value):
    """Recompute line ``consumer`` in plain floats with operand ``name`` set to ``value``."""
    u = dict(t, **{name: value})
    return plain_trace(u["w"], u["x"], u["b"], u["target"], u.get("lam"))[consumer] if name in ("w", "x", "b", "target", "lam") \
        else _ONE_LINE[consumer](u)


_ONE_LINE = {
    "t2": lambda u: u["t1"] + u["b"], "t3": lambda u: -u["t2"], "t4": lambda u: math.exp(u["t3"]),
    "t5": lambda u: 1 + u["t4"], "t6": lambda u: 1 / u["t5"], "t7": lambda u: u["t6"] - u["target"],
    "t8": lambda u: u["t7"] ** 2, "t10": lambda u: u["lam"] * u["t9"], "t11": lambda u: u["t8"] + u["t10"],
}


def test_w_is_used_twice_with_weight_decay_and_the_step_says_so():
    sw = ts.sweep(DECAY, w=2.0, x=1.0, b=0.0, target=10.0, lam=0.1)
    assert [u.consumer for u in sw.uses["w"]] == ["t1", "t9"]
    k = 2 * len(sw.lines) + 1                     # the first input's row: w
    assert ts.shown_after(sw, k)[2] == "w"
    text = ts.step_text(sw, k)
    assert "dL/dt1 * dt1/dw + dL/dt9 * dt9/dw" in text and "add up" in text
    numbers = [float(s) for s in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", text.split("=")[2])]
    assert close(numbers[0] * numbers[1] + numbers[2] * numbers[3], sw.adjoints["w"], 1e-5)


def test_the_steps_fill_values_forward_then_adjoints_backward():
    sw = ts.sweep(NEURON)
    n, total = len(sw.lines), ts.n_steps(sw)
    assert total == 2 * 8 + 4
    values, adjoints, current = ts.shown_after(sw, 0)
    assert set(values) == set(sw.inputs) and adjoints == {} and current is None
    for k in range(1, total + 1):
        values, adjoints, current = ts.shown_after(sw, k)
        assert len(values) == len(sw.inputs) + min(k, n)
        assert len(adjoints) == max(0, k - n)
        if k <= n:
            assert current == f"t{k}" and current in values
        else:
            assert current == sw.backward_order()[k - n - 1] and current in adjoints
    assert ts.shown_after(sw, n + 1)[1] == {"t8": 1.0}
    table = ts.table_html(sw, n + 3)
    assert table.count('class="current"') == 1 and '<tr data-name="t6" class="current">' in table
    assert table.count('class="adlib-trace-adjoint"></td>') == 12 - 3     # 12 rows, 3 adjoints filled


def test_the_forward_step_shows_the_operation_with_its_numbers():
    sw = ts.sweep(NEURON, w=-1.0, b=-2.0)
    assert ts.step_text(sw, 3).endswith("t3 = -t2 = -(-3) = 3")
    assert "t4 = exp(t3) = exp(3) = 20.0855" in ts.step_text(sw, 4)
    assert "t1 = w * x = (-1) * 1 = -1" in ts.step_text(sw, 1)


@pytest.mark.parametrize("bad, error", [({"w": "2"}, TypeError), ({"w": float("nan")}, TypeError),
                                        ({"w": True}, TypeError), ({"lam": 0.1}, ValueError)])
def test_bad_inputs_are_named(bad, error):
    with pytest.raises(error, match="trace stepper"):
        ts.sweep(NEURON, **bad)


def test_numpy_numbers_are_accepted():
    import numpy as np
    sw = ts.sweep(NEURON, w=np.float32(2.0), x=np.int64(1))
    assert sw.values["t1"] == 2.0 and type(sw.values["t1"]) is float


def test_bad_steps_and_traces_are_refused():
    sw = ts.sweep(NEURON)
    for k in (-1, ts.n_steps(sw) + 1, 1.5, True):
        with pytest.raises(ValueError, match="step k"):
            ts.shown_after(sw, k)
    with pytest.raises(ValueError, match="unknown trace"):
        ts.sweep("no such trace")
    with pytest.raises(ValueError, match="unknown trace"):
        ts.make_trace_stepper_widget("no such trace")


# --------------------------------------------------------------------------- the widget, driven from Python

def test_the_widget_steps_and_follows_the_sliders():
    box = ts.make_trace_stepper_widget()
    nxt, prev, reset = (_one(box, f"adlib-trace-{k}") for k in ("next", "prev", "reset"))
    table, text = _one(box, "adlib-trace-table"), _one(box, "adlib-trace-text")
    assert box.k() == 0 and prev.disabled and "Step 0 of 20" in text.value
    for _ in range(9):
        nxt.click()
    assert box.k() == 9 and "dL/dt8 = 1" in text.value
    assert '<tr data-name="t8" class="current">' in table.value
    for _ in range(30):                               # past the end: it stops at the last step
        nxt.click()
    assert box.k() == 20 and nxt.disabled
    _one(box, "adlib-slider-w").value = -1.5
    assert box.k() == 20 and box.sweep().values["w"] == -1.5
    want = central(lambda **u: plain_loss(NEURON, **u), {"w": -1.5, "x": 1.0, "b": 0.0, "target": 10.0}, "w")
    assert close(box.sweep().adjoints["w"], want, 1e-5)
    assert f"{box.sweep().adjoints['w']:.6g}" in table.value
    prev.click()
    assert box.k() == 19
    reset.click()
    assert box.k() == 0 and "Step 0" in text.value


def test_the_widget_switches_to_the_weight_decay_trace():
    box = ts.make_trace_stepper_widget()
    lam = _one(box, "adlib-slider-lam")
    assert lam.layout.display == "none"
    _one(box, "adlib-trace-next").click()
    assert box.k() == 1
    _one(box, "adlib-trace-choice").value = DECAY
    assert box.k() == 0
    assert lam.layout.display is None and "lam" in box.sweep().inputs
    lam.value = 0.5
    assert box.sweep().values["t10"] == 0.5 * 4.0
    assert "of 27" in _one(box, "adlib-trace-text").value
