"""Notebook 03's trace stepper responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged.  The test reads the inputs from the sliders'
readouts and the table from the page, presses 'next step' as a student would, and
checks that each press fills exactly one row (values forward, then adjoints
backward), with the numbers of the trace computed here in plain floats and the
inputs' adjoints equal to central differences of that loss.  Then it drags the w
slider and picks the weight-decay trace, where w is used twice.  A copy with the
widget's callbacks disabled must fail the same check.
"""
from __future__ import annotations

import math

import pytest

import jupyter_harness as harness
import widget_checks as checks
from plain_trace import plain_trace

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "03_chain_rule_and_evaluation_trace.ipynb"
READY = ".adlib-trace-table tr[data-name]"
BOX = ".adlib-trace-stepper"
ROWS_JS = """() => Array.from(document.querySelectorAll('.adlib-trace-table tr[data-name]')).map(r => [
    r.dataset.name, r.querySelector('.adlib-trace-value').textContent,
    r.querySelector('.adlib-trace-adjoint').textContent, r.classList.contains('current')])"""




def gradient(inputs):
    """dL/d(input) for every input, by central differences of the plain-float loss."""
    out = "t11" if "lam" in inputs else "t8"
    loss = lambda v: plain_trace(**v)[out]  # noqa: E731
    h = 1e-6
    return {name: (loss(dict(inputs, **{name: inputs[name] + h})) - loss(dict(inputs, **{name: inputs[name] - h})))
            / (2 * h) for name in inputs}


def table(page):
    """{name: (value or None, adjoint or None)} and the highlighted row's name, as the page shows them."""
    rows = page.evaluate(ROWS_JS)
    number = lambda s: checks.page_number(s) if s.strip() else None  # noqa: E731
    current = [name for name, _, _, cur in rows if cur]
    return {name: (number(v), number(a)) for name, v, a, _ in rows}, (current[0] if len(current) == 1 else current)


def inputs_on_page(page, shown):
    """The sliders' values for the inputs the table shows (the lam slider is hidden for the neuron)."""
    names = [n for n in ("w", "x", "b", "target", "lam") if n in shown]
    return {n: checks.page_number(page.locator(f".adlib-slider-{n} .widget-readout").inner_text()) for n in names}


def near(a, b):
    return a is not None and math.isclose(a, b, rel_tol=2e-5, abs_tol=2e-5)


def click_next(page, before):
    page.locator(".adlib-trace-next button, button.adlib-trace-next").first.click()
    after = checks.wait_until(lambda: (s := table(page)) != before and s, 10, page)
    assert after, f"pressing 'next step' did not fill in the table (still {before})"
    return after


def step_through(page):
    """Press 'next step' until the table is full; every press fills exactly the right row with the right number."""
    rows, current = table(page)
    inputs = inputs_on_page(page, rows)
    want, grad = plain_trace(**inputs), gradient(inputs)
    lines = [name for name in rows if name not in inputs]
    assert all(rows[n] == (None, None) for n in lines) and all(rows[n][1] is None for n in inputs), \
        f"the table does not start with only the inputs: {rows}"
    for name in inputs:
        assert near(rows[name][0], inputs[name]), f"input {name}: the table shows {rows[name][0]}, the slider {inputs[name]}"
    order = lines + lines[::-1] + list(inputs)
    state = (rows, current)
    for k, name in enumerate(order, start=1):
        before = state[0]
        state = click_next(page, state)
        rows, current = state
        column = 0 if k <= len(lines) else 1
        changed = [n for n in rows if rows[n] != before[n]]
        assert changed == [name] and current == name, \
            f"step {k} should fill {name}'s {'value' if column == 0 else 'adjoint'}; it changed {changed}, highlights {current}"
        if column == 0:
            assert near(rows[name][0], want[name]), f"step {k}: {name} = {rows[name][0]}, the trace gives {want[name]:.6g}"
        elif name == lines[-1]:
            assert rows[name][1] == 1.0, f"the backward sweep must start with dL/d{name} = 1, shows {rows[name][1]}"
        elif name in grad:
            scale = 1 + abs(want[lines[-1]])
            assert math.isclose(rows[name][1], grad[name], rel_tol=1e-4, abs_tol=1e-6 * scale), \
                f"dL/d{name} shows {rows[name][1]}, central differences give {grad[name]:.6g}"
    assert page.locator(".adlib-trace-next button, button.adlib-trace-next").first.is_disabled(), \
        "after the last step 'next step' is still enabled"
    return inputs, rows


def check_trace_stepper(page, screenshot=None):
    inputs, rows = step_through(page)
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)

    checks.drag_slider(page, "w", -60)
    def follows():
        shown, _ = table(page)
        now = inputs_on_page(page, shown)
        g = gradient(now)
        return now["w"] != inputs["w"] and near(shown["w"][0], now["w"]) and \
            math.isclose(shown["w"][1], g["w"], rel_tol=1e-4, abs_tol=1e-5) and now
    moved = checks.wait_until(follows, 10, page)
    assert moved, f"after dragging w the table shows {table(page)[0]} for the sliders {inputs_on_page(page, table(page)[0])}"

    page.locator(".adlib-trace-choice select").select_option(index=1)
    switched = checks.wait_until(lambda: "t11" in table(page)[0] and table(page), 10, page)
    assert switched, "choosing the weight-decay trace did not show its lines t9 .. t11"
    decay_inputs, decay_rows = step_through(page)
    assert "lam" in decay_inputs
    text = page.locator(".adlib-trace-text").inner_text()
    assert "lam" in text, f"the last step should be dL/dlam, the page says {text!r}"
    return decay_rows


def test_the_trace_stepper_fills_the_trace_forward_then_backward(open_voila, tmp_path):
    checks.passes_served(open_voila, NOTEBOOK, READY, check_trace_stepper, tmp_path / "trace_stepper.png")


def test_a_broken_trace_stepper_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_trace_stepper_widget", READY, check_trace_stepper,
                             "did not fill in the table")
