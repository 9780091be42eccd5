"""Measured against predicted error of finite differences, for notebook 02.

For a step h, :func:`difference_quotients` computes the same quotients as
:func:`adlib.forward_difference` and friends, but for a whole array of steps at
once and in a chosen precision (float64 or float32), so the error curve
``|estimate - f'(x)|`` can be drawn against :func:`adlib.error_model`'s
prediction::

    forward/backward:  |f''| h / 2    + 2 eps |f| / h      best h ~ sqrt(eps)
    central:           |f'''| h^2 / 6 + eps |f| / h        best h ~ cbrt(eps)
    complex step:      |f'''| h^2 / 6 + eps |f'|           no cancellation
"""
from __future__ import annotations

import numpy as np

import adlib
from adlib.numeric import difference_quotient

from ._show import legend_outside, pick_function

__all__ = ["FUNCTIONS", "METHODS", "DTYPES", "step_sizes", "derivatives_at", "difference_quotients",
           "error_curves", "best_steps", "plot_error_curves", "make_numdiff_widget"]

METHODS = ("forward", "backward", "central", "complex")
DTYPES = {"float64": np.float64, "float32": np.float32}
_COMPLEX = {np.float64: np.complex128, np.float32: np.complex64}

#: Functions to explore, written with adlib's functions so they accept complex input too.
FUNCTIONS = {
    "x^3": lambda x: x * x * x,
    "exp(x)": adlib.exp,
    "sin(x)": adlib.sin,
    "sigmoid(x)": adlib.sigmoid,
    "x^2 exp(x) + 3x": lambda x: x * x * adlib.exp(x) + 3 * x,
}


def _function(f):
    return pick_function(f, FUNCTIONS)


def _dtype(dtype):
    d = DTYPES.get(dtype, dtype) if isinstance(dtype, str) else dtype
    if d not in _COMPLEX:
        raise ValueError(f"precision must be 'float64' or 'float32', got {dtype!r}")
    return d


def step_sizes(n=161, low=-16, high=0):
    """h = logspace(low, high, n): the steps of the error plot."""
    return np.logspace(low, high, n)


def derivatives_at(f, x, order=3):
    """[f(x), f'(x), ..., f^(order)(x)] exactly, by nesting adlib's forward mode."""
    f = _function(f)
    out, g = [], f
    for _ in range(order + 1):
        out.append(float(g(float(x))))
        g = (lambda inner: (lambda t: adlib.derivative(inner, t)))(g)
    return out


def difference_quotients(f, x, h, method, dtype=np.float64):
    """The ``method`` estimate of f'(x) for every step in the array h, computed in ``dtype``.

    The step is used exactly as given, as adlib.forward_difference(f, x, h) uses a
    step you choose, so in float64 the results equal adlib's number for number.
    A step below the spacing of floats at x is lost (x + h == x): the difference
    is then 0 and the error is all rounding.
    """
    f, dtype = _function(f), _dtype(dtype)
    if method not in METHODS:
        raise ValueError(f"difference_quotients: unknown method {method!r}; choose one of {METHODS}")
    x = dtype(x)
    h = np.asarray(h, dtype=dtype)
    if np.any(~(h > 0)):
        raise ValueError("difference_quotients: every step h must be positive")
    xs = np.full_like(h, x)  # x once per step, so every f(...) has h's shape
    if method == "complex":
        xs = xs.astype(_COMPLEX[dtype])   # x + ih in the complex type of the chosen precision
    return difference_quotient(f, xs, h, method).astype(dtype)


def error_curves(f, x, method, dtype=np.float64, h=None):
    """Measured and modelled error of ``method`` over the steps h.

    Returns a dict with ``h``, ``measured`` (|estimate - f'(x)|, against the exact
    derivative from forward mode), ``truncation``, ``rounding`` and ``model`` (their
    sum, from :func:`adlib.error_model` with the machine epsilon of ``dtype``) and
    ``h_opt`` (:func:`adlib.optimal_step`), or None where the model has no best step:
    when one of its two terms vanishes at this point (f''(x) = 0 or f(x) = 0 for the
    differences, as for sin at 0), the model error only falls or only rises with h.
    """
    fn, dtype = _function(f), _dtype(dtype)
    h = step_sizes() if h is None else np.asarray(h, dtype=float)
    f0, d1, d2, d3 = derivatives_at(fn, x, 3)
    estimate = difference_quotients(fn, x, h, method, dtype).astype(float)
    eps = float(np.finfo(dtype).eps)
    truncation, rounding, total = adlib.error_model(method, h, f0=f0, d1=d1, d2=d2, d3=d3, eps=eps)
    curvature = d2 if method in ("forward", "backward") else d3
    has_best = method != "complex" and curvature != 0 and f0 != 0
    return {"h": h, "measured": np.abs(estimate - d1), "truncation": truncation, "rounding": rounding,
            "model": total, "exact": d1, "eps": eps,
            "h_opt": float(adlib.optimal_step(method, f0=f0, d2=d2, d3=d3, eps=eps)) if has_best else None}


def best_steps(f, x, dtype=np.float64, h=None, window=9):
    """For each method: (the model's optimal h, the measured best h, the error there).

    A single step can be lucky (the rounding errors cancel and the error is 0), so
    the measured best h is where the median error over ``window`` neighbouring
    steps is smallest; among equal medians (the complex step is exact over a wide
    range) the largest h wins.
    """
    table = {}
    for method in METHODS:
        c = error_curves(f, x, method, dtype, h)
        m = c["measured"]
        pad = window // 2
        padded = np.pad(m, pad, mode="edge")
        median = np.array([np.median(padded[i:i + window]) for i in range(len(m))])
        i = len(m) - 1 - int(np.argmin(median[::-1]))
        table[method] = (c["h_opt"], float(c["h"][i]), float(median[i]))
    return table


def plot_error_curves(ax, f="x^3", x=1.0, method="forward", dtype="float64", h=None, legend=True):
    """Draw measured error (dots) and the model (lines) on log-log axes.

    A model line that is zero everywhere (its term vanishes at this point) is left
    out and named in the title; the best-h line is drawn only where the model has one.
    ``legend=False`` leaves the legend to the caller (one legend for several panels).
    """
    c = error_curves(f, x, method, dtype, h)
    floor = 1e-20  # an exact estimate has error 0, which a log axis cannot show
    measured = np.maximum(c["measured"], floor)
    ax.loglog(c["h"], measured, "o", ms=3, label="measured |estimate - f'(x)|")
    vanished = []
    for key, style, lw, label in (("model", "-", 2, "model: truncation + rounding"),
                                  ("truncation", "--", 1, "truncation"), ("rounding", ":", 1, "rounding")):
        if np.any(c[key] > 0):
            shown = np.where(c[key] >= floor, c[key], np.nan)   # below the axis: not drawn, not floored
            ax.loglog(c["h"], shown, style, lw=lw, label=label)
        elif key != "model":
            vanished.append(key)
    if c["h_opt"] is not None:
        ax.axvline(c["h_opt"], color="grey", lw=1, label="model's best h")
    name = f if isinstance(f, str) else getattr(f, "__name__", "f")
    dname = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    label = "complex step" if method == "complex" else f"{method} difference"
    title = f"{label} of {name} at x = {x:g}, {dname}"
    if vanished:
        title += f"\nthe model's {' and '.join(vanished)} term{'s are' if len(vanished) > 1 else ' is'} 0 here"
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("step size h")
    ax.set_ylabel("absolute error of f'(x)")
    ax.set_ylim(floor / 10, 1e3)
    ax.grid(True, which="major", ls=":", lw=0.5)
    if legend:
        legend_outside(ax)
    return c


def make_numdiff_widget():
    """Choose the function, the point, the method and the precision; the error plot redraws."""
    import ipywidgets as widgets
    from ._show import tagged
    import matplotlib.pyplot as plt

    from ._show import show_figure

    function = widgets.Dropdown(options=list(FUNCTIONS), value="x^3", description="f(x)")
    point = widgets.FloatSlider(value=1.0, min=-2.0, max=2.0, step=0.1, description="x")
    method = widgets.Dropdown(options=[("forward difference", "forward"), ("backward difference", "backward"),
                                       ("central difference", "central"), ("complex step", "complex")],
                              value="forward", description="method")
    precision = widgets.ToggleButtons(options=list(DTYPES), value="float64", description="precision")
    function.add_class("adlib-function")
    point.add_class("adlib-point")
    method.add_class("adlib-method")
    precision.add_class("adlib-dtype")
    out = tagged(widgets.Output(), "adlib-error-plot")

    def update(_change=None):
        fig, ax = plt.subplots(figsize=(5, 3.6), dpi=80)
        plot_error_curves(ax, function.value, point.value, method.value, precision.value)
        show_figure(out, fig)

    for w in (function, point, method, precision):
        w.observe(update, names="value")
    update()
    box = tagged(widgets.VBox([widgets.HBox([function, point]), widgets.HBox([method, precision]), out]), "adlib-numdiff")
    box.controls = {"function": function, "point": point, "method": method, "precision": precision}
    box.output = out
    return box
