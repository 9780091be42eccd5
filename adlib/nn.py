"""A tiny neural-network library on Value, with micrograd's API.

``MLP(nin, nouts)`` stacks ``Layer``s of ``Neuron``s; ``model(x)`` evaluates
it on a list of numbers or Values; ``model.parameters()`` lists the weights in
micrograd's order (layer by layer, neuron by neuron, each neuron's weights then
its bias); ``model.zero_grad()`` resets their gradients, which ``backward()``
accumulates.  Initialisation is seeded: the same ``seed`` gives the same model.

A neuron computes relu(w . x + b) (or w . x + b when ``nonlin=False``, as in an
output layer).
"""
from __future__ import annotations

import numbers
import random

from .value import Value

__all__ = ["Module", "Neuron", "Layer", "MLP", "SGD", "sgd_step",
           "hinge_loss", "l2_penalty", "accuracy"]


def _rng(seed):
    """A random.Random from a seed (int or None means 0) or an existing random.Random."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random(0)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int or a random.Random, got {type(seed).__name__}")
    return random.Random(int(seed))


def _count(n, what):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return int(n)


class Module:
    """Something with parameters: ``parameters()`` and ``zero_grad()``."""

    def zero_grad(self):
        """Set every parameter's ``.grad`` to 0 (``backward()`` adds to it)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    """relu(w . x + b) with ``nin`` weights drawn uniformly from [-1, 1] and bias 0."""

    def __init__(self, nin, nonlin=True, seed=None, name="n"):
        nin = _count(nin, "Neuron(nin)")
        rng = _rng(seed)
        self.w = [Value(rng.uniform(-1, 1), label=f"{name}.w{i}") for i in range(nin)]
        self.b = Value(0.0, label=f"{name}.b")
        self.nonlin = nonlin

    def __call__(self, x):
        if isinstance(x, (Value, numbers.Real)):
            x = [x]          # one input (also what a one-neuron layer hands to the next layer)
        elif not hasattr(x, "__len__"):
            raise TypeError(f"Neuron: x must be a list of {len(self.w)} numbers or Values, "
                            f"got {type(x).__name__}")
        if len(x) != len(self.w):
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; one output is returned unwrapped."""

    def __init__(self, nin, nout, seed=None, name="L", **kwargs):
        rng = _rng(seed)
        nout = _count(nout, "Layer(nout)")
        self.neurons = [Neuron(nin, seed=rng, name=f"{name}.n{j}", **kwargs) for j in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multilayer perceptron: ``MLP(2, [16, 16, 1])``; the last layer is linear."""

    def __init__(self, nin, nouts, seed=None):
        if isinstance(nouts, numbers.Integral):
            raise TypeError("MLP(nin, nouts): nouts is a list of layer sizes, such as [16, 16, 1]")
        sizes = [_count(nin, "MLP(nin)")] + [_count(k, "MLP(nouts) entry") for k in nouts]
        rng = _rng(seed)
        self.layers = [Layer(sizes[i], sizes[i + 1], seed=rng, name=f"L{i}", nonlin=i != len(nouts) - 1)
                       for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def sgd_step(params, lr):
    """One step of gradient descent: ``p.data -= lr * p.grad`` for each parameter."""
    for p in params:
        p.data -= lr * p.grad


class SGD:
    """Stochastic gradient descent: ``opt = SGD(model.parameters(), lr=0.1); opt.step(); opt.zero_grad()``."""

    def __init__(self, params, lr=0.1):
        self.params = list(params)
        self.lr = lr

    def step(self, lr=None):
        sgd_step(self.params, self.lr if lr is None else lr)

    def zero_grad(self):
        for p in self.params:
            p.grad = 0.0


def hinge_loss(scores, y):
    """Max-margin loss: mean over samples of relu(1 - y_i s_i), labels y_i in {-1, +1}."""
    losses = [(1 + -float(yi) * si).relu() for yi, si in zip(y, scores)]
    return sum(losses) * (1.0 / len(losses))


def l2_penalty(params, alpha=1e-4):
    """alpha * sum of p^2 over the parameters (weight decay)."""
    return alpha * sum(p * p for p in params)


def accuracy(scores, y):
    """The fraction of samples where the sign of the score matches the label in {-1, +1}."""
    hits = [(float(yi) > 0) == (_data(s) > 0) for yi, s in zip(y, scores)]
    return sum(hits) / len(hits)


def _data(s):
    return s.data if isinstance(s, Value) else float(s)
