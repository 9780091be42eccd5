"""Notebook 10's aiming widget responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged; the test reads the launch from the sliders'
readouts and checks the page's landing point, loss and gradient against a throw
simulated here in plain Python floats (independently of adlib and of the widget's
code) and its central differences.  Then it presses "take a gradient step" and
drags the angle slider, as a student would.  A copy with the widget's callbacks
disabled must fail the same check, so a widget that stops updating cannot pass.
"""
from __future__ import annotations

import math
import re

import pytest

import jupyter_harness as harness
import widget_checks as checks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "10_differentiable_programming.ipynb"
READY = ".adlib-projectile-readout"
BOX = ".adlib-projectile"
LEARNING_RATE = 0.2          # adlib.widgets.diffprog.LEARNING_RATE, the widget's default
READOUT = re.compile(r"lands at\s*(?P<land>\S+)\s*m, miss = (?P<miss>\S+) m, loss L = (?P<loss>\S+) m.*?"
                     r"dL/dangle = (?P<g_angle>\S+) m.*?dL/dspeed = (?P<g_speed>\S+) m", re.S)


def throw(angle, speed, drag, dt=0.02, g=9.81):
    """Where the widget's ball lands: Euler steps with quadratic drag, the crossing interpolated."""
    theta = angle * math.pi / 180
    x = y = 0.0
    vx, vy = speed * math.cos(theta), speed * math.sin(theta)
    while True:
        v = math.hypot(vx, vy)
        x_new, y_new = x + dt * vx, y + dt * vy
        vx, vy = vx - dt * drag * v * vx, vy - dt * (g + drag * v * vy)
        if y_new < 0:
            return x + y / (y - y_new) * (x_new - x)
        x, y = x_new, y_new


def expected(launch):
    """Landing point, loss and gradient for the launch, by plain floats and central differences."""
    a, s, t, k = launch["angle"], launch["speed"], launch["target"], launch["drag"]
    loss = lambda a, s: 0.5 * (throw(a, s, k) - t) ** 2  # noqa: E731
    h = 1e-5
    return {"land": throw(a, s, k), "loss": loss(a, s),
            "g_angle": (loss(a + h, s) - loss(a - h, s)) / (2 * h),
            "g_speed": (loss(a, s + h) - loss(a, s - h)) / (2 * h)}


def launch_on_page(page):
    return {name: checks.page_number(page.locator(f".adlib-slider-{name} .widget-readout").inner_text())
            for name in ("angle", "speed", "target", "drag")}


def readout_on_page(page):
    text = page.locator(READY).inner_text()
    match = READOUT.search(text)
    assert match, f"the readout shows {text!r}, not 'lands at ... dL/dspeed = ...'"
    return {key: checks.page_number(value) for key, value in match.groupdict().items()}


def readout_matches(page):
    """(launch, shown) when the page's numbers are the physics' numbers for the sliders' launch."""
    launch, shown = launch_on_page(page), readout_on_page(page)
    want = expected(launch)
    ok = (math.isclose(shown["land"], want["land"], abs_tol=1e-3)
          and math.isclose(shown["loss"], want["loss"], rel_tol=1e-4, abs_tol=1e-5)
          and all(math.isclose(shown[g], want[g], rel_tol=1e-4, abs_tol=1e-4) for g in ("g_angle", "g_speed")))
    return (launch, shown) if ok else None


def plot_source(page):
    img = page.locator(".adlib-projectile-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def check_projectile(page, screenshot=None):
    """The readout is the physics of the sliders' launch; a gradient step goes downhill; a drag re-aims."""
    first = checks.wait_until(lambda: readout_matches(page), 10, page)
    assert first, f"before any move the page shows {readout_on_page(page)} for {launch_on_page(page)}, " \
                  f"but the physics gives {expected(launch_on_page(page))}"
    launch, shown = first
    plot = plot_source(page)
    assert plot.startswith("data:image/png"), f"the widget's plot is not a PNG image: {plot[:60]!r}"

    page.locator(".adlib-step-gradient button, button.adlib-step-gradient").first.click()
    stepped = checks.wait_until(lambda: launch_on_page(page) != launch and readout_matches(page), 10, page)
    assert stepped, f"pressing 'take a gradient step' did not change the launch {launch} and its readout"
    new_launch, new_shown = stepped
    for name, gradient in (("angle", shown["g_angle"]), ("speed", shown["g_speed"])):
        want = round(launch[name] - LEARNING_RATE * gradient, 2)
        assert math.isclose(new_launch[name], want, abs_tol=0.011), \
            f"a gradient step moved the {name} from {launch[name]} to {new_launch[name]}, not to {want}"
    assert new_shown["loss"] < shown["loss"], f"a gradient step raised the loss from {shown['loss']} to {new_shown['loss']}"
    changed = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
    assert changed, "after a gradient step the plot did not change"
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)

    checks.drag_slider(page, "angle", -40)
    moved = checks.wait_until(lambda: launch_on_page(page)["angle"] != new_launch["angle"]
                              and readout_matches(page), 10, page)
    assert moved, (f"after dragging the angle slider from {new_launch['angle']} to {launch_on_page(page)['angle']}"
                   f" the page shows {readout_on_page(page)}; the physics gives {expected(launch_on_page(page))}")
    return moved[0]


def test_the_aiming_widget_follows_the_physics_and_steps_downhill(open_voila, tmp_path):
    if not NOTEBOOK.exists():
        pytest.skip(f"{NOTEBOOK.name} does not exist yet")
    checks.passes_served(open_voila, NOTEBOOK, READY, check_projectile, tmp_path / "projectile.png")


def test_a_broken_aiming_widget_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_projectile_widget", READY, check_projectile,
                             "did not change the launch")
