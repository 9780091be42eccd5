"""Measuring what gradients cost: time, memory and size, for notebook 07 (and 08).

Plain functions, no widgets.  Every computation goes through adlib
(``adlib.jvp`` for forward mode, ``adlib.grad`` / ``adlib.vjp`` /
``adlib.value_and_grad`` for reverse mode, ``adlib.numerical_grad`` for finite
differences); this module only times and counts.

Times are the best of a few repeats (the least disturbed by other work on the
machine); memory is the peak that :mod:`tracemalloc` sees, which includes numpy's
array buffers.  Beside every time, something that does not depend on the
machine is counted (evaluations of f, multiply-adds, layer evaluations), and
:func:`fitted_slope` turns a series of sizes and costs into the exponent a
log-log plot shows, so that a notebook states what it printed.
"""
from __future__ import annotations

import numpy as np

from .measure import best_time, best_times, counted, fitted_slope, peak_memory

__all__ = [
    "best_time", "best_times", "peak_memory", "fitted_slope", "counted",
    "test_function", "long_function", "gradient_forward", "gradient_reverse", "gradient_costs",
    "jacobian_forward", "jacobian_reverse", "jacobian_costs", "chain_cost",
    "mlp_init", "mlp_loss", "mlp_value_and_grad", "mlp_macs", "forward_backward_times", "depth_width_costs",
    "deep_loss", "deep_loss_checkpointed", "layer_evaluations", "backprop_memory",
    "nested", "graph_size", "tree_size",
]


# --------------------------------------------------------------------------- forward vs reverse

def test_function(x):
    """f: R^n -> R, f(x) = sum(tanh(x) * x): cheap, elementwise, with a dense gradient."""
    import adlib.numpy as anp
    return anp.sum(anp.tanh(x) * x)


def long_function(x, steps=20):
    """f: R^n -> R made of ``2 * steps`` elementwise operations: h <- tanh(h) * x, then sum(h).

    Its value needs a few arrays the size of x at any time; reverse mode keeps all
    ``2 * steps`` intermediates for the backward pass.
    """
    import adlib.numpy as anp
    h = x
    for _ in range(steps):
        h = anp.tanh(h) * x
    return anp.sum(h)


def gradient_forward(f, x):
    """The gradient of f: R^n -> R by forward mode: n JVPs, one per basis vector e_i."""
    import adlib
    x = np.asarray(x, dtype=float)
    g = np.empty(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = 1.0
        _, g[i] = adlib.jvp(f, (x,), (e.reshape(x.shape),))
    return g.reshape(x.shape)


def gradient_reverse(f, x):
    """The gradient of f: R^n -> R by reverse mode: one backward pass."""
    import adlib
    return adlib.grad(f)(np.asarray(x, dtype=float))


def gradient_costs(ns, f=test_function, repeat=3, seed=0):
    """Time both ways of getting the gradient of f: R^n -> R for each n in ``ns``.

    Returns a dict of arrays ``n``, ``forward``, ``reverse`` (seconds),
    ``forward_evaluations`` and ``reverse_evaluations`` (how often each way called f,
    counted) and ``max_difference``, the largest gap between the two gradients.
    """
    rng = np.random.default_rng(seed)
    rows = {"n": [], "forward": [], "reverse": [], "forward_evaluations": [], "reverse_evaluations": [],
            "max_difference": []}
    for n in ns:
        x = rng.normal(size=int(n))
        f_fwd, f_rev = counted(f), counted(f)
        results = gradient_forward(f_fwd, x), gradient_reverse(f_rev, x)
        rows["forward_evaluations"].append(f_fwd.calls)
        rows["reverse_evaluations"].append(f_rev.calls)
        rows["n"].append(int(n))
        _compare_and_time(rows, results, [lambda: gradient_forward(f, x), lambda: gradient_reverse(f, x)], repeat)
    return {k: np.asarray(v) for k, v in rows.items()}


def _compare_and_time(rows, results, timed, repeat):
    """Append to ``rows`` the largest gap between the two ways' ``results`` and the best
    of ``repeat`` times of each of the two calls in ``timed`` (forward first)."""
    forward, reverse = results
    rows["max_difference"].append(float(np.max(np.abs(forward - reverse))))
    t_fwd, t_rev = best_times(timed, repeat)
    rows["forward"].append(t_fwd)
    rows["reverse"].append(t_rev)


def _curve(m):
    """f: R -> R^m, f(t) = sin(c t) with c = (1, ..., m) / m: a curve with m outputs."""
    import adlib.numpy as anp
    c = np.arange(1, m + 1) / m
    return lambda t: anp.sin(c * t)


def jacobian_forward(f, t):
    """The Jacobian (a column, shape (m,)) of f: R -> R^m by forward mode: one JVP."""
    import adlib
    _, column = adlib.jvp(f, (float(t),), (1.0,))
    return np.asarray(column)


def jacobian_reverse(f, t):
    """The same column by reverse mode: one forward pass, then m VJPs, one per output e_j."""
    import adlib
    out, vjp_fn = adlib.vjp(f, float(t))
    out = np.asarray(out)
    column = np.empty(out.size)
    for j in range(out.size):
        e = np.zeros(out.size)
        e[j] = 1.0
        column[j] = float(np.ravel(vjp_fn(e.reshape(out.shape))[0])[0])
    return column.reshape(out.shape)


def jacobian_costs(ms, t=0.7, repeat=3):
    """Time both ways of getting the Jacobian of f: R -> R^m for each m in ``ms``.

    Returns a dict of arrays ``m``, ``forward``, ``reverse`` (seconds) and ``max_difference``.
    """
    rows = {"m": [], "forward": [], "reverse": [], "max_difference": []}
    for m in ms:
        f = _curve(int(m))
        rows["m"].append(int(m))
        timed = [lambda: jacobian_forward(f, t), lambda: jacobian_reverse(f, t)]
        _compare_and_time(rows, [run() for run in timed], timed, repeat)
    return {k: np.asarray(v) for k, v in rows.items()}


# --------------------------------------------------------------------------- the Jacobian chain

def chain_cost(dims, grouping):
    """Multiply-adds to multiply a chain of Jacobians J_k ... J_2 J_1 in one of two groupings.

    ``dims = [d_0, d_1, ..., d_k]``: the program maps R^{d_0} -> R^{d_1} -> ... -> R^{d_k},
    so J_i has shape (d_i, d_{i-1}).  ``grouping="reverse"`` multiplies from the output
    end, ((J_k J_{k-1}) ...) J_1, as reverse mode does; ``"forward"`` from the input
    end, J_k (... (J_2 J_1)), as forward mode does.  An (a x b) times (b x c) product
    costs a·b·c multiply-adds.
    """
    dims = [int(d) for d in dims]
    if len(dims) < 2 or min(dims) < 1:
        raise ValueError(f"chain_cost: dims must list at least two positive sizes, got {dims!r}")
    if grouping == "reverse":            # rows stay d_k: (d_k x d_i)(d_i x d_{i-1})
        return sum(dims[-1] * dims[i] * dims[i - 1] for i in range(len(dims) - 2, 0, -1))
    if grouping == "forward":            # columns stay d_0: (d_i x d_{i-1})(d_{i-1} x d_0)
        return sum(dims[i] * dims[i - 1] * dims[0] for i in range(2, len(dims)))
    raise ValueError(f"chain_cost: grouping must be 'reverse' or 'forward', got {grouping!r}")


# --------------------------------------------------------------------------- an MLP in adlib.numpy

def mlp_init(widths, seed=0):
    """Weights and biases of an MLP with layer sizes ``widths`` (a flat list W1, b1, W2, b2, ...).

    Weights are scaled by 1/sqrt(fan-in) so activations stay of order one at any depth.
    """
    if len(widths) < 2:
        raise ValueError(f"mlp_init: widths needs an input and an output size, got {list(widths)!r}")
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        params.append(rng.normal(size=(n_in, n_out)) / np.sqrt(n_in))
        params.append(np.zeros(n_out))
    return params


def mlp_loss(params, X, y):
    """Mean squared error of a tanh MLP: h <- tanh(h W + b) on every layer but the last."""
    import adlib.numpy as anp
    h = X
    n_layers = len(params) // 2
    for k in range(n_layers):
        W, b = params[2 * k], params[2 * k + 1]
        h = anp.dot(h, W) + b
        if k < n_layers - 1:
            h = anp.tanh(h)
    return anp.mean((h - y) ** 2)


def mlp_value_and_grad(params, X, y):
    """(loss, [gradient of each parameter]) by one reverse pass (adlib.value_and_grad over every parameter)."""
    import adlib
    n = len(params)
    f = adlib.value_and_grad(lambda *args: mlp_loss(args[:n], X, y), argnum=tuple(range(n)))
    value, grads = f(*params)
    return value, list(grads)


def mlp_macs(widths, batch):
    """Multiply-adds of the forward pass (one per weight per example) and of the backward pass.

    Backward does two per weight per example: one for the weight's gradient
    (a^T g) and one to pass the gradient on to the layer's input (g W^T).  The
    first layer's input needs no gradient, so it saves its share of the second.
    """
    weights = [a * b for a, b in zip(widths[:-1], widths[1:])]
    forward = batch * sum(weights)
    backward = batch * (2 * sum(weights) - weights[0])
    return forward, backward


def _data(widths, batch, seed):
    rng = np.random.default_rng(seed + 1)
    return rng.normal(size=(batch, widths[0])), rng.normal(size=(batch, widths[-1]))


def forward_backward_times(widths, batch=256, repeat=3, seed=0):
    """Time the loss alone and loss plus gradient for an MLP; returns ``(t_forward, t_forward_and_backward)``.

    The two are timed in turn (:func:`best_times`), the forward pass ``k`` times in a
    row with ``k`` about the ratio of the two, so that both timed stretches are about
    equally long and equally exposed to other work on the machine.
    """
    params = mlp_init(widths, seed)
    X, y = _data(widths, batch, seed)
    forward, both = (lambda: mlp_loss(params, X, y)), (lambda: mlp_value_and_grad(params, X, y))
    t_f, t_fb = best_times([forward, both], 1)          # warm up (first calls build caches) and estimate
    k = max(1, min(10, round(t_fb / t_f)))
    t_k, t_fb = best_times([lambda: [forward() for _ in range(k)], both], repeat)
    return t_k / k, t_fb


def depth_width_costs(depths, widths, base_width=128, base_depth=2, batch=256, repeat=3):
    """Time of loss + gradient as depth grows (width fixed) and as width grows (depth fixed).

    Depth d means d hidden layers of ``base_width`` units; width w means
    ``base_depth`` hidden layers of w units.  All sizes are timed in turn, round
    after round (:func:`best_times`), so a burst of other work disturbs them alike.
    Returns two dicts of arrays, each with ``time`` (seconds) and ``macs``
    (forward + backward multiply-adds, counted).
    """
    shapes = [[base_width] * (d + 1) + [1] for d in depths] + [[w] * (base_depth + 1) + [1] for w in widths]
    runs = []
    for shape in shapes:
        params = mlp_init(shape)
        X, y = _data(shape, batch, 0)
        mlp_value_and_grad(params, X, y)      # warm up
        runs.append(lambda params=params, X=X, y=y: mlp_value_and_grad(params, X, y))
    times = best_times(runs, repeat)
    macs = [sum(mlp_macs(shape, batch)) for shape in shapes]
    k = len(depths)
    by_depth = {"depth": np.asarray(depths), "time": np.asarray(times[:k]), "macs": np.asarray(macs[:k])}
    by_width = {"width": np.asarray(widths), "time": np.asarray(times[k:]), "macs": np.asarray(macs[k:])}
    return by_depth, by_width


# --------------------------------------------------------------------------- memory and checkpointing

_LAYER_CALLS = [0]


def _block(h, W):
    import adlib.numpy as anp
    _LAYER_CALLS[0] += 1
    return anp.tanh(anp.dot(h, W))


def layer_evaluations(fn):
    """How many layers (tanh(h W) blocks of deep_loss) ``fn()`` evaluates, forward and recomputed."""
    before = _LAYER_CALLS[0]
    fn()
    return _LAYER_CALLS[0] - before


def deep_loss(weights, x):
    """sum(h_L) for h_{k+1} = tanh(h_k W_k): reverse mode keeps every h_k until the backward pass."""
    import adlib.numpy as anp
    h = x
    for W in weights:
        h = _block(h, W)
    return anp.sum(h)


def deep_loss_checkpointed(weights, x, segment=None):
    """The same loss, with every ``segment`` layers wrapped in ``adlib.checkpoint``.

    Only each segment's input is kept; its inner activations are recomputed
    during the backward pass.  ``segment`` defaults to about sqrt(depth), which
    balances the kept inputs against the recomputed insides.
    """
    import adlib
    import adlib.numpy as anp
    depth = len(weights)
    if segment is None:
        segment = max(1, int(round(np.sqrt(depth))))

    def run(h, *ws):
        for W in ws:
            h = _block(h, W)
        return h

    run_segment = adlib.checkpoint(run)
    h = x
    for start in range(0, depth, segment):
        h = run_segment(h, *weights[start:start + segment])
    return anp.sum(h)


def backprop_memory(depths, width=128, batch=64, repeat=3, seed=0):
    """Peak memory and time of one gradient of ``deep_loss`` with and without checkpointing.

    Returns a dict of arrays: ``depth``, ``forward_bytes`` (loss alone),
    ``plain_bytes``, ``checkpoint_bytes``, ``plain_time``, ``checkpoint_time``,
    ``plain_layers`` and ``checkpoint_layers`` (layer evaluations, counted: recomputing
    costs the checkpointed gradient about one more forward pass),
    and ``max_difference`` between the two gradients (they must agree).
    """
    import adlib
    rng = np.random.default_rng(seed)
    rows = {k: [] for k in ("depth", "forward_bytes", "plain_bytes", "checkpoint_bytes", "plain_time",
                            "checkpoint_time", "plain_layers", "checkpoint_layers", "max_difference")}
    def gradient(loss, weights, x):
        n = len(weights)
        f = adlib.grad(lambda *ws: loss(list(ws), x), argnum=tuple(range(n)))
        return f(*weights)

    grad_plain = lambda weights, x: gradient(deep_loss, weights, x)             # noqa: E731
    grad_ckpt = lambda weights, x: gradient(deep_loss_checkpointed, weights, x)  # noqa: E731
    for d in depths:
        weights = [rng.normal(size=(width, width)) / np.sqrt(width) for _ in range(int(d))]
        x = rng.normal(size=(batch, width))
        g1, g2 = grad_plain(weights, x), grad_ckpt(weights, x)
        rows["depth"].append(int(d))
        rows["max_difference"].append(max(float(np.max(np.abs(a - b))) for a, b in zip(g1, g2)))
        rows["forward_bytes"].append(peak_memory(lambda: deep_loss(weights, x)))
        rows["plain_bytes"].append(peak_memory(lambda: grad_plain(weights, x)))
        rows["checkpoint_bytes"].append(peak_memory(lambda: grad_ckpt(weights, x)))
        t_plain, t_ckpt = best_times([lambda: grad_plain(weights, x), lambda: grad_ckpt(weights, x)], repeat)
        rows["plain_time"].append(t_plain)
        rows["checkpoint_time"].append(t_ckpt)
        rows["plain_layers"].append(layer_evaluations(lambda: grad_plain(weights, x)))
        rows["checkpoint_layers"].append(layer_evaluations(lambda: grad_ckpt(weights, x)))
    return {k: np.asarray(v) for k, v in rows.items()}


# --------------------------------------------------------------------------- symbolic swell

def nested(x, depth):
    """f_0 = x, f_{k+1} = sin(f_k) * cos(f_k): a graph of about 3·depth nodes."""
    import adlib
    f = x
    for _ in range(depth):
        f = adlib.sin(f) * adlib.cos(f)
    return f


def graph_size(root):
    """Nodes in the graph of a Value: each intermediate stored once, as reverse mode stores it."""
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
    return len(seen)


def tree_size(root):
    """Nodes in the same expression written out as a tree, as a symbolic formula without
    shared subexpressions is written: every use of an intermediate copies it."""
    sizes = {}
    order, stack = [], [(root, False)]
    while stack:                      # iterative post-order, so deep graphs do not recurse
        v, done = stack.pop()
        if done:
            sizes[id(v)] = 1 + sum(sizes[id(c)] for c in v._prev)
            continue
        if id(v) in sizes:
            continue
        stack.append((v, True))
        stack.extend((c, False) for c in v._prev if id(c) not in sizes)
    return sizes[id(root)]
