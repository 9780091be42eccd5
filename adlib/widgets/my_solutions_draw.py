"""What the pictures of "explore your solutions" share: when numbers agree, figure size, notes in the axes.

Used by :mod:`adlib.widgets.my_solutions_figures` and by the modules that draw one
kind of exercise each (:mod:`adlib.widgets.my_solutions_figures_costs`).
"""
from __future__ import annotations

import html

__all__ = ["AGREE", "FLOOR", "close", "esc", "axes", "say_in_axes", "legend_below", "short"]

#: Two numbers agree when they differ by less than this, relative to the larger (or 1).
AGREE = 1e-6
FLOOR = 1e-18        # a zero error, drawn on a log axis


def close(a, b):
    return a is not None and b is not None and abs(a - b) <= AGREE * max(1.0, abs(b))


def esc(text):
    return html.escape(str(text))


def axes(ncols=1, width=6.0, height=3.8):
    """A figure of ``ncols`` axes side by side, at the 80 dpi the widget shows it."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, ncols, figsize=(width, height), dpi=80)
    return fig, ax


def say_in_axes(ax, text, x=0.5, y=0.5):
    """A note in a yellow box, placed in axes coordinates (the student's words are not parsed as math)."""
    ax.text(x, y, text, transform=ax.transAxes, ha="center", va="center", fontsize=9, parse_math=False,
            bbox=dict(boxstyle="round", facecolor="#fff3cd", edgecolor="#d4a72c"))


def short(error):
    """The student's error, short enough for a label: 'not written yet' for the stub's NotImplementedError."""
    return "not written yet" if error.startswith("NotImplementedError") else error[:48]


def legend_below(ax):
    """The legend in a strip at the bottom of the figure, under the x axis label, where it
    can cover no bar or curve."""
    fig = ax.figure
    strip = 0.3 / fig.get_figheight()            # 0.3 inch, whatever the figure's height
    fig.legend(*ax.get_legend_handles_labels(), fontsize=8, loc="lower center", ncol=3, frameon=False,
               bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, strip, 1, 1))
