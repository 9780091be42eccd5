"""The tiny network's loss landscape over two weights, and gradient descent on it.

With the input, the target and two weights fixed (the lecture's setting: x = 0.8,
target = 1.9, w1_2 = 1.2, w2_2 = 0.8), the loss is a surface over the remaining
two weights (w1_1, w2_1).  Its gradient points uphill; gradient descent steps
the other way::

    w  <-  w - learning_rate * grad L(w)
"""
from __future__ import annotations

import numpy as np

from ._show import legend_outside
from .forward_cost import forward_gradient
from .tiny_network import tiny_network_loss

__all__ = ["FIXED", "W1_1_RANGE", "W2_1_RANGE", "landscape_loss", "loss_grid", "landscape_gradient",
           "gradient_descent_path", "plot_landscape", "add_colorbar", "make_landscape_widget"]

#: The lecture's fixed values for the landscape.
FIXED = {"x": 0.8, "target": 1.9, "w1_2": 1.2, "w2_2": 0.8}
#: The plotted ranges (w1_1 >= 0: for w1_1 < 0 the first hidden unit is dead, see notebook 01).
W1_1_RANGE = (0.0, 3.5)
W2_1_RANGE = (-3.5, 3.5)


def landscape_loss(w1_1, w2_1, x=0.8, target=1.9, w1_2=1.2, w2_2=0.8):
    """The loss as a function of (w1_1, w2_1) with the other inputs fixed."""
    return tiny_network_loss(x, w1_1, w1_2, w2_1, w2_2, target)


def loss_grid(w1_1_values, w2_1_values, **fixed):
    """L[i, j] = loss at (w1_1 = w1_1_values[j], w2_1 = w2_1_values[i]).

    Rows follow w2_1 (the vertical axis), columns w1_1, as ``plt.contourf(w1_1_values,
    w2_1_values, L)`` expects.  Computed for the whole grid at once with numpy arrays.
    """
    a = np.asarray(w1_1_values, dtype=float)
    b = np.asarray(w2_1_values, dtype=float)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"loss_grid: give two 1-d arrays of weight values, got shapes {a.shape} and {b.shape}")
    W1, W2 = np.meshgrid(a, b)
    return landscape_loss(W1, W2, **fixed)


def landscape_gradient(w1_1, w2_1, **fixed):
    """[dL/dw1_1, dL/dw2_1] at one point, exactly, by adlib's forward mode (two passes)."""
    grad, _passes = forward_gradient(lambda a, b: landscape_loss(a, b, **fixed), [w1_1, w2_1])
    return grad


def gradient_descent_path(start, learning_rate=0.1, steps=30, **fixed):
    """The points visited by gradient descent from ``start`` = (w1_1, w2_1).

    Returns (path, losses): path has shape (steps + 1, 2), losses shape (steps + 1,).
    """
    if learning_rate <= 0:
        raise ValueError(f"gradient_descent_path: the learning rate must be positive, got {learning_rate}")
    path = [np.array(start, dtype=float)]
    for _ in range(int(steps)):
        path.append(path[-1] - learning_rate * landscape_gradient(*path[-1], **fixed))
    path = np.array(path)
    losses = np.array([landscape_loss(a, b, **fixed) for a, b in path])
    return path, losses


def plot_landscape(ax, point=(1.0, 0.5), learning_rate=0.1, steps=30, resolution=121, **fixed):
    """Draw the contour plot, the point, its downhill arrow (-gradient) and the descent path.

    ``point`` is (w1_1, w2_1).  w2_1 runs along the horizontal axis and w1_1 up the
    vertical one, at the same scale (equal aspect), so the arrow's right angle to
    the contour lines is a right angle on the screen too.  The path is drawn over
    the arrow, the start over both.
    """
    from matplotlib.colors import LogNorm

    a = np.linspace(*W1_1_RANGE, resolution)
    b = np.linspace(*W2_1_RANGE, resolution)
    L = loss_grid(a, b, **fixed).T          # rows follow w1_1 (vertical), columns w2_1
    # logarithmic colour levels: the valley floor (loss near 0) is where the interest is
    floor = 1e-3
    levels = np.geomspace(floor, max(L.max(), 10 * floor), 25)
    cs = ax.contourf(b, a, np.maximum(L, floor), levels=levels, norm=LogNorm(), cmap="viridis")
    ax.contour(b, a, L, levels=[0.01], colors="white", linewidths=0.8, linestyles="--")
    ax.plot([], [], color="0.5", lw=0.8, ls="--", label="dashed white: loss = 0.01 (the valley floor)")
    g = landscape_gradient(*point, **fixed)
    path, losses = gradient_descent_path(point, learning_rate, steps, **fixed)
    norm = np.hypot(*g)
    if norm > 0:
        # a fixed-length arrow: the direction matters here, its length is printed
        d = -g / norm * 1.3
        ax.annotate("", xy=(point[1] + d[1], point[0] + d[0]), xytext=(point[1], point[0]), zorder=4,
                    arrowprops=dict(arrowstyle="-|>", color="red", lw=2.5, mutation_scale=15, alpha=0.7))
    ax.plot([], [], color="red", lw=2, label=f"-gradient (downhill), |grad| = {norm:.2f}")
    ax.plot(path[:, 1], path[:, 0], "o-", color="orange", mec="black", mew=0.4, lw=1.2, ms=4, zorder=5,
            label=f"gradient descent, {steps} steps of lr {learning_rate:g}")
    ax.plot(point[1], point[0], "o", color="red", mec="white", ms=8, zorder=6,
            label=f"start, loss {losses[0]:.3f}")
    ax.set_xlim(*W2_1_RANGE)
    ax.set_ylim(*W1_1_RANGE)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_{2,1}$ (weight hidden 1 -> output)")
    ax.set_ylabel("$w_{1,1}$ (input -> hidden 1)")
    ax.set_title(f"Loss landscape; loss after {steps} steps: {losses[-1]:.2e}", fontsize=10)
    legend_outside(ax, "below")
    return cs, path, losses


def add_colorbar(fig, ax, cs):
    """A colour bar for :func:`plot_landscape`'s contours, with ticks at powers of ten."""
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    top = int(np.floor(np.log10(cs.levels[-1])))
    cax = make_axes_locatable(ax).append_axes("right", size="4%", pad=0.12)   # as tall as the axes
    return fig.colorbar(cs, cax=cax, ticks=[10.0 ** k for k in range(-3, top + 1)],
                        label="loss $(y - t)^2$ (log scale)")


def make_landscape_widget():
    """Sliders for the start point, the learning rate and the number of steps; the plot redraws."""
    import ipywidgets as widgets
    from ._show import tagged
    import matplotlib.pyplot as plt

    from ._show import show_figure

    w11 = widgets.FloatSlider(value=1.0, min=W1_1_RANGE[0], max=W1_1_RANGE[1], step=0.05, description="w1_1")
    w21 = widgets.FloatSlider(value=0.5, min=W2_1_RANGE[0], max=W2_1_RANGE[1], step=0.05, description="w2_1")
    lr = widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0, step=0.1, description="learning rate")
    steps = widgets.IntSlider(value=30, min=0, max=200, description="steps")
    for s, name in [(w11, "w1_1"), (w21, "w2_1"), (lr, "learning-rate"), (steps, "steps")]:
        s.add_class(f"adlib-landscape-{name}")
    out = tagged(widgets.Output(), "adlib-landscape-plot")

    def update(_change=None):
        fig, ax = plt.subplots(figsize=(7, 4.2), dpi=80)
        cs, _, _ = plot_landscape(ax, (w11.value, w21.value), lr.value, steps.value, resolution=81)
        add_colorbar(fig, ax, cs)
        show_figure(out, fig)

    for s in (w11, w21, lr, steps):
        s.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([w11, w21]), widgets.HBox([lr, steps]), out])
    box.sliders = {"w1_1": w11, "w2_1": w21, "learning_rate": lr, "steps": steps}
    box.output = out
    return box
