"""The picture of the simulation exercise (ex08): the student's ball and its slopes, against adlib.

Four panels, each the student's numbers (thin lines, markers) over adlib's (thick pale lines):
the trajectory of ``simulate`` for one launch (x against y); x_N as a function of the drag k
from ``distance_and_slope``, with the tangent lines its slopes give at a few k (forward mode,
solid) and the one ``reverse_gradient`` gives at the launch's k (dashed): a right slope
touches the curve, a wrong one visibly does not; |yours − adlib's| for dx_n/dk along the loop,
n = 1..N, on a log scale (forward and reverse mode); and the drags of ``fit_drag`` closing in on
the drag the ball was thrown with, as |k_i − k| on a log scale.  The numbers come from
:mod:`adlib.widgets.my_solutions_probe_simulation`; adlib's from
:func:`~adlib.widgets.my_solutions_reference.reference_ex08`.
"""
from __future__ import annotations

import numpy as np

from .my_solutions_draw import AGREE, esc, say_in_axes, short
from .my_solutions_probe_simulation import EX08_DRAGS, EX08_FUNCTIONS, EX08_ITERATIONS, EX08_LAUNCH, EX08_TANGENTS
from .my_solutions_reference import reference_ex08

__all__ = ["RED", "FLOOR", "TANGENT_HALF_WIDTH", "ex08_numbers", "picture_ex08"]

RED = "#cf222e"
FLOOR = 1e-17                # a zero difference, drawn on a log axis
TANGENT_HALF_WIDTH = 0.006   # each tangent line spans k ± this
FORWARD, REVERSE = "C0", "C2"
_PALE = dict(lw=6, alpha=0.3, solid_capstyle="butt")


def _floats(value, shape):
    """``value`` as a float array of ``shape`` (nan where it is not a number), or None when it cannot be one."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if arr.shape == shape:
        return arr
    if arr.ndim == 1 and len(shape) == 1 and arr.shape[0] < shape[0]:      # a series cut short by an error
        return np.concatenate([arr, np.full(shape[0] - arr.shape[0], np.nan)])
    return None


def _agree(a, b):
    return np.abs(a - b) <= AGREE * np.maximum(1.0, np.abs(b))


def ex08_numbers(sections):
    """The probe's sections as arrays of adlib's shapes (nan where the student's code gave nothing), with errors.

    {"states", "x", "slope", "forward", "reverse", "state_grad", "fit", "errors": {part: message or None}};
    an array the probe's data cannot make is None, and its part then has an error.
    """
    get = lambda name: sections.get(name) if isinstance(sections.get(name), dict) else {}    # noqa: E731
    steps, k = EX08_LAUNCH[-1], len(EX08_DRAGS)
    helpers = get("helpers").get("errors")
    errors = {name: str(helpers[name]) if isinstance(helpers, dict) and helpers.get(name) else None
              for name in ("step", "step_tangent", "step_adjoint")}
    got = {}
    for part, section, arrays in (
            ("simulate", "simulate", {"states": ("states", (steps + 1, 4))}),
            ("distance_and_slope", "distance_and_slope", {"x": ("x", (k,)), "slope": ("slope", (k,))}),
            ("fit_drag", "fit_drag", {"fit": ("drags", (EX08_ITERATIONS,))}),
            ("forward", "forward n", {"forward": ("slopes", (steps,))}),
            ("reverse_gradient", "reverse n", {"reverse": ("slopes", (steps,)), "state_grad": ("state_grad", (4,))})):
        found = get(section)
        errors[part] = str(found["error"]) if found.get("error") else None if section in sections else "did not finish"
        for name, (key, shape) in arrays.items():
            got[name] = _floats(found.get(key), shape)
            if got[name] is None and not errors[part]:
                errors[part] = f"returned numbers of shape {np.shape(found.get(key))}, expected {shape}"
    return {**got, "errors": errors}


# --------------------------------------------------------------------------- the panels

def _note(ax, lines):
    for k, (text, colour) in enumerate(lines):
        ax.text(0.03, 0.96 - 0.085 * k, text, transform=ax.transAxes, fontsize=8, color=colour, va="top",
                parse_math=False)


def _trajectory_panel(ax, got, ref):
    want = ref["states"]
    ax.plot(want[:, 0], want[:, 1], color=FORWARD, **_PALE)
    ax.plot(want[-1, 0], want[-1, 1], "o", color=FORWARD, alpha=0.3, ms=9)
    mine, error = got["states"], got["errors"]["simulate"]
    if mine is not None and not error:
        ok = bool(np.all(_agree(mine, want)))
        colour = FORWARD if ok else RED
        ax.plot(mine[:, 0], mine[:, 1], color=colour, lw=1.5, label="_yours simulate")
        ax.plot(mine[-1, 0], mine[-1, 1], "o", color=colour, ms=4)
        if not ok:
            gap = float(np.nanmax(np.hypot(*(mine[:, :2] - want[:, :2]).T)))
            _note(ax, [(f"your ball is up to {gap:.2g} m off adlib's", RED)])
    elif error:
        say_in_axes(ax, f"simulate: {short(error)}", y=0.35)
    angle, speed, drag, dt, steps = EX08_LAUNCH
    ax.set_title(f"Your simulate: {angle:g}°, {speed:g} m/s, k = {drag:g}", fontsize=10)
    ax.set_xlabel(f"x (m); the dot: s_N after {steps} steps of {dt:g} s", fontsize=9)
    ax.set_ylabel("y (m)", fontsize=9)
    _view(ax, mine if mine is not None and not error else None, want)


def _view(ax, mine, want):
    """Limits that show adlib's path whole, and the student's unless it is far off (then clipped)."""
    lo, hi = want[:, :2].min(axis=0), want[:, :2].max(axis=0)
    if mine is not None and np.all(np.isfinite(mine[:, :2])):
        span = hi - lo
        lo, hi = np.maximum(np.minimum(lo, mine[:, :2].min(axis=0)), lo - 2 * span), \
            np.minimum(np.maximum(hi, mine[:, :2].max(axis=0)), hi + 2 * span)
    pad = 0.08 * (hi - lo)
    ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
    ax.set_ylim(lo[1] - pad[1], hi[1] + 3.5 * pad[1])
    ax.tick_params(labelsize=8)


def _tangent(ax, k, x, slope, colour, **style):
    dk = np.array([-TANGENT_HALF_WIDTH, TANGENT_HALF_WIDTH])
    ax.plot(k + dk, x + slope * dk, color=colour, **style)


def _slope_panel(ax, got, ref):
    ks, want_x, want_slope = np.array(EX08_DRAGS), np.array(ref["x"]), np.array(ref["slope"])
    ax.plot(ks, want_x, color="0.3", **_PALE)
    drag = EX08_LAUNCH[2]
    for k in EX08_TANGENTS + (drag,):
        i = EX08_DRAGS.index(k)
        _tangent(ax, k, want_x[i], want_slope[i], "0.3", lw=5, alpha=0.25, solid_capstyle="butt")
    x, slope, notes = got["x"], got["slope"], []
    if x is not None and not np.all(np.isnan(x)):
        ax.plot(ks, x, "o-", color="0.15" if np.all(_agree(x, want_x)) else RED, lw=1, ms=2.5, label="_yours x_N")
        for k in EX08_TANGENTS:
            i = EX08_DRAGS.index(k)
            if np.isfinite(x[i]) and np.isfinite(slope[i]):
                off = not _agree(slope[i], want_slope[i])
                _tangent(ax, k, x[i], slope[i], RED if off else FORWARD, lw=2, label="_yours forward tangent")
        if not np.all(_agree(x, want_x)):
            notes.append((f"your x_N is up to {np.nanmax(np.abs(x - want_x)):.2g} m off", RED))
    reverse = got["reverse"]
    if reverse is not None and np.isfinite(reverse[-1]):
        i = EX08_DRAGS.index(drag)
        off = not _agree(reverse[-1], want_slope[i])
        _tangent(ax, drag, want_x[i], reverse[-1], RED if off else REVERSE, lw=2, ls="--",
                 label="_yours reverse tangent")
    for name in ("distance_and_slope", "reverse_gradient"):
        if got["errors"][name]:
            notes.append((f"{name}: {short(got['errors'][name])}", "#9a6700"))
    _note(ax, notes)
    lo, hi = np.nanmin(want_x), np.nanmax(want_x)
    if x is not None and np.any(np.isfinite(x)):
        span = hi - lo
        lo, hi = max(min(lo, np.nanmin(x)), lo - 8 * span), min(max(hi, np.nanmax(x)), hi + 8 * span)
    ax.set_ylim(lo - 0.1 * (hi - lo), hi + 0.45 * (hi - lo))
    ax.set_xlim(ks[0] - 0.004, ks[-1] + 0.004)
    ax.set_title("Your x_N(k) and its slopes dx_N/dk", fontsize=10)
    ax.set_xlabel("drag k (per m)\nlines: your dx_N/dk (dashed: reverse)", fontsize=8)
    ax.set_ylabel("x_N (m)", fontsize=9)
    ax.tick_params(labelsize=8)


def _along_panel(ax, got, ref):
    n = np.arange(1, EX08_LAUNCH[-1] + 1)
    want = ref["along"][1:]
    band = AGREE * max(1.0, float(np.max(np.abs(want))))
    ax.axhspan(FLOOR / 10, band, color="#1a7f37", alpha=0.08)
    ax.text(EX08_LAUNCH[-1], band / 4, "agrees with adlib (rounding)", ha="right", va="top", fontsize=8,
            color="#1a7f37")
    top, notes = band * 1e3, []
    for key, function, colour, ls in (("forward", "distance_and_slope", FORWARD, "-"),
                                      ("reverse", "reverse_gradient", REVERSE, "--")):
        mine, error = got[key], got["errors"][key if key == "forward" else function]
        if error:
            notes.append((f"{function}: {short(error)}", "#9a6700"))
        if mine is None or np.all(np.isnan(mine)):
            continue
        diff = np.maximum(np.abs(mine - want), FLOOR)
        ax.plot(n, diff, color=colour, ls=ls, lw=1.6, label=f"_yours {key}")
        top = max(top, float(np.nanmax(diff)))
    ax.set_yscale("log")
    ax.set_ylim(FLOOR / 10, top * 1e3)
    ax.set_xlim(0, n[-1] + 1)
    ax.set_title("|yours − adlib's| of dx_n/dk along the loop", fontsize=10)
    ax.set_xlabel("n: the loop's steps so far (solid: forward, dashed: reverse)", fontsize=8)
    ax.set_ylabel("m per unit of k", fontsize=9)
    ax.tick_params(labelsize=8)
    _note(ax, notes)


def _fit_panel(ax, got, ref):
    true = ref["true_drag"]
    i = np.arange(EX08_ITERATIONS + 1)
    ax.semilogy(i, np.maximum(np.abs(np.r_[0.0, ref["fit"]] - true), FLOOR), color="0.3", **_PALE)
    fit, error = got["fit"], got["errors"]["fit_drag"]
    top = 1.0
    if fit is not None and not error:
        dist = np.abs(np.r_[0.0, fit] - true)
        ok = bool(_agree(fit[-1], true))
        colour = FORWARD if ok else RED
        shown = np.where(np.isfinite(dist), np.minimum(np.maximum(dist, FLOOR), 1e6), np.nan)
        ax.semilogy(i, shown, "o-", color=colour, lw=1.2, ms=4, label="_yours fit")
        top = max(top, float(np.nanmax(shown)))
        bad = np.flatnonzero(~np.isfinite(dist))
        if bad.size:
            ax.plot(i[bad], np.full(bad.size, top * 30), "x", color=RED, ms=7, mew=2, clip_on=False)
            ax.text(0.03, 0.04, f"k is {fit[bad[0] - 1]:g} at iteration {bad[0]}", transform=ax.transAxes,
                    fontsize=8, color=RED)
    elif error:
        say_in_axes(ax, f"fit_drag: {short(error)}", y=0.35)
    ax.set_ylim(FLOOR / 10, top * 3e3)
    ax.set_xlim(-0.3, EX08_ITERATIONS + 0.3)
    ax.set_title(f"Your fit_drag: k closing in on {true:g}", fontsize=10)
    ax.set_xlabel("iteration (from k = 0)", fontsize=9)
    ax.set_ylabel(f"|k − {true:g}|", fontsize=9)
    ax.tick_params(labelsize=8)


# --------------------------------------------------------------------------- the words

def _failed(function, error):
    """The sentence for a function that raised: 'not written yet' for the stub, naming where it stopped."""
    where = error.rsplit(" [in ", 1)[1].rstrip("]") if error.endswith("]") and " [in " in error else function
    error = error.rsplit(" [in ", 1)[0]
    if error.split(": ", 1)[-1].startswith("returned "):           # the probe's check of what came back
        return f"Your {function} {esc(error.split(': ', 1)[-1])}."
    if error.startswith("NotImplementedError"):
        return (f"Your {function} is not written yet (it raises NotImplementedError)." if where == function else
                f"Your {function} stops in your {where}, which is not written yet (NotImplementedError).")
    return f"Your {function} raised {esc(error)}" + ("" if where == function else f" in your {where}") + "."


def _first_off(mine, want):
    """The first index (row) where ``mine`` is not adlib's ``want``, or None."""
    off = np.flatnonzero(~_agree(mine, want).reshape(len(want), -1).all(axis=1))
    return int(off[0]) if off.size else None


def _g(value):
    return f"{value:.4g}"


def _simulate_words(got, ref):
    mine, want = got["states"], ref["states"]
    n = _first_off(mine, want)
    if n is None:
        return "Your simulate gives adlib's trajectory, state by state."
    if n == 0:
        return (f"Your simulate starts from s_0 = ({', '.join(map(_g, mine[0]))}), adlib's from "
                f"({', '.join(map(_g, want[0]))}): the angle is in degrees (red line).")
    gap = float(np.nanmax(np.hypot(*(mine[:, :2] - want[:, :2]).T)))
    return (f"Your simulate leaves adlib's trajectory at step n = {n}: s_{n} is "
            f"({', '.join(map(_g, mine[n]))}), adlib's ({', '.join(map(_g, want[n]))}); your ball ends up "
            f"{gap:.2g} m away (red line). Every right-hand side of a step uses the old state s_n.")


def _slope_words(got, ref):
    x, slope, forward = got["x"], got["slope"], got["forward"]
    want_x, want_slope = np.array(ref["x"]), np.array(ref["slope"])
    said = []
    if not np.all(_agree(x, want_x)):
        said.append(f"its x_N is up to {np.nanmax(np.abs(x - want_x)):.2g} m off adlib's (it runs your simulate)")
    wrong = ~_agree(slope, want_slope)
    if np.any(wrong):
        i = int(np.nanargmax(np.where(wrong, np.abs(slope / want_slope - 1), -1)))
        times = f" ({slope[i] / want_slope[i]:.3g} times adlib's)" if slope[i] else ""
        said.append(f"its slope dx_N/dk at k = {EX08_DRAGS[i]:g} is {_g(slope[i])}, adlib's {_g(want_slope[i])}"
                    f"{times}, so its lines are not tangent to x_N(k)")
    n = None if forward is None else _first_off(forward, ref["along"][1:])
    if n is not None:
        said.append(f"along the loop your tangent's x first parts from adlib's at n = {n + 1} (solid line, "
                    f"lower left)")
    if not said:
        return "Your distance_and_slope gives adlib's x_N and dx_N/dk at every drag: its lines touch the curve."
    return "Your distance_and_slope: " + "; ".join(said) + "."


def _reverse_words(got, ref):
    mine, grad = got["reverse"], got["state_grad"]
    n = _first_off(mine, ref["along"][1:])
    if n is None and grad is not None and np.all(_agree(grad, ref["state_grad"])):
        return (f"Your reverse_gradient gives adlib's dx_n/dk for every n, and adlib's dx_N/ds_0 = "
                f"({', '.join(map(_g, ref['state_grad']))}).")
    said = []
    if n is not None:
        said.append(f"its dx_N/dk is {_g(mine[-1])} after {len(mine)} steps, adlib's {_g(ref['k_bar'])}, and "
                    f"it first parts from adlib's at n = {n + 1} (dashed line)")
    if grad is not None and not np.all(_agree(grad, ref["state_grad"])):
        said.append(f"its dx_N/ds_0 is ({', '.join(map(_g, grad))}), adlib's "
                    f"({', '.join(map(_g, ref['state_grad']))})")
    return "Your reverse_gradient, given the right states: " + "; ".join(said) + "."


def _fit_words(got, ref):
    fit, true = got["fit"], ref["true_drag"]
    if not np.all(np.isfinite(fit)):
        i = int(np.flatnonzero(~np.isfinite(fit))[0])
        return (f"Your fit_drag's k becomes {fit[i]:g} at iteration {i + 1}"
                + (f", after {', '.join(map(_g, fit[:i]))}" if i else "")
                + f": it does not close in on the drag {true:g} (red crosses).")
    if _agree(fit[-1], true):
        at = int(np.flatnonzero(_agree(fit, true))[0]) + 1
        theirs = int(np.flatnonzero(_agree(np.array(ref["fit"]), true))[0]) + 1
        return (f"Your fit_drag finds the drag the ball was thrown with, k = {true:g}, by iteration {at}"
                + (f" (adlib's Newton steps by iteration {theirs})." if at > theirs else "."))
    why = ("it uses your distance_and_slope, whose slopes are off" if not np.all(_agree(got["slope"], ref["slope"]))
           else "your simulate puts the ball elsewhere" if got["states"] is not None
           and not np.all(_agree(got["states"], ref["states"]))
           else "your distance_and_slope is right, so the update is not k ← k − (x_N − x_seen) / (dx_N/dk)")
    return (f"Your fit_drag ends at k = {_g(fit[-1])} after {EX08_ITERATIONS} iterations, not the drag {true:g} "
            f"the ball was thrown with (adlib's Newton steps: {_g(ref['fit'][-1])}): {why}.")


def _words(got, ref):
    errors, words = got["errors"], []
    for function in EX08_FUNCTIONS:
        error = errors[function] or (errors["forward"] if function == "distance_and_slope" else None)
        if error == "did not finish":
            words.append(f"Your {function} did not finish.")
        elif error:
            words.append(_failed(function, error))
        elif function in ("step", "step_tangent", "step_adjoint"):
            continue
        else:
            words.append({"simulate": _simulate_words, "distance_and_slope": _slope_words,
                          "reverse_gradient": _reverse_words, "fit_drag": _fit_words}[function](got, ref))
    return words


def picture_ex08(sections):
    import matplotlib.pyplot as plt
    ref = reference_ex08()
    got = ex08_numbers(sections)
    fig = plt.figure(figsize=(7.2, 6.8), dpi=80)
    grid = fig.add_gridspec(2, 2, hspace=0.5, wspace=0.3, bottom=0.14, top=0.95, left=0.09, right=0.98)
    _trajectory_panel(fig.add_subplot(grid[0, 0]), got, ref)
    _slope_panel(fig.add_subplot(grid[0, 1]), got, ref)
    _along_panel(fig.add_subplot(grid[1, 0]), got, ref)
    _fit_panel(fig.add_subplot(grid[1, 1]), got, ref)
    handles = [plt.Line2D([], [], color="0.3", **_PALE), plt.Line2D([], [], color=FORWARD, lw=1.8),
               plt.Line2D([], [], color=REVERSE, lw=1.8, ls="--"), plt.Line2D([], [], color=RED, lw=1.8)]
    fig.legend(handles, ["adlib's", "yours: forward", "yours: reverse", "yours, off adlib's"], fontsize=8,
               loc="lower center", ncol=4, frameon=False, handlelength=2.6)
    return fig, " ".join(_words(got, ref))
