"""Exercise 6: a two-layer MLP's backprop by hand, and training on two moons."""
import numpy as np
import pytest

import adlib.numpy as anp
from adlib.grade import oracle
from adlib.grade.expect import Mistake, as_array, close

pytestmark = pytest.mark.ex06

KEYS = ("W1", "b1", "w2", "b2")
TARGET = 0.95


def moons(n, seed, noise=0.1):
    """Two-moons data with labels 0/1 (adlib.datasets labels them -1/+1)."""
    from adlib.datasets import make_moons
    X, labels = make_moons(n, noise=noise, seed=int(seed))
    return np.asarray(X, dtype=float), ((np.asarray(labels) + 1) // 2).astype(float)


def _turned(data, angle, swap):
    X, y = data
    c, s = np.cos(angle), np.sin(angle)
    return X @ np.array([[c, s], [-s, c]]), (1 - y if swap else y)


def _params(rng, hidden):
    return {"W1": rng.normal(size=(hidden, 2)), "b1": rng.normal(size=hidden) * 0.5,
            "w2": rng.normal(size=hidden), "b2": float(rng.normal())}


def _forward(p, X):
    A1 = np.tanh(X @ p["W1"].T + p["b1"])
    return A1 @ p["w2"] + p["b2"], A1


def _softplus(z):
    return anp.maximum(z, 0.0) + anp.log(1.0 + anp.exp(-anp.abs(z)))


def _gradients(p, X, y, slope=None):
    """{key: gradient} of the exercise's loss by adlib.grad.  With ``slope``, tanh is replaced by a
    function with tanh's values at these points whose derivative is ``slope`` (a mistake, named)."""
    Z1c = X @ p["W1"].T + p["b1"]
    A1c = np.tanh(Z1c)

    def loss(W1, b1, w2, b2):
        Z1 = X @ W1.T + b1
        A1 = anp.tanh(Z1) if slope is None else (Z1 - Z1c) * slope(A1c) + A1c
        z = A1 @ w2 + b2
        return anp.mean(_softplus(z) - y * z)
    return dict(zip(KEYS, oracle.grad(loss, [p[k] for k in KEYS])))


def _setup(rng):
    hidden = int(rng.integers(3, 9))
    p = _params(rng, hidden)
    X, y = moons(int(rng.integers(20, 40)), rng.integers(2 ** 31))
    return p, X, y


@pytest.mark.points(1)
def test_forward(student, rng):
    """forward gives the logits z and the hidden activations A1"""
    p, X, y = _setup(rng)
    got = student.call("forward", p, X)
    if not isinstance(got, list) or len(got) != 2:
        raise Mistake("forward must return the pair (z, A1)")
    z, A1 = _forward(p, X)
    close(got[0], z, f"the logits z for {X.shape[0]} points", mistakes=[
        (1 / (1 + np.exp(-z)), "you returned sigmoid(z), the probabilities; return the logits z")])
    close(got[1], A1, "the hidden activations A1")


@pytest.mark.points(1)
def test_loss(student, rng):
    """loss is the mean binary cross-entropy"""
    p, X, y = _setup(rng)
    z, A1 = _forward(p, X)
    got = student.call("loss", p, X, y, [z, A1])
    per_point = np.logaddexp(0, z) - y * z
    close(got, per_point.mean(), "loss(params, X, y)", mistakes=[
        (per_point.sum(), "you summed over the points; the loss is their mean")])


def _grad_test(student, rng, key):
    p, X, y = _setup(rng)
    want = _gradients(p, X, y)[key]
    got = student.call("gradients", p, X, y, list(_forward(p, X)))
    if not isinstance(got, dict) or key not in got:
        raise Mistake(f"gradients must return a dict with the keys {list(KEYS)}")
    mistakes = [(want * X.shape[0], "the gradient is n times too large: the loss is a mean, so dz = "
                                    "(sigmoid(z) - y) / n"),
                (-want, "a sign error: dz = sigmoid(z) - y, not y - sigmoid(z)")]
    if key in ("W1", "b1"):
        mistakes += [(_gradients(p, X, y, slope=np.ones_like)[key],
                      "tanh's derivative is missing: multiply by (1 - A1²)"),
                     (_gradients(p, X, y, slope=lambda A1: 1 - A1)[key], "tanh'(Z1) is 1 - A1², not 1 - A1")]
    if key == "W1":
        mistakes.append((want.T, "dW1 is transposed: it must have W1's shape (h, 2)"))
    close(got[key], want, f"the gradient for {key}", rtol=1e-6, atol=1e-10, mistakes=mistakes)


def _graded(key, points):
    """The graded test of the gradient for ``key`` (its pytest name: test_grad_<key>)."""
    @pytest.mark.points(points)
    def test(student, rng):
        _grad_test(student, rng, key)
    test.__name__, test.__doc__ = f"test_grad_{key}", f"the gradient for {key}"
    return test


test_grad_W1, test_grad_b1, test_grad_w2, test_grad_b2 = (_graded(k, n) for k, n in zip(KEYS, (2, 1, 2, 1)))


@pytest.mark.points(3)
def test_train(student, rng):
    # docstring set below, to show TARGET
    # Fresh data, turned by a random angle and with the labels swapped half the time: weights
    # trained beforehand on the usual moons and pasted into the file do not fit it.
    angle, swap = float(rng.uniform(np.pi / 4, 7 * np.pi / 4)), bool(rng.integers(2))
    X, y = _turned(moons(200, rng.integers(2 ** 31)), angle, swap)
    got, initial = student.call("train", X, y)
    if not isinstance(got, dict) or any(k not in got for k in KEYS):
        raise Mistake(f"train must return the params dict with the keys {list(KEYS)}")
    p = {k: as_array(got[k], f"the trained {k}") for k in KEYS}
    h = p["W1"].shape[0] if p["W1"].ndim == 2 else -1
    if p["W1"].shape != (h, 2) or p["b1"].shape != (h,) or p["w2"].shape != (h,) or p["b2"].size != 1:
        raise Mistake("the trained params have the wrong shapes: W1 (h, 2), b1 (h,), w2 (h,), b2 a number")
    if isinstance(initial, dict) and all(k in initial for k in KEYS) and all(
            np.shape(initial[k]) == p[k].shape and np.allclose(initial[k], p[k]) for k in KEYS):
        raise Mistake("train returned the initial weights unchanged: it never keeps its update "
                      "(assign it: params[k] = params[k] - lr * grads[k])")
    p["b2"] = float(p["b2"])
    X_test, y_test = _turned(moons(400, rng.integers(2 ** 31)), angle, swap)
    z, _ = _forward(p, X_test)
    accuracy = float(np.mean((z > 0) == (y_test == 1)))
    if not accuracy >= TARGET:
        raise Mistake(f"the trained network classifies {accuracy:.1%} of fresh test points correctly; "
                      f"at least {TARGET:.0%} is needed (more steps, a larger learning rate or momentum?)")


test_train.__doc__ = f"train reaches {TARGET:.0%} accuracy on fresh two-moons data"
