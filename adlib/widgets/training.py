"""Training a small classifier two ways, scalar and array (notebook 08).

The scalar way is micrograd's: an :class:`adlib.nn.MLP` of Values, a max-margin
(hinge) loss, ``loss.backward()``, a step of gradient descent.  The array way
is the same network written with :mod:`adlib.numpy` and differentiated with
:func:`adlib.value_and_grad`.  :func:`mlp_arrays` copies a scalar model's
weights into arrays, so both start from the same point and follow the same
path, step for step (up to rounding).
"""
from __future__ import annotations

import numpy as np

from ._show import legend_outside

__all__ = ["mlp_arrays", "array_scores", "array_loss", "scalar_loss", "scalar_step", "array_step",
           "train_scalar", "train_array", "learning_rate_schedule", "decision_grid",
           "plot_decision_boundary"]


def learning_rate_schedule(k, steps, start=1.0, end=0.1):
    """Linear decay from ``start`` at step 0 to ``end`` at the last step (micrograd's demo uses 1.0 -> 0.1)."""
    if steps <= 1:
        return float(start)
    return float(start + (end - start) * k / (steps - 1))


def mlp_arrays(model):
    """The weights of an ``adlib.nn.MLP`` as arrays ``[W1, b1, W2, b2, ...]``, W of shape (nin, nout).

    Neuron j of a layer becomes column j of W (its weights) and entry j of b.
    """
    params = []
    for layer in model.layers:
        W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons]).T
        b = np.array([neuron.b.data for neuron in layer.neurons])
        params += [W, b]
    return params


def array_scores(params, X):
    """The MLP's scores for every row of X at once: relu(h W + b) per hidden layer, linear last layer."""
    import adlib.numpy as anp
    h = X
    n_layers = len(params) // 2
    for k in range(n_layers):
        h = anp.dot(h, params[2 * k]) + params[2 * k + 1]
        if k < n_layers - 1:
            h = anp.relu(h)
    return anp.reshape(h, (-1,))


def array_loss(params, X, y, alpha=1e-4):
    """mean(relu(1 - y s)) + alpha * sum of squared parameters: the hinge loss of ``adlib.nn.hinge_loss``."""
    import adlib.numpy as anp
    scores = array_scores(params, X)
    data_loss = anp.mean(anp.relu(1.0 - y * scores))
    penalty = sum(anp.sum(p * p) for p in params)
    return data_loss + alpha * penalty


def scalar_loss(model, X, y, alpha=1e-4):
    """(loss Value, scores): the same loss, one Value per number, through ``adlib.nn``."""
    from ..nn import hinge_loss, l2_penalty
    scores = [model([float(a) for a in row]) for row in X]
    return hinge_loss(scores, y) + l2_penalty(model.parameters(), alpha), scores


def scalar_step(model, X, y, lr, alpha=1e-4):
    """One step of gradient descent on the scalar model; returns (loss, accuracy) before the step."""
    from ..nn import accuracy, sgd_step
    loss, scores = scalar_loss(model, X, y, alpha)
    model.zero_grad()
    loss.backward()
    sgd_step(model.parameters(), lr)
    return loss.data, accuracy(scores, y)


def array_step(params, X, y, lr, alpha=1e-4):
    """One step of gradient descent on the array model; returns (new params, loss, accuracy) before the step."""
    import adlib
    n = len(params)
    value_and_grad = adlib.value_and_grad(lambda *ps: array_loss(list(ps), X, y, alpha), argnum=tuple(range(n)))
    loss, grads = value_and_grad(*params)
    scores = array_scores(params, X)
    acc = float(np.mean(np.sign(scores) == np.sign(y)))
    return [p - lr * g for p, g in zip(params, grads)], float(loss), acc


def train_scalar(model, X, y, steps, lr=learning_rate_schedule, alpha=1e-4, progress=None):
    """Train the scalar model in place for ``steps`` steps; returns the losses.

    ``losses[k]`` is the loss after k steps, for k = 0, 1, ..., steps (so
    ``losses[0]`` is the loss before training and ``losses[-1]`` at the trained
    weights).  ``lr`` is a number or a function ``lr(k, steps)``; ``progress`` wraps
    the step range (for instance ``tqdm``) and gets the current loss as a postfix if it can.
    """
    losses = []
    steps_range = range(steps) if progress is None else progress(range(steps))
    for k in steps_range:
        rate = lr(k, steps) if callable(lr) else lr
        loss, acc = scalar_step(model, X, y, rate, alpha)
        losses.append(loss)
        if hasattr(steps_range, "set_postfix"):
            steps_range.set_postfix(loss=f"{loss:.4f}", accuracy=f"{acc:.0%}", refresh=False)
    losses.append(scalar_loss(model, X, y, alpha)[0].data)
    return losses


def train_array(params, X, y, steps, lr=learning_rate_schedule, alpha=1e-4, progress=None):
    """Train the array model for ``steps`` steps; returns ``(params, losses)``.

    ``losses[k]`` is the loss after k steps, k = 0, 1, ..., steps, as for
    :func:`train_scalar`.  A run whose loss is no longer finite stops there.
    """
    losses = []
    steps_range = range(steps) if progress is None else progress(range(steps))
    for k in steps_range:
        rate = lr(k, steps) if callable(lr) else lr
        params, loss, acc = array_step(params, X, y, rate, alpha)
        losses.append(loss)
        if not np.isfinite(loss):
            return params, losses
    losses.append(float(array_loss(params, X, y, alpha)))
    return params, losses


def decision_grid(score_fn, X, n=40, margin=0.5):
    """Evaluate ``score_fn`` (rows of points -> scores) on an n x n grid around the data: (xx, yy, scores)."""
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    return xx, yy, np.asarray(score_fn(points), dtype=float).reshape(xx.shape)


def plot_decision_boundary(ax, score_fn, X, y, title, n=40):
    """Shade where the model predicts each class and draw the data on top."""
    xx, yy, scores = decision_grid(score_fn, X, n)
    ax.contourf(xx, yy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#f4c7c3", "#c6dbef"], alpha=0.8)
    ax.contour(xx, yy, scores, levels=[0.0], colors="k", linewidths=1)
    for label, colour, marker in ((-1, "C3", "o"), (1, "C0", "s")):
        pick = y == label
        ax.scatter(X[pick, 0], X[pick, 1], c=colour, marker=marker, s=18, edgecolors="k", linewidths=0.4,
                   label=f"class {label:+d}")
    ax.set(title=title, xlabel="x1", ylabel="x2")
    legend_outside(ax)
    return ax
