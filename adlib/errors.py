"""Error messages that several modes give in the same words.

>>> str(returned_none("grad"))
'grad: the function returned None; did it forget to `return` its result?'
"""
from __future__ import annotations

import numpy as np

__all__ = ["returned_none", "BUILD_A_NEW_ARRAY", "CONVERTED_BY_NUMPY", "COMPARISONS"]


def returned_none(what):
    """The error for a function that returned None: usually a forgotten ``return``."""
    return TypeError(f"{what}: the function returned None; did it forget to `return` its result?")


# What to write instead of x[...] = ... inside a function being differentiated (Dual and traced arrays)
BUILD_A_NEW_ARRAY = ("build a new array instead (anp.where(mask, new, x), anp.concatenate, "
                     "or anp.stack of a list of pieces)")

# What to do when numpy converts a traced value to plain numbers: a numpy function called on it,
# or a sampler (rng.normal(mu)), which adlib.numpy does not have: sampling is not differentiable
CONVERTED_BY_NUMPY = ("inside the function you differentiate, use adlib.numpy (import adlib.numpy as anp) "
                      "instead of numpy. A random sampler such as rng.normal(mu, sigma) cannot follow "
                      "gradients, and adlib.numpy has none: reparameterise, drawing eps = rng.normal(size=...) "
                      "outside the function and writing mu + sigma * eps inside it")

# numpy's comparisons: on a traced value they read its value and give plain booleans, whichever side
# it is on (ndarray < x works as x > ndarray does)
COMPARISONS = frozenset({np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal})
