# Generated from exercises/source/ex05_vjp_rules.py by `python -m adlib.grade.make_student`; edit this file.
"""Exercise 5 -- Vector-Jacobian product rules with ``adlib.defvjp``.

Reverse mode needs, for each primitive y = f(x1, x2, ...), one rule per input:
given g = ∂L/∂y (same shape as y), the answer ans = y and the inputs, return
∂L/∂x_i = g · ∂y/∂x_i, with the shape of x_i.  Write those rules below; the file
registers them with ``adlib.defvjp`` so that ``adlib.grad`` can use your primitives.

Test with random, non-uniform g: a rule that only works when g is all ones has a
wrong reduction.  Grade yourself with

    adlib-grade ex05_vjp_rules.py
"""
import numpy as np

import adlib


def unbroadcast(g, shape):
    """Sum g back down to ``shape``: undo numpy broadcasting.

    Broadcasting copied the input along new leading axes and along its axes of
    length 1, so the gradient sums over exactly those axes.
    """
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


# --- matmul: C = A @ B for 2-D A (n, k) and B (k, m) ---------------------
@adlib.primitive
def matmul(A, B):
    return np.matmul(A, B)


def matmul_vjp_A(g, ans, A, B):
    """∂L/∂A = g Bᵀ   (shape (n, k))"""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def matmul_vjp_B(g, ans, A, B):
    """∂L/∂B = Aᵀ g   (shape (k, m))"""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


# --- sum over one axis ----------------------------------------------------
@adlib.primitive
def sum_axis(x, axis):
    return np.sum(x, axis=axis)


def sum_axis_vjp(g, ans, x, axis):
    """Each x element added once into its sum: ∂L/∂x = g, re-inserted along ``axis`` and copied."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


# --- add with broadcasting ------------------------------------------------
@adlib.primitive
def add(a, b):
    return np.add(a, b)


def add_vjp_a(g, ans, a, b):
    """∂L/∂a = g, summed back to a's shape."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


def add_vjp_b(g, ans, a, b):
    """∂L/∂b = g, summed back to b's shape."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


# --- logsumexp and softmax over the last axis ------------------------------
@adlib.primitive
def logsumexp(x):
    m = np.max(x, axis=-1, keepdims=True)
    return np.log(np.sum(np.exp(x - m), axis=-1)) + m[..., 0]


def logsumexp_vjp(g, ans, x):
    """∂ logsumexp(x)/∂x_j = exp(x_j - ans) = softmax(x)_j; g has shape x.shape[:-1]."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


@adlib.primitive
def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_vjp(g, ans, x):
    """With s = softmax(x): ∂L/∂x = s ⊙ (g - Σ_j g_j s_j), the sum over the last axis."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")


adlib.defvjp(matmul, matmul_vjp_A, matmul_vjp_B)
adlib.defvjp(sum_axis, sum_axis_vjp)
adlib.defvjp(add, add_vjp_a, add_vjp_b)
adlib.defvjp(logsumexp, logsumexp_vjp)
adlib.defvjp(softmax, softmax_vjp)
