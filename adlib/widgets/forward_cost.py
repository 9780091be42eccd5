"""What a gradient costs in forward mode, for notebook 04.

One forward pass with dual numbers gives the derivative along *one* input
direction: ``jvp(f, x, e_i) = df/dx_i``.  The gradient of f: R^d -> R needs all
d of them, so d passes, each a constant factor dearer than evaluating f.  For an
f whose own cost grows like d, the whole gradient costs about d^2.
"""
from __future__ import annotations

import time

import numpy as np

import adlib

__all__ = ["chain_function", "forward_gradient", "measure_forward_cost", "plot_forward_cost"]


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


def measure_forward_cost(dims, f=chain_function, repeats=3, seed=0):
    """Seconds for one evaluation of f and for its forward-mode gradient, for each d in dims.

    The best of ``repeats`` runs is kept (the least disturbed by other programs).
    Returns a dict of arrays: d, f_seconds, gradient_seconds, passes.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for d in dims:
        x = rng.normal(size=int(d))
        best_f = best_g = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            f(*x)
            t1 = time.perf_counter()
            _, passes = forward_gradient(f, x)
            t2 = time.perf_counter()
            best_f, best_g = min(best_f, t1 - t0), min(best_g, t2 - t1)
        rows.append((int(d), best_f, best_g, passes))
    d, fs, gs, ps = (np.array(c) for c in zip(*rows))
    return {"d": d, "f_seconds": fs, "gradient_seconds": gs, "passes": ps}


def plot_forward_cost(ax, cost):
    """Log-log plot of the measured times against d, with reference slopes d and d^2."""
    d = cost["d"]
    ax.loglog(d, cost["gradient_seconds"], "o-", label="forward-mode gradient (d passes)")
    ax.loglog(d, cost["f_seconds"], "s-", label="one evaluation of f")
    ref = cost["gradient_seconds"][0] * (d / d[0]) ** 2
    ax.loglog(d, ref, "k--", lw=1, label="slope 2: grows like $d^2$")
    ax.set_xlabel("number of inputs d")
    ax.set_ylabel("time (seconds)")
    ax.set_title("Forward mode: a gradient costs d passes")
    ax.legend(fontsize=8)
