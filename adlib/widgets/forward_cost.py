"""What a gradient costs in forward mode, for notebook 04.

One forward pass with dual numbers gives the derivative along *one* input
direction: ``jvp(f, x, e_i) = df/dx_i``.  The gradient of f: R^d -> R needs all
d of them, so d passes, each a constant factor dearer than evaluating f.  For an
f whose own cost grows like d, the whole gradient costs about d^2.
"""
from __future__ import annotations

import numpy as np

import adlib

from . import measure
from .measure import best_time, calls_per_round

__all__ = ["chain_function", "forward_gradient", "measure_forward_cost", "fitted_slope", "plot_forward_cost"]


def chain_function(*xs):
    """f(x_1, ..., x_d) = sum_i sin(x_i) x_{i+1} + x_d^2: a cost that grows like d."""
    total = xs[-1] * xs[-1]
    for a, b in zip(xs[:-1], xs[1:]):
        total = total + adlib.sin(a) * b
    return total


def forward_gradient(f, x):
    """(gradient, passes): the gradient of f(*x) by one forward pass per input, seeded with e_i."""
    x = tuple(float(v) for v in np.asarray(x, dtype=float).ravel())
    if not x:
        raise ValueError("forward_gradient: x is empty; a gradient needs at least one input")
    grad = []
    for i in range(len(x)):
        seed = tuple(1.0 if j == i else 0.0 for j in range(len(x)))
        _value, slope = adlib.jvp(f, x, seed)
        grad.append(float(slope))
    return np.array(grad), len(x)


def _best_seconds(call, repeats, min_seconds=0.02):
    """The least time one ``call()`` takes: each of ``repeats`` rounds calls it often enough to
    last about ``min_seconds`` (:func:`~adlib.widgets.measure.calls_per_round`), and the
    fastest round wins (:func:`~adlib.widgets.measure.best_time`)."""
    number = calls_per_round(call, min_seconds)
    return best_time(lambda: [call() for _ in range(number)], repeats) / number


def measure_forward_cost(dims, f=chain_function, repeats=5, seed=0):
    """Seconds for one evaluation of f and for its forward-mode gradient, for each d in dims.

    Each time is the best of ``repeats`` rounds of many calls (:func:`_best_seconds`).
    Returns a dict of arrays: d, f_seconds, gradient_seconds, passes.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for d in dims:
        x = rng.normal(size=int(d))
        best_f = _best_seconds(lambda: f(*x), repeats)
        best_g = _best_seconds(lambda: forward_gradient(f, x), repeats)
        rows.append((int(d), best_f, best_g, len(x)))
    d, fs, gs, ps = (np.array(c) for c in zip(*rows))
    return {"d": d, "f_seconds": fs, "gradient_seconds": gs, "passes": ps}


def fitted_slope(d, seconds, smallest=8):
    """The slope of log(seconds) against log(d), fitted over d >= ``smallest``
    (:func:`adlib.widgets.measure.fitted_slope` on those points)."""
    d, seconds = np.asarray(d, dtype=float), np.asarray(seconds, dtype=float)
    keep = d >= smallest
    if keep.sum() < 2:
        raise ValueError(f"fitted_slope: need at least two d >= {smallest}, got {d.tolist()}")
    return measure.fitted_slope(d[keep], seconds[keep])


def plot_forward_cost(ax, cost):
    """Log-log plot of the measured times against d, with reference slopes 1 and 2."""
    from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter

    from ._show import legend_outside

    d = cost["d"]
    ax.loglog(d, cost["gradient_seconds"], "o-", label="forward-mode gradient (d passes)")
    ax.loglog(d, cost["f_seconds"], "s-", label="one evaluation of f")
    mid = len(d) // 2
    for seconds, power, style in ((cost["gradient_seconds"], 2, "k--"), (cost["f_seconds"], 1, "k:")):
        ref = seconds[mid] * (d / d[mid]) ** power
        ax.loglog(d, ref, style, lw=1, label=f"slope {power}: grows like $d^{power}$" if power > 1
                  else "slope 1: grows like $d$")
    ax.xaxis.set_major_locator(FixedLocator(d))       # every measured d labelled, not only 10 and 100
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("number of inputs d")
    ax.set_ylabel("time (seconds)")
    ax.set_title("Forward mode: a gradient costs d passes")
    legend_outside(ax)
