"""The picture of the cost exercise (ex07): what the student's code counts and costs, against adlib.

Left, two panels: the calls the student's ``jacobian_by_jvps`` (JVPs) and
``jacobian_by_vjps`` (recordings of f, VJPs) made on the probe's maps f: R^n -> R^m,
as n grows with m = 3 and as m grows with n = 3, as markers on adlib's own counted
passes (thick pale lines); a filled marker is a Jacobian with adlib's values, a
hollow red one a wrong Jacobian.  Right: the student's ``chain_cost`` (narrow bars)
inside :func:`adlib.widgets.costs.chain_cost` (wide bars) for both groupings of a
few chains, and ``cheaper_mode`` against :func:`adlib.widgets.mode_cost.predicted_winner`
as a small table.  The numbers come from :mod:`adlib.widgets.my_solutions_probe_costs`.
"""
from __future__ import annotations

import numpy as np

from .my_solutions_draw import AGREE, esc, say_in_axes, short
from .my_solutions_probe_costs import (EX07_CHAINS, EX07_FIXED, EX07_GRID, EX07_JACOBIANS, EX07_MODE_CASES,
                                       section_name)
from .my_solutions_reference import reference_ex07

__all__ = ["jacobian_verdicts", "picture_ex07"]

RED, GREEN = "#cf222e", "#1a7f37"
#: What is counted, which function of the student's makes the calls, colour, and how adlib's count reads.
SERIES = (("jvp", "jacobian_by_jvps", "C0", "JVPs", "n JVPs"),
          ("vjp", "jacobian_by_vjps", "C2", "recordings of f", "1 recording"),
          ("back", "jacobian_by_vjps", "C1", "VJPs", "m VJPs"))
_OFFSET = {"jvp": -0.18, "vjp": 0.18, "back": 0.0}     # side by side where two counts are equal
_TALLEST = 1e12       # a bar of the student's drawn no taller (its number is still written above it)
_KEYS = {"forward": ("jvp",), "reverse": ("vjp", "back")}  # the counts each mode's function makes
_WHY = {"jvp": "makes {} JVPs, one per input", "vjp": "calls vjp {} time: f is recorded once",
        "back": "makes {} VJPs, one per output"}


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value) \
        else None


def _listed(value, size, clean):
    """``value`` as a list of ``size`` items, each passed through ``clean`` (a probe's odd data does not break it)."""
    value = list(value) if isinstance(value, (list, tuple)) else []
    return [clean(v) for v in (value + [None] * size)[:size]]


def _tidy(sections):
    """The cheaper_mode and chain_cost sections with lists of the expected lengths, of numbers, words or None."""
    modes, chains = sections.get("cheaper_mode") or {}, sections.get("chain_cost") or {}
    word = lambda v: v if isinstance(v, str) else None      # noqa: E731
    k = len(EX07_MODE_CASES)
    modes = {"answers": _listed(modes.get("answers"), k, word), "errors": _listed(modes.get("errors"), k, word),
             "finished": "cheaper_mode" in sections}
    errors = chains.get("errors") if isinstance(chains.get("errors"), dict) else {}
    k = len(EX07_CHAINS)
    chains = {g: _listed(chains.get(g), k, _number) for g in ("forward", "reverse")}
    chains["errors"] = {g: _listed(errors.get(g), k, word) for g in ("forward", "reverse")}
    chains["finished"] = "chain_cost" in sections
    return modes, chains


def jacobian_verdicts(sections, ref):
    """{(function, n, m): {"error", "ok", "diff", "shape", counts...}} for every size the probe finished.

    ``ok`` is True when the student's Jacobian has adlib's shape and values (to :data:`AGREE`);
    ``diff`` is the largest |yours - adlib's| when the shapes match, else None.
    """
    verdicts = {}
    for function in EX07_JACOBIANS:
        for n, m in EX07_GRID:
            got = sections.get(section_name(function, n, m))
            if not got:
                continue
            item = {k: _number(got.get(k)) for k in ("jvp", "vjp", "back", "elsewhere")}
            odd = None in item.values()
            item.update(error=got.get("error") and str(got["error"]), ok=False, diff=None, shape=None)
            if odd and not item["error"]:
                item["error"] = "the probe sent counts that are not numbers"
            if not item["error"]:
                want = ref["sizes"][(n, m)]["J"]
                try:
                    J = np.asarray(got.get("J"), dtype=float)
                except (TypeError, ValueError):
                    J = np.asarray(np.nan)
                item["shape"] = J.shape
                if J.shape == want.shape:
                    item["diff"] = float(np.max(np.abs(J - want)))
                    item["ok"] = bool(item["diff"] <= AGREE * max(1.0, float(np.max(np.abs(want)))))
            verdicts[(function, n, m)] = item
    return verdicts


def _counts_panel(ax, vary, verdicts, ref):
    """Calls against the growing size ``vary`` ("n" or "m"), the other held at EX07_FIXED."""
    sizes = [(n, m) for n, m in EX07_GRID if (m if vary == "n" else n) == EX07_FIXED]
    xs = [n if vary == "n" else m for n, m in sizes]
    top = 0
    for key, function, colour, _, reads in SERIES:
        counts = [ref["sizes"][s][key] for s in sizes]
        ax.plot(xs, counts, color=colour, lw=6, alpha=0.3, solid_capstyle="butt")
        ax.text(xs[-1] + 0.7, counts[-1], reads, color=colour, fontsize=8, va="center")
        top = max(top, *counts)
        for x, (n, m) in zip(xs, sizes):
            v = verdicts.get((function, n, m))
            if v is None or v["error"] or not isinstance(v[key], (int, float)):
                continue
            style = dict(color=colour) if v["ok"] else dict(mfc="white", mec=RED, mew=1.8)
            ax.plot(x + _OFFSET[key], v[key], "o", ms=6.5, label=f"_yours {key}", **style)
            if v[key] != ref["sizes"][(n, m)][key]:      # a count off adlib's: a red stalk from adlib's to yours
                ax.plot([x + _OFFSET[key]] * 2, [ref["sizes"][(n, m)][key], v[key]], color=RED, lw=1.2, zorder=1)
            top = max(top, v[key])
    ax.set_xlim(0.3, xs[-1] + 3.2)
    ax.set_ylim(0, 1.55 * top + 0.5)
    ax.set_xticks(xs)
    held = "m" if vary == "n" else "n"
    ax.set_xlabel(f"{vary}: {'inputs' if vary == 'n' else 'outputs'} of f  ({held} = {EX07_FIXED})", fontsize=9)
    ax.set_ylabel("calls", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.set_title(f"Your calls as {vary} grows", fontsize=10)
    notes = []
    for function, mode in EX07_JACOBIANS.items():
        mine = {s: verdicts.get((function, *s)) for s in sizes}
        errors = [v["error"] for v in mine.values() if v and v["error"]]
        done = {s: v for s, v in mine.items() if v and not v["error"]}
        if errors:
            notes.append((f"{function}: {short(errors[0])}", "#9a6700"))
        for key, _, _, what, _ in SERIES:
            off = [(s, v[key]) for s, v in done.items() if key in _KEYS[mode] and v[key] != ref["sizes"][s][key]]
            if off:
                (n, m), count = off[-1]
                notes.append((f"{function}: {count:g} {what.split()[0]}, adlib {ref['sizes'][(n, m)][key]}", RED))
        wrong = [v for v in done.values() if not v["ok"]]
        if wrong:
            diffs = [v["diff"] for v in wrong if v["diff"] is not None]
            how = f"off by up to {max(diffs):.2g}" if diffs else f"shape {wrong[0]['shape']}"
            notes.append((f"{function}: wrong J, {how}", RED))
    for k, (text, colour) in enumerate(notes):
        ax.text(0.03, 0.95 - 0.09 * k, text, transform=ax.transAxes, fontsize=8, color=colour, va="top",
                parse_math=False)


def _chain_panel(ax, found, ref):
    """Grouped bars: for each chain, adlib's forward and reverse cost (wide, pale) and the student's (narrow)."""
    colours = {"forward": "C0", "reverse": "C1"}
    top = max(max(v) for v in ref["chains"].values())
    for i in range(len(EX07_CHAINS)):
        for j, grouping in enumerate(colours):
            x, want = 3 * i + j, ref["chains"][grouping][i]
            ax.bar(x, want, width=0.85, color=colours[grouping], alpha=0.3)
            mine = found[grouping][i]
            if mine is not None and mine > 0:
                ax.bar(x, min(mine, _TALLEST), width=0.35, color=colours[grouping], linewidth=0 if mine == want else 2,
                       edgecolor="none" if mine == want else RED, label=f"_yours {grouping}")
                top = max(top, min(mine, _TALLEST))
            y = min(max(want, mine or 0), _TALLEST) * 1.2
            ax.text(x, y, f"{want:g}", ha="center", va="bottom", fontsize=7.5, color="0.35")
            if mine is not None and mine != want:
                ax.text(x, y * 2.4, f"{mine:g}", ha="center", va="bottom", fontsize=7.5, color=RED, weight="bold")
    ax.set_yscale("log")
    ax.set_ylim(1, top * 300)
    ax.set_xlim(-0.8, 3 * len(EX07_CHAINS) - 1.2)
    ax.set_xticks([3 * i + 0.5 for i in range(len(EX07_CHAINS))])
    ax.set_xticklabels(["→".join(map(str, d)) for d in EX07_CHAINS], fontsize=8)
    ax.set_xlabel("the chain's sizes d₀ → d₁ → … (notebook 07's first)", fontsize=9)
    ax.set_ylabel("multiply-adds", fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title("Your chain_cost (narrow; red: yours, grey: adlib's)", fontsize=10)
    for grouping, colour in colours.items():
        ax.bar([0], [0], color=colour, alpha=0.5, label=grouping)
    ax.legend(fontsize=8, loc="upper left", ncol=2, frameon=False, title="grouping", title_fontsize=8)
    errors = [e for g in colours for e in found["errors"][g] if e] or ([] if found["finished"] else ["did not finish"])
    if errors:
        say_in_axes(ax, f"chain_cost: {short(errors[0])}", x=0.5, y=0.68)


def _mode_table(ax, got, ref):
    """cheaper_mode's answers as a table: n, m, yours, adlib's; a wrong or missing answer in red."""
    ax.axis("off")
    ax.set_title("Your cheaper_mode(n, m)", fontsize=10)
    xs = (0.06, 0.22, 0.4, 0.8)
    for x, head in zip(xs, ("n", "m", "yours", "adlib")):
        ax.text(x, 0.92, head, fontsize=9, weight="bold", transform=ax.transAxes)
    answers = got["answers"]
    for k, ((n, m), want) in enumerate(zip(EX07_MODE_CASES, ref["modes"])):
        y = 0.78 - 0.15 * k
        mine = answers[k]
        said = f"✓ {mine}" if mine == want else f"✗ {mine}"[:14] if mine is not None else "✗ —"
        for x, text, c in zip(xs, (n, m, said, want), ("black", "black", GREEN if mine == want else RED, "0.3")):
            ax.text(x, y, str(text), fontsize=9, color=c, transform=ax.transAxes, parse_math=False)
    missing = [e for e in got["errors"] if e] or ([] if got["finished"] else ["did not finish"])
    if missing:
        ax.text(0.06, 0.0, f"cheaper_mode: {short(missing[0])}", fontsize=8.5, color="#9a6700",
                transform=ax.transAxes, parse_math=False)


def _not_written(error):
    return "is not written yet (it raises NotImplementedError)" if error.startswith("NotImplementedError") \
        else f"raised {esc(error)}"


def _jacobian_words(verdicts, ref):
    """Per Jacobian builder: its error, its counts where they differ from adlib's, and its values."""
    words = []
    for function, mode in EX07_JACOBIANS.items():
        mine = {(n, m): v for (f, n, m), v in verdicts.items() if f == function}
        done = {s: v for s, v in mine.items() if not v["error"]}
        said = []
        errors = [(s, v["error"]) for s, v in mine.items() if v["error"]]
        if not mine:
            said.append("did not finish")
        elif errors:
            (n, m), error = errors[0]
            said.append(_not_written(error) + ("" if len(errors) == len(mine) else f" for n = {n}, m = {m}"))
        off = [(s, k) for s, v in done.items() for k in _KEYS[mode] if v[k] != ref["sizes"][s][k]]
        if off:
            (n, m), key = max(off, key=lambda o: ref["sizes"][o[0]][o[1]])
            said.append(f"called {key} {done[(n, m)][key]:g} times for n = {n}, m = {m}, where adlib "
                        f"{_WHY[key].format(ref['sizes'][(n, m)][key])}; your count differs at "
                        f"{len({s for s, _ in off})} of {len(done)} sizes")
        away = sum(v["elsewhere"] or 0 for v in done.values())
        if away:
            said.append(f"made {away:g} of its calls at a point other than x")
        wrong = {s: v for s, v in done.items() if not v["ok"]}
        diffs = {s: v["diff"] for s, v in wrong.items() if v["diff"] is not None}
        if diffs:
            (n, m) = max(diffs, key=diffs.get)
            said.append(f"builds a wrong Jacobian at {len(wrong)} of {len(done)} sizes (hollow red markers): "
                        f"the largest |yours − adlib's| is {diffs[(n, m)]:.2g}, at n = {n}, m = {m}")
        elif wrong:
            (n, m), v = next(iter(wrong.items()))
            said.append(f"builds a wrong Jacobian at {len(wrong)} of {len(done)} sizes (hollow red markers): "
                        f"for n = {n}, m = {m} its shape is {v['shape']}, adlib's ({m}, {n})")
        if done and not said:
            said.append("makes adlib's number of calls and builds adlib's Jacobian at every size")
        words.append(f"Your {function} " + "; it ".join(said) + ".")
    return words


def _cost_words(modes, chains, ref):
    """cheaper_mode's answers and chain_cost's counts against adlib's, in words."""
    words, want = [], ref["chains"]
    errors = [e for e in modes["errors"] if e]
    if errors or not modes["finished"]:
        words.append(f"Your cheaper_mode {_not_written(errors[0]) if errors else 'did not finish'}.")
    else:
        off = [(c, a, w) for c, a, w in zip(EX07_MODE_CASES, modes["answers"], ref["modes"]) if a != w]
        words.append("Your cheaper_mode agrees with adlib on every (n, m) of the table." if not off else
                     "Your cheaper_mode says " + "; ".join(f"'{esc(a)}' for (n, m) = {c}, where adlib says '{w}'"
                                                          for c, a, w in off[:3])
                     + (f"; and differs at {len(off) - 3} more" if len(off) > 3 else "") + ".")
    errors = [e for g in ("forward", "reverse") for e in chains["errors"][g] if e]
    mine = {g: chains[g] for g in ("forward", "reverse")}
    off = [(d, g, mine[g][i], want[g][i]) for i, d in enumerate(EX07_CHAINS) for g in mine
           if mine[g][i] != want[g][i]]
    if errors or not chains["finished"]:
        words.append(f"Your chain_cost {_not_written(errors[0]) if errors else 'did not finish'}.")
    elif not off:
        words.append("Your chain_cost gives adlib's count for both groupings of every chain.")
    elif mine["forward"] == want["reverse"] and mine["reverse"] == want["forward"]:
        words.append(f"Your chain_cost has the two groupings swapped: for {list(EX07_CHAINS[0])} it says "
                     f"{mine['forward'][0]:g} forward and {mine['reverse'][0]:g} reverse, adlib "
                     f"{want['forward'][0]:g} and {want['reverse'][0]:g}. Forward multiplies from the "
                     "input end, carrying d₀ columns along; reverse from the output end.")
    else:
        words.append("Your chain_cost differs from adlib's: " + "; ".join(
            f"for {list(d)} {g}, yours {'—' if y is None else format(y, 'g')}, adlib's {w:g}"
            for d, g, y, w in off[:3]) + (f"; and {len(off) - 3} more" if len(off) > 3 else "") + ".")
    return words


def picture_ex07(sections):
    import matplotlib.pyplot as plt
    ref = reference_ex07()
    verdicts = jacobian_verdicts(sections, ref)
    fig = plt.figure(figsize=(7.2, 6.6), dpi=80)
    grid = fig.add_gridspec(2, 1, hspace=0.62)
    top = grid[0].subgridspec(1, 2, wspace=0.3)
    low = grid[1].subgridspec(1, 2, width_ratios=[1.55, 1], wspace=0.05)
    ax_n, ax_m = fig.add_subplot(top[0]), fig.add_subplot(top[1])
    _counts_panel(ax_n, "n", verdicts, ref)
    _counts_panel(ax_m, "m", verdicts, ref)
    ax_m.set_ylabel("")
    handles = [plt.Line2D([], [], ls="none", marker="o", color="0.35", ms=6.5),
               plt.Line2D([], [], ls="none", marker="o", mfc="white", mec=RED, mew=1.8, ms=6.5),
               plt.Line2D([], [], color="0.35", lw=6, alpha=0.3)]
    ax_n.legend(handles, ["yours, right Jacobian", "yours, wrong Jacobian", "adlib's passes, counted"],
                fontsize=8, loc="upper center", bbox_to_anchor=(1.1, -0.2), ncol=3, frameon=False,
                handletextpad=0.4, columnspacing=2.0)
    if not verdicts:
        say_in_axes(ax_n, "your Jacobians did not finish", y=0.8)
    modes, chains = _tidy(sections)
    _chain_panel(fig.add_subplot(low[0]), chains, ref)
    _mode_table(fig.add_subplot(low[1]), modes, ref)
    return fig, " ".join(_jacobian_words(verdicts, ref) + _cost_words(modes, chains, ref))
