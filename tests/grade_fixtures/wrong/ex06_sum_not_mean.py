"""Exercise 6 -- A two-layer MLP's backprop by hand, then training on two moons.

The network, for inputs X of shape (n, 2) and labels y in {0, 1} of shape (n,):

    Z1 = X W1ᵀ + b1          W1: (h, 2), b1: (h,)      Z1, A1: (n, h)
    A1 = tanh(Z1)
    z  = A1 w2 + b2          w2: (h,),   b2: a float   z: (n,) the logits
    L  = mean_i [ log(1 + exp(z_i)) - y_i z_i ]        binary cross-entropy of sigmoid(z)

Backprop, from the loss down (each line uses the one above):

    dz  = (sigmoid(z) - y) / n
    dw2 = A1ᵀ dz,    db2 = Σ_i dz_i
    dA1 = outer(dz, w2)
    dZ1 = dA1 ⊙ (1 - A1²)
    dW1 = dZ1ᵀ X,    db1 = Σ_i dZ1[i]

Check your gradients against adlib's reverse mode with ``check_gradients()``, then
train to at least 95 % accuracy on fresh two-moons data (noise 0.1) with
``train``.  Use numpy for the model (adlib only for checking).  Grade yourself with

    adlib-grade ex06_mlp_backprop.py
"""
import numpy as np


def init_params(hidden=16, seed=0):
    """Small random weights (scaled by 1/sqrt(fan-in)), zero biases."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(hidden, 2)) / np.sqrt(2), "b1": np.zeros(hidden),
            "w2": rng.normal(size=hidden) / np.sqrt(hidden), "b2": 0.0}


def forward(params, X):
    """The logits z (shape (n,)) and the hidden activations A1 (shape (n, h))."""
    ### BEGIN SOLUTION
    A1 = np.tanh(X @ params["W1"].T + params["b1"])
    return A1 @ params["w2"] + params["b2"], A1
    ### END SOLUTION


def loss(params, X, y):
    """Mean binary cross-entropy, mean_i [log(1 + exp(z_i)) - y_i z_i] (use np.logaddexp(0, z))."""
    ### BEGIN SOLUTION
    z, _ = forward(params, X)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))
    ### END SOLUTION


def gradients(params, X, y):
    """The gradient of ``loss`` by hand: a dict with the keys and shapes of ``params``."""
    ### BEGIN SOLUTION
    z, A1 = forward(params, X)
    n = X.shape[0]
    dz = (1.0 / (1.0 + np.exp(-z)) - y)   # sum, not mean
    dA1 = np.outer(dz, params["w2"])
    dZ1 = dA1 * (1.0 - A1 ** 2)
    return {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "w2": A1.T @ dz, "b2": float(dz.sum())}
    ### END SOLUTION


def train(X, y, hidden=16, steps=1500, lr=0.5, seed=0):
    """Gradient descent (with momentum if you like) from init_params; return the trained params."""
    ### BEGIN SOLUTION
    params = init_params(hidden, seed)
    velocity = {k: np.zeros_like(np.asarray(v, dtype=float)) for k, v in params.items()}
    for _ in range(steps):
        grads = gradients(params, X, y)
        for k in params:
            velocity[k] = 0.9 * velocity[k] - lr * np.asarray(grads[k])
            params[k] = params[k] + velocity[k]
    params["b2"] = float(params["b2"])
    return params
    ### END SOLUTION


def accuracy(params, X, y):
    """The fraction of points whose predicted class (z > 0) equals y."""
    z, _ = forward(params, X)
    return float(np.mean((z > 0) == (y == 1)))


def check_gradients(seed=0):
    """Compare ``gradients`` with adlib.grad on a small batch; returns the largest difference."""
    import adlib
    import adlib.numpy as anp
    from adlib.datasets import make_moons

    X, labels = make_moons(32, noise=0.1, seed=seed)
    y = (labels + 1) // 2                       # adlib's moons are labelled -1/+1
    params = init_params(8, seed)

    def traced_loss(W1, b1, w2, b2):
        z = anp.tanh(X @ W1.T + b1) @ w2 + b2
        return anp.mean(anp.log(1.0 + anp.exp(z)) - y * z)
    keys = ["W1", "b1", "w2", "b2"]
    exact = adlib.grad(traced_loss, argnum=(0, 1, 2, 3))(*[np.asarray(params[k], dtype=float) for k in keys])
    mine = gradients(params, X, y)
    return max(float(np.max(np.abs(np.asarray(mine[k]) - e))) for k, e in zip(keys, exact))


if __name__ == "__main__":
    from adlib.datasets import make_moons
    print("largest difference from adlib.grad:", check_gradients())
    X, labels = make_moons(200, noise=0.1, seed=1)
    params = train(X, (labels + 1) // 2)
    X_test, labels_test = make_moons(400, noise=0.1, seed=2)
    print("test accuracy:", accuracy(params, X_test, (labels_test + 1) // 2))
