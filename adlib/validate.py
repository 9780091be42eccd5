"""Checking input, once: the shared helpers every public function calls on what it is given.

Each helper either returns the value in the form the caller needs or raises a
``TypeError`` (the wrong kind of thing) or ``ValueError`` (the right kind, a wrong
value) whose message names the function, the operand and what was expected, in a
student's words::

    real_number(True, "Value(data)")   ->  TypeError: Value(data): expected a real number, got a bool (True)
    real_number(10**400, "Value(data)") -> ValueError: Value(data): the int 10**400 ... is too large for a float

Conventions (one place, so every function refuses the same things the same way):

* ``None``, ``str``, ``bytes``, generators, sets and dicts are never numbers;
* a ``bool`` is not a number where a number is meant (``True + 1`` is rarely what a
  student meant); boolean *arrays* are masks and are accepted where a mask is meant;
* complex numbers are refused where reals are meant; elementwise functions accept them
  only for the complex step (see :mod:`adlib.rules`);
* a Python int beyond float range is a ``ValueError`` (too large), never an ``OverflowError``;
* tolerances, steps and learning rates must be finite;
* sizes (neurons, layers, samples) are positive ints of at most ``MAX_SIZE``.

This module is at the ground layer: it imports nothing from adlib.
"""
from __future__ import annotations

import numbers
import types

import numpy as np

__all__ = ["MAX_SIZE", "describe", "real_number", "finite_number", "size", "array_operand", "function",
           "choice", "axis", "shape", "real_array", "differentiable", "argnum_kinds", "argnums", "refuse_complex", "IndexOutOfRange"]

MAX_SIZE = 10 ** 6     # the most neurons per layer, inputs per neuron or samples adlib will build
_FLOAT_MAX = float(np.finfo(np.float64).max)


def describe(x) -> str:
    """x's kind in a student's words: 'None', "a str ('abc')", 'an array of shape (3,) (int64)' ..."""
    if x is None:
        return "None"
    if isinstance(x, bool):
        return f"a bool ({x!r})"
    if isinstance(x, int) and not _fits_float(x):
        return f"an int with {len(str(abs(x)))} digits"
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype} (shape {x.shape})"
    if isinstance(x, (types.GeneratorType, map, filter, zip)) or _is_iterator(x):
        return f"a {type(x).__name__} (an iterator: make a list or an array of it first)"
    if isinstance(x, (list, tuple, set, frozenset, dict)):
        return f"a {type(x).__name__} of length {len(x)}"
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    name = type(x).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name} ({text})"


def _fits_float(n: int) -> bool:
    return -_FLOAT_MAX <= n <= _FLOAT_MAX


def _too_large(x, what, operand):
    return ValueError(f"{what}: {operand} is {describe(x)}, too large for a float (the largest is about 1.8e308)")


def real_number(x, what, operand="the argument"):
    """x as a Python float: a real number (int, float, numpy scalar, 0-d real array, Fraction ...)."""
    cls = type(x)
    if cls is float:
        return x
    if cls is int:
        if not _fits_float(x):
            raise _too_large(x, what, operand)
        return float(x)
    if isinstance(x, (bool, np.bool_)) or x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{what}: {operand} must be a real number, got {describe(x)}")
    if isinstance(x, np.ndarray):
        if x.ndim != 0:
            raise TypeError(f"{what}: {operand} must be a single real number, got {describe(x)}")
        x = x[()]
    if isinstance(x, (complex, np.complexfloating)) or (isinstance(x, numbers.Complex)
                                                         and not isinstance(x, numbers.Real)):
        raise TypeError(f"{what}: {operand} must be a real number, got a complex number ({x!r})")
    if isinstance(x, (numbers.Real, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)):
        if isinstance(x, numbers.Integral) and not _fits_float(int(x)):
            raise _too_large(x, what, operand)
        try:
            return float(x)
        except OverflowError:
            raise _too_large(x, what, operand) from None
    raise TypeError(f"{what}: {operand} must be a real number, got {describe(x)}")


def finite_number(x, what, operand, *, positive=False, nonnegative=False):
    """A real number that is finite (a tolerance, a step, a learning rate), optionally > 0 or >= 0."""
    v = real_number(x, what, operand)
    if positive and not (v > 0 and np.isfinite(v)):
        raise ValueError(f"{what}: {operand} must be positive and finite, got {v}")
    if not np.isfinite(v):
        raise ValueError(f"{what}: {operand} must be a finite number, got {v}")
    if nonnegative and not v >= 0:
        raise ValueError(f"{what}: {operand} must be >= 0, got {v}")
    return v


def size(n, what, operand, *, limit=MAX_SIZE, minimum=1):
    """A count (neurons, inputs, samples): an int from ``minimum`` to ``limit``, refused before allocating."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (numbers.Integral, np.integer)):
        raise TypeError(f"{what}: {operand} must be a positive integer, got {describe(n)}")
    n = int(n)
    if n < minimum:
        raise ValueError(f"{what}: {operand} must be at least {minimum}, got {n}")
    if n > limit:
        raise ValueError(f"{what}: {operand} is {n if n < 10 ** 20 else describe(n)}, more than adlib builds "
                         f"(at most {limit})")
    return n


_NUMERIC_KINDS = "biufc"     # numpy dtype kinds that hold numbers (b: a boolean mask)


def array_operand(x, what, operand, *, mask=False, optional=False):
    """An operand of an adlib.numpy function evaluated on plain values: a number or an array of numbers.

    Returned unchanged (numpy does the conversion; an empty tuple is numpy's empty array), or
    refused.  ``mask``: bools are welcome and complex numbers are not (the condition of where);
    otherwise a Python bool is refused as a number.  ``optional``: None passes (clip's "no bound").
    """
    cls = type(x)
    if cls is np.ndarray:
        if x.dtype.kind not in _NUMERIC_KINDS or (mask and x.dtype.kind == "c"):
            raise TypeError(f"{what}: {operand} must hold {'truth values' if mask else 'numbers'}, got {describe(x)}")
        return x
    if x is None and optional:
        return x
    if optional and isinstance(x, (complex, np.complexfloating)):     # a bound: an order needs reals
        raise TypeError(f"{what}: {operand} must be real, got {describe(x)}")
    if mask and isinstance(x, (complex, np.complexfloating)):
        raise TypeError(f"{what}: {operand} must be a truth value or a mask, got {describe(x)}")
    if cls is float or hasattr(cls, "_unwrap"):     # a traced value (Dual, traced array) checks itself
        return x
    if cls is int:
        if not _fits_float(x):
            raise _too_large(x, what, operand)
        return x
    if cls is bool or cls is np.bool_:
        if mask:
            return x
        raise TypeError(f"{what}: {operand} must be a number or an array, got {describe(x)}")
    if isinstance(x, np.generic):
        if x.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"{what}: {operand} must be a number or an array, got {describe(x)}")
        return x
    if isinstance(x, (list, tuple)):
        try:
            arr = np.asarray(x)
        except (ValueError, OverflowError):
            raise TypeError(f"{what}: {operand} is {describe(x)} that is not a rectangular array of numbers") from None
        if arr.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"{what}: {operand} is {describe(x)} that does not hold only numbers "
                            f"(numpy reads it as dtype {arr.dtype})")
        return x
    if isinstance(x, numbers.Number):
        return x
    raise TypeError(f"{what}: {operand} must be a number or an array of numbers, got {describe(x)}")


def axis(ax, what, *, optional=False, operand="axis"):
    """An axis argument: an int or a tuple of ints (None too when ``optional``)."""
    if ax is None and optional:
        return ax
    items = ax if isinstance(ax, tuple) else (ax,)
    for a in items:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{what}: {operand} must be an int{' or None' if optional else ''} or a tuple of "
                            f"ints, got {describe(ax)}")
        if not -2 ** 31 < a < 2 ** 31:
            raise ValueError(f"{what}: {operand} {describe(a) if abs(a) > 10 ** 20 else a} is out of range")
    return ax


def shape(s, what, operand="shape"):
    """A shape argument: an int or a tuple of ints."""
    if isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)):
        return s
    if isinstance(s, (tuple, list)) and all(isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_))
                                            for n in s):
        return s
    raise TypeError(f"{what}: {operand} must be an int or a tuple of ints, got {describe(s)}")


def function(f, what, operand="f"):
    """A function to call (f of grad(f), of central_difference(f, x) ...)."""
    if not callable(f):
        raise TypeError(f"{what}: {operand} must be a function, got {describe(f)}")
    return f


def choice(value, choices, what, operand):
    """One of a few strings (a method, a mode, a format)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{what}: unknown {operand} {value!r:.40}; choose one of {', '.join(map(repr, choices))}")
    return value


def real_array(x, what, operand="x", *, allow_empty=False):
    """x as a new float64 array: a real number or an array (or nested list) of real numbers."""
    if isinstance(x, (bool, np.bool_)) or x is None or isinstance(x, (str, bytes, dict, set, frozenset)) \
            or _is_iterator(x) or callable(x):
        raise TypeError(f"{what}: {operand} must be a number or an array of real numbers, got {describe(x)}")
    if isinstance(x, int) and not _fits_float(x):
        raise _too_large(x, what, operand)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):
        raise TypeError(f"{what}: {operand} must be a number or a rectangular array of real numbers, "
                        f"got {describe(x)}") from None
    if arr.dtype.kind == "c":
        raise TypeError(f"{what}: {operand} must be real, got {describe(x)}")
    try:
        arr = np.array(arr, dtype=np.float64)
    except OverflowError:
        raise ValueError(f"{what}: {operand} holds an int too large for a float") from None
    except (TypeError, ValueError):
        raise TypeError(f"{what}: {operand} must be a number or an array of real numbers, got {describe(x)}") from None
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{what}: {operand} is empty (shape {arr.shape}); there is nothing to differentiate")
    return arr


def _is_iterator(x):
    return hasattr(x, "__next__") and hasattr(x, "__iter__")


class IndexOutOfRange(IndexError, ValueError):
    """An index that does not fit an array: an IndexError (as numpy's) that is also a ValueError."""


def refuse_complex(x, what, operand="x"):
    """A function defined for real input only: a complex array or number gets a TypeError."""
    if np.iscomplexobj(x):
        raise TypeError(f"{what}: {operand} is complex ({describe(x)}); {what} is defined here for real "
                        "input only (numpy's complex version is not the analytic one the complex step needs)")
    return x


def differentiable(x, what, operand=None):
    """An input to differentiate: a real float or a real float array (integers, complex and the rest refused)."""
    if operand is None:      # ``what`` names the operand already ("grad: argument 0")
        what, operand = what.rsplit(": ", 1) if ": " in what else (what, "the input")
    if isinstance(x, (bool, np.bool_)) or x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{what}: {operand} is {describe(x)}; it must be a float or a float array")
    if isinstance(x, (list, tuple)):
        raise TypeError(f"{what}: {operand} is {describe(x)}; convert it with numpy.asarray(..., dtype=float) first")
    if isinstance(x, (np.ndarray, np.generic)):
        if np.issubdtype(x.dtype, np.complexfloating):
            raise TypeError(f"{what}: {operand} is complex ({describe(x)}); adlib differentiates real "
                            "functions of real inputs (pass the real and imaginary parts as two real arrays)")
        if not np.issubdtype(x.dtype, np.floating):
            raise TypeError(f"{what}: {operand} is {describe(x)}; gradients need floats: pass x.astype(float)")
        return x
    if isinstance(x, int):
        if not _fits_float(x):
            raise _too_large(x, what, operand)
        raise TypeError(f"{what}: {operand} is the int {x}; gradients need floats: pass {float(x)!r}")
    if isinstance(x, complex):
        raise TypeError(f"{what}: {operand} is the complex number {x!r}; adlib differentiates real functions "
                        "of real inputs")
    if isinstance(x, numbers.Real):
        return x
    raise TypeError(f"{what}: {operand} is {describe(x)}; it must be a float or a float array")


def argnum_kinds(argnum, what):
    """(whether a tuple was given, the positions): ints, checked before the function is ever called."""
    many = isinstance(argnum, (tuple, list))
    nums = tuple(argnum) if many else (argnum,)
    if many and not nums:
        raise ValueError(f"{what}: argnum is an empty {type(argnum).__name__}; give at least one position")
    for a in nums:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{what}: argnum must be an int or a tuple of ints, got {describe(a)}")
    return many, nums


def argnums(argnum, nargs, what, kwargs=None):
    """``argnum`` (an int or a tuple of ints) checked against ``nargs`` positional arguments.

    Returns (positions normalised to 0..nargs-1, whether a tuple was given).
    """
    many, nums = argnum_kinds(argnum, what)
    for a in nums:
        if not -nargs <= a < nargs:
            hint = (f" (keyword arguments {', '.join(sorted(kwargs))} are held fixed: pass the ones to "
                    "differentiate by position)" if kwargs else "")
            raise ValueError(f"{what}: argnum {a} is out of range: the function was called with {nargs} "
                             f"positional argument{'s' if nargs != 1 else ''}{hint}")
    return tuple(int(a) % nargs for a in nums), many
