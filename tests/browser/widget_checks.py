"""What a student does with each widget, and what they must then see.

Each ``check_*`` function drives one widget on a rendered page the way a person
would (drag a slider, pick a method, press a button) and raises AssertionError
when the page does not respond as it should.  The browser tests run them on the
course notebooks; the broken-callback tests run them on deliberately broken
copies and expect the AssertionError.
"""
from __future__ import annotations

import math
import re
import time

import nbformat
import pytest

import adlib

#: The classes the notebooks' widgets carry (see adlib/widgets/*.py).
TINY_NETWORK_READY = ".adlib-loss"
NUMDIFF_READY = ".adlib-error-plot img"
STEPPER_READY = ".adlib-step-next"

# The boxes that hold each widget (screenshots show the widget, wherever it is on the page).
TINY_NETWORK_BOX = ".adlib-tiny-network"
NUMDIFF_BOX = ".adlib-numdiff"
STEPPER_BOX = ".adlib-backprop-stepper"

SLIDERS = ("x", "w1_1", "w1_2", "w2_1", "w2_2", "target")
LOSS_TEXT = re.compile(r"loss\s*=\s*([-\u2212+0-9.eE]+|nan|inf)")


def wait_until(condition, timeout: float, page, interval_ms: int = 100):
    """Poll ``condition()`` until it returns something truthy; return it, or None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            return None
        page.wait_for_timeout(interval_ms)


def save_screenshot(page, box: str, path) -> None:
    """Screenshot the widget's box (Voila scrolls inside the page, so a full-page shot would crop it)."""
    widget = page.locator(box)
    if widget.count():
        widget.first.scroll_into_view_if_needed()
        widget.first.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path))


# --------------------------------------------------------------------------- notebook 01

def page_number(text: str) -> float:
    """A number as the page writes it (ipywidgets' readouts use the minus sign U+2212)."""
    return float(text.strip().replace("\u2212", "-"))


def slider_values(page) -> dict:
    """Each slider's value as its readout shows it.

    The readout is what the student reads and what the kernel holds; the handle's
    aria-valuenow is rounded differently by the slider library (-1.0 for -0.95).
    """
    return {name: page_number(page.locator(f".adlib-slider-{name} .widget-readout").inner_text())
            for name in SLIDERS}


def shown_loss(page) -> float:
    text = page.locator(".adlib-loss").inner_text()
    match = LOSS_TEXT.search(text)
    assert match, f"the loss element shows {text!r}, not 'loss = <number>'"
    return page_number(match.group(1))


def expected_loss(v: dict) -> float:
    """The tiny network's loss computed here with adlib, independently of the widget's code."""
    h1 = adlib.relu(v["w1_1"] * v["x"])
    h2 = adlib.relu(v["w1_2"] * v["x"])
    y = v["w2_1"] * h1 + v["w2_2"] * h2
    return float((y - v["target"]) ** 2)


def loss_matches(page):
    """(values, shown, expected) when the page's loss is adlib's loss for the sliders' values."""
    values = slider_values(page)
    shown, expected = shown_loss(page), expected_loss(values)
    # The page rounds to 6 decimals: allow half a unit in the last place.
    ok = math.isclose(shown, expected, rel_tol=1e-9, abs_tol=5.01e-7)
    return (values, shown, expected) if ok else None


def drag_slider(page, name: str, pixels: float) -> None:
    """Drag a slider's handle sideways with the mouse, as a person would."""
    handle = page.locator(f".adlib-slider-{name} .noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels, y, steps=8)
    page.mouse.up()


def drag_slider_to(page, name: str, fraction: float) -> None:
    """Drag a slider's handle with the mouse to ``fraction`` of its track (0 the left end, 1 the right)."""
    handle = page.locator(f".adlib-slider-{name} .noUi-handle")
    handle.scroll_into_view_if_needed()
    track = page.locator(f".adlib-slider-{name} .noUi-target").bounding_box()
    box = handle.bounding_box()
    drag_slider(page, name, track["x"] + fraction * track["width"] - (box["x"] + box["width"] / 2))


def check_tiny_network(page, screenshot=None) -> dict:
    """Move weight sliders; after each move the page's loss must be adlib's loss for the new weights."""
    first = wait_until(lambda: loss_matches(page), 10, page)
    assert first, (f"before any move the page shows loss {shown_loss(page)} for {slider_values(page)}, "
                   f"but adlib computes {expected_loss(slider_values(page)):.6f}")
    previous_values, previous_loss = first[0], first[2]
    changed = 0
    for name in ("w2_1", "w1_1"):
        low = float(page.locator(f".adlib-slider-{name} .noUi-handle").get_attribute("aria-valuemin"))
        high = float(page.locator(f".adlib-slider-{name} .noUi-handle").get_attribute("aria-valuemax"))
        drag_slider(page, name, -30 if previous_values[name] > (low + high) / 2 else 30)
        moved = wait_until(lambda: slider_values(page)[name] != previous_values[name], 5, page)
        assert moved, f"dragging slider {name} did not change its value ({previous_values[name]})"
        result = wait_until(lambda: loss_matches(page), 10, page)
        values = slider_values(page)
        assert result, (f"after moving {name} from {previous_values[name]} to {values[name]} the page "
                        f"shows loss {shown_loss(page)}, but adlib computes {expected_loss(values):.6f} "
                        f"for {values}")
        changed += abs(result[2] - previous_loss) > 1e-4
        previous_values, previous_loss = result[0], result[2]
    # Otherwise a widget that never updates would pass: the moves must change the loss.
    assert changed, "moving w2_1 and w1_1 left the loss unchanged; the check cannot tell a dead widget"
    if screenshot is not None:
        save_screenshot(page, TINY_NETWORK_BOX, screenshot)
    return previous_values


# --------------------------------------------------------------------------- notebook 02

def plot_source(page) -> str:
    img = page.locator(".adlib-error-plot img")
    return img.first.get_attribute("src") if img.count() else ""


def choose_method(page, word: str) -> str:
    """Pick the method whose label contains ``word`` in the method dropdown; return the label."""
    select = page.locator(".adlib-method select")
    labels = select.locator("option").all_inner_texts()
    label = next((lab for lab in labels if word in lab), None)
    assert label is not None, f"the method dropdown offers {labels}, none with {word!r}"
    select.select_option(label=label)
    return label


def check_numdiff_method(page, screenshot=None) -> None:
    """Changing the method redraws the error plot; changing it back gives the first plot again."""
    select = page.locator(".adlib-method select")
    first_label = select.locator("option:checked").inner_text()
    first_plot = plot_source(page)
    assert first_plot.startswith("data:image/png"), f"the error plot is not a PNG image: {first_plot[:60]!r}"
    other = "central" if "central" not in first_label else "forward"
    label = choose_method(page, other)
    changed = wait_until(lambda: plot_source(page) not in ("", first_plot) and plot_source(page), 10, page)
    assert changed, f"choosing {label!r} instead of {first_label!r} did not change the plotted error curve"
    if screenshot is not None:
        save_screenshot(page, NUMDIFF_BOX, screenshot)
    # Going back must show the first method's curves again (the plot follows the method).
    select.select_option(label=first_label)
    back = wait_until(lambda: plot_source(page) == first_plot, 10, page)
    assert back, f"choosing {first_label!r} again did not bring back its error curves"


# --------------------------------------------------------------------------- notebook 05

GRAD_ROW = re.compile(r"grad\s+(\S+)\s*=\s*([-\u2212+0-9.eE]+|nan|-?inf)")
STEP_OF = re.compile(r"step\s+(\d+)\s+of\s+(\d+)")


def stepper_state(page):
    """(k, n, {node: grad}) from the stepper's readout; k = 0 before the first step."""
    text = page.locator(".adlib-step-state").inner_text()
    match = STEP_OF.search(text)
    k, n = (int(match.group(1)), int(match.group(2))) if match else (0, None)
    return k, n, {name: page_number(value) for name, value in GRAD_ROW.findall(text)}


def click_next(page, before):
    page.locator(".adlib-step-next button, button.adlib-step-next").first.click()
    after = wait_until(lambda: (s := stepper_state(page)) != before and s, 10, page)
    assert after, f"pressing 'Next step' did not change the gradients shown (still {before})"
    return after


def check_backprop_stepper(page, expected_leaf_grads=None, screenshot=None) -> dict:
    """Each 'Next step' fills in exactly one node's gradient; the last ones are the true gradients."""
    state = stepper_state(page)
    assert state[0] == 0 and not state[2], f"the stepper does not start empty: {state}"
    graph_before = page.locator(".adlib-step-graph").inner_html()

    state = click_next(page, state)
    k, n, grads = state
    assert k == 1 and len(grads) == 1, f"after one step the stepper shows {grads} (step {k} of {n})"
    (root, seed), = grads.items()
    assert seed == 1.0, f"the first step must seed the output's gradient with 1, shows grad {root} = {seed}"
    redrawn = wait_until(lambda: page.locator(".adlib-step-graph").inner_html() != graph_before, 10, page)
    assert redrawn, "after the first step the graph drawing did not change"
    if screenshot is not None:
        save_screenshot(page, STEPPER_BOX, screenshot)

    while k < n:
        previous = grads
        k_before = k
        k, n, grads = click_next(page, (k, n, grads))
        assert k == k_before + 1, f"one press advanced the stepper from step {k_before} to {k}"
        touched = [v for v in grads if v not in previous or grads[v] != previous[v]]
        assert set(previous) <= set(grads), f"step {k} removed nodes: {set(previous) - set(grads)}"
        assert len(touched) <= 1, f"step {k} changed several gradients at once: {touched}"
        assert all(math.isfinite(g) for g in grads.values()), f"step {k} shows {grads}"
    assert page.locator(".adlib-step-next button, button.adlib-step-next").first.is_disabled(), \
        "after the last step 'Next step' is still enabled"
    if expected_leaf_grads is not None:
        for name, value in expected_leaf_grads.items():
            assert name in grads, f"after the last step no gradient is shown for {name}: {grads}"
            assert math.isclose(grads[name], value, rel_tol=1e-5, abs_tol=1e-9), \
                f"the stepper ends with grad {name} = {grads[name]}, the true gradient is {value:.6g}"
    return grads


# --------------------------------------------------------------------------- breaking a notebook

BREAK_CALLBACKS = '''\
# Deliberately broken copy (a test of the tests): widgets no longer call back into Python.
import ipywidgets as _w, traitlets as _t
_observe = _t.HasTraits.observe
def _no_value_callbacks(self, handler, names=_t.All, type="change"):
    if isinstance(handler, _t.traitlets.ObserveHandler):   # traitlets' own @observe handlers stay
        return _observe(self, handler, names=names, type=type)
_w.ValueWidget.observe = _no_value_callbacks
_w.Button.on_click = lambda self, callback, remove=False: None
'''


def broken_copy(notebook, target_dir, factory=None):
    """A copy of ``notebook`` in ``target_dir`` whose widgets never run their Python callbacks.

    With ``factory`` (the name of the function that builds the widget) the copy ends
    with the first cell that calls it (``factory(``; a cell that only imports it does
    not count): the rest of the notebook has no bearing on the widget, and Voila
    executes the whole notebook on each load.
    """
    nb = nbformat.read(str(notebook), as_version=4)
    if factory is not None:
        uses = [i for i, cell in enumerate(nb.cells)
                if cell.cell_type == "code" and f"{factory}(" in cell.source]
        assert uses, f"{notebook.name} has no cell that calls {factory}"
        nb.cells = nb.cells[:uses[0] + 1]
    nb.cells.insert(0, nbformat.v4.new_code_cell(BREAK_CALLBACKS))
    target = target_dir / notebook.name
    nbformat.write(nb, str(target))
    return target


# --------------------------------------------------------------------------- the two tests every widget gets

def passes_served(open_voila, notebook, ready, check, screenshot, **kwargs):
    """Serve ``notebook`` unchanged and run ``check(page, screenshot=...)`` on it: a screenshot of the
    widget is saved and the page loaded nothing from outside.  Returns what ``check`` returns."""
    loaded = open_voila(notebook, ready)
    result = check(loaded.page, screenshot=screenshot, **kwargs)
    assert screenshot.stat().st_size > 0, f"no screenshot of the widget was saved at {screenshot}"
    assert not loaded.remote_requests, f"the page tried to load from outside: {loaded.remote_requests}"
    return result


def fails_when_broken(open_voila, notebook, target_dir, factory, ready, check, failure, **kwargs):
    """A copy of ``notebook`` whose widget callbacks are dead (it still renders) must fail ``check``
    with a message matching ``failure``: the check really watches the widget react."""
    broken = broken_copy(notebook, target_dir, factory)
    loaded = open_voila(broken, ready)
    with pytest.raises(AssertionError, match=failure):
        check(loaded.page, **kwargs)
    assert not loaded.remote_requests, f"the page tried to load from outside: {loaded.remote_requests}"
