"""Notebook 05b's engine stepper responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged: the widget runs the engine the notebook writes.
The test reads the table from the page, presses 'Next step' as a student would and
checks that each press runs one closure, in reverse topological order, with the
gradients of u = x + 1, y = x·u at x = 17 worked out here by hand (x gets 18, then
17 more: 35).  Then it switches to the engine with the `=` bug and checks that the
second step *replaces* x's 18 by 17.  A copy with the widget's callbacks disabled
must fail the same check, so a widget that stops updating cannot pass.
"""
from __future__ import annotations

import pytest

import jupyter_harness as harness
import widget_checks as checks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "05b_build_the_engine.ipynb"
READY = ".adlib-engine-table tr[data-name]"
BOX = ".adlib-engine-stepper"
NEXT = ".adlib-engine-next button, button.adlib-engine-next"
ROWS_JS = """() => Array.from(document.querySelectorAll('.adlib-engine-table tr[data-name]')).map(r => [
    r.dataset.name, r.querySelector('.adlib-engine-grad').textContent, r.className])"""

# (x, u, y) gradients after 0, 1 and 2 closures; step 1 is y's closure, step 2 is u's
CORRECT = [(0, 0, 1), (18, 17, 1), (35, 17, 1)]
OVERWRITING = [(0, 0, 1), (18, 17, 1), (17, 17, 1)]


def table(page):
    """({name: grad}, name of the row whose closure just ran or None), as the page shows them."""
    rows = page.evaluate(ROWS_JS)
    current = [name for name, _, css in rows if "current" in css.split()]
    return {name: checks.page_number(grad) for name, grad, _ in rows}, (current[0] if current else None)


def press_next(page, before):
    page.locator(NEXT).first.click()
    after = checks.wait_until(lambda: (s := table(page)) != before and s, 10, page)
    assert after, f"pressing 'Next step' did not change the gradients shown (still {before})"
    return after


def step_through(page, expected):
    state = table(page)
    grads, current = state
    assert set(grads) == {"x", "1", "u", "y"}, f"the table shows {sorted(grads)}, not x, 1, u, y"
    assert (grads["x"], grads["u"], grads["y"]) == expected[0] and current is None, f"step 0 shows {state}"
    for k, (closure, want) in enumerate(zip(("y", "u"), expected[1:]), start=1):
        state = press_next(page, state)
        grads, current = state
        assert current == closure, f"step {k} should run {closure}'s closure; the page highlights {current}"
        assert (grads["x"], grads["u"], grads["y"]) == want, f"after step {k} the page shows {grads}, not {want}"
    assert page.locator(NEXT).first.is_disabled(), "after the last closure 'Next step' is still enabled"
    return state


def check_engine_stepper(page, screenshot=None):
    step_through(page, CORRECT)
    text = page.locator(".adlib-engine-text").inner_text()
    assert "18 → 35" in text, f"the last step reads {text!r}"
    page.locator(".adlib-engine-kind button", has_text="Overwriting").first.click()
    reset = checks.wait_until(lambda: table(page)[0].get("x") == 0 and table(page)[1] is None, 10, page)
    assert reset, f"choosing the = engine did not start again from step 0: {table(page)}"
    step_through(page, OVERWRITING)
    assert "18 → 17" in page.locator(".adlib-engine-text").inner_text()
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)


def test_the_engine_stepper_runs_one_closure_per_press(open_voila, tmp_path):
    checks.passes_served(open_voila, NOTEBOOK, READY, check_engine_stepper, tmp_path / "engine_stepper.png")


def test_a_broken_engine_stepper_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_engine_stepper_widget", READY, check_engine_stepper,
                             "did not change the gradients shown")
