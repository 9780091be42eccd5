"""anp.einsum: Einstein summation, one primitive with explicit subscripts.

Its rules (in :mod:`adlib.numpy.rules`) are einsums too: y = einsum('ij,jk->ik', a, b)
is linear in each operand, so ā = einsum('ik,jk->ij', ȳ, b).

>>> import numpy as np
>>> einsum("ij,j->i", np.eye(2), np.array([1.0, 2.0]))
array([1., 2.])
"""
from __future__ import annotations

import numpy as np

from .primitive import Primitive, describe

__all__ = ["einsum", "einsum_args"]


def _einsum(subscripts, *operands):
    return np.einsum(subscripts, *operands)


einsum_args = Primitive(_einsum, "einsum")   # rules in rules.py; takes explicit subscripts


def _einsum_subscripts(subscripts, n):
    """The explicit form 'in_1,...,in_n->out' of ``subscripts``, refusing what the rules do not cover."""
    if not isinstance(subscripts, str):
        raise TypeError(f"anp.einsum: the first argument must be a subscripts string such as 'ij,jk->ik', "
                        f"got {describe(subscripts)}")
    s = subscripts.replace(" ", "")
    if "." in s:
        raise ValueError(f"anp.einsum({subscripts!r}): '...' (ellipsis broadcasting) is not supported; "
                         "write out one index per axis, e.g. 'bij,bjk->bik'")
    lhs, arrow, out = s.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != n:
        raise ValueError(f"anp.einsum({subscripts!r}): these subscripts need {len(inputs)} operand(s), "
                         f"got {n}")
    for k, sub in enumerate(inputs):
        for c in sub:
            if sub.count(c) > 1:
                raise ValueError(f"anp.einsum({subscripts!r}): index '{c}' repeats within operand {k} ('{sub}'); "
                                 "repeated indices in one operand (diagonals, traces) are not supported: "
                                 "for a trace write anp.sum(x * anp.eye(n))")
    if not arrow:   # numpy's implicit output: the indices that appear once, in alphabetical order
        out = "".join(sorted(c for c in set(lhs) if c.isalpha() and lhs.count(c) == 1))
    return ",".join(inputs) + "->" + out


def einsum(subscripts, *operands, optimize=False):
    """Einstein summation: out[output indices] = Σ over the other indices of Π_k operand_k[its indices].

    'ij,jk->ik' is a matrix product, 'ij->ji' a transpose, 'i,i->' a dot product.
    Without '->' the output is the indices that appear once, sorted (numpy's rule).
    Not supported: '...' and an index repeated within one operand ('ii->i').  ``optimize`` is
    accepted, as numpy's code passes it, and changes nothing (it only picks an evaluation order).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> a, b = np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])
    >>> anp.einsum("ij,jk->ik", a, b), adlib.grad(lambda a: anp.einsum("ij,jk->", a, b))(a)
    (array([[11.]]), array([[3., 4.]]))
    """
    return einsum_args(_einsum_subscripts(subscripts, len(operands)), *operands)
