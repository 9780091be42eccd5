"""One dual-number pass gives a function's value and slope: the tangent line, for notebook 04.

``f(Dual(a, 1)) = f(a) + f'(a) ε``, so the tangent at a is ``t(x) = f(a) + f'(a) (x - a)``.
"""
from __future__ import annotations

import numpy as np

import adlib

from ._show import legend_outside, pick_function

__all__ = ["FUNCTIONS", "value_and_slope", "tangent_line", "plot_tangent", "make_tangent_widget"]

#: Functions to explore, written with adlib's functions so they accept Dual numbers.
FUNCTIONS = {
    "x^2 exp(x) + 3x": lambda x: x * x * adlib.exp(x) + 3 * x,
    "x * x + 1": lambda x: x * x + 1.0,
    "sin(x) exp(x)": lambda x: adlib.sin(x) * adlib.exp(x),
    "sigmoid(3x)": lambda x: adlib.sigmoid(3 * x),
}


def _function(f):
    return pick_function(f, FUNCTIONS)


def value_and_slope(f, a):
    """(f(a), f'(a)) from one forward pass with the dual number a + 1ε."""
    out = _function(f)(adlib.Dual(float(a), 1.0))
    return float(out.real), float(out.dual)


def tangent_line(f, a, xs):
    """The tangent at a evaluated at xs: f(a) + f'(a) (xs - a)."""
    value, slope = value_and_slope(f, a)
    return value + slope * (np.asarray(xs, dtype=float) - a)


def plot_tangent(ax, f="x^2 exp(x) + 3x", a=1.0, lo=-2.0, hi=2.0):
    """Draw f over [lo, hi] and its tangent at a."""
    xs = np.linspace(lo, hi, 200)
    fn = _function(f)
    value, slope = value_and_slope(fn, a)
    ys = fn(xs)
    ax.plot(xs, ys, lw=2, label=f"f(x) = {f}" if isinstance(f, str) else "f(x)")
    ax.plot(xs, tangent_line(fn, a, xs), "--", label=f"tangent: slope f'({a:.2f}) = {slope:.4f}")
    ax.plot([a], [value], "o", color="red", label=f"f({a:.2f}) = {value:.4f}")
    pad = 0.1 * (ys.max() - ys.min() + 1e-9)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title("One pass with Dual(a, 1) gives f(a) and f'(a)")
    legend_outside(ax, "below")


def make_tangent_widget():
    """A slider for the point a and a choice of function; the plot and the dual number update."""
    import ipywidgets as widgets
    from ._show import tagged
    import matplotlib.pyplot as plt

    from ._show import show_figure

    function = widgets.Dropdown(options=list(FUNCTIONS), description="f(x)")
    point = widgets.FloatSlider(value=1.0, min=-2.0, max=2.0, step=0.05, description="a")
    tagged(function, "adlib-tangent-function")
    tagged(point, "adlib-slider-tangent-a")
    readout = tagged(widgets.HTML(), "adlib-tangent-dual")
    out = tagged(widgets.Output(), "adlib-tangent-plot")

    def update(_change=None):
        value, slope = value_and_slope(function.value, point.value)
        readout.value = f"<code>f(Dual({point.value:.2f}, 1)) = Dual({value:.6f}, {slope:.6f})</code>"
        fig, ax = plt.subplots(figsize=(5.5, 3.8), dpi=80)
        plot_tangent(ax, function.value, point.value)
        show_figure(out, fig)

    function.observe(update, names="value")
    point.observe(update, names="value")
    update()
    box = tagged(widgets.VBox([widgets.HBox([function, point]), readout, out]), "adlib-tangent")
    box.controls = {"function": function, "point": point}
    box.readout, box.output = readout, out
    return box
