"""The tiny network of notebook 01, and three ways to tune its weights.

One input, two hidden ReLU units, one linear output, squared loss::

    h_j  = relu(w1_j * x)          for j = 1, 2
    y    = w2_1 * h_1 + w2_2 * h_2
    loss = (y - target)^2

Everything is written with adlib's functions, so the same code runs on floats,
numpy arrays (a whole grid of weights at once), Dual numbers and Values.

The search helpers count how many times the loss is evaluated, which is the
currency in which random search, grid search and following the slope are
compared.
"""
from __future__ import annotations

import itertools

import numpy as np

import adlib

from .forward_cost import forward_gradient

__all__ = [
    "WEIGHTS", "LECTURE_SETTING", "tiny_network_forward", "tiny_network_loss",
    "tiny_network_gradient", "lecture_loss", "CountingLoss", "random_search", "grid_search",
    "grid_search_evaluations", "evaluations_to_reach", "gradient_descent", "network_svg", "network_labels",
    "label_box", "make_tiny_network_widget",
]

#: The four weights, in the order every function here takes them.
WEIGHTS = ("w1_1", "w1_2", "w2_1", "w2_2")

#: The lecture's setting: input 0.8, target 1.9, w1_2 = 1.2, w2_2 = 0.8.
LECTURE_SETTING = {"x": 0.8, "w1_1": 1.0, "w1_2": 1.2, "w2_1": 0.5, "w2_2": 0.8, "target": 1.9}


def tiny_network_forward(x, w1_1, w1_2, w2_1, w2_2):
    """(h_1, h_2, y): the hidden activations relu(w1_j x) and the output w2_1 h_1 + w2_2 h_2."""
    h1 = adlib.relu(w1_1 * x)
    h2 = adlib.relu(w1_2 * x)
    return h1, h2, w2_1 * h1 + w2_2 * h2


def tiny_network_loss(x, w1_1, w1_2, w2_1, w2_2, target):
    """The squared loss (y - target)^2 of the tiny network's output y."""
    _, _, y = tiny_network_forward(x, w1_1, w1_2, w2_1, w2_2)
    error = y - target
    return error * error


def tiny_network_gradient(x, w1_1, w1_2, w2_1, w2_2, target):
    """The slope of the loss along each weight, [dL/dw1_1, dL/dw1_2, dL/dw2_1, dL/dw2_2].

    Computed exactly by adlib's forward mode (one pass per weight; notebook 04 shows how).
    """
    grad, _passes = forward_gradient(lambda *w: tiny_network_loss(x, *w, target), [w1_1, w1_2, w2_1, w2_2])
    return grad


class CountingLoss:
    """Wrap a loss of a weight vector and count how often it is really evaluated.

    A call at exactly the point of the previous call is answered from memory and
    not counted again: any sensible search remembers the loss it has just seen.
    """

    def __init__(self, loss):
        self.loss = loss
        self.evaluations = 0
        self._last = None

    def __call__(self, weights):
        key = tuple(np.asarray(weights, dtype=float).ravel().tolist())
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        self.evaluations += 1
        value = self.loss(np.asarray(weights, dtype=float))
        self._last = (key, value)
        return value


def lecture_loss(weights, x=0.8, target=1.9):
    """The tiny network's loss as a function of the weight vector (w1_1, w1_2, w2_1, w2_2)."""
    w1_1, w1_2, w2_1, w2_2 = (float(w) for w in np.asarray(weights, dtype=float).ravel())  # floats: the fast path
    return tiny_network_loss(x, w1_1, w1_2, w2_1, w2_2, target)


def random_search(loss, n_weights=4, low=-2.0, high=2.0, tol=1e-6, max_evaluations=100_000, rng=None):
    """Draw weights uniformly from [low, high]^n until loss < tol.

    Returns a dict with the best weights, the best loss, the number of loss
    evaluations and ``history`` (the best loss so far after each evaluation).
    """
    if rng is None:
        raise ValueError("random_search: pass a seeded rng, e.g. numpy.random.default_rng(0), "
                         "so the search can be repeated")
    counted = loss if isinstance(loss, CountingLoss) else CountingLoss(loss)
    best_w, best = None, np.inf
    history = []
    while counted.evaluations < max_evaluations:
        w = rng.uniform(low, high, size=n_weights)
        value = float(counted(w))
        if value < best:
            best_w, best = w, value
        history.append(best)
        if best < tol:
            break
    return {"weights": best_w, "loss": best, "evaluations": counted.evaluations,
            "history": np.array(history)}


def evaluations_to_reach(history, tolerances):
    """For each tolerance, how many evaluations a search needed before its loss fell below it.

    ``history`` is a search's loss after each evaluation (best so far, or the loss at
    each step); a tolerance never reached gives -1.
    """
    h = np.asarray(history, dtype=float)
    counts = []
    for tol in tolerances:
        hit = np.flatnonzero(h < tol)
        counts.append(int(hit[0]) + 1 if hit.size else -1)
    return np.array(counts)


def grid_search_evaluations(values_per_weight, n_weights):
    """How many loss evaluations a full grid search needs: values_per_weight ** n_weights."""
    return int(values_per_weight) ** int(n_weights)


def grid_search(loss, values, n_weights=4):
    """Try every combination of ``values`` for each weight; return the best and the count."""
    counted = loss if isinstance(loss, CountingLoss) else CountingLoss(loss)
    best_w, best = None, np.inf
    for w in itertools.product(values, repeat=n_weights):
        value = float(counted(np.array(w)))
        if value < best:
            best_w, best = np.array(w), value
    return {"weights": best_w, "loss": best, "evaluations": counted.evaluations}


def gradient_descent(loss, start, learning_rate=0.05, tol=1e-6, max_steps=10_000):
    """Follow the slope: w <- w - learning_rate * gradient, until loss < tol or max_steps steps.

    The gradient is measured the only way a black-box loss allows, by forward
    differences (:func:`adlib.numerical_grad`): the loss at w and one more
    evaluation per weight, n + 1 in all for n weights.

    Returns a dict: ``weights`` and ``loss`` where it stopped (the loss *at* those
    weights), ``steps`` (updates made, at most ``max_steps``), ``evaluations`` and
    ``history`` (the loss after 0, 1, ..., steps updates).
    """
    counted = loss if isinstance(loss, CountingLoss) else CountingLoss(loss)
    w = np.array(start, dtype=float)
    history = []
    for step in range(int(max_steps) + 1):
        value = float(counted(w))
        history.append(value)
        if value < tol or step == max_steps:
            break
        g = adlib.numerical_grad(counted, w, method="forward")
        w = w - learning_rate * g
    return {"weights": w, "loss": history[-1], "evaluations": counted.evaluations,
            "steps": len(history) - 1, "history": np.array(history)}


# ---------------------------------------------------------------------------
# Drawing and the widget

#: Where the drawing puts each neuron (SVG user units; the drawing is SVG_WIDTH x SVG_HEIGHT).
SVG_WIDTH, SVG_HEIGHT, NODE_RADIUS = 560, 256, 22
NODE_CENTRES = {"x": (100, 115), "h1": (260, 50), "h2": (260, 180), "y": (420, 115)}


def _edge_label_anchor(a, b, stroke):
    """Where an edge's label goes: beside the edge's middle, on the side away from the
    other edges, with the text growing away from the line so that it never crosses it.

    Returns (x, y_top, text-anchor): the label's corner nearest the line and how to anchor it.
    """
    (x1, y1), (x2, y2) = a, b
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    nx, ny = -(y2 - y1) / length, (x2 - x1) / length        # a unit normal to the edge
    upper = (y1 + y2) / 2 < SVG_HEIGHT / 2
    if (ny < 0) != upper:                                   # point away from the middle of the figure
        nx, ny = -nx, -ny
    gap = 5 + stroke / 2
    cx, cy = (x1 + x2) / 2 + gap * nx, (y1 + y2) / 2 + gap * ny
    return cx, cy, ("end" if nx < 0 else "start")


def network_labels(x, w1_1, w1_2, w2_1, w2_2, target):
    """Every text of the drawing as (text, x, y_baseline, text-anchor, font size).

    The positions are chosen so that no two texts overlap and no text sits on a
    neuron or an edge (the tests check it with :func:`label_box`).
    """
    h1, h2, y = tiny_network_forward(x, w1_1, w1_2, w2_1, w2_2)
    loss = tiny_network_loss(x, w1_1, w1_2, w2_1, w2_2, target)
    r, (xx, xy), (h1x, h1y), (h2x, h2y), (yx, yy) = NODE_RADIUS, *NODE_CENTRES.values()
    labels = [
        (f"x = {x:.2f}", xx - r - 6, xy + 4, "end", 12),              # left of the input
        (f"h1 = {h1:.2f}", h1x, h1y - r - 8, "middle", 12),           # above the upper neuron
        (f"h2 = {h2:.2f}", h2x, h2y + r + 16, "middle", 12),          # below the lower neuron
        (f"y = {y:.2f}", yx + r + 6, yy - 4, "start", 12),            # right of the output ...
        (f"target = {target:.2f}", yx + r + 6, yy + 12, "start", 12),  # ... with its target below
        # the loss has the bottom line to itself, well below the h2 label
        (f"loss = (y - target)^2 = {loss:.6f}", 10, SVG_HEIGHT - 10, "start", 13),
    ]
    for a, b, w, name in _edges(w1_1, w1_2, w2_1, w2_2):
        cx, cy, anchor = _edge_label_anchor(NODE_CENTRES[a], NODE_CENTRES[b], _stroke(w))
        above = cy < (NODE_CENTRES[a][1] + NODE_CENTRES[b][1]) / 2
        # baseline: above the edge, clear of the underscores' descent; below it, one ascent down
        baseline = cy - 4 if above else cy + 10
        labels.append((f"{name} = {w:.2f}", cx, baseline, anchor, 12))
    return labels


def label_box(text, x, y, anchor, size):
    """A generous bounding box (left, top, right, bottom) of an SVG text in a sans-serif font."""
    width = 0.6 * size * len(text)            # wider than any digit-and-letter string really is
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.8 * size, left + width, y + 0.25 * size


def _edges(w1_1, w1_2, w2_1, w2_2):
    return [("x", "h1", w1_1, "w1_1"), ("x", "h2", w1_2, "w1_2"),
            ("h1", "y", w2_1, "w2_1"), ("h2", "y", w2_2, "w2_2")]


def _stroke(w):
    """Edge width grows with |weight| (capped, so a huge weight does not swallow the drawing)."""
    return 1 + 3 * min(abs(w), 3.0)


def network_svg(x, w1_1, w1_2, w2_1, w2_2, target):
    """An SVG drawing of the network: edge width ~ |weight|, blue positive, red negative."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{SVG_HEIGHT}" '
             f'viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" style="max-width:100%; height:auto" '
             f'class="adlib-network" role="img" aria-label="tiny network" font-family="sans-serif">']
    for a, b, w, _name in _edges(w1_1, w1_2, w2_1, w2_2):
        (x1, y1), (x2, y2) = NODE_CENTRES[a], NODE_CENTRES[b]
        colour = "#1f77b4" if w >= 0 else "#d62728"
        parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                     f'stroke="{colour}" stroke-width="{_stroke(w):.1f}"/>')
    for cx, cy in NODE_CENTRES.values():
        parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{NODE_RADIUS}" fill="#f5f5f5" stroke="#333"/>')
    for text, tx, ty, anchor, size in network_labels(x, w1_1, w1_2, w2_1, w2_2, target):
        parts.append(f'<text x="{tx:.0f}" y="{ty:.0f}" font-size="{size}" text-anchor="{anchor}">'
                     f'{text}</text>')
    parts.append("</svg>")
    return "".join(parts)


def loss_text(loss):
    """The loss as the widget shows it: ``loss = 0.123456``."""
    return f"loss = {loss:.6f}"


def make_tiny_network_widget(**start):
    """Sliders for x, the four weights and the target; the drawing and the loss update live.

    Returns a VBox; its ``.sliders`` dict maps each description to its FloatSlider,
    ``.loss_label`` is the HTML widget with the loss and ``.drawing`` the network.
    """
    import ipywidgets as widgets
    from ._show import tagged

    values = dict(LECTURE_SETTING, **start)
    unknown = set(values) - set(LECTURE_SETTING)
    if unknown:
        raise TypeError(f"make_tiny_network_widget: unknown parameter(s) {sorted(unknown)}; "
                        f"use {', '.join(LECTURE_SETTING)}")
    ranges = {"x": (-2.0, 2.0), "target": (-3.0, 3.0)}
    sliders = {}
    for name in ("x",) + WEIGHTS + ("target",):
        lo, hi = ranges.get(name, (-3.0, 3.0))
        s = widgets.FloatSlider(value=values[name], min=lo, max=hi, step=0.01,
                                description=name, continuous_update=True, readout_format=".2f")
        s.add_class(f"adlib-slider-{name}")
        sliders[name] = s
    loss_label = tagged(widgets.HTML(), "adlib-loss")
    drawing = tagged(widgets.HTML(), "adlib-network-drawing")

    def update(_change=None):
        v = {k: s.value for k, s in sliders.items()}
        loss = tiny_network_loss(**v)
        loss_label.value = f"<b>{loss_text(loss)}</b>"
        drawing.value = network_svg(**v)

    for s in sliders.values():
        s.observe(update, names="value")
    update()
    box = tagged(widgets.VBox([widgets.HBox([widgets.VBox(list(sliders.values())), drawing]), loss_label]), "adlib-tiny-network")
    box.sliders, box.loss_label, box.drawing = sliders, loss_label, drawing
    return box
