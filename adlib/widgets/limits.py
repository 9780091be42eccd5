"""Where autodiff and a finite difference disagree: a kink, a branch, a loop, a ``where``.

The plain functions here do the work and are unit-tested; :func:`make_limits_widget`
is a thin layer of controls over them for notebook 09.

Each case is a program ``f(x, p)`` with one parameter ``p`` (where the kink or the
branch sits, or the loop's tolerance), written with adlib's public operations so that
``adlib.grad`` (reverse mode) and ``adlib.derivative`` (forward mode) can differentiate
it.  Autodiff differentiates the *path taken* at ``x``; a central difference with step
``h`` compares ``f(x - h)`` and ``f(x + h)``, which may lie on different paths.
"""
from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from ._show import legend_outside

__all__ = ["CASES", "X_RANGE", "relu_kink", "branch", "newton_sqrt", "newton_steps", "guarded_sqrt",
           "safe_sqrt", "path", "slopes", "explain", "plot_limits", "make_limits_widget"]

#: The interval the point x moves in (the same for every case).
X_RANGE = (0.0, 3.0)
#: The loop's safety cap: Newton's method stops after this many steps whatever the tolerance.
MAX_STEPS = 60


def relu_kink(x, c):
    """relu(x - c): slope 0 left of c, 1 right of it, adlib's convention 0 at c."""
    import adlib
    return adlib.relu(x - c)


def branch(x, c):
    """``x if x < c else x**2``: slope 1 on the left branch, 2x on the right; a jump at c unless c is 0 or 1."""
    return x if x < c else x ** 2


def newton_steps(a, tol):
    """How many Newton steps x <- (x + a/x)/2, from x = 1, it takes until |x^2 - a| <= tol."""
    return newton_sqrt(a, tol, count=True)[1]


def newton_sqrt(a, tol, count=False):
    """sqrt(a) by Newton's method from x = 1, stopped once |x^2 - a| <= tol: the loop count depends on a.

    For a < 0 there is no square root: the value is NaN (and no step is taken).
    """
    if a < 0:
        return (a * np.nan, 0) if count else a * np.nan
    x, k = 1.0, 0
    while (x * x - a > tol or x * x - a < -tol) and k < MAX_STEPS:
        x = 0.5 * (x + a / x)
        k += 1
    return (x, k) if count else x


def guarded_sqrt(x, c):
    """``where(x > c, sqrt(x - c), 0)``: the value is fine, reverse mode's gradient is NaN for x <= c."""
    import adlib.numpy as anp
    return anp.where(x > c, anp.sqrt(x - c), 0.0)


def safe_sqrt(x, c):
    """The double-where fix: guard the input too, so sqrt only ever sees a positive number."""
    import adlib.numpy as anp
    inside = x > c
    return anp.where(inside, anp.sqrt(anp.where(inside, x - c, 1.0)), 0.0)


Case = namedtuple("Case", "function param param_range param_default x_default formula")

#: The cases: name -> the program, its parameter's name, range (low, high, step) and default, a start x.
CASES = {
    "kink: relu(x - c)": Case(relu_kink, "c", (0.25, 2.5, 0.05), 1.0, 1.0, "relu(x - c)"),
    "branch: x if x < c else x**2": Case(branch, "c", (0.25, 2.5, 0.05), 1.5, 1.5, "x if x < c else x**2"),
    "loop: Newton's sqrt(x), stopped at |y^2 - x| <= tol": Case(newton_sqrt, "tol", (0.01, 1.0, 0.01), 0.1, 2.0,
                                                               "Newton's sqrt(x) to tolerance tol"),
    "where: where(x > c, sqrt(x - c), 0)": Case(guarded_sqrt, "c", (0.25, 2.5, 0.05), 1.0, 0.75,
                                                "where(x > c, sqrt(x - c), 0)"),
}


def _case(name):
    try:
        return CASES[name]
    except KeyError:
        raise ValueError(f"limits: unknown case {name!r}; choose one of {', '.join(map(repr, CASES))}") from None


def _check_point(x, p, h):
    for label, v in (("x", x), ("the parameter", p), ("h", h)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) or not np.isfinite(v):
            raise ValueError(f"limits: {label} must be a finite number, got {v!r}")
    if h <= 0:
        raise ValueError(f"limits: the step h must be > 0, got {h!r}")


def _quiet(fn, *args):
    """fn(*args) without the RuntimeWarnings of sqrt(negative) or 0 * inf (the where case expects them)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args)


def path(name, x, p):
    """Which path the program takes at x: a branch's name, or the loop's step count."""
    case = _case(name)
    if case.function is newton_sqrt:
        if x < 0:
            return "x < 0: no square root"
        k = newton_steps(x, p)
        return f"{k} Newton step{'' if k == 1 else 's'}"
    if case.function is branch:
        return "x < c: the branch x" if x < p else "x >= c: the branch x**2"
    return "x > c" if x > p else "x <= c"


def slopes(name, x, p, h):
    """The numbers the widget shows at x: value, both autodiff modes, the central difference, the paths.

    Returns a dict with ``value`` f(x), ``reverse`` (adlib.grad), ``forward``
    (adlib.derivative), ``central`` (adlib.central_difference with step h), ``safe``
    (the double-where fix's gradient, where case only, else None) and the paths taken
    at x - h, x and x + h.
    """
    import adlib
    case = _case(name)
    _check_point(x, p, h)
    x, p, h = float(x), float(p), float(h)
    f = lambda t: case.function(t, p)  # noqa: E731
    out = {
        "value": float(_quiet(f, x)),
        "reverse": float(_quiet(adlib.grad(f), x)),
        "forward": float(_quiet(adlib.derivative, f, x)),
        "central": float(_quiet(adlib.central_difference, f, x, h)),
        "safe": float(adlib.grad(lambda t: safe_sqrt(t, p))(x)) if case.function is guarded_sqrt else None,
        "paths": tuple(path(name, t, p) for t in (x - h, x, x + h)),
    }
    return out


def explain(name, x, p, h, numbers=None):
    """One or two sentences: which slope to believe at x, and why the two differ (or agree) here."""
    case = _case(name)
    s = slopes(name, x, p, h) if numbers is None else numbers
    left, here, right = s["paths"]
    if case.function is guarded_sqrt and x <= p:
        return (f"Autodiff in reverse mode gives {s['reverse']:g}: the branch taken is the constant 0, slope 0, "
                f"but the unchosen branch sqrt(x - c) was still computed, and its rule multiplies the gradient 0 "
                f"by 1/(2 sqrt(x - c)) = inf or NaN. Guarding the input too (the double where) gives "
                f"{s['safe']:g}; forward mode gives {s['forward']:g}."
                + (f" The central difference straddles c and measures the change across it, {s['central']:.4g}."
                   if left != right else ""))
    on_point = case.function is not newton_sqrt and abs(x - p) < 1e-9
    if on_point:
        return (f"x sits exactly on the {'kink' if case.function is relu_kink else 'switch'} at c = {p:g}: "
                f"f has no derivative there. Autodiff reports the slope of the path taken ({here}), "
                f"{s['reverse']:g}; the central difference mixes both sides and gives {s['central']:.4g}. "
                f"Neither is 'the' derivative.")
    if left != right:
        where = "a change in the loop count" if case.function is newton_sqrt else f"the switch at c = {p:g}"
        return (f"The central difference's points x - h and x + h lie on different paths ({left} / {right}): "
                f"it straddles {where} and measures the change across it, {s['central']:.4g}. Autodiff follows "
                f"the path taken at x ({here}) and gives {s['reverse']:.4g}: believe it for the slope of the program "
                f"at x; the central difference is an average over [x - h, x + h]. "
                f"Shrink h until both points take the same path, and they agree."
                + (" (Here x - h < 0, outside the square root's domain: the central difference is NaN.)"
                   if np.isnan(s["central"]) else ""))
    sentence = (f"x - h, x and x + h all take the same path ({here}): both measure the slope of one smooth piece, "
                f"autodiff exactly ({s['reverse']:.6g}), the central difference up to its error in h "
                f"({s['central']:.6g}).")
    if case.function is newton_sqrt:
        sentence += (f" Both are the slope of the {here.split()[0]}-step approximation, not of "
                     f"sqrt: 1/(2 sqrt x) = {0.5 / np.sqrt(x):.4g}." if x > 0 else "")
    return sentence


def plot_limits(name, x, p, h, numbers=None, ax=None):
    """f on X_RANGE, autodiff's tangent line at x and the central difference's secant through x +- h."""
    import matplotlib.pyplot as plt
    case = _case(name)
    s = slopes(name, x, p, h) if numbers is None else numbers
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.4), dpi=80)
    grid = np.linspace(*X_RANGE, 601)
    values = np.array([_quiet(case.function, float(t), p) for t in grid], dtype=float)
    if case.function in (branch, newton_sqrt):     # break the curve where the path changes: no false vertical
        paths = [path(name, float(t), p) for t in grid]
        jumps = [i for i in range(1, grid.size) if paths[i] != paths[i - 1]]
        grid, values = np.insert(grid, jumps, np.nan), np.insert(values, jumps, np.nan)
    ax.plot(grid, values, color="0.35", lw=1.5, label=f"f(x) = {case.formula}")
    span = np.array([-0.6, 0.6])
    if np.isfinite(s["reverse"]):
        ax.plot(x + span, s["value"] + s["reverse"] * span, color="C3", lw=1.5,
                label=f"autodiff tangent, slope {s['reverse']:.4g}")
    else:
        ax.plot([], [], color="C3", label=f"autodiff slope {s['reverse']:g}: no tangent")
    ends = np.array([x - h, x + h])
    f_ends = np.array([_quiet(case.function, float(t), p) for t in ends], dtype=float)
    ax.plot(x + span, s["value"] + s["central"] * span, color="C0", ls="--", lw=1.2,
            label=f"central difference, slope {s['central']:.4g}")
    ax.plot(ends, f_ends, "o", color="C0", ms=5, label=f"f(x - h), f(x + h), h = {h:.3g}")
    ax.plot([x], [s["value"]], "o", color="C3", ms=6, label=f"x = {x:.3g}")
    finite = values[np.isfinite(values)]
    low, high = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
    pad = 0.15 * (high - low) + 0.1
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(*X_RANGE)
    ax.set(xlabel="x", ylabel="f(x)", title=f"{name.split(':')[0]}, {case.param} = {p:g}: "
                                              f"autodiff {s['reverse']:.3g}, central {s['central']:.3g}")
    legend_outside(ax, "right")
    return ax


def _configure(slider, low, high, step, value, description):
    """Give a slider a new range and value without passing through an invalid min > max."""
    slider.min, slider.max = min(low, slider.min), max(high, slider.max)
    slider.step, slider.value = step, value
    slider.min, slider.max = low, high
    slider.description = description


def make_limits_widget(case=None, x=None, p=None, h=0.1):
    """A case dropdown and sliders for x, the case's parameter and a log-scale h, over :func:`slopes`."""
    import ipywidgets as widgets
    from ._show import tagged
    import matplotlib.pyplot as plt
    from ._show import show_figure

    name = case if case is not None else next(iter(CASES))
    c = _case(name)
    _check_point(c.x_default if x is None else x, c.param_default if p is None else p, h)
    if x is not None and not X_RANGE[0] <= x <= X_RANGE[1]:
        raise ValueError(f"make_limits_widget: x must lie in {X_RANGE}, got {x!r}")
    low, high, step = c.param_range
    if p is not None and not low <= p <= high:
        raise ValueError(f"make_limits_widget: {c.param} must lie in [{low}, {high}] for {name!r}, got {p!r}")
    if not 1e-6 <= h <= 1:
        raise ValueError(f"make_limits_widget: h must lie in [1e-6, 1], got {h!r}")
    chooser = widgets.Dropdown(options=list(CASES), value=name, description="case",
                               layout=widgets.Layout(width="460px"))
    chooser.add_class("adlib-limits-case")
    style = {"description_width": "40px"}
    x_slider = widgets.FloatSlider(value=c.x_default if x is None else x, min=X_RANGE[0], max=X_RANGE[1], step=0.01,
                                   description="x", continuous_update=False, readout_format=".2f", style=style)
    x_slider.add_class("adlib-slider-limits-x")
    p_slider = widgets.FloatSlider(value=c.param_default if p is None else p, min=low, max=high, step=step,
                                   description=c.param, continuous_update=False, readout_format=".2f", style=style)
    p_slider.add_class("adlib-slider-limits-param")
    h_slider = widgets.FloatLogSlider(value=h, base=10, min=-6, max=0, step=0.1, description="h",
                                      continuous_update=False, readout_format=".4g", style=style)
    h_slider.add_class("adlib-slider-limits-h")
    readout = tagged(widgets.HTML(), "adlib-limits-readout")
    out = tagged(widgets.Output(), "adlib-limits-plot")

    def redraw(*_):
        args = (chooser.value, float(x_slider.value), float(p_slider.value), float(h_slider.value))
        s = slopes(*args)
        fwd = "" if s["forward"] == s["reverse"] or (np.isnan(s["forward"]) and np.isnan(s["reverse"])) \
            else f" (forward mode: {s['forward']:.6g})"
        fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=80)
        plot_limits(*args, numbers=s, ax=ax)
        fig.tight_layout()
        # the numbers and the picture change together: the slow part (drawing) is done before either
        readout.value = (f"f({args[1]:.6g}) = {s['value']:.6g} &nbsp;|&nbsp; autodiff slope = {s['reverse']:.6g}"
                         f"{fwd} &nbsp;|&nbsp; central difference slope = {s['central']:.6g} "
                         f"(h = {args[3]:.6g})<br>{explain(*args, numbers=s)}")
        show_figure(out, fig)

    busy = []

    def switch(change):
        new = _case(change["new"])
        busy.append(1)
        try:
            _configure(p_slider, *new.param_range, new.param_default, new.param)
            x_slider.value = new.x_default
        finally:
            busy.pop()
        redraw()

    def moved(_):
        if not busy:
            redraw()

    chooser.observe(switch, names="value")
    for s in (x_slider, p_slider, h_slider):
        s.observe(moved, names="value")
    redraw()
    box = tagged(widgets.VBox([chooser, widgets.HBox([x_slider, p_slider, h_slider]), readout, out]), "adlib-limits")
    return box
