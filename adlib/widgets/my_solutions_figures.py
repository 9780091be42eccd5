"""What a student's exercise code does, drawn against what adlib does on the same inputs.

The student's numbers come from :func:`adlib.widgets.my_solutions.run_probe`
(their code ran in another process); adlib's side is computed here, in the
notebook's kernel, with public adlib only:

* ex01: |estimate - f'(x)| against the step h, for f = sin at x = 1, on a log-log
  plot: the student's forward and central differences beside adlib's;
* ex02, ex04, ex05: the largest difference between the student's derivatives
  (``derivative`` per rule; dW, dx, db; each VJP rule) and adlib's, one bar per part;
* ex03: the gradients of a small graph from the student's ``Value`` against
  ``adlib.Value``'s, as bars, plus the graph drawn with the student's gradients;
* ex06: the decision boundary and the loss curve of the student's ``train``
  against the same network trained with ``adlib.value_and_grad``.
* ex07 (:mod:`adlib.widgets.my_solutions_figures_costs`): the JVPs and VJPs the student's
  Jacobian builders make, counted, against adlib's, with each Jacobian's correctness; the
  student's ``chain_cost`` and ``cheaper_mode`` against ``costs.chain_cost`` and
  ``mode_cost.predicted_winner``.
* ex08 (:mod:`adlib.widgets.my_solutions_figures_simulation`): the student's ball against adlib's,
  x_N(k) with the tangent lines of their forward and reverse slopes, |yours − adlib's| of dx_n/dk
  along the loop, and ``fit_drag``'s drags closing in (or not) on the true drag.

:func:`picture` returns ``(figure or None, html)``: the words say what the
picture shows, or why there is none.
"""
from __future__ import annotations

import math
import re

import numpy as np

from .my_solutions_draw import AGREE, FLOOR as _FLOOR, axes as _axes, close as _close, esc as _esc
from .my_solutions_draw import legend_below as _legend_below, say_in_axes as _say_in_axes, short as _short
from .my_solutions_figures_costs import picture_ex07
from .my_solutions_figures_simulation import picture_ex08
from .my_solutions_probe import EX01_STEPS, EX02_RULES, EX05_RULES, ex06_data
from .my_solutions_reference import (ex06_logits, ex06_loss, reference_ex01, reference_ex02,
                                     reference_ex03, reference_ex04, reference_ex05, reference_ex06)

__all__ = ["graph_svg", "picture", "PICTURES"]


# --------------------------------------------------------------------------- the pictures

def picture_ex01(sections):
    ref = reference_ex01()
    exact, h = ref["exact"], EX01_STEPS
    fig, ax = _axes()
    words, colours = [], {"forward_difference": "C0", "central_difference": "C1"}
    for name, colour in colours.items():
        short = name.split("_")[0]
        ref_err = np.maximum(np.abs(np.asarray(ref[name]) - exact), _FLOOR)
        ax.loglog(h, ref_err, color=colour, lw=5, alpha=0.3, label=f"adlib's {short}")
        mine = sections.get(name, {})
        values = mine.get("values") or []
        if values:
            err = np.maximum(np.abs(np.asarray(values, dtype=float) - exact), _FLOOR)
            ax.loglog(h[:len(err)], err, color=colour, lw=1.5, label=f"your {short}")
            same = [_close(v, r) for v, r in zip(values, ref[name])]
            if all(same) and len(values) == len(h):
                words.append(f"Your {name} gives adlib's number at every step h.")
            elif not all(same):
                # say it at a middling step (h = 1e-4), where neither rounding nor truncation rules
                k = int(np.argmin(np.abs(np.log10(h[:len(values)]) + 4)))
                k = k if not same[k] else same.index(False)
                words.append(f"Your {name} differs from adlib's at {same.count(False)} of the {len(values)} "
                             f"steps: at h = {h[k]:.0e} you get {values[k]:.6g}, adlib gets {ref[name][k]:.6g} "
                             f"(the exact derivative is {exact:.6g}).")
        if mine.get("error"):
            where = ": the curve stops there." if values else ", so there is no curve of yours yet."
            words.append(f"Your {name} raised {_esc(mine['error'])}{where}")
        elif not mine:
            words.append(f"Your {name} did not finish.")
    if not any(sections.get(n, {}).get("values") for n in colours):
        _say_in_axes(ax, "no curve of yours yet:\nyour differences raise an error", x=0.7, y=0.12)
    best = sections.get("best_step", {}).get("steps", {})
    for method, colour in (("forward", "C0"), ("central", "C1")):
        if best.get(method):
            ax.axvline(best[method], color=colour, ls=":", lw=1)
            words.append(f"Your best_step('{method}') = {best[method]:.2g} (dotted line).")
    ax.set_xlabel("step h")
    ax.set_ylabel("|estimate − cos(1)|")
    ax.set_title("Your finite differences against adlib's: f = sin at x = 1")
    ax.set_ylim(_FLOOR / 10, 10)
    ax.legend(fontsize=8, loc="lower left")
    return fig, " ".join(words)


def _bars(names, mine, errors, title):
    """Horizontal bars: the largest |yours - adlib's| per part; a part without a number says why."""
    fig, ax = _axes(height=0.4 * len(names) + 1.3)
    ys = np.arange(len(names))[::-1]
    for y, name in zip(ys, names):
        diff = mine[name]
        if diff is None:
            ax.text(_FLOOR, y, _short(errors[name]), va="center", fontsize=8, color="#cf222e",
                    bbox=dict(facecolor="white", edgecolor="none", pad=1))
        else:
            ax.barh(y, max(diff, _FLOOR), color="#1a7f37" if diff <= AGREE else "#cf222e", left=_FLOOR / 10)
            ax.text(max(diff, _FLOOR) * 3, y, f" {diff:.1e}" if diff else " 0 (exact)", va="center", fontsize=8)
    ax.axvline(AGREE, color="gray", ls="--", lw=1, label=f"agree below {AGREE:g}", zorder=0)
    ax.set_xscale("log")
    ax.set_xlim(_FLOOR / 10, 1e3)
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_yticks(ys)
    ax.set_yticklabels(names)
    ax.set_xlabel("largest |yours − adlib's|")
    ax.set_title(title)
    _legend_below(ax)
    return fig


def _compare_parts(names, sections, reference, key="value"):
    diffs, errors = {}, {}
    for name in names:
        got = sections.get(name, {})
        value = got.get(key)
        if got.get("error") or value is None or value == []:
            diffs[name], errors[name] = None, got.get("error") or "did not finish"
            continue
        try:
            diffs[name] = float(np.max(np.abs(np.asarray(value, dtype=float) - np.asarray(reference[name]))))
        except (ValueError, TypeError):
            diffs[name], errors[name] = None, f"shape {np.shape(value)}, adlib's is {np.shape(reference[name])}"
        else:
            if math.isnan(diffs[name]):
                diffs[name], errors[name] = None, "your result contains nan"
    return diffs, errors


def _parts_words(diffs, errors, what):
    wrong = [n for n, d in diffs.items() if d is not None and d > AGREE]
    missing = {}
    for n, d in diffs.items():
        if d is None:       # the same error at different lines of the file is one message
            missing.setdefault(re.sub(r" \(line \d+ of your file\)", "", errors[n]), []).append(n)
    words = []
    if wrong:
        words.append(f"Your {what} differ from adlib's for: " + ", ".join(_esc(n) for n in wrong) + ".")
    for error, names in missing.items():
        which = "all of them" if len(names) == len(diffs) else ", ".join(_esc(n) for n in names)
        words.append(f"No number yet for {which}: {_esc(error)}.")
    if not wrong and not missing:
        words.append(f"All your {what} agree with adlib's.")
    return " ".join(words)


def picture_ex02(sections):
    names = list(EX02_RULES)
    ref = reference_ex02()
    diffs, errors = _compare_parts(names, sections, ref, key="values")
    fig = _bars(names, diffs, errors, "Your derivative(f, x) against adlib.derivative")
    return fig, _parts_words(diffs, errors, "derivatives")


def picture_ex04(sections):
    names = ["dW", "dx", "db"]
    diffs, errors = _compare_parts(names, sections, reference_ex04())
    fig = _bars(names, diffs, errors, "Your relu_layer_backward against adlib.grad")
    return fig, _parts_words(diffs, errors, "gradients")


def picture_ex05(sections):
    names = list(EX05_RULES)
    diffs, errors = _compare_parts(names, sections, reference_ex05())
    fig = _bars(names, diffs, errors, "Your VJP rules against adlib.vjp, random upstream g")
    return fig, _parts_words(diffs, errors, "vector-Jacobian products")


_SVG_SIZE = re.compile(r'<svg([^>]*?)\swidth="([\d.]+)(pt|px)?"\s+height="([\d.]+)(pt|px)?"', re.S)


def graph_svg(nodes, grads, highlight):
    """adlib's drawing of the graph, showing ``grads`` {name: number}, for an HTML page (scrolls sideways)."""
    from ..graph import draw_graph
    drawing = draw_graph(nodes["L"], grads={v: grads.get(k) or 0.0 for k, v in nodes.items()},
                         highlight=[nodes[k] for k in highlight])
    svg = drawing.svg
    svg = svg[svg.index("<svg"):]
    match = _SVG_SIZE.search(svg)
    if match:       # Graphviz's points read as CSS pixels: a readable size, in a pane that scrolls
        svg = f'<svg{match.group(1)} width="{match.group(2)}px" height="{match.group(4)}px"' + svg[match.end():]
    return f"<div style='overflow-x: auto; max-width: 100%'>{svg}</div>"


def picture_ex03(sections):
    ref = reference_ex03()
    graph = sections.get("graph", {})
    # after a failed backward() the .grad fields hold whatever was filled in: no comparison
    mine = {} if graph.get("error") else {k: v.get("grad") for k, v in (graph.get("nodes") or {}).items()}
    names = list(ref)
    fig, ax = _axes(height=4.6)
    ys = np.arange(len(names))[::-1]
    ax.barh(ys + 0.2, [ref[n].grad for n in names], height=0.4, color="#8c959f", label="adlib.Value")
    if mine:
        ax.barh(ys - 0.2, [mine.get(n) or 0.0 for n in names], height=0.4, color="C0", label="your Value")
    wrong = [n for n in names if mine and not _close(mine.get(n), ref[n].grad)]
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{n} ✗" if n in wrong else n for n in names])
    for label in ax.get_yticklabels():
        if label.get_text().endswith("✗"):
            label.set_color("#cf222e")
    ax.axvline(0, color="black", lw=0.5)
    ax.set_xlabel("∂L/∂node")
    ax.set_title("Your Value's gradients against adlib.Value's")
    _legend_below(ax)
    words, drawing = [], ""
    if graph.get("error"):
        words.append(f"{_esc(graph['error'])}.")
        _say_in_axes(ax, "your backward()\ndid not finish:\nno gradients\nfrom your Value", x=0.17, y=0.3)
    elif mine:
        words.append("Your gradients agree with adlib.Value's on every node." if not wrong else
                     "Your gradients differ from adlib.Value's at " + ", ".join(wrong) +
                     " (marked ✗ here, yellow in the drawing below).")
        drawing = ("The graph L = tanh(x·w + b) / relu(σ(x) + b) · log(x^c) + x^c, drawn by adlib with "
                   "your gradients:" + graph_svg(ref, mine, wrong))
    deep = sections.get("deep")
    if deep and deep.get("error"):
        words.append(f"On a chain {deep['depth']} operations deep, backward() raised {_esc(deep['error'])}.")
    elif deep and not _close(deep.get("grad"), 1.0):
        words.append(f"On a chain {deep['depth']} operations deep, x.grad is {deep.get('grad')}, not 1.")
    elif deep:
        words.append(f"backward() also works on a chain {deep['depth']} operations deep.")
    return fig, " ".join(words), drawing


def _ex06_params(item):
    """The student's trained parameters as arrays, or a message saying what is off."""
    try:
        p = {k: np.asarray(item["params"][k], dtype=float) for k in ("W1", "b1", "w2", "b2")}
    except (KeyError, TypeError, ValueError):
        return None, "train did not return a dict with W1, b1, w2 and b2"
    h = p["W1"].shape[0] if p["W1"].ndim == 2 else -1
    if p["W1"].shape != (h, 2) or p["b1"].shape != (h,) or p["w2"].shape != (h,) or p["b2"].shape != ():
        return None, (f"train returned W1 {p['W1'].shape}, b1 {p['b1'].shape}, w2 {p['w2'].shape}, "
                      f"b2 {p['b2'].shape}; expected (16, 2), (16,), (16,) and a number")
    return p, ""


def picture_ex06(sections):
    X, y = ex06_data()
    ref_params, ref_losses = reference_ex06()
    runs = sections.get("train", [])
    mine, problem = [], ""
    for item in runs:
        if item.get("error"):
            problem = item["error"]
            break
        params, problem = _ex06_params(item)
        if params is None:
            break
        mine.append((item["steps"], params))
    fig, (left, right) = _axes(ncols=2, width=7.2, height=3.5)
    left.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=10, alpha=0.6)
    gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 120), np.linspace(-1.2, 1.7, 90))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    left.contour(gx, gy, ex06_logits(ref_params, grid).reshape(gx.shape), levels=[0.0], colors="gray",
                 linewidths=4, alpha=0.5)
    left.plot([], [], color="gray", lw=4, alpha=0.5, label="adlib's boundary")
    right.plot(np.arange(1, len(ref_losses) + 1), ref_losses, color="gray", lw=4, alpha=0.5, label="adlib.grad, momentum 0.9")
    words = []
    if mine:
        steps, final = mine[-1]
        z = ex06_logits(final, grid).reshape(gx.shape)
        if np.all(np.isfinite(z)) and z.min() < 0 < z.max():
            left.contour(gx, gy, z, levels=[0.0], colors="black", linewidths=1.5)
        left.plot([], [], color="black", lw=1.5, label=f"yours ({steps} steps)")
        losses = [ex06_loss(p, X, y) for _, p in mine]
        right.plot([s for s, _ in mine], losses, "o-", color="C0", label="your train")
        acc = float(np.mean((ex06_logits(final, X) > 0) == (y == 1)))
        ref_acc = float(np.mean((ex06_logits(ref_params, X) > 0) == (y == 1)))
        words.append(f"After {steps} steps your network's loss is {losses[-1]:.4g} and it classifies {acc:.1%} "
                     f"of the 200 training points right; adlib's: loss {ref_losses[steps - 1]:.4g}, {ref_acc:.1%}.")
    else:
        _say_in_axes(right, "no loss curve from your train yet")
    if problem:
        words.append(f"{_esc(problem)}.")
    left.set_title("Decision boundary (z = 0)")
    left.set_xlabel("x₁")
    left.set_ylabel("x₂")
    left.legend(fontsize=8, loc="lower left")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_title("Training loss")
    right.set_xlabel("steps of train")
    right.set_ylabel("mean cross-entropy")
    right.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig, " ".join(words)


#: One picture per exercise, each ``sections -> (figure, html words[, html drawing])``; an exercise's
#: picture may live in a module of its own by idea (ex07's: :mod:`.my_solutions_figures_costs`).
PICTURES = {"ex01": picture_ex01, "ex02": picture_ex02, "ex03": picture_ex03, "ex04": picture_ex04,
            "ex05": picture_ex05, "ex06": picture_ex06, "ex07": picture_ex07, "ex08": picture_ex08}


def picture(key, probe):
    """(matplotlib figure or None, HTML words, HTML drawing or "") for the probe of exercise ``key``."""
    sections, problem = probe.get("sections", {}), probe.get("problem", "")
    extra = f"<br><b>Note:</b> {_esc(problem)}" if problem else ""
    if "printed" in sections:
        extra += f"<br>Your code printed: <pre>{_esc(sections['printed']['text'][-500:])}</pre>"
    if key not in PICTURES:
        return None, (f"No picture for this exercise ({_esc(key or 'an unknown file')}): "
                      "its feedback is the whole story." + extra), ""
    if "import" in sections:
        return None, f"No picture: {_esc(sections['import']['error'])}." + extra, ""
    try:
        fig, words, *drawing = PICTURES[key](sections)
    except Exception as exc:     # numbers of an odd shape or type: say so, keep the feedback usable
        import matplotlib.pyplot as plt
        plt.close("all")
        return None, (f"The picture could not be drawn from what your code returned "
                      f"({_esc(type(exc).__name__)}: {_esc(exc)}); the feedback is complete." + extra), ""
    return fig, words + extra, (drawing[0] if drawing else "")
