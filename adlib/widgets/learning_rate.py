"""Gradient descent at one learning rate: converge, oscillate or diverge.

The plain functions here do the work and are unit-tested; :func:`learning_rate_widget`
is a thin slider over them for notebook 08.

On the quadratic bowl ``L(w) = 1/2 (a1 w1^2 + a2 w2^2)`` one step of gradient
descent multiplies coordinate i by ``(1 - lr * a_i)``.  So with ``a_max`` the
largest curvature:

* ``lr < 1 / a_max``          every coordinate shrinks without changing sign: converges;
* ``1 / a_max < lr < 2 / a_max``  the steepest coordinate flips sign each step: oscillates
  while it converges;
* ``lr > 2 / a_max``          ``|1 - lr a_max| > 1``: diverges.
"""
from __future__ import annotations

import numpy as np

from ._show import legend_outside

__all__ = ["BOWL_CURVATURES", "bowl_loss", "descend", "regime", "regime_thresholds",
           "plot_descent", "make_learning_rate_widget"]

#: The curvatures (a1, a2) of the bowl the widget descends; a2 is the steep direction.
BOWL_CURVATURES = (1.0, 10.0)


def bowl_loss(w, curvatures=BOWL_CURVATURES):
    """L(w) = 1/2 sum_i a_i w_i^2, written with adlib.numpy so adlib.grad can trace it."""
    import adlib.numpy as anp
    a = np.asarray(curvatures, dtype=float)
    return 0.5 * anp.sum(a * w * w)


def regime_thresholds(curvatures=BOWL_CURVATURES):
    """The learning rates where the bowl's descent starts to oscillate (1/a_max) and to diverge (2/a_max)."""
    a_max = float(np.max(curvatures))
    return 1.0 / a_max, 2.0 / a_max


def descend(loss, w0, lr, steps):
    """Run ``steps`` steps of gradient descent ``w <- w - lr * grad L(w)`` with adlib.value_and_grad.

    Returns ``(path, losses)``: the iterates, shape ``(steps + 1,) + w0.shape``, and
    the loss at each of them, shape ``(steps + 1,)``.  Once the iterates overflow
    (a diverging run) the remaining entries are ``inf``, so a plot stays readable.
    """
    import adlib
    if not (isinstance(lr, (int, float, np.floating)) and np.isfinite(lr) and lr >= 0):
        raise ValueError(f"descend: the learning rate must be a finite number >= 0, got {lr!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"descend: steps must be a whole number >= 0, got {steps!r}")
    steps = int(steps)
    value_and_grad = adlib.value_and_grad(loss)
    w = np.array(w0, dtype=float)
    path = np.full((steps + 1,) + w.shape, np.inf)
    losses = np.full(steps + 1, np.inf)
    for k in range(steps + 1):
        value, g = value_and_grad(w)
        if not (np.isfinite(value) and np.all(np.isfinite(w))) or abs(value) > 1e100:
            break
        path[k], losses[k] = w, value
        if k < steps:
            w = w - lr * np.asarray(g)
    return path, losses


def regime(losses, path=None):
    """Name what a descent did: ``"diverges"``, ``"oscillates"`` or ``"converges"``.

    diverges:   the last finite loss is larger than the first (or the run overflowed);
    oscillates: it converges, but some coordinate of the iterates flips sign on
                most steps (needs ``path``);
    converges:  the loss ends below where it started, without such flips.
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1 or losses.size < 2:
        raise ValueError(f"regime: need a 1-d sequence of at least two losses, got shape {losses.shape}")
    finite = losses[np.isfinite(losses)]
    if finite.size < losses.size or finite[-1] > finite[0]:
        return "diverges"
    if path is not None:
        p = np.asarray(path, dtype=float).reshape(len(losses), -1)
        signs = np.sign(p)
        flips = np.mean(signs[1:] * signs[:-1] < 0, axis=0)   # fraction of steps each coordinate flips
        if np.any(flips > 0.5):
            return "oscillates"
    return "converges"


def plot_descent(path, losses, lr, curvatures=BOWL_CURVATURES, axes=None):
    """Draw the iterates on the bowl's contours and the loss per step (log scale)."""
    import matplotlib.pyplot as plt
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), dpi=80)
    ax_path, ax_loss = axes
    g = np.linspace(-2.2, 2.2, 81)
    W1, W2 = np.meshgrid(g, g)
    a1, a2 = curvatures
    ax_path.contour(W1, W2, 0.5 * (a1 * W1 ** 2 + a2 * W2 ** 2), levels=12, cmap="Greys", linewidths=0.7)
    finite = np.all(np.isfinite(path), axis=1)
    ax_path.plot(path[finite, 0], path[finite, 1], "o-", ms=3, color="C3", label="iterates w_k")
    ax_path.set_xlim(-2.2, 2.2)
    ax_path.set_ylim(-2.2, 2.2)
    ax_path.set_xlabel("w1 (flat direction, a1 = %g)" % a1)
    ax_path.set_ylabel("w2 (steep direction, a2 = %g)" % a2)
    ax_path.set_title(f"gradient descent, lr = {lr:.3g}")
    legend_outside(ax_path, "below", ncol=1)
    steps = np.arange(len(losses))
    ok = np.isfinite(losses)
    ax_loss.semilogy(steps[ok], np.maximum(losses[ok], 1e-300), "o-", ms=3, color="C0", label="loss L(w_k)")
    ax_loss.set_xlabel("step k")
    ax_loss.set_ylabel("loss (log scale)")
    ax_loss.set_title(regime(losses, path))
    legend_outside(ax_loss, "below", ncol=1)
    return axes


def make_learning_rate_widget(w0=(2.0, 1.5), steps=25, curvatures=BOWL_CURVATURES):
    """A log-scale learning-rate slider over :func:`descend` on the bowl, redrawing both plots."""
    import ipywidgets as widgets
    from ._show import tagged

    slow, fast = regime_thresholds(curvatures)
    slider = widgets.FloatLogSlider(value=0.5 * slow, base=10, min=-3, max=np.log10(3 * fast),
                                    step=0.02, description="lr", readout_format=".3g",
                                    continuous_update=False)
    tagged(slider, "adlib-slider-lr")
    label = tagged(widgets.HTML(), "adlib-lr-regime")
    out = tagged(widgets.Output(), "adlib-lr-plot")

    def redraw(*_):
        from ._show import show_figure
        lr = float(slider.value)
        path, losses = descend(lambda w: bowl_loss(w, curvatures), np.asarray(w0, float), lr, steps)
        label.value = (f"<b>{regime(losses, path)}</b> &nbsp; (oscillation starts at lr = 1/a_max = {slow:.3g},"
                       f" divergence at lr = 2/a_max = {fast:.3g})")
        fig = plot_descent(path, losses, lr, curvatures)[0].figure
        fig.tight_layout()
        show_figure(out, fig)

    slider.observe(redraw, names="value")
    redraw()
    box = tagged(widgets.VBox([slider, label, out]), "adlib-learning-rate")
    return box
