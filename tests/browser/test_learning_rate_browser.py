"""Notebook 08's learning-rate widget responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged; the test reads the learning rate from the slider's
readout and checks the regime the page names (converges, oscillates, diverges) and the
two thresholds it quotes (1/a_max, 2/a_max) against the same things computed here in
numpy from the closed form of gradient descent on the bowl ``L(w) = 1/2 sum_i a_i w_i^2``:
after k steps ``w_i = w0_i (1 - lr a_i)^k``, independently of adlib and of the widget's
code.  Then it drags the slider, as a student would, into the oscillating and then the
diverging range, and checks that the regime and the picture follow.  A copy with the
widget's callbacks disabled must fail the same check.
"""
from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest

import jupyter_harness as harness
import widget_checks as checks
from adlib.widgets.learning_rate import BOWL_CURVATURES, make_learning_rate_widget

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "08_training_a_network.ipynb"
READY = ".adlib-lr-regime"
BOX = ".adlib-learning-rate"
READOUT = re.compile(r"(?P<regime>\w+)\s+\(oscillation starts at lr = 1/a_max = (?P<slow>[^,\s]+), "
                     r"divergence at lr = 2/a_max = (?P<fast>[^)\s]+)\)")

# The notebook calls the factory with its defaults: the bowl, the start and the number of steps.
_DEFAULTS = inspect.signature(make_learning_rate_widget).parameters
CURVATURES = np.asarray(BOWL_CURVATURES, dtype=float)
W0 = np.asarray(_DEFAULTS["w0"].default, dtype=float)
STEPS = int(_DEFAULTS["steps"].default)
# The slider's readout prints 3 significant digits: the true lr is within half a unit of the last one.
ROUNDING = 0.005


def regime_by_hand(lr):
    """What gradient descent does at ``lr``, from its closed form ``w_k = w0 (1 - lr a)^k``."""
    factor = 1.0 - lr * CURVATURES
    w = W0 * factor ** np.arange(STEPS + 1)[:, None]
    losses = 0.5 * np.sum(CURVATURES * w * w, axis=1)
    if losses[-1] > losses[0]:
        return "diverges"
    if np.any(factor < 0):          # that coordinate changes sign on every step
        return "oscillates"
    return "converges"


def regimes_by_hand(lr):
    """The regimes of every learning rate the readout's 3 digits may stand for."""
    return {regime_by_hand(lr * (1 + d)) for d in (-ROUNDING, 0.0, ROUNDING)}


def lr_on_page(page):
    return checks.page_number(page.locator(".adlib-slider-lr .widget-readout").inner_text())


def readout_on_page(page):
    text = page.locator(READY).inner_text()
    match = READOUT.search(text)
    assert match, f"the readout shows {text!r}, not '<regime> (oscillation starts at lr = 1/a_max = ...)'"
    shown = match.groupdict()
    return {"regime": shown["regime"], "slow": checks.page_number(shown["slow"]),
            "fast": checks.page_number(shown["fast"])}


def readout_matches(page):
    """(lr, shown) when the page names the regime of the slider's lr and quotes 1/a_max and 2/a_max."""
    lr, shown = lr_on_page(page), readout_on_page(page)
    a_max = float(np.max(CURVATURES))
    ok = (shown["regime"] in regimes_by_hand(lr)
          and math.isclose(shown["slow"], float(f"{1 / a_max:.3g}"))
          and math.isclose(shown["fast"], float(f"{2 / a_max:.3g}")))
    return (lr, shown) if ok else None


def mismatch(page):
    lr = lr_on_page(page)
    return (f"the page shows {readout_on_page(page)} at lr = {lr}, but there gradient descent "
            f"{' or '.join(sorted(regimes_by_hand(lr)))} (thresholds 1/a_max = {1 / np.max(CURVATURES):.3g}, "
            f"2/a_max = {2 / np.max(CURVATURES):.3g})")


def plot_source(page):
    img = page.locator(".adlib-lr-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def slider_fraction(page, lr):
    """Where on the log-scale slider's track ``lr`` lies (its handle's aria values are exponents of 10)."""
    handle = page.locator(".adlib-slider-lr .noUi-handle")
    low, high = (float(handle.get_attribute(key)) for key in ("aria-valuemin", "aria-valuemax"))
    return (math.log10(lr) - low) / (high - low)


def check_learning_rate(page, screenshot=None):
    """The named regime is the one of the slider's lr; dragging lr into oscillation and divergence updates it."""
    first = checks.wait_until(lambda: readout_matches(page), 10, page)
    assert first, f"before any move {mismatch(page)}"
    plot = plot_source(page)
    assert plot.startswith("data:image/png"), f"the widget's plot is not a PNG image: {plot[:60]!r}"
    seen = [first]
    slow, fast = 1 / np.max(CURVATURES), 2 / np.max(CURVATURES)
    # Well inside the oscillating range, then well inside the diverging one.
    for target in (1.4 * slow, 1.75 * fast):
        before = seen[-1]
        checks.drag_slider_to(page, "lr", slider_fraction(page, target))
        moved = checks.wait_until(lambda: lr_on_page(page) != before[0], 5, page)
        assert moved, f"dragging the lr slider towards {target:.3g} did not change lr ({before[0]})"
        followed = checks.wait_until(lambda: readout_on_page(page)["regime"] != before[1]["regime"]
                                     and readout_matches(page), 10, page)
        assert followed, (f"after dragging lr from {before[0]} to {lr_on_page(page)} the regime did not "
                          f"follow: {mismatch(page)}")
        redrawn = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
        assert redrawn, f"after dragging lr from {before[0]} to {followed[0]} the plot did not change"
        plot = plot_source(page)
        seen.append(followed)
        if screenshot is not None and len(seen) == 2:
            checks.save_screenshot(page, BOX, screenshot)
    regimes = [shown["regime"] for _, shown in seen]
    # Otherwise a widget stuck on one word could pass: the drags must show all three regimes.
    assert regimes == ["converges", "oscillates", "diverges"], \
        f"the drags to lr = {[lr for lr, _ in seen]} showed {regimes}, not converges, oscillates, diverges"
    return seen


def test_the_learning_rate_widget_names_the_regime_of_the_slider_lr(open_voila, tmp_path):
    checks.passes_served(open_voila, NOTEBOOK, READY, check_learning_rate, tmp_path / "learning_rate.png")


def test_a_broken_learning_rate_widget_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_learning_rate_widget", READY, check_learning_rate,
                             "the regime did not follow")
