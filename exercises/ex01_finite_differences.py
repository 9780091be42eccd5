# Generated from exercises/source/ex01_finite_differences.py by `python -m adlib.grade.make_student`; edit this file.
"""Exercise 1 -- Finite differences.

Approximate derivatives from function values alone.  Replace each
``raise NotImplementedError`` with your code, then grade yourself with

    adlib-grade ex01_finite_differences.py

Use plain Python and numpy only (not adlib's own difference functions).
"""
import numpy as np


def forward_difference(f, x, h=1e-7):
    """f'(x) ≈ (f(x + h) - f(x)) / h.

    Truncation error O(h): by Taylor, f(x + h) = f(x) + h f'(x) + h²/2 f''(ξ).
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def central_difference(f, x, h=1e-5):
    """f'(x) ≈ (f(x + h) - f(x - h)) / (2h).

    The h² terms of the two Taylor expansions cancel: the error is O(h²).
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def numerical_gradient(f, x, h=1e-5):
    """The gradient of f: R^n -> R at the 1-D array x, by central differences.

    ∂f/∂x_i ≈ (f(x + h e_i) - f(x - h e_i)) / (2h), with e_i the i-th unit vector.
    Return a new float array shaped like x; do not change x itself.
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def best_step(method):
    """The step h that minimises the total error of ``method`` at x ≈ 1 in float64.

    Total error ≈ truncation + rounding, with machine epsilon ε = 2.2e-16:
      "forward": C h + ε / h          -> minimal near h = sqrt(ε)  (about 1e-8)
      "central": C h² + ε / h         -> minimal near h = ε^(1/3)  (about 6e-6)
    Return a float for "forward" or "central"; raise ValueError for any other method.
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")
