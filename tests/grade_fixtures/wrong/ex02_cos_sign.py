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
        ### BEGIN SOLUTION
        other = Dual.lift(other)
        return Dual(self.real + other.real, self.dual + other.dual)
        ### END SOLUTION

    def __radd__(self, other):
        ### BEGIN SOLUTION
        return self + other
        ### END SOLUTION

    def __neg__(self):
        ### BEGIN SOLUTION
        return Dual(-self.real, -self.dual)
        ### END SOLUTION

    def __sub__(self, other):
        """(a + bε) - (c + dε) = (a - c) + (b - d)ε"""
        ### BEGIN SOLUTION
        return self + (-Dual.lift(other))
        ### END SOLUTION

    def __rsub__(self, other):
        """other - self, for a number other"""
        ### BEGIN SOLUTION
        return Dual.lift(other) - self
        ### END SOLUTION

    def __mul__(self, other):
        """(a + bε)(c + dε) = ac + (ad + bc)ε   (the product rule; ε² = 0).

        Each dual part meets the other number's real part: some notes write
        (v u̇ + u̇ v), which is wrong; it is (v u̇ + v̇ u).
        """
        ### BEGIN SOLUTION
        other = Dual.lift(other)
        return Dual(self.real * other.real, self.real * other.dual + self.dual * other.real)
        ### END SOLUTION

    def __rmul__(self, other):
        ### BEGIN SOLUTION
        return self * other
        ### END SOLUTION

    def __truediv__(self, other):
        """(a + bε) / (c + dε) = a/c + (bc - ad)/c² ε   (the quotient rule)"""
        ### BEGIN SOLUTION
        other = Dual.lift(other)
        c = other.real
        return Dual(self.real / c, (self.dual * c - self.real * other.dual) / (c * c))
        ### END SOLUTION

    def __rtruediv__(self, other):
        """other / self, for a number other"""
        ### BEGIN SOLUTION
        return Dual.lift(other) / self
        ### END SOLUTION

    def __pow__(self, n):
        """(a + bε)^n = a^n + n a^(n-1) b ε, for a plain number n"""
        ### BEGIN SOLUTION
        return Dual(self.real ** n, n * self.real ** (n - 1) * self.dual)
        ### END SOLUTION


def exp(x):
    """exp(a + bε) = exp(a) + exp(a)·b ε.  A plain number gives math.exp(x)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.exp(x.real), math.exp(x.real) * x.dual)
    return math.exp(x)
    ### END SOLUTION


def sin(x):
    """sin(a + bε) = sin(a) + cos(a)·b ε.  A plain number gives math.sin(x)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.sin(x.real), math.cos(x.real) * x.dual)
    return math.sin(x)
    ### END SOLUTION


def cos(x):
    """cos(a + bε) = cos(a) - sin(a)·b ε.  A plain number gives math.cos(x)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.cos(x.real), math.sin(x.real) * x.dual)
    return math.cos(x)
    ### END SOLUTION


def log(x):
    """log(a + bε) = log(a) + (b / a) ε.  A plain number gives math.log(x)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.log(x.real), x.dual / x.real)
    return math.log(x)
    ### END SOLUTION


def derivative(f, x):
    """f'(x) for f: R -> R, by one evaluation of f on Dual(x, 1)."""
    ### BEGIN SOLUTION
    return f(Dual(x, 1.0)).dual
    ### END SOLUTION
