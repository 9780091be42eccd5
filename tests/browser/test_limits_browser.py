"""Notebook 09's limits widget responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged; the test reads the case, x, the parameter and h from
the page's controls and checks the page's autodiff and central-difference slopes
against the same numbers computed in plain Python floats (tests/plain_limits.py, shared
with the unit tests: the slope of the branch taken, and the difference quotient), independently of adlib and of the widget's code.
Then it picks another case and drags the x slider, as a student would.  A copy with
the widget's callbacks disabled must fail the same check.
"""
from __future__ import annotations

import math
import re

import pytest

import jupyter_harness as harness
import widget_checks as checks
from plain_limits import central, path_slope

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "09_limits_of_autodiff.ipynb"
READY = ".adlib-limits-readout"
BOX = ".adlib-limits"
READOUT = re.compile(r"autodiff slope = (?P<autodiff>\S+).*?central difference slope = (?P<central>\S+)", re.S)


def controls_on_page(page):
    values = {name: checks.page_number(page.locator(f".adlib-slider-limits-{name} .widget-readout").inner_text())
              for name in ("x", "param", "h")}
    values["case"] = page.locator(".adlib-limits-case select option:checked").inner_text()
    return values


def readout_on_page(page):
    text = page.locator(READY).inner_text()
    match = READOUT.search(text)
    assert match, f"the readout shows {text!r}, not 'autodiff slope = ... central difference slope = ...'"
    return {key: checks.page_number(value) for key, value in match.groupdict().items()}


def close(a, b, rel=2e-3, abs_tol=1e-6):
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def readout_matches(page):
    """(controls, shown) when the page's slopes are the plain-float slopes for the page's controls."""
    c, shown = controls_on_page(page), readout_on_page(page)
    x, p, h = c["x"], c["param"], c["h"]
    ok = (close(shown["autodiff"], path_slope(c["case"], x, p, where_below=math.nan))      # reverse mode
          and close(shown["central"], central(c["case"], x, p, h)))
    return (c, shown) if ok else None


def plot_source(page):
    img = page.locator(".adlib-limits-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def check_limits(page, screenshot=None):
    """The slopes are the branch-taken slope and the difference quotient; a new case and a drag update them."""
    first = checks.wait_until(lambda: readout_matches(page), 10, page)
    assert first, f"before any move the page shows {readout_on_page(page)} for {controls_on_page(page)}"
    controls, shown = first
    plot = plot_source(page)
    assert plot.startswith("data:image/png"), f"the widget's plot is not a PNG image: {plot[:60]!r}"

    select = page.locator(".adlib-limits-case select")
    label = next(lab for lab in select.locator("option").all_inner_texts() if lab.startswith("branch"))
    select.select_option(label=label)
    switched = checks.wait_until(lambda: readout_on_page(page) != shown and readout_matches(page), 10, page)
    assert switched, (f"choosing {label!r} did not update the slopes: the page shows {readout_on_page(page)} "
                      f"for {controls_on_page(page)}")
    assert switched[0]["case"] == label
    changed = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
    assert changed, f"choosing {label!r} did not redraw the plot"
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)

    before, plot = switched[0], plot_source(page)
    checks.drag_slider(page, "limits-x", -60)
    moved = checks.wait_until(lambda: controls_on_page(page)["x"] != before["x"] and readout_matches(page), 10, page)
    assert moved, (f"after dragging x from {before['x']} to {controls_on_page(page)['x']} the page shows "
                   f"{readout_on_page(page)}")
    redrawn = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
    assert redrawn, f"after dragging x from {before['x']} to {moved[0]['x']} the plot did not change"
    return moved[0]


def test_the_limits_widget_shows_the_path_taken_slope_and_the_central_difference(open_voila, tmp_path):
    checks.passes_served(open_voila, NOTEBOOK, READY, check_limits, tmp_path / "limits.png")


def test_a_broken_limits_widget_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_limits_widget", READY, check_limits,
                             "did not update the slopes")
