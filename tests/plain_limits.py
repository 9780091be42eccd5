"""Notebook 09's four cases (kink, branch, loop, where) in plain Python floats: the oracle the
limits-widget tests (unit and browser) compare the widget against, independent of adlib.

``case`` is the case's name as the widget's dropdown shows it ("kink: ...", "branch: ...",
"where: ...", anything else is the Newton loop); ``p`` is the case's parameter (c, or the loop's tol)."""
import math


def plain(case, x, p, max_steps=60):
    """The value of each case at x."""
    if case.startswith("kink"):
        return max(x - p, 0.0)
    if case.startswith("branch"):
        return x if x < p else x * x
    if case.startswith("where"):
        return math.sqrt(x - p) if x > p else 0.0
    if x < 0:
        return math.nan
    y, k = 1.0, 0
    while abs(y * y - x) > p and k < max_steps:
        y, k = 0.5 * (y + x / y), k + 1
    return y


def path_slope(case, x, p, where_below=0.0, max_steps=60):
    """The analytic slope of the path the program takes at x (for the loop: of the k-step Newton
    iterate; at a kink, adlib's convention 0).  ``where_below`` is the where trap's slope for
    x <= c: 0 in forward mode and for the double where, NaN in reverse mode."""
    if case.startswith("kink"):
        return 1.0 if x > p else 0.0
    if case.startswith("branch"):
        return 1.0 if x < p else 2.0 * x
    if case.startswith("where"):
        return 0.5 / math.sqrt(x - p) if x > p else where_below
    y, dy, k = 1.0, 0.0, 0
    while abs(y * y - x) > p and k < max_steps:
        y, dy, k = 0.5 * (y + x / y), 0.5 * (dy + 1.0 / y - x * dy / (y * y)), k + 1
    return dy


def central(case, x, p, h, max_steps=60):
    """The central difference of :func:`plain` with step h."""
    return (plain(case, x + h, p, max_steps) - plain(case, x - h, p, max_steps)) / (2 * h)
