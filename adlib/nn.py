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

import numpy as np

from . import validate
from .value import Value, weighted_sum

__all__ = ["Module", "Neuron", "Layer", "MLP", "SGD", "sgd_step",
           "hinge_loss", "l2_penalty", "accuracy"]

MAX_PARAMETERS = 10 ** 6   # a network of Values this large takes minutes per step and GBs: refused up front


def _rng(seed, what):
    """A random.Random from a seed (int or None means 0) or an existing random.Random."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random(0)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral, np.integer)):
        raise TypeError(f"{what}: seed must be an int or a random.Random, got {validate.describe(seed)}")
    return random.Random(int(seed))


def _count(n, what):
    return validate.size(n, what.split("(")[0], what)


def _inputs(x, n, what):
    """The inputs of a model as a list of n floats or Values, checked once per call."""
    kind = type(x).__name__ if not isinstance(x, np.ndarray) else f"an array of shape {x.shape}"
    if isinstance(x, Value) or (isinstance(x, (numbers.Real, np.number)) and not isinstance(x, (bool, np.bool_))):
        x = [x]          # one input (also what a one-neuron layer hands to the next layer)
    elif isinstance(x, np.ndarray):
        x = list(x.ravel()) if x.ndim <= 1 else None
    elif not isinstance(x, (list, tuple)):
        x = None
    if x is None:
        raise TypeError(f"{what}: x must be a list of {n} numbers or Values, got {kind}")
    if len(x) != n:
        raise ValueError(f"{what}: expected {n} inputs, got {len(x)}")
    out = list(x)
    for i, xi in enumerate(out):
        cls = type(xi)
        if cls is not float and cls is not Value:
            out[i] = validate.real_number(xi, what, f"input {i}")
    return out


def _values(params, what):
    """A list of the Values to update (parameters()), refusing anything else."""
    if isinstance(params, (str, bytes, dict, set, np.ndarray, Value)) or not hasattr(params, "__iter__"):
        raise TypeError(f"{what}: params must be a list of Values (model.parameters()), "
                        f"got {validate.describe(params)}")
    params = list(params)
    if not params:
        raise ValueError(f"{what}: params is empty; give the Values to update (model.parameters())")
    for i, p in enumerate(params):
        if type(p) is not Value:
            raise TypeError(f"{what}: params must be a list of Values (model.parameters()); entry {i} is "
                            f"{validate.describe(p)}")
    return params


def _lr(lr, what):
    return validate.finite_number(lr, what, "the learning rate lr", nonnegative=True)


class Module:
    """Something with parameters: ``parameters()`` and ``zero_grad()``.

    Subclass it and list your Values in ``parameters()``; ``zero_grad()`` then works:

    >>> from adlib import Value
    >>> class Line(Module):                      # y = a x + b
    ...     def __init__(self):
    ...         self.a, self.b = Value(2.0), Value(1.0)
    ...     def __call__(self, x):
    ...         return self.a * x + self.b
    ...     def parameters(self):
    ...         return [self.a, self.b]
    >>> line = Line()
    >>> line(3.0).backward()                     # dy/da = x = 3, dy/db = 1
    >>> [p.grad for p in line.parameters()]
    [3.0, 1.0]
    >>> line.zero_grad(); [p.grad for p in line.parameters()]
    [0.0, 0.0]
    """

    def zero_grad(self):
        """Set every parameter's ``.grad`` to 0 (``backward()`` adds to it)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    """relu(w . x + b) with ``nin`` weights drawn uniformly from [-1, 1] and bias 0.

    With w = (1, -2), b = 0.5 and x = (3, 1): w . x + b = 1.5, and relu passes it:

    >>> n = Neuron(2)
    >>> n.w[0].data, n.w[1].data, n.b.data = 1.0, -2.0, 0.5
    >>> out = n([3.0, 1.0]); out.data
    1.5
    >>> out.backward(); [w.grad for w in n.w], n.b.grad    # d out / d w = x, d out / d b = 1
    ([3.0, 1.0], 1.0)
    """

    def __init__(self, nin, nonlin=True, seed=None, name="n"):
        nin = _count(nin, "Neuron(nin)")
        if not isinstance(nonlin, (bool, np.bool_)):
            raise TypeError(f"Neuron: nonlin must be True or False, got {validate.describe(nonlin)}")
        rng = _rng(seed, "Neuron")
        self.w = [Value(rng.uniform(-1, 1), label=f"{name}.w{i}") for i in range(nin)]
        self.b = Value(0.0, label=f"{name}.b")
        self.nonlin = nonlin

    def __call__(self, x):
        return self._forward(_inputs(x, len(self.w), "Neuron"))

    def _forward(self, x):
        """The neuron on inputs already checked (a list of floats and Values of the right length)."""
        act = weighted_sum(self.b, self.w, x)      # b + w0 x0 + w1 x1 + ..., in this order, as sum() would
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; one output is returned unwrapped.

    3 neurons of 2 inputs: 3 x (2 weights + 1 bias) = 9 parameters, 3 outputs:

    >>> layer = Layer(2, 3, seed=0)
    >>> len(layer.parameters()), len(layer([1.0, -1.0]))
    (9, 3)
    """

    def __init__(self, nin, nout, seed=None, name="L", **kwargs):
        rng = _rng(seed, "Layer")
        nin = _count(nin, "Layer(nin)")
        nout = _count(nout, "Layer(nout)")
        if nin * nout > MAX_PARAMETERS:
            raise ValueError(f"Layer: {nin} x {nout} weights is more than adlib builds from Values "
                             f"(at most {MAX_PARAMETERS})")
        self.neurons = [Neuron(nin, seed=rng, name=f"{name}.n{j}", **kwargs) for j in range(nout)]

    def __call__(self, x):
        return self._forward(_inputs(x, len(self.neurons[0].w), "Layer"))

    def _forward(self, x):
        out = [n._forward(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multilayer perceptron: ``MLP(2, [16, 16, 1])``; the last layer is linear.

    (2 + 1) 16 + (16 + 1) 16 + (16 + 1) 1 = 337 parameters; one output, a Value:

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> len(model.parameters()), type(model([0.5, -1.0])).__name__
    (337, 'Value')
    """

    def __init__(self, nin, nouts, seed=None):
        if isinstance(nouts, (numbers.Integral, np.integer)):
            raise TypeError("MLP(nin, nouts): nouts is a list of layer sizes, such as [16, 16, 1]")
        if not isinstance(nouts, (list, tuple)):
            raise TypeError(f"MLP(nin, nouts): nouts must be a list of layer sizes, such as [16, 16, 1], "
                            f"got {validate.describe(nouts)}")
        if not nouts:
            raise ValueError("MLP(nin, nouts): nouts must list at least one layer size, such as [1]")
        sizes = [_count(nin, "MLP(nin)")] + [_count(k, f"MLP(nouts) entry {i}") for i, k in enumerate(nouts)]
        total = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
        if total > MAX_PARAMETERS:
            raise ValueError(f"MLP(nin, nouts): layer sizes {sizes} make {total} parameters, more than adlib "
                             f"builds from Values (at most {MAX_PARAMETERS})")
        rng = _rng(seed, "MLP")
        self.layers = [Layer(sizes[i], sizes[i + 1], seed=rng, name=f"L{i}", nonlin=i != len(nouts) - 1)
                       for i in range(len(nouts))]

    def __call__(self, x):
        x = _inputs(x, len(self.layers[0].neurons[0].w), "MLP")
        for layer in self.layers:
            x = layer._forward(x if isinstance(x, list) else [x])
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def sgd_step(params, lr):
    """One step of gradient descent: ``p.data -= lr * p.grad`` for each parameter."""
    params = _values(params, "sgd_step")
    lr = _lr(lr, "sgd_step")
    for p in params:
        p.data -= lr * p.grad


class SGD:
    """Stochastic gradient descent: ``opt = SGD(model.parameters(), lr=0.1); opt.step(); opt.zero_grad()``.

    One step on L(w) = w² from w = 1: dL/dw = 2, so w becomes 1 - 0.1 · 2 = 0.8:

    >>> from adlib import Value
    >>> w = Value(1.0)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).backward(); opt.step(); round(w.data, 12)
    0.8
    >>> opt.zero_grad(); w.grad
    0.0
    """

    def __init__(self, params, lr=0.1):
        self.params = _values(params, "SGD")
        self.lr = _lr(lr, "SGD")

    def step(self, lr=None):
        lr = self.lr if lr is None else _lr(lr, "SGD.step")
        for p in self.params:
            p.data -= lr * p.grad

    def zero_grad(self):
        for p in self.params:
            p.grad = 0.0


def _scores_and_labels(scores, y, what):
    """Checked (scores, labels): equally long, non-empty; scores Values or numbers, labels -1 or +1."""
    for name, seq in (("scores", scores), ("y", y)):
        if isinstance(seq, (str, bytes, dict, set)) or not isinstance(seq, (list, tuple, np.ndarray)):
            raise TypeError(f"{what}: {name} must be a list (or array), got {validate.describe(seq)}")
    if len(scores) != len(y):
        raise ValueError(f"{what}: {len(scores)} scores but {len(y)} labels; give one label per score")
    if len(y) == 0:
        raise ValueError(f"{what}: no scores and no labels; give at least one of each")
    labels = [validate.real_number(yi, what, f"label {i}") for i, yi in enumerate(y)]
    for i, yi in enumerate(labels):
        if yi not in (-1.0, 1.0):
            raise ValueError(f"{what}: label {i} is {yi:g}; labels must be -1 or +1 "
                             "(make_moons gives -1/+1; turn 0/1 labels into -1/+1 with 2 * y - 1)")
    scores = [s if type(s) is Value else validate.real_number(s, what, f"score {i}") for i, s in enumerate(scores)]
    return scores, labels


def hinge_loss(scores, y):
    """Max-margin loss: mean over samples of relu(1 - y_i s_i), labels y_i in {-1, +1}."""
    scores, labels = _scores_and_labels(scores, y, "hinge_loss")
    losses = [(1 + -yi * si).relu() if type(si) is Value else Value(max(0.0, 1 - yi * si))
              for yi, si in zip(labels, scores)]
    return sum(losses) * (1.0 / len(losses))


def l2_penalty(params, alpha=1e-4):
    """alpha * sum of p^2 over the parameters (weight decay)."""
    params = _values(params, "l2_penalty")
    alpha = validate.finite_number(alpha, "l2_penalty", "alpha", nonnegative=True)
    return alpha * sum(p * p for p in params)


def accuracy(scores, y):
    """The fraction of samples where the sign of the score matches the label in {-1, +1}."""
    scores, labels = _scores_and_labels(scores, y, "accuracy")
    hits = [(yi > 0) == (_data(s) > 0) for yi, s in zip(labels, scores)]
    return sum(hits) / len(hits)


def _data(s):
    return s.data if isinstance(s, Value) else float(s)
