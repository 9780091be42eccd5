"""Notebook 11's coin widget responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged; the test reads p, the number of coins and h from the
page's controls and checks the page's three slopes against the same numbers computed
in plain Python floats from numpy's uniform draws (tests/plain_coins.py, shared with the unit tests) (autodiff 0, the difference of
means, the score-function average), independently of adlib and of the widget's code.
Then it drags the p and coins sliders, as a student would.  A copy with the widget's
callbacks disabled must fail the same check.
"""
from __future__ import annotations

import math
import re

import pytest

import jupyter_harness as harness
import widget_checks as checks
from plain_coins import plain_coins

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "11_randomness_and_chaos.ipynb"
READY = ".adlib-estimators-readout"
BOX = ".adlib-estimators"
READOUT = re.compile(r"autodiff slope = (?P<autodiff>\S+).*?difference of means slope = (?P<difference>\S+)"
                     r".*?score function slope = (?P<score>\S+)", re.S)

def controls_on_page(page):
    return {name: checks.page_number(page.locator(f".adlib-slider-estimators-{name} .widget-readout").inner_text())
            for name in ("p", "coins", "h")}


def readout_on_page(page):
    text = page.locator(READY).inner_text()
    match = READOUT.search(text)
    assert match, f"the readout shows {text!r}, not 'autodiff slope = ... score function slope = ...'"
    return {key: checks.page_number(value) for key, value in match.groupdict().items()}


def readout_matches(page):
    """(controls, shown) when the page's slopes are the plain-float slopes for the page's controls."""
    c, shown = controls_on_page(page), readout_on_page(page)
    expected = plain_coins(c["p"], int(c["coins"]), c["h"])
    ok = all(math.isclose(shown[k], expected[k], rel_tol=1e-5, abs_tol=1e-6) for k in shown)
    return (c, shown) if ok else None


def plot_source(page):
    img = page.locator(".adlib-estimators-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def check_estimators(page, screenshot=None):
    """The slopes are the plain-float ones; dragging p, then the coins, updates them and the plot."""
    first = checks.wait_until(lambda: readout_matches(page), 10, page)
    assert first, f"before any move the page shows {readout_on_page(page)} for {controls_on_page(page)}"
    plot = plot_source(page)
    assert plot.startswith("data:image/png"), f"the widget's plot is not a PNG image: {plot[:60]!r}"
    for name, pixels in (("p", 60), ("coins", 80)):
        before, shown = controls_on_page(page), readout_on_page(page)
        checks.drag_slider(page, f"estimators-{name}", pixels)
        moved = checks.wait_until(lambda: controls_on_page(page)[name] != before[name]
                                  and readout_on_page(page) != shown and readout_matches(page), 10, page)
        assert moved, (f"dragging {name} from {before[name]} to {controls_on_page(page)[name]} did not update "
                       f"the slopes: the page shows {readout_on_page(page)}")
        redrawn = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
        assert redrawn, f"after dragging {name} the plot did not change"
        plot = plot_source(page)
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)
    return moved[0]


def test_the_estimators_widget_shows_three_slopes_of_the_coin_program(open_voila, tmp_path):
    checks.passes_served(open_voila, NOTEBOOK, READY, check_estimators, tmp_path / "estimators.png")


def test_a_broken_estimators_widget_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_estimators_widget", READY, check_estimators,
                             "did not update the slopes")
