"""The shapes of a Jacobian and of a VJP, for input and output sizes the student picks.

The plain functions here do the work and are unit-tested; :func:`make_vjp_shapes_widget`
is a thin layer of sliders over them for notebook 06.

The function is one layer applied to a batch of inputs, in notebook 06's letters::

    u = tanh(y W^T + b)      y: (batch, m) inputs,  W: (n, m),  b: (n,),  u: (batch, n)

Its Jacobian, flattened to a matrix, has one row per output number and one column per
input number: ``(batch*n) x (batch*m)``.  It is block diagonal, since example k's
outputs do not depend on example j's inputs.  A cotangent ``u_bar`` (the gradient
arriving at u, the shape of u) gives the VJP ``y_bar = u_bar^T J``, the shape of y.
Both are computed by adlib (``adlib.jacobian`` and ``adlib.vjp`` on the same function)
and drawn side by side with the counts: what the Jacobian holds against what the VJP
holds, and how many VJP or JVP calls would build the whole Jacobian.
"""
from __future__ import annotations

import numpy as np

__all__ = ["SIZE_RANGE", "BATCH_RANGE", "FLOAT64_BYTES", "example", "layer_function", "jacobian_and_vjp",
           "counts", "readout_html", "plot_shapes", "make_vjp_shapes_widget"]

SIZE_RANGE = (1, 10)     # inputs m and outputs n per example: the grid stays readable and a redraw fast
BATCH_RANGE = (1, 4)     # examples in the batch: the Jacobian is at most 40 x 40
FLOAT64_BYTES = 8


def _check_sizes(m, n, batch, where):
    for name, value, (low, high) in (("inputs m", m, SIZE_RANGE), ("outputs n", n, SIZE_RANGE),
                                     ("batch", batch, BATCH_RANGE)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{where}: the number of {name} must be a whole number, got {type(value).__name__} "
                            f"{value!r}")
        if not low <= value <= high:
            raise ValueError(f"{where}: the number of {name} must be between {low} and {high} (a larger Jacobian "
                             f"would not fit the picture), got {value}")


def example(m, n, batch=1, seed=0):
    """Seeded arrays for the layer: ``(W, b, y, u_bar)`` of shapes (n, m), (n,), (batch, m), (batch, n).

    The same sizes and seed always give the same numbers, whatever was drawn before.
    """
    _check_sizes(m, n, batch, "example")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"example: the seed must be a whole number >= 0, got {seed!r}")
    rng = np.random.default_rng([seed, m, n, batch])
    W = rng.normal(size=(n, m))
    b = 0.1 * rng.normal(size=n)
    y = rng.normal(size=(batch, m)) / np.sqrt(m)   # so that y W^T is about N(0, 1): tanh not saturated
    u_bar = rng.normal(size=(batch, n))
    return W, b, y, u_bar


def layer_function(W, b):
    """The function ``y -> tanh(y W^T + b)`` for a batch ``y`` of shape (batch, m), written with adlib.numpy."""
    import adlib.numpy as anp
    return lambda y: anp.tanh(anp.dot(y, W.T) + b)


def jacobian_and_vjp(m, n, batch=1, seed=0):
    """adlib's Jacobian and VJP of the layer at the seeded example.

    Returns a dict with ``J`` (the Jacobian as a ``(batch*n, batch*m)`` matrix, from
    ``adlib.jacobian``), ``u_bar`` (batch, n), ``vjp`` (``y_bar``, shape (batch, m), from
    ``adlib.vjp``), ``u`` (the output) and ``difference``: the largest
    ``|y_bar - J^T u_bar|``, which is rounding error only.
    """
    import adlib
    W, b, y, u_bar = example(m, n, batch, seed)
    f = layer_function(W, b)
    J = np.asarray(adlib.jacobian(f)(y)).reshape(batch * n, batch * m)
    u, vjp_fn = adlib.vjp(f, y)
    y_bar = np.asarray(vjp_fn(u_bar)[0])
    difference = float(np.max(np.abs(y_bar.ravel() - J.T @ u_bar.ravel())))
    return {"J": J, "u": np.asarray(u), "u_bar": u_bar, "vjp": y_bar, "difference": difference}


def counts(m, n, batch=1):
    """What each object holds, and what building the Jacobian costs, as plain integers.

    ``jacobian``: entries of the Jacobian, ``(batch*n) * (batch*m)``; ``nonzero_blocks``:
    the entries inside its diagonal blocks, ``batch * n * m`` (the rest are zeros, as
    examples do not mix); ``cotangent``: numbers in u_bar, ``batch*n``; ``vjp``: numbers in
    y_bar, ``batch*m``; ``*_bytes``: the same at float64; ``vjp_calls``: VJPs that build
    the Jacobian (one per row, an output number); ``jvp_calls``: JVPs that build it (one
    per column, an input number).
    """
    _check_sizes(m, n, batch, "counts")
    outputs, inputs = batch * n, batch * m
    result = {"jacobian": outputs * inputs, "nonzero_blocks": batch * n * m, "cotangent": outputs,
              "vjp": inputs, "vjp_calls": outputs, "jvp_calls": inputs}
    for key in ("jacobian", "cotangent", "vjp"):
        result[key + "_bytes"] = FLOAT64_BYTES * result[key]
    return result


def readout_html(m, n, batch, difference):
    """The counts as the widget prints them (one fact a line)."""
    c = counts(m, n, batch)
    rows, cols = batch * n, batch * m
    return (f"Jacobian J: {rows} &times; {cols} = {c['jacobian']} numbers, {c['jacobian_bytes']} bytes at float64"
            f" ({c['nonzero_blocks']} of them in the diagonal blocks, the rest zero)"
            f"<br>cotangent u_bar: {c['cotangent']} numbers; VJP y_bar = u_bar<sup>T</sup> J: {c['vjp']} numbers,"
            f" {c['vjp_bytes']} bytes at float64"
            f"<br>the full Jacobian takes {c['vjp_calls']} VJP calls (one per output number, a row) "
            f"or {c['jvp_calls']} JVP calls (one per input number, a column)"
            f"<br>adlib.vjp against J<sup>T</sup> u_bar from adlib.jacobian: largest difference {difference:.1e}")


def plot_shapes(m, n, batch=1, seed=0, data=None):
    """A figure: u_bar as a column beside J (its rows), y_bar as a row under J (its columns).

    Each cell is one float64, coloured by its value (white is 0; the colour bar is J's,
    u_bar and y_bar are each coloured on their own scale).  Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.gridspec import GridSpec

    data = jacobian_and_vjp(m, n, batch, seed) if data is None else data
    if np.shape(data["J"]) != (batch * n, batch * m):
        raise ValueError(f"plot_shapes: the data's Jacobian has shape {np.shape(data['J'])}, not "
                         f"({batch * n}, {batch * m}) for batch={batch}, n={n} outputs, m={m} inputs")
    J, u_bar, y_bar = data["J"], data["u_bar"].reshape(-1, 1), data["vjp"].reshape(1, -1)
    rows, cols = J.shape
    cell = min(0.22, 6.0 / max(rows, cols))          # inches per number: sizes compare, up to 6 inches
    fig = plt.figure(figsize=(max(4.0, 1.6 + cell * (cols + 1)), 1.6 + cell * (rows + 1)), dpi=80)
    grid = GridSpec(2, 3, figure=fig, width_ratios=[1, cols, 0.6], height_ratios=[rows, 1],
                    wspace=0.35, hspace=0.15)
    def draw(ax, values):                            # each array on its own symmetric scale: 0 is white
        limit = max(1e-12, float(np.max(np.abs(values))))
        return ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="equal", interpolation="nearest")

    ax_u, ax_J, ax_y = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
    image = draw(ax_J, J)
    draw(ax_u, u_bar)
    draw(ax_y, y_bar)
    ax_J.set_title(f"Jacobian J: {rows} x {cols}", fontsize=9)
    ax_J.set_xlabel(f"{cols} inputs (batch {batch} x m={m})", fontsize=8)
    ax_J.xaxis.set_label_position("top")
    ax_J.set_ylabel(f"{rows} outputs (batch {batch} x n={n})", fontsize=8)
    ax_u.set_ylabel(f"cotangent u_bar ({rows} numbers)", fontsize=8)
    ax_y.set_xlabel(f"VJP y_bar = u_bar^T J ({cols} numbers)", fontsize=8)
    for ax in (ax_u, ax_J, ax_y):
        ax.set_xticks([])
        ax.set_yticks([])
    for k in range(1, batch):                        # the borders between examples' blocks
        ax_J.axhline(k * n - 0.5, color="0.6", lw=0.8)
        ax_J.axvline(k * m - 0.5, color="0.6", lw=0.8)
    fig.colorbar(image, cax=fig.add_subplot(grid[0, 2]), label="entry of J")
    return fig


def make_vjp_shapes_widget(m=3, n=4, batch=1, seed=0):
    """Sliders for the inputs m, outputs n and batch size; the picture and the counts follow them."""
    import ipywidgets as widgets
    from ._show import tagged
    from ._show import show_figure

    _check_sizes(m, n, batch, "make_vjp_shapes_widget")

    def slider(name, value, low, high, description):
        s = widgets.IntSlider(value=value, min=low, max=high, step=1, description=description,
                              continuous_update=False, style={"description_width": "70px"})
        s.add_class(f"adlib-slider-{name}")
        return s

    m_slider = slider("inputs", m, *SIZE_RANGE, "inputs m")
    n_slider = slider("outputs", n, *SIZE_RANGE, "outputs n")
    b_slider = slider("batch", batch, *BATCH_RANGE, "batch")
    readout = tagged(widgets.HTML(), "adlib-vjp-readout")
    out = tagged(widgets.Output(), "adlib-vjp-plot")

    def redraw(*_):
        sizes = int(m_slider.value), int(n_slider.value), int(b_slider.value)
        data = jacobian_and_vjp(*sizes, seed=seed)
        readout.value = readout_html(*sizes, data["difference"])
        show_figure(out, plot_shapes(*sizes, seed=seed, data=data))

    for s in (m_slider, n_slider, b_slider):
        s.observe(redraw, names="value")
    box = tagged(widgets.VBox([widgets.HBox([m_slider, n_slider, b_slider]), readout, out]), "adlib-vjp-shapes")
    redraw()
    return box
