"""Measuring robustly on a shared machine: best-of-N times, interleaved series, peak memory, fitted slopes.

Plain functions used by :mod:`adlib.widgets.costs` (notebook 07) and notebook 08.
A time is the shortest of several repeats (the least disturbed by other work);
series that are compared are timed in turn, round after round, so that bursts of
load touch them alike; :func:`fitted_slope` gives the exponent a log-log plot shows.
"""
from __future__ import annotations

import gc
import time
import tracemalloc

import numpy as np

__all__ = ["best_time", "best_times", "calls_per_round", "peak_memory", "fitted_slope", "counted"]


def best_time(fn, repeat=5):
    """The shortest of ``repeat`` wall-clock times (seconds) of calling ``fn()``."""
    if repeat < 1:
        raise ValueError(f"best_time: repeat must be at least 1, got {repeat!r}")
    best = np.inf
    for _ in range(int(repeat)):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def best_times(fns, repeat=5):
    """The shortest time of each of ``fns``, timed in turn round after round.

    Interleaving puts every function through the same bursts of load from other
    work on the machine, so their ratios are steadier than with separate series.
    """
    if repeat < 1:
        raise ValueError(f"best_times: repeat must be at least 1, got {repeat!r}")
    best = [np.inf] * len(fns)
    for _ in range(int(repeat)):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def calls_per_round(fn, min_seconds):
    """How many calls of ``fn()`` last about ``min_seconds`` (at least 1), from one timed call:
    a round that long makes a clock tick or one interruption hardly matter."""
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(min_seconds / once))


def peak_memory(fn):
    """Peak bytes allocated while ``fn()`` runs (Python objects and numpy buffers), by tracemalloc."""
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peak - base


def fitted_slope(sizes, costs_):
    """The exponent p of the least-squares fit cost ~ C * size**p: the slope of the log-log plot."""
    sizes, costs_ = np.asarray(sizes, dtype=float), np.asarray(costs_, dtype=float)
    if (sizes.shape != costs_.shape or sizes.ndim != 1 or sizes.size < 2
            or not np.all(np.isfinite(sizes) & np.isfinite(costs_)) or np.any(sizes <= 0) or np.any(costs_ <= 0)):
        raise ValueError("fitted_slope: needs at least two positive, finite sizes and as many positive, finite costs, "
                         f"got {sizes.size} sizes and {costs_.size} costs")
    return float(np.polyfit(np.log(sizes), np.log(costs_), 1)[0])


def counted(f):
    """f, wrapped to count its calls: ``g = counted(f); ...; g.calls``."""
    def g(*args, **kwargs):
        g.calls += 1
        return f(*args, **kwargs)
    g.calls = 0
    return g
