"""adlib's side of "explore your solutions": what adlib computes on the inputs the probe gave the student.

Public adlib only, in the notebook's kernel; :mod:`adlib.widgets.my_solutions_figures`
draws these numbers against the student's.
"""
from __future__ import annotations

import functools
import math

import numpy as np

import adlib

from .my_solutions_probe import (EX01_POINT, EX01_STEPS, EX02_POINTS, EX02_RULES, EX06_SCHEDULE,
                                 ex03_graph, ex04_inputs, ex05_inputs, ex06_data)
from .my_solutions_probe_costs import EX07_CHAINS, EX07_GRID, EX07_MODE_CASES, ex07_map
from .my_solutions_probe_simulation import EX08_DRAGS, EX08_FIT, EX08_ITERATIONS, EX08_LAUNCH

__all__ = ["reference_ex01", "reference_ex02", "reference_ex03", "reference_ex04", "reference_ex05",
           "reference_ex06", "ex06_logits", "ex06_loss", "reference_ex07",
           "reference_ex08"]


# --------------------------------------------------------------------------- adlib's side

@functools.lru_cache(maxsize=None)
def reference_ex01():
    """adlib's forward and central differences of sin at x = 1 for every step, and the exact cos(1)."""
    f = np.sin
    return {"forward_difference": [adlib.forward_difference(f, EX01_POINT, float(h)) for h in EX01_STEPS],
            "central_difference": [adlib.central_difference(f, EX01_POINT, float(h)) for h in EX01_STEPS],
            "exact": math.cos(EX01_POINT)}


@functools.lru_cache(maxsize=None)
def reference_ex02():
    """{rule: [adlib.derivative of the rule's function at each point]}."""
    return {name: [float(adlib.derivative(make(adlib), x)) for x in EX02_POINTS] for name, make in EX02_RULES.items()}


def reference_ex03():
    """The small graph built with adlib.Value, labelled and backpropagated: {name: Value}."""
    nodes = ex03_graph(adlib.Value)
    for name, v in nodes.items():
        v.label = name
    nodes["L"].backward()
    return nodes


@functools.lru_cache(maxsize=None)
def reference_ex04():
    """{'dW', 'dx', 'db'}: adlib.grad of dH · relu(W x + b) at ex04's inputs."""
    import adlib.numpy as anp
    W, x, b, dH = ex04_inputs()
    gW, gx, gb = adlib.grad(lambda W, x, b: anp.sum(dH * adlib.relu(W @ x + b)), argnum=(0, 1, 2))(W, x, b)
    return {"dW": np.asarray(gW), "dx": np.asarray(gx), "db": np.asarray(gb)}


@functools.lru_cache(maxsize=None)
def reference_ex05():
    """{rule: adlib's own vector-Jacobian product} at ex05's inputs, through adlib.vjp."""
    import adlib.numpy as anp
    v = ex05_inputs()
    _, mm = adlib.vjp(lambda A, B: A @ B, v["A"], v["B"])
    _, ad = adlib.vjp(lambda a, b: a + b, v["a"], v["b"])
    gA, gB = mm(v["g_matmul"])
    ga, gb = ad(v["g_add"])
    return {"unbroadcast": adlib.unbroadcast(v["g_unbroadcast"], np.zeros((3, 1))), "matmul, dL/dA": gA, "matmul, dL/dB": gB,
            "sum_axis": adlib.vjp(lambda x: anp.sum(x, axis=1), v["x"])[1](v["g_sum"])[0],
            "add, dL/da": ga, "add, dL/db": gb,
            "logsumexp": adlib.vjp(lambda x: anp.logsumexp(x, axis=-1), v["x"])[1](v["g_logsumexp"])[0],
            "softmax": adlib.vjp(lambda x: anp.softmax(x, axis=-1), v["x"])[1](v["g_softmax"])[0]}


def ex06_logits(params, X):
    return np.tanh(X @ params["W1"].T + params["b1"]) @ params["w2"] + params["b2"]


def ex06_loss(params, X, y):
    """Mean binary cross-entropy of the network ex06 describes, from its parameters."""
    z = ex06_logits(params, X)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


@functools.lru_cache(maxsize=None)
def reference_ex06(steps=EX06_SCHEDULE[-1], hidden=16, lr=0.5, momentum=0.9):
    """ex06's network trained with adlib.value_and_grad: (final params, loss after each step 1..steps).

    Same start as the exercise's ``init_params(16, seed=0)``, gradient descent with momentum.
    """
    import adlib.numpy as anp
    X, y = ex06_data()
    rng = np.random.default_rng(0)
    p = [rng.normal(size=(hidden, 2)) / np.sqrt(2), np.zeros(hidden), rng.normal(size=hidden) / np.sqrt(hidden),
         np.array(0.0)]

    def loss(W1, b1, w2, b2):
        z = anp.tanh(X @ W1.T + b1) @ w2 + b2
        return anp.mean(anp.softplus(z) - y * z)
    step = adlib.value_and_grad(loss, argnum=(0, 1, 2, 3))
    velocity, losses = [np.zeros_like(a) for a in p], []
    for _ in range(steps):
        _, grads = step(*p)
        for k in range(4):
            velocity[k] = momentum * velocity[k] - lr * np.asarray(grads[k])
            p[k] = p[k] + velocity[k]
        losses.append(float(loss(*p)))
    params = dict(zip(("W1", "b1", "w2", "b2"), p))
    params["b2"] = float(params["b2"])
    return params, losses


@functools.lru_cache(maxsize=None)
def reference_ex07():
    """adlib's side of ex07, on the probe's maps written in adlib.numpy.

    ``sizes``: {(n, m): {"J", "jvp", "vjp", "back"}}, adlib's Jacobian and its counted passes
    (:func:`~adlib.widgets.mode_cost.jacobian_by_forward`: JVPs; ``jacobian_by_reverse``:
    recordings of f and VJPs); ``modes``: :func:`~adlib.widgets.mode_cost.predicted_winner`
    for each (n, m) of EX07_MODE_CASES; ``chains``: {grouping: [costs.chain_cost of each chain]}.
    """
    import adlib.numpy as anp

    from .costs import chain_cost
    from .mode_cost import jacobian_by_forward, jacobian_by_reverse, predicted_winner
    sizes = {}
    for n, m in EX07_GRID:
        A, B, x = ex07_map(n, m)
        f = lambda x, A=A, B=B: anp.tanh(anp.dot(A, x)) + anp.dot(B, x)    # noqa: E731
        J, forward = jacobian_by_forward(f, x)
        _, reverse = jacobian_by_reverse(f, x)
        sizes[(n, m)] = {"J": J, "jvp": forward["passes"], "vjp": reverse["evaluations"], "back": reverse["passes"]}
    return {"sizes": sizes, "modes": [predicted_winner(n, m) for n, m in EX07_MODE_CASES],
            "chains": {g: [chain_cost(list(d), g) for d in EX07_CHAINS] for g in ("forward", "reverse")}}


def _flight(start, k, dt, steps):
    """[s_0, ..., s_N] of ex08's ball from the state ``start``, written with adlib.numpy (differentiable)."""
    import adlib.numpy as anp
    states = [start]
    for _ in range(int(steps)):
        s = states[-1]
        v = anp.sqrt(s[2] * s[2] + s[3] * s[3])
        states.append(s + dt * anp.stack([s[2], s[3], -k * v * s[2], -(9.81 + k * v * s[3])]))
    return states


@functools.lru_cache(maxsize=None)
def reference_ex08():
    """adlib's side of ex08: the ball's loop written with adlib.numpy, differentiated by adlib.

    ``states``: s_0..s_N at EX08_LAUNCH; ``x``, ``slope``: x_N and dx_N/dk (adlib.jvp) at each
    drag of EX08_DRAGS; ``along``: dx_n/dk for n = 0..N (one adlib.jvp of all x_n);
    ``state_grad``, ``k_bar``: dx_N/ds_0 and dx_N/dk by adlib.grad (reverse mode);
    ``fit``: the drags of Newton's method with adlib's slope from k = 0, and the true drag.
    """
    import adlib.numpy as anp
    angle, speed, drag, dt, steps = EX08_LAUNCH
    s0 = np.array([0.0, 0.0, speed * np.cos(angle * np.pi / 180), speed * np.sin(angle * np.pi / 180)])
    states = np.array([np.asarray(s, dtype=float) for s in _flight(s0, drag, dt, steps)])
    x_N = lambda k, s0=s0, dt=dt, steps=steps: _flight(s0, k, dt, steps)[-1][0]      # noqa: E731
    ends = [adlib.jvp(x_N, (k,), (1.0,)) for k in EX08_DRAGS]
    along = adlib.jvp(lambda k: anp.stack([s[0] for s in _flight(s0, k, dt, steps)]), (drag,), (1.0,))[1]
    state_grad, k_bar = adlib.grad(lambda s, k: _flight(s, k, dt, steps)[-1][0], argnum=(0, 1))(s0, np.array(drag))
    angle, speed, dt, steps, true_drag = EX08_FIT
    s0 = np.array([0.0, 0.0, speed * np.cos(angle * np.pi / 180), speed * np.sin(angle * np.pi / 180)])
    x_seen = float(np.asarray(x_N(true_drag, s0, dt, steps)))
    k, fit = 0.0, []
    for _ in range(EX08_ITERATIONS):
        x, slope = adlib.jvp(lambda k: x_N(k, s0, dt, steps), (k,), (1.0,))
        k = k - (float(x) - x_seen) / float(slope)
        fit.append(k)
    return {"states": states, "x": [float(x) for x, _ in ends], "slope": [float(d) for _, d in ends],
            "along": np.asarray(along, dtype=float), "state_grad": np.asarray(state_grad, dtype=float),
            "k_bar": float(k_bar), "fit": fit, "true_drag": true_drag, "x_seen": x_seen}
