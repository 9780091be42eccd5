"""Error messages that several modes give in the same words.

>>> str(returned_none("grad"))
'grad: the function returned None; did it forget to `return` its result?'
"""
from __future__ import annotations

__all__ = ["returned_none", "BUILD_A_NEW_ARRAY"]


def returned_none(what):
    """The error for a function that returned None: usually a forgotten ``return``."""
    return TypeError(f"{what}: the function returned None; did it forget to `return` its result?")


# What to write instead of x[...] = ... inside a function being differentiated (Dual and traced arrays)
BUILD_A_NEW_ARRAY = ("build a new array instead (anp.where(mask, new, x), anp.concatenate, "
                     "or anp.stack of a list of pieces)")
