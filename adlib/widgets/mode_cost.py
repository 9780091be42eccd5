"""Forward against reverse mode for a whole Jacobian, as n and m change: notebook 07's widget.

The program is one layer, f: R^n -> R^m, f(x) = tanh(A x), with A a seeded (m, n)
matrix, written with adlib.numpy.  Its full Jacobian (m x n) can be had two ways:

* forward mode: one JVP per input direction e_i gives column i, so **n** passes,
  each evaluating f once (``adlib.jvp``);
* reverse mode: one recorded evaluation of f (``adlib.vjp``), then one VJP per
  output direction e_j gives row j, so **m** backward passes.

So forward mode should win when n < m and reverse mode when n > m, with the
winner flipping where n and m cross.  The plain functions below compute both
Jacobians, count the passes and the evaluations of f (:func:`counted`), and time
both ways robustly (many calls per round, the best of several rounds, the two
modes timed in turn so that load on the machine disturbs them alike).
:func:`make_mode_cost_widget` is a thin layer of two sliders over them.
"""
from __future__ import annotations

import numpy as np

from ._show import legend_outside
from .measure import best_times, calls_per_round, counted

__all__ = ["SIZE_RANGE", "TIE_MARGIN", "layer_function", "jacobian_by_forward", "jacobian_by_reverse",
           "predicted_winner", "measured_winner", "mode_costs", "plot_mode_costs", "make_mode_cost_widget"]

SIZE_RANGE = (1, 60)     # what the sliders offer for n and m: every redraw stays well under a second
TIE_MARGIN = 0.15        # measured times closer than 15 % are called a tie: the noise of a shared machine
MAX_POINTS = 200         # measured points the widget's map keeps


def _size(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"mode_cost: {name} must be a whole number of dimensions, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"mode_cost: {name} must be at least 1, got {value}")
    return int(value)


def layer_function(n, m, seed=0):
    """``(f, A)``: f(x) = tanh(A x) from R^n to R^m, with A of shape (m, n) drawn from ``seed``.

    A is scaled by 1/sqrt(n), so A x stays of order one and tanh does not saturate.
    """
    import adlib.numpy as anp
    n, m = _size("n", n), _size("m", m)
    A = np.random.default_rng(seed).normal(size=(m, n)) / np.sqrt(n)
    return (lambda x: anp.tanh(anp.dot(A, x))), A


def _point(f, x):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"mode_cost: x must be a non-empty vector (shape (n,)), got shape {x.shape}")
    return x


def _output_vector(what, out):
    """f's output (or a JVP of it) as a vector; a number counts as a vector of one output."""
    out = np.asarray(out, dtype=float)
    if out.ndim > 1:
        raise ValueError(f"{what}: f must return a number or a vector (shape (m,)), got shape {out.shape}")
    return np.atleast_1d(out)


def jacobian_by_forward(f, x):
    """``(J, counts)``: the (m, n) Jacobian of f at x, column by column, one JVP per input.

    ``counts`` holds ``"passes"`` (JVPs done) and ``"evaluations"`` (calls of f), both counted.
    """
    import adlib
    x = _point(f, x)
    g, jvp = counted(f), counted(adlib.jvp)
    columns = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = 1.0
        _, column = jvp(g, (x,), (e,))
        columns.append(_output_vector("jacobian_by_forward", column))
    return np.stack(columns, axis=1), {"passes": jvp.calls, "evaluations": g.calls}


def jacobian_by_reverse(f, x):
    """``(J, counts)``: the same Jacobian row by row: f recorded once, then one VJP per output.

    ``counts`` holds ``"passes"`` (backward passes done) and ``"evaluations"`` (calls of f).
    """
    import adlib
    x = _point(f, x)
    g = counted(f)
    out, vjp_fn = adlib.vjp(g, x)
    size = _output_vector("jacobian_by_reverse", out).size
    backward = counted(vjp_fn)
    rows = []
    for j in range(size):
        e = np.zeros(size)
        e[j] = 1.0
        rows.append(np.asarray(backward(e.reshape(np.shape(out)))[0], dtype=float).reshape(x.size))
    return np.stack(rows, axis=0), {"passes": backward.calls, "evaluations": g.calls}


def predicted_winner(n, m):
    """Which mode needs fewer passes: "forward" when n < m, "reverse" when n > m, "tie" when equal."""
    n, m = _size("n", n), _size("m", m)
    return "forward" if n < m else "reverse" if n > m else "tie"


def measured_winner(t_forward, t_reverse, margin=TIE_MARGIN):
    """The faster mode, or "tie" when the two times are within ``margin`` (relative) of each other."""
    if not (np.isfinite(t_forward) and np.isfinite(t_reverse) and t_forward > 0 and t_reverse > 0):
        raise ValueError(f"measured_winner: times must be positive numbers, got {t_forward!r}, {t_reverse!r}")
    if max(t_forward, t_reverse) <= (1 + margin) * min(t_forward, t_reverse):
        return "tie"
    return "forward" if t_forward < t_reverse else "reverse"


def mode_costs(n, m, seed=0, repeat=9, min_seconds=0.002):
    """Both Jacobians of :func:`layer_function` (n, m) at a seeded x, counted and timed.

    Returns a dict: ``n``, ``m``, ``J_forward``, ``J_reverse``, ``max_difference``;
    ``forward`` and ``reverse`` (each a dict of ``passes``, ``evaluations`` and
    ``seconds``, the best of ``repeat`` rounds of enough calls to last ``min_seconds``);
    ``predicted`` and ``measured`` (the winner, see :func:`predicted_winner`,
    :func:`measured_winner`).
    """
    n, m = _size("n", n), _size("m", m)
    if isinstance(repeat, bool) or not isinstance(repeat, (int, np.integer)) or repeat < 1:
        raise ValueError(f"mode_costs: repeat must be a whole number >= 1, got {repeat!r}")
    f, _ = layer_function(n, m, seed)
    x = np.random.default_rng(seed + 1).normal(size=n)
    J_fwd, c_fwd = jacobian_by_forward(f, x)
    J_rev, c_rev = jacobian_by_reverse(f, x)
    runs = []
    for way in (jacobian_by_forward, jacobian_by_reverse):
        k = calls_per_round(lambda way=way: way(f, x), min_seconds)
        runs.append((k, lambda way=way, k=k: [way(f, x) for _ in range(k)]))
    t_rounds = best_times([run for _, run in runs], repeat)
    t_fwd, t_rev = (t / k for t, (k, _) in zip(t_rounds, runs))
    return {"n": n, "m": m, "J_forward": J_fwd, "J_reverse": J_rev,
            "max_difference": float(np.max(np.abs(J_fwd - J_rev))),
            "forward": dict(c_fwd, seconds=t_fwd), "reverse": dict(c_rev, seconds=t_rev),
            "predicted": predicted_winner(n, m), "measured": measured_winner(t_fwd, t_rev)}


_STYLE = {"forward": ("o", "tab:blue"), "reverse": ("s", "tab:orange"), "tie": ("D", "0.5")}


def plot_mode_costs(result, history=(), axes=None, high=SIZE_RANGE[1]):
    """Left: the (n, m) map, shaded by the predicted winner, with the measured winner of each
    point in ``history`` (dicts from :func:`mode_costs`) and of ``result``, ringed.
    Right: the two times as bars, with the counted passes written beside them."""
    import matplotlib.pyplot as plt
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    ax_map, ax_bar = axes
    edge = np.array([0.5, high + 0.5])
    ax_map.fill_between(edge, edge, high + 0.5, color="tab:blue", alpha=0.12, label="predicted: forward (n < m)")
    ax_map.fill_between(edge, 0.5, edge, color="tab:orange", alpha=0.12, label="predicted: reverse (n > m)")
    ax_map.plot(edge, edge, "-", color="0.4", lw=1, label="n = m: the winner flips")
    points = list(history) + [result]
    for winner, (marker, colour) in _STYLE.items():           # one line per winner: quick with many points
        mine = [(r["n"], r["m"]) for r in points if r["measured"] == winner]
        if mine:
            ax_map.plot(*np.array(mine).T, marker, ls="none", color=colour, ms=6, label=f"measured: {winner}")
    ax_map.plot(result["n"], result["m"], "o", mfc="none", mec="k", ms=14, mew=1.5, label="now")
    ax_map.set(xlim=edge, ylim=edge, xlabel="inputs n", ylabel="outputs m", title="which mode wins, f: R^n -> R^m")
    ax_map.set_aspect("equal")
    legend_outside(ax_map, "below", ncol=2)

    fwd, rev = result["forward"], result["reverse"]
    times = [1e3 * fwd["seconds"], 1e3 * rev["seconds"]]
    ax_bar.barh([1, 0], times, color=[_STYLE["forward"][1], _STYLE["reverse"][1]])
    ax_bar.set_yticks([1, 0], ["forward", "reverse"])
    notes = [f"{fwd['passes']} JVPs, {fwd['evaluations']} evaluations of f",
             f"{rev['passes']} VJPs, {rev['evaluations']} evaluation of f"]
    for y, t, note in zip([1, 0], times, notes):
        ax_bar.text(t, y, "  " + note, va="center", fontsize=8)
    ax_bar.set_xlim(0, 2.2 * max(times))
    ax_bar.set(xlabel="time for the whole Jacobian (ms, best of several)",
               title=f"n = {result['n']}, m = {result['m']}: measured winner {result['measured']}")
    return axes


def _readout(r):
    fwd, rev = r["forward"], r["reverse"]
    agree = "yes" if r["max_difference"] < 1e-12 else "NO"
    row = ("<tr><td>{}</td><td style='text-align:right'>{}</td><td style='text-align:right'>{}</td>"
           "<td style='text-align:right'>{:.3f}</td></tr>")
    return ("<table><tr><th>mode</th><th>passes</th><th>evaluations of f</th><th>time (ms)</th></tr>"
            + row.format("forward (JVPs)", fwd["passes"], fwd["evaluations"], 1e3 * fwd["seconds"])
            + row.format("reverse (VJPs)", rev["passes"], rev["evaluations"], 1e3 * rev["seconds"])
            + "</table>"
            f"<span class='adlib-mode-cost-summary'>n = {r['n']}, m = {r['m']}: "
            f"forward passes = {fwd['passes']}, reverse passes = {rev['passes']}; "
            f"predicted winner: {r['predicted']}, measured winner: {r['measured']}; "
            f"passes forward / reverse = {fwd['passes'] / rev['passes']:.2f}, "
            f"time forward / reverse = {fwd['seconds'] / rev['seconds']:.2f}; "
            f"Jacobians agree: {agree} (max |difference| = {r['max_difference']:.1e})</span>")


def make_mode_cost_widget(n=40, m=8, seed=0):
    """Sliders for n (inputs) and m (outputs); each move recomputes, counts and times both Jacobians.

    Every point measured stays on the map, so a few moves show where the measured
    winner flips against the predicted diagonal n = m.  ``box.history()`` returns them.
    """
    import ipywidgets as widgets
    from ._show import tagged
    import matplotlib.pyplot as plt
    from ._show import show_figure

    n, m = _size("n", n), _size("m", m)
    low, high = SIZE_RANGE
    if not (low <= n <= high and low <= m <= high):
        raise ValueError(f"make_mode_cost_widget: n and m must lie in {low}..{high}, got n = {n}, m = {m}")

    def slider(name, value, what):
        s = widgets.IntSlider(value=value, min=low, max=high, step=1, description=f"{name} ({what})",
                              continuous_update=False, style={"description_width": "90px"})
        s.add_class(f"adlib-slider-{name}")
        return s

    n_slider, m_slider = slider("n", n, "inputs"), slider("m", m, "outputs")
    forget = tagged(widgets.Button(description="forget the points", layout=widgets.Layout(width="auto")), "adlib-mode-cost-forget")
    readout = tagged(widgets.HTML(), "adlib-mode-cost-readout")
    out = tagged(widgets.Output(), "adlib-mode-cost-plot")
    state = {"history": [], "now": None}

    def draw():
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), dpi=80)
        plot_mode_costs(state["now"], state["history"], axes)
        fig.tight_layout()
        show_figure(out, fig)

    def measure(*_):
        if state["now"] is not None:
            state["history"] = (state["history"] + [state["now"]])[-MAX_POINTS:]
        state["now"] = mode_costs(int(n_slider.value), int(m_slider.value), seed)
        readout.value = _readout(state["now"])
        draw()

    def clear(_):
        state["history"] = []
        draw()

    n_slider.observe(measure, names="value")
    m_slider.observe(measure, names="value")
    forget.on_click(clear)
    box = tagged(widgets.VBox([widgets.HBox([n_slider, m_slider, forget]), readout, out]), "adlib-mode-cost")
    box.history = lambda: list(state["history"]) + [state["now"]]    # for tests and curious students
    measure()
    return box
