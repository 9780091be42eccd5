"""Exercise 4 -- Backprop by hand.

The layer H = relu(W x + b), with W in R^{c x d}, x in R^d and b in R^c.
Its computational graph:  U1 = W x,  U2 = U1 + b,  H = relu(U2).

Part 1 works with arrays, part 2 retraces the steps for scalars, in order.
Use numpy only.  Grade yourself with

    adlib-grade ex04_backprop_by_hand.py
"""
import numpy as np


def relu_layer_backward(W, x, b, dH):
    """Gradients of a scalar loss L through H = relu(W x + b), given dH = ∂L/∂H (shape (c,)).

    dU2 = dH ⊙ relu'(U2), with relu'(u) = 1 where u > 0, else 0
    dW  = dU2 xᵀ   (an outer product: shape (c, d), like W)
    dx  = Wᵀ dU2   (shape (d,))
    db  = dU2      (shape (c,))
    Return the tuple (dW, dx, db).
    """
    ### BEGIN SOLUTION
    U2 = W @ x + b
    dU2 = dH   # forgot relu's derivative
    return np.outer(dU2, x), W.T @ dU2, dU2
    ### END SOLUTION


def backprop_steps(W, x, b):
    """For scalars W, x, b: the steps backprop takes for H = relu(W x + b), in order.

    Return a list of (name, value) pairs:
      forward:  ("U1", W·x), ("U2", U1 + b), ("H", relu(U2)),
      backward: ("dH/dH", 1), ("dH/dU2", ...), then ("dH/db", ...) and ("dH/dU1", ...),
                then ("dH/dW", ...) and ("dH/dx", ...).
    Each backward step multiplies the gradient that arrived from its consumer by a
    local derivative: e.g. dH/dU1 = dH/dU2 · ∂U2/∂U1.  Use relu'(0) = 0.
    """
    ### BEGIN SOLUTION
    U1 = W * x
    U2 = U1 + b
    H = max(U2, 0.0)
    dH = 1.0
    dU2 = dH * (1.0 if U2 > 0 else 0.0)
    db = dU2 * 1.0
    dU1 = dU2 * 1.0
    dW = dU1 * x
    dx = dU1 * W
    return [("U1", U1), ("U2", U2), ("H", H), ("dH/dH", dH), ("dH/dU2", dU2),
            ("dH/db", db), ("dH/dU1", dU1), ("dH/dW", dW), ("dH/dx", dx)]
    ### END SOLUTION
