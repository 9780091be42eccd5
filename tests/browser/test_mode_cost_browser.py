"""Notebook 07's forward-against-reverse widget responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged; the test reads n and m from the sliders' readouts
and checks that the page shows n forward passes and m reverse passes for them, the
winner that the pass counts predict, and Jacobians that agree; then it drags the n
slider as a student would and checks that the counts and the picture follow.  The
times are never checked (they differ on every machine).  A copy with the widget's
callbacks disabled must fail the same check, so a widget that stops updating cannot pass.
"""
from __future__ import annotations

import re

import pytest

import jupyter_harness as harness
import widget_checks as checks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "07_cost_of_gradients.ipynb"
READY = ".adlib-mode-cost-summary"
BOX = ".adlib-mode-cost"
SUMMARY = re.compile(r"n = (?P<n>\d+), m = (?P<m>\d+): forward passes = (?P<fwd>\d+), reverse passes = (?P<rev>\d+); "
                     r"predicted winner: (?P<predicted>\w+), measured winner: (?P<measured>\w+); "
                     r".*?Jacobians agree: (?P<agree>\w+)")


def sizes_on_page(page):
    return {name: int(checks.page_number(page.locator(f".adlib-slider-{name} .widget-readout").inner_text()))
            for name in ("n", "m")}


def summary_on_page(page):
    text = page.locator(READY).inner_text()
    match = SUMMARY.search(text)
    assert match, f"the readout shows {text!r}, not 'n = ..., m = ...: forward passes = ...'"
    return match.groupdict()


def summary_matches(page):
    """(sizes, summary) when the page's counts and predicted winner are those of the sliders' n and m."""
    sizes, shown = sizes_on_page(page), summary_on_page(page)
    n, m = sizes["n"], sizes["m"]
    predicted = "forward" if n < m else "reverse" if n > m else "tie"
    ok = (int(shown["n"]) == n and int(shown["m"]) == m and int(shown["fwd"]) == n and int(shown["rev"]) == m
          and shown["predicted"] == predicted and shown["measured"] in ("forward", "reverse", "tie")
          and shown["agree"] == "yes")
    return (sizes, shown) if ok else None


def plot_source(page):
    img = page.locator(".adlib-mode-cost-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def check_mode_cost(page, screenshot=None):
    """The counts are n and m for the sliders' sizes; dragging n changes them and the picture."""
    first = checks.wait_until(lambda: summary_matches(page), 10, page)
    assert first, f"before any move the page shows {summary_on_page(page)} for {sizes_on_page(page)}"
    sizes, _ = first
    plot = plot_source(page)
    assert plot.startswith("data:image/png"), f"the widget's plot is not a PNG image: {plot[:60]!r}"
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)

    checks.drag_slider(page, "n", -60)
    moved = checks.wait_until(lambda: sizes_on_page(page)["n"] != sizes["n"], 5, page)
    assert moved, f"dragging the n slider did not change n ({sizes['n']})"
    followed = checks.wait_until(lambda: summary_matches(page) and int(summary_on_page(page)["n"]) != sizes["n"],
                                 10, page)
    assert followed, (f"after dragging n from {sizes['n']} to {sizes_on_page(page)['n']} the counts did not "
                      f"follow: the page shows {summary_on_page(page)}")
    changed = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
    assert changed, "after dragging n the picture did not change"
    return sizes_on_page(page)


def test_the_mode_cost_widget_counts_n_and_m_passes(open_voila, tmp_path):
    checks.passes_served(open_voila, NOTEBOOK, READY, check_mode_cost, tmp_path / "mode_cost.png")


def test_a_broken_mode_cost_widget_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_mode_cost_widget", READY, check_mode_cost,
                             "the counts did not follow")
