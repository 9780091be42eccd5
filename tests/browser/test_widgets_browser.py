"""The course's widgets respond in a real browser (headless Chromium) served by Voila.

Each test serves one course notebook unchanged, lets Voila execute it, and then
uses the widget as a student would.  The broken-copy tests serve the same
notebook with its widget callbacks disabled and require the same checks to fail,
so a widget that stops updating cannot pass.
"""
from __future__ import annotations

import math

import pytest

import jupyter_harness as harness
import widget_checks as checks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

TINY_NETWORK = harness.NOTEBOOKS / "01_why_gradients.ipynb"
NUMDIFF = harness.NOTEBOOKS / "02_numerical_differentiation.ipynb"
STEPPER = harness.NOTEBOOKS / "05_reverse_mode.ipynb"


def require(notebook):
    if not notebook.exists():
        pytest.skip(f"{notebook.relative_to(harness.ROOT)} does not exist yet")
    return notebook


def lecture_chain_gradients(w=2.0, b=0.0, x=1.0, target=10.0):
    """Exact gradients of (sigmoid(w x + b) - target)^2, the chain notebook 05's stepper walks through."""
    s = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dloss_dz = 2.0 * (s - target) * s * (1.0 - s)
    return {"w": dloss_dz * x, "b": dloss_dz, "x": dloss_dz * w, "target": -2.0 * (s - target)}


def assert_offline(loaded):
    assert not loaded.remote_requests, f"the page tried to load from outside: {loaded.remote_requests}"


def test_tiny_network_slider_updates_the_loss(open_voila, tmp_path):
    loaded = open_voila(require(TINY_NETWORK), checks.TINY_NETWORK_READY)
    checks.check_tiny_network(loaded.page, screenshot=tmp_path / "tiny_network.png")
    assert (tmp_path / "tiny_network.png").stat().st_size > 0
    assert_offline(loaded)


def test_numdiff_method_changes_the_error_curve(open_voila, tmp_path):
    loaded = open_voila(require(NUMDIFF), checks.NUMDIFF_READY)
    checks.check_numdiff_method(loaded.page, screenshot=tmp_path / "numdiff.png")
    assert (tmp_path / "numdiff.png").stat().st_size > 0
    assert_offline(loaded)


def test_backprop_stepper_fills_in_one_gradient_per_step(open_voila, tmp_path):
    loaded = open_voila(require(STEPPER), checks.STEPPER_READY)
    checks.check_backprop_stepper(loaded.page, expected_leaf_grads=lecture_chain_gradients(),
                                  screenshot=tmp_path / "stepper.png")
    assert (tmp_path / "stepper.png").stat().st_size > 0
    assert_offline(loaded)


BROKEN = {
    "tiny_network": (TINY_NETWORK, "make_tiny_network_widget", checks.TINY_NETWORK_READY,
                     checks.TINY_NETWORK_BOX, checks.check_tiny_network, "shows loss"),
    "numdiff": (NUMDIFF, "make_numdiff_widget", checks.NUMDIFF_READY, checks.NUMDIFF_BOX,
                checks.check_numdiff_method, "did not change the plotted error curve"),
    "stepper": (STEPPER, "make_backprop_stepper_widget", checks.STEPPER_READY, checks.STEPPER_BOX,
                checks.check_backprop_stepper, "did not change the gradients shown"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_widget_callback_fails_the_check(name, open_voila, tmp_path):
    notebook, factory, ready, box, check, complaint = BROKEN[name]
    broken = checks.broken_copy(require(notebook), tmp_path, factory)
    loaded = open_voila(broken, ready)          # it still renders: only the callbacks are dead
    with pytest.raises(AssertionError, match=complaint):
        check(loaded.page)
    checks.save_screenshot(loaded.page, box, tmp_path / f"{name}-broken.png")
    assert_offline(loaded)
