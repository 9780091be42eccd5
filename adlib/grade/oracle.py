"""Expected values for the checks, computed by the public adlib in the grader's process.

The checks hold no hand-written answer to an exercise: what a student's function
should return is what adlib's own forward mode (``Dual``), scalar reverse mode
(``Value``), array reverse mode (``adlib.vjp``/``adlib.grad``/``adlib.jacobian``),
finite differences or notebook 07's counts of passes and multiply-adds
(``adlib.widgets.mode_cost``, ``adlib.widgets.costs``) give for the same computation.  adlib ships with the course, so this
gives nothing away; and it runs here, in the trusted grader, never in the
student's process (where adlib is not available at all).
"""
from __future__ import annotations

import numpy as np

import adlib

__all__ = ["vjp", "dual", "value_grads", "grad", "jacobian", "chain_cost", "cheaper_mode"]


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


def jacobian(f, x):
    """The (m, n) Jacobian of ``f`` at the vector ``x`` (adlib.jacobian), as a float array."""
    return _array(adlib.jacobian(f)(_array(x)))


def chain_cost(dims, grouping):
    """Multiply-adds of the chain of Jacobians ``dims`` in one grouping (notebook 07's costs.chain_cost)."""
    from adlib.widgets.costs import chain_cost as count
    return int(count(dims, grouping))


def cheaper_mode(n, m):
    """"forward", "reverse" or "tie": the mode with fewer passes (notebook 07's predicted winner)."""
    from adlib.widgets.mode_cost import predicted_winner
    return predicted_winner(n, m)


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
