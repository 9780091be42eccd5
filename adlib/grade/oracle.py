"""Expected values for the checks, computed by the public adlib in the grader's process.

The checks hold no hand-written answer to an exercise: what a student's function
should return is what adlib's own forward mode (``Dual``), scalar reverse mode
(``Value``), array reverse mode (``adlib.vjp``/``adlib.grad``) or finite
differences give for the same computation.  adlib ships with the course, so this
gives nothing away; and it runs here, in the trusted grader, never in the
student's process (where adlib is not available at all).
"""
from __future__ import annotations

import numpy as np

import adlib

__all__ = ["vjp", "dual", "value_grads", "grad"]


def _array(x):
    return np.asarray(x, dtype=float)


def vjp(f, primals, g):
    """The cotangents of ``f``'s inputs for the upstream gradient ``g`` (adlib.vjp), as float arrays."""
    _, back = adlib.vjp(f, *[_array(p) for p in primals])
    return tuple(_array(c) for c in back(_array(g)))


def grad(f, primals):
    """The gradients of scalar-valued ``f`` with respect to every input (adlib.grad)."""
    out = adlib.grad(f, argnum=tuple(range(len(primals))))(*[_array(p) for p in primals])
    return tuple(_array(c) for c in out)


def dual(result):
    """(real, dual) of an adlib.Dual (or of a plain number, with dual part 0)."""
    if isinstance(result, adlib.Dual):
        return float(result.real), float(result.dual)
    return float(result), 0.0


def value_grads(build, *inputs, upstream=1.0):
    """[x.grad for each input] after ``(build(*Values) * upstream).backward()`` with adlib.Value."""
    values = [adlib.Value(float(x)) for x in inputs]
    (build(*values) * float(upstream)).backward()
    return [float(v.grad) for v in values]
