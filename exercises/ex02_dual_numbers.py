# Generated from exercises/source/ex02_dual_numbers.py by `python -m adlib.grade.make_student`; edit this file.
"""Exercise 2 -- Dual numbers from scratch.

A dual number a + b·ε with ε² = 0 carries a value a and a derivative b.  By
Taylor, f(a + b ε) = f(a) + f'(a)·b ε, so evaluating f on Dual(x, 1) gives f(x)
and f'(x) in one pass (forward-mode automatic differentiation).

Write your own class here -- do not import adlib's Dual.  Grade yourself with

    adlib-grade ex02_dual_numbers.py
"""
import math


class Dual:
    """real + dual·ε.  Every operation accepts a Dual or a plain number on either side."""

    def __init__(self, real, dual=0.0):
        self.real = real
        self.dual = dual

    def __repr__(self):
        return f"Dual({self.real!r}, {self.dual!r})"

    @staticmethod
    def lift(x):
        """A number c becomes the constant Dual(c, 0)."""
        return x if isinstance(x, Dual) else Dual(x, 0.0)

    def __add__(self, other):
        """(a + bε) + (c + dε) = (a + c) + (b + d)ε"""
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __radd__(self, other):
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __neg__(self):
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __sub__(self, other):
        """(a + bε) - (c + dε) = (a - c) + (b - d)ε"""
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __rsub__(self, other):
        """other - self, for a number other"""
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __mul__(self, other):
        """(a + bε)(c + dε) = ac + (ad + bc)ε   (the product rule; ε² = 0).

        Each dual part meets the other number's real part: some notes write
        (v u̇ + u̇ v), which is wrong; it is (v u̇ + v̇ u).
        """
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __rmul__(self, other):
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __truediv__(self, other):
        """(a + bε) / (c + dε) = a/c + (bc - ad)/c² ε   (the quotient rule)"""
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __rtruediv__(self, other):
        """other / self, for a number other"""
        # YOUR CODE HERE
        raise NotImplementedError("your code here")

    def __pow__(self, n):
        """(a + bε)^n = a^n + n a^(n-1) b ε, for a plain number n"""
        # YOUR CODE HERE
        raise NotImplementedError("your code here")


def exp(x):
    """exp(a + bε) = exp(a) + exp(a)·b ε.  A plain number gives math.exp(x)."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def sin(x):
    """sin(a + bε) = sin(a) + cos(a)·b ε.  A plain number gives math.sin(x)."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def cos(x):
    """cos(a + bε) = cos(a) - sin(a)·b ε.  A plain number gives math.cos(x)."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def log(x):
    """log(a + bε) = log(a) + (b / a) ε.  A plain number gives math.log(x)."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def derivative(f, x):
    """f'(x) for f: R -> R, by one evaluation of f on Dual(x, 1)."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")
