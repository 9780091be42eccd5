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
    ### BEGIN SOLUTION
    return (f(x + h) - f(x)) / h
    ### END SOLUTION


def central_difference(f, x, h=1e-5):
    """f'(x) ≈ (f(x + h) - f(x - h)) / (2h).

    The h² terms of the two Taylor expansions cancel: the error is O(h²).
    """
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION


def numerical_gradient(f, x, h=1e-5):
    """The gradient of f: R^n -> R at the 1-D array x, by central differences.

    ∂f/∂x_i ≈ (f(x + h e_i) - f(x - h e_i)) / (2h), with e_i the i-th unit vector.
    Return a new float array shaped like x; do not change x itself.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
    ### END SOLUTION


def best_step(method):
    """The step h that minimises the total error of ``method`` at x ≈ 1 in float64.

    Total error ≈ truncation + rounding, with machine epsilon ε = 2.2e-16:
      "forward": C h + ε / h          -> minimal near h = sqrt(ε)  (about 1e-8)
      "central": C h² + ε / h         -> minimal near h = ε^(1/3)  (about 6e-6)
    Return a float for "forward" or "central"; raise ValueError for any other method.
    """
    ### BEGIN SOLUTION
    eps = np.finfo(float).eps
    if method == "forward":
        return float(np.sqrt(eps))
    if method == "central":
        return float(np.cbrt(eps))
    raise ValueError(f"best_step: unknown method {method!r}; use 'forward' or 'central'")
    ### END SOLUTION
