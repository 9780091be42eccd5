"""Notebook 06's shapes widget responds in a real browser (headless Chromium) served by Voila.

The notebook is served unchanged; the test reads the sizes from the sliders'
readouts and checks the page's counts (the Jacobian's rows, columns, entries and
bytes, the VJP's numbers and bytes, the VJP and JVP calls that build the Jacobian)
against arithmetic done here, and that adlib.vjp agreed with J^T u_bar.  Then it
drags the outputs and batch sliders, as a student would, and checks again.  A copy
with the widget's callbacks disabled must fail the same check, so a widget that
stops updating cannot pass.
"""
from __future__ import annotations

import re

import pytest

import jupyter_harness as harness
import widget_checks as checks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "06_vector_jacobian_products.ipynb"
READY = ".adlib-vjp-readout"
BOX = ".adlib-vjp-shapes"
SLIDERS = ("inputs", "outputs", "batch")
READOUT = re.compile(r"Jacobian J:\s*(?P<rows>\d+)\s*\u00d7\s*(?P<cols>\d+)\s*=\s*(?P<entries>\d+) numbers,\s*"
                     r"(?P<bytes>\d+) bytes.*?J:\s*(?P<vjp>\d+) numbers,\s*(?P<vjp_bytes>\d+) bytes.*?"
                     r"takes (?P<vjp_calls>\d+) VJP calls.*?or (?P<jvp_calls>\d+) JVP calls.*?"
                     r"largest difference (?P<difference>\S+)", re.S)


def sizes_on_page(page):
    return {name: int(checks.page_number(page.locator(f".adlib-slider-{name} .widget-readout").inner_text()))
            for name in SLIDERS}


def readout_on_page(page):
    text = page.locator(READY).inner_text()
    match = READOUT.search(text)
    assert match, f"the readout shows {text!r}, not 'Jacobian J: r × c = ... largest difference ...'"
    return {key: checks.page_number(value) for key, value in match.groupdict().items()}


def expected(sizes):
    """The counts for u = tanh(y W^T + b) on a batch: J is (batch*n) x (batch*m), float64 is 8 bytes."""
    rows, cols = sizes["batch"] * sizes["outputs"], sizes["batch"] * sizes["inputs"]
    return {"rows": rows, "cols": cols, "entries": rows * cols, "bytes": 8 * rows * cols,
            "vjp": cols, "vjp_bytes": 8 * cols, "vjp_calls": rows, "jvp_calls": cols}


def readout_matches(page):
    """(sizes, shown) when the page's counts are those of the sliders' sizes and adlib's VJP agreed."""
    sizes, shown = sizes_on_page(page), readout_on_page(page)
    ok = all(shown[key] == value for key, value in expected(sizes).items()) and 0 <= shown["difference"] < 1e-12
    return (sizes, shown) if ok else None


def plot_source(page):
    img = page.locator(".adlib-vjp-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def check_vjp_shapes(page, screenshot=None):
    """The counts follow the sliders; dragging outputs, then batch, changes them and the picture."""
    first = checks.wait_until(lambda: readout_matches(page), 10, page)
    assert first, f"before any move the page shows {readout_on_page(page)} for {sizes_on_page(page)}, " \
                  f"not {expected(sizes_on_page(page))}"
    sizes = first[0]
    plot = plot_source(page)
    assert plot.startswith("data:image/png"), f"the widget's plot is not a PNG image: {plot[:60]!r}"

    for name, pixels in (("outputs", 60), ("batch", 80)):
        checks.drag_slider(page, name, pixels)
        moved = checks.wait_until(lambda: sizes_on_page(page)[name] != sizes[name], 5, page)
        assert moved, f"dragging the {name} slider did not change its value ({sizes[name]})"
        result = checks.wait_until(lambda: readout_matches(page), 10, page)
        assert result, (f"after dragging the {name} slider from {sizes[name]} to {sizes_on_page(page)[name]} "
                        f"the page shows {readout_on_page(page)}, not {expected(sizes_on_page(page))}")
        changed = checks.wait_until(lambda: plot_source(page) not in ("", plot), 10, page)
        assert changed, f"after dragging the {name} slider the picture did not change"
        sizes, plot = result[0], plot_source(page)
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)
    return sizes


def test_the_shapes_widget_counts_what_the_sliders_ask_for(open_voila, tmp_path):
    sizes = checks.passes_served(open_voila, NOTEBOOK, READY, check_vjp_shapes, tmp_path / "vjp_shapes.png")
    assert sizes["batch"] > 1


def test_a_broken_shapes_widget_fails_the_check(open_voila, tmp_path):
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_vjp_shapes_widget", READY, check_vjp_shapes,
                             "after dragging the outputs slider")
