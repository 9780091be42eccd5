"""Comparisons for the graded tests that explain a failure in a student's terms.

``close(got, want, what, mistakes=...)`` passes when the student's result
matches the reference.  Otherwise it fails with a :class:`Mistake` that shows
both values and, when the result matches a known wrong variant (twice the
answer, the sign flipped, ...), names that mistake.
"""
from __future__ import annotations

import numpy as np

from .sandbox import Opaque

__all__ = ["Mistake", "close", "fmt", "as_array", "matches"]


class Mistake(AssertionError):
    """A wrong answer, explained."""


def fmt(x):
    """A short, readable rendering of a number or an array."""
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=4, suppress=False, threshold=12, edgeitems=3, linewidth=100):
            text = np.array2string(x, separator=", ")
        return f"{text} (shape {x.shape})" if x.ndim > 1 else text
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, Opaque):
        return f"a {x.type_name} ({x.text[:60]})"
    return repr(x)[:200]


def as_array(x, what):
    """The student's result as a float array, or a Mistake saying what it was instead."""
    if isinstance(x, Opaque):
        raise Mistake(f"{what} returned a {x.type_name} ({x.text[:80]}); expected numbers")
    if x is None:
        raise Mistake(f"{what} returned None; did you forget a `return`?")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError, OverflowError):   # OverflowError: an int beyond any float (10 ** 400)
        raise Mistake(f"{what} returned {fmt(x)}; expected numbers") from None
    return arr


def matches(got, want, rtol=1e-6, atol=1e-9):
    """True when got and want have the same shape and values (nan where nan)."""
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True))


def close(got, want, what, rtol=1e-6, atol=1e-9, mistakes=(), shape_hint=None):
    """Check the student's ``got`` against ``want``; explain a mismatch.

    ``mistakes`` is a list of ``(wrong_value, explanation)``: when ``got``
    equals a wrong variant, the explanation is named in the feedback.
    """
    arr = as_array(got, what)
    want = np.asarray(want, dtype=float)
    if arr.shape != want.shape:
        if arr.size == 1 and want.size == 1:
            arr = arr.reshape(want.shape)
        else:
            hint = ""
            for wrong, explanation in mistakes:
                if wrong is not None and np.shape(wrong) == arr.shape and matches(arr, wrong, rtol, atol):
                    hint = f" It looks like {explanation}."
                    break
            else:
                if shape_hint:
                    hint = f" {shape_hint}"
            raise Mistake(f"{what} has shape {arr.shape}, expected shape {want.shape}.{hint}")
    if matches(arr, want, rtol, atol):
        return
    text = f"{what} is {fmt(arr if arr.ndim else float(arr))}, expected {fmt(want if want.ndim else float(want))}."
    for wrong, explanation in mistakes:
        if wrong is None:
            continue
        if np.shape(wrong) == arr.shape and matches(arr, wrong, rtol, atol):
            text += f" It looks like {explanation}."
            break
    raise Mistake(text)
