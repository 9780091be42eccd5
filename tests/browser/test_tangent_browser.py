"""Notebook 04's tangent widget responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged; the test reads the function and the point a from the
page's controls and checks the dual number the page shows, ``f(Dual(a, 1)) = Dual(f(a),
f'(a))``, against f(a) and the derivative written out by hand here in numpy,
independently of adlib and of the widget's code.  Then it picks another function and
drags the a slider, as a student would, and checks that the dual number and the
picture follow.  A copy with the widget's callbacks disabled must fail the same check.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import jupyter_harness as harness
import widget_checks as checks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "04_forward_mode.ipynb"
READY = ".adlib-tangent-dual"
BOX = ".adlib-tangent"
READOUT = re.compile(r"f\(Dual\((?P<a>\S+), 1\)\) = Dual\((?P<value>[^,\s]+), (?P<slope>[^)\s]+)\)")


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


#: Each function the dropdown offers, with its derivative by the rules of calculus.
BY_HAND = {
    "x^2 exp(x) + 3x": (lambda x: x * x * np.exp(x) + 3 * x, lambda x: (x * x + 2 * x) * np.exp(x) + 3),
    "x * x + 1": (lambda x: x * x + 1, lambda x: 2 * x),
    "sin(x) exp(x)": (lambda x: np.sin(x) * np.exp(x), lambda x: (np.sin(x) + np.cos(x)) * np.exp(x)),
    "sigmoid(3x)": (lambda x: _sigmoid(3 * x), lambda x: 3 * _sigmoid(3 * x) * (1 - _sigmoid(3 * x))),
}


def controls_on_page(page):
    # ipywidgets writes the dropdown's spaces as no-break spaces.
    function = page.locator(".adlib-tangent-function select option:checked").inner_text().replace("\xa0", " ")
    return {"function": function,
            "a": checks.page_number(page.locator(".adlib-slider-tangent-a .widget-readout").inner_text())}


def readout_on_page(page):
    text = page.locator(READY).inner_text()
    match = READOUT.search(text)
    assert match, f"the readout shows {text!r}, not 'f(Dual(a, 1)) = Dual(value, slope)'"
    return {key: checks.page_number(value) for key, value in match.groupdict().items()}


def by_hand(controls):
    name = controls["function"]
    assert name in BY_HAND, f"the dropdown offers {name!r}, which this test has no derivative for"
    f, df = BY_HAND[name]
    return float(f(controls["a"])), float(df(controls["a"]))


def readout_matches(page):
    """(controls, shown) when the page's dual number is (f(a), f'(a)) for the page's function and a."""
    controls, shown = controls_on_page(page), readout_on_page(page)
    value, slope = by_hand(controls)
    # The page prints 6 decimals: allow half a unit in the last place.
    ok = (shown["a"] == controls["a"]
          and math.isclose(shown["value"], value, rel_tol=1e-9, abs_tol=5.01e-7)
          and math.isclose(shown["slope"], slope, rel_tol=1e-9, abs_tol=5.01e-7))
    return (controls, shown) if ok else None


def mismatch(page):
    controls = controls_on_page(page)
    value, slope = by_hand(controls)
    return (f"the page shows {readout_on_page(page)} for {controls}, "
            f"but f(a) = {value:.6f} and f'(a) = {slope:.6f}")


def plot_source(page):
    img = page.locator(".adlib-tangent-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def check_tangent(page, screenshot=None):
    """The dual number is (f(a), f'(a)); a new function and a drag of a update it and the picture."""
    first = checks.wait_until(lambda: readout_matches(page), 10, page)
    assert first, f"before any move {mismatch(page)}"
    controls, shown = first
    plot = plot_source(page)
    assert plot.startswith("data:image/png"), f"the widget's plot is not a PNG image: {plot[:60]!r}"

    select = page.locator(".adlib-tangent-function select")
    label = next(lab for lab in select.locator("option").all_inner_texts() if lab.startswith("sin"))
    assert label != controls["function"], f"the widget starts on {label!r}; pick another function to test"
    select.select_option(label=label)
    switched = checks.wait_until(lambda: readout_on_page(page) != shown and readout_matches(page), 10, page)
    assert switched, f"choosing {label!r} did not update the dual number: {mismatch(page)}"
    assert switched[0]["function"] == label.replace("\xa0", " ")
    changed = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
    assert changed, f"choosing {label!r} did not redraw the plot"
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)

    before, plot = switched[0], plot_source(page)
    checks.drag_slider(page, "tangent-a", -60)
    moved = checks.wait_until(lambda: controls_on_page(page)["a"] != before["a"], 5, page)
    assert moved, f"dragging the a slider did not change a ({before['a']})"
    followed = checks.wait_until(lambda: readout_on_page(page)["a"] != before["a"] and readout_matches(page),
                                 10, page)
    assert followed, f"after dragging a from {before['a']} the dual number did not follow: {mismatch(page)}"
    redrawn = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
    assert redrawn, f"after dragging a from {before['a']} to {followed[0]['a']} the plot did not change"
    return followed[0]


def test_the_tangent_widget_shows_the_value_and_the_slope_at_a(open_voila, tmp_path):
    checks.passes_served(open_voila, NOTEBOOK, READY, check_tangent, tmp_path / "tangent.png")


def test_a_broken_tangent_widget_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_tangent_widget", READY, check_tangent,
                             "did not update the dual number")
