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

__all__ = [
    "WEIGHTS", "LECTURE_SETTING", "tiny_network_forward", "tiny_network_loss",
    "tiny_network_gradient", "lecture_loss", "CountingLoss", "random_search", "grid_search",
    "grid_search_evaluations", "evaluations_to_reach", "gradient_descent", "network_svg", "make_tiny_network_widget",
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
    w = [w1_1, w1_2, w2_1, w2_2]

    def along(i):
        def loss_of_wi(wi):
            ws = list(w)
            ws[i] = wi
            return tiny_network_loss(x, *ws, target)
        return adlib.derivative(loss_of_wi, w[i])

    return np.array([float(along(i)) for i in range(4)])


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
    """Follow the slope: w <- w - learning_rate * gradient, until loss < tol.

    The gradient is measured the only way a black-box loss allows, by forward
    differences (:func:`adlib.numerical_grad`): the loss at w and one more
    evaluation per weight, n + 1 in all for n weights.
    """
    counted = loss if isinstance(loss, CountingLoss) else CountingLoss(loss)
    w = np.array(start, dtype=float)
    history = []
    for _ in range(max_steps):
        value = float(counted(w))
        history.append(value)
        if value < tol:
            break
        g = adlib.numerical_grad(counted, w, method="forward")
        w = w - learning_rate * g
    return {"weights": w, "loss": history[-1], "evaluations": counted.evaluations,
            "steps": len(history) - 1, "history": np.array(history)}


# ---------------------------------------------------------------------------
# Drawing and the widget

def network_svg(x, w1_1, w1_2, w2_1, w2_2, target, width=420, height=220):
    """An SVG drawing of the network: edge width ~ |weight|, blue positive, red negative."""
    h1, h2, y = tiny_network_forward(x, w1_1, w1_2, w2_1, w2_2)
    loss = tiny_network_loss(x, w1_1, w1_2, w2_1, w2_2, target)
    nodes = {"x": (60, height / 2), "h1": (width / 2, height * 0.25),
             "h2": (width / 2, height * 0.75), "y": (width - 60, height / 2)}
    edges = [("x", "h1", w1_1, "w1_1"), ("x", "h2", w1_2, "w1_2"),
             ("h1", "y", w2_1, "w2_1"), ("h2", "y", w2_2, "w2_2")]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'class="adlib-network" role="img" aria-label="tiny network">']
    for a, b, w, name in edges:
        (x1, y1), (x2, y2) = nodes[a], nodes[b]
        colour = "#1f77b4" if w >= 0 else "#d62728"
        stroke = 1 + 3 * min(abs(w), 3.0)
        parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                     f'stroke="{colour}" stroke-width="{stroke:.1f}"/>')
        parts.append(f'<text x="{(x1 + x2) / 2:.0f}" y="{(y1 + y2) / 2 - 8:.0f}" font-size="12" '
                     f'text-anchor="middle">{name} = {w:.2f}</text>')
    labels = {"x": f"x = {x:.2f}", "h1": f"h1 = {h1:.2f}", "h2": f"h2 = {h2:.2f}", "y": f"y = {y:.2f}"}
    for name, (cx, cy) in nodes.items():
        parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="22" fill="#f5f5f5" stroke="#333"/>')
        parts.append(f'<text x="{cx:.0f}" y="{cy + 40:.0f}" font-size="12" text-anchor="middle">'
                     f'{labels[name]}</text>')
    parts.append(f'<text x="{width - 60:.0f}" y="{height / 2 - 30:.0f}" font-size="12" '
                 f'text-anchor="middle">target {target:.2f}</text>')
    parts.append(f'<text x="10" y="{height - 8:.0f}" font-size="13">loss = (y - target)^2 = {loss:.6f}</text>')
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
    loss_label = widgets.HTML()
    loss_label.add_class("adlib-loss")
    drawing = widgets.HTML()
    drawing.add_class("adlib-network-drawing")

    def update(_change=None):
        v = {k: s.value for k, s in sliders.items()}
        loss = tiny_network_loss(**v)
        loss_label.value = f"<b>{loss_text(loss)}</b>"
        drawing.value = network_svg(**v)

    for s in sliders.values():
        s.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([widgets.VBox(list(sliders.values())), drawing]), loss_label])
    box.add_class("adlib-tiny-network")
    box.sliders, box.loss_label, box.drawing = sliders, loss_label, drawing
    return box
