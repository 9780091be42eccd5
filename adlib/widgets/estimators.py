"""A sampled program's slope three ways: autodiff, a difference of means, the score function.

The program is notebook 11's coin game: ``n`` coins, coin ``i`` heads when ``u_i < p``
for ``u_i`` drawn once, uniform on [0, 1); heads pays 3, tails 1; the program returns
the mean payoff.  Its expectation is ``1 + 2p``: slope 2.  With the ``u``'s held fixed
the program is a staircase in ``p``, so autodiff's exact derivative is 0; a difference
of means with step ``h`` sees the coins that change side between ``p - h`` and
``p + h``; the score function differentiates ``log P(b; p)`` instead of the program.

The plain functions here do the work and are unit-tested; :func:`make_estimators_widget`
is a thin layer of controls over them.
"""
from __future__ import annotations

import numpy as np

from ._show import legend_outside

__all__ = ["HEADS", "TAILS", "TRUE_SLOPE", "SEED", "P_RANGE", "COINS_RANGE", "draws", "mean_payoff",
           "estimates", "explain", "plot_estimators", "make_estimators_widget"]

HEADS, TAILS = 3.0, 1.0          # the payoffs
TRUE_SLOPE = HEADS - TAILS       # d/dp of E = TAILS + (HEADS - TAILS) p
SEED = 2                         # the coins' own generator, as in the notebook
P_RANGE = (0.05, 0.95)
COINS_RANGE = (10, 2000)


def draws(n, seed=SEED):
    """The ``n`` uniform numbers u_i, drawn once from ``np.random.default_rng(seed)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"estimators: the number of coins must be a positive whole number, got {n!r}")
    return np.random.default_rng(seed).random(int(n))


def mean_payoff(p, u):
    """The program: heads (u_i < p) pays 3, tails 1; the mean payoff, written with ``adlib.numpy``."""
    import adlib.numpy as anp
    return anp.mean(anp.where(anp.less(u, p), HEADS, TAILS))


def _check(p, n, h):
    for label, v in (("p", p), ("h", h)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) or not np.isfinite(v):
            raise ValueError(f"estimators: {label} must be a finite number, got {v!r}")
    if not 0 < p < 1:
        raise ValueError(f"estimators: p is a probability strictly between 0 and 1, got {p!r}")
    if not 0 < h <= min(p, 1 - p):
        raise ValueError(f"estimators: the step h must be > 0 and keep p - h and p + h in [0, 1], got h = {h!r}")


def estimates(p, n, h, seed=SEED):
    """The program's value at ``p`` and three estimates of the slope of its expectation.

    Returns a dict: ``value`` (the mean payoff), ``autodiff`` (``adlib.grad`` of the
    program, the u's fixed), ``difference`` (the central difference of the program with
    step ``h``, the same u's), ``score`` (the mean of f(b) d log P(b; p)/dp, with the
    derivative of log P taken by ``adlib.grad``), ``flips`` (how many coins change side
    between p - h and p + h) and ``true`` (the slope of the expectation, 2).
    """
    import adlib
    import adlib.numpy as anp
    _check(p, n, h)
    u = draws(n, seed)
    p, h = float(p), float(h)
    heads = (u < p).astype(float)
    payoff = np.where(heads == 1, HEADS, TAILS)
    log_prob = lambda q: heads * anp.log(q) + (1 - heads) * anp.log(1 - q)   # noqa: E731
    return {
        "value": float(mean_payoff(p, u)),
        "autodiff": float(adlib.grad(lambda q: mean_payoff(q, u))(np.array(p))),
        "difference": float((mean_payoff(p + h, u) - mean_payoff(p - h, u)) / (2 * h)),
        "score": float(adlib.grad(lambda q: anp.mean(payoff * log_prob(q)))(np.array(p))),
        "flips": int(np.sum((u >= p - h) & (u < p + h))),
        "true": TRUE_SLOPE,
    }


def explain(p, n, h, numbers=None):
    """Sentences: why autodiff says 0, what the difference of means saw, how far the score function is off."""
    s = estimates(p, n, h) if numbers is None else numbers
    text = (f"Autodiff gives {s['autodiff']:g}: with the {n} u's fixed, the program is flat at p = {p:.2f} "
            f"(no coin changes side for a small move of p), and that is its exact derivative. ")
    if s["flips"] == 0:
        text += (f"No u lies within h = {h:.3g} of p, so the difference of means sees one flat step, 0: "
                 f"h must be wider than the gaps between the u's, about 1/{n} = {1 / n:.3g}. ")
    else:
        text += (f"{s['flips']} coin{'s' if s['flips'] != 1 else ''} change{'' if s['flips'] != 1 else 's'} side "
                 f"between p - h and p + h; the difference of means counts them: {s['difference']:.4g}. ")
    text += (f"The score function never differentiates the program, only log P: {s['score']:.4g}, "
             f"off by {s['score'] - s['true']:+.3g} (its error shrinks like 1/sqrt(n)).")
    return text


def plot_estimators(p, n, h, numbers=None, ax=None):
    """The staircase over p, the expectation, and the three slopes drawn as lines through (p, value)."""
    import matplotlib.pyplot as plt
    s = estimates(p, n, h) if numbers is None else numbers
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2), dpi=80)
    u = np.sort(draws(n))
    grid = np.linspace(0.0, 1.0, 2001)
    stairs = TAILS + (HEADS - TAILS) * np.searchsorted(u, grid, side="right") / n   # share of u's below q
    ax.plot(grid, stairs, color="0.35", lw=1.2, drawstyle="steps-post", label=f"the program, {n} coins drawn once")
    ax.plot(grid, TAILS + TRUE_SLOPE * grid, "k:", lw=1, label="expectation 1 + 2p")
    span = np.array([-0.15, 0.15])
    for key, style, name in (("autodiff", dict(color="C3", lw=2), "autodiff"),
                             ("difference", dict(color="C0", ls="--"), f"difference of means, h = {h:.3g}"),
                             ("score", dict(color="C2", ls="-."), "score function")):
        ax.plot(p + span, s["value"] + s[key] * span, label=f"{name}: slope {s[key]:.3g}", **style)
    ax.plot([p - h, p + h], [float(mean_payoff(p - h, u)), float(mean_payoff(p + h, u))], "o", color="C0", ms=4)
    ax.set(xlim=(0, 1), ylim=(TAILS - 0.1, HEADS + 0.1), xlabel="probability of heads p", ylabel="mean payoff",
           title=f"{n} coins, p = {p:.2f}: autodiff {s['autodiff']:g}, difference {s['difference']:.3g}, "
                 f"score {s['score']:.3g}")
    legend_outside(ax, "below")
    return ax


def make_estimators_widget(p=0.3, n=20, h=0.01):
    """Sliders for p, the number of coins and a log-scale h, over :func:`estimates`."""
    import ipywidgets as widgets
    from ._show import show_figure, tagged

    _check(p, n, h)
    draws(n)
    if not (P_RANGE[0] <= p <= P_RANGE[1] and COINS_RANGE[0] <= n <= COINS_RANGE[1] and 1e-4 <= h <= 0.05):
        raise ValueError(f"make_estimators_widget: p must lie in {P_RANGE}, n in {COINS_RANGE} and h in "
                         f"[1e-4, 0.05], got p = {p!r}, n = {n!r}, h = {h!r}")
    style = {"description_width": "50px"}
    p_slider = tagged(widgets.FloatSlider(value=p, min=P_RANGE[0], max=P_RANGE[1], step=0.01, description="p",
                                          continuous_update=False, readout_format=".2f", style=style),
                      "adlib-slider-estimators-p")
    n_slider = tagged(widgets.IntSlider(value=n, min=COINS_RANGE[0], max=COINS_RANGE[1], step=10,
                                        description="coins", continuous_update=False, style=style),
                      "adlib-slider-estimators-coins")
    h_slider = tagged(widgets.FloatLogSlider(value=h, base=10, min=-4, max=np.log10(0.05), step=0.1,
                                             description="h", continuous_update=False, readout_format=".6g",
                                             style=style), "adlib-slider-estimators-h")
    readout = tagged(widgets.HTML(), "adlib-estimators-readout")
    out = tagged(widgets.Output(), "adlib-estimators-plot")

    def redraw(*_):
        args = (float(p_slider.value), int(n_slider.value), float(h_slider.value))
        s = estimates(*args)
        fig = plot_estimators(*args, numbers=s).figure
        fig.tight_layout()
        readout.value = (f"mean payoff = {s['value']:.6g} &nbsp;|&nbsp; autodiff slope = {s['autodiff']:.6g} "
                         f"&nbsp;|&nbsp; difference of means slope = {s['difference']:.6g} "
                         f"&nbsp;|&nbsp; score function slope = {s['score']:.6g} &nbsp;|&nbsp; "
                         f"slope of the expectation = {s['true']:g}<br>{explain(*args, numbers=s)}")
        show_figure(out, fig)

    for slider in (p_slider, n_slider, h_slider):
        slider.observe(redraw, names="value")
    redraw()
    return tagged(widgets.VBox([widgets.HBox([p_slider, n_slider, h_slider]), readout, out]), "adlib-estimators")
