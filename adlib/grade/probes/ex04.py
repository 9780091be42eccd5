"""Probes for exercise 4 (backprop by hand)."""


def layer_backward(m, W, x, b, dH):
    out = m.relu_layer_backward(W.copy(), x.copy(), b.copy(), dH.copy())
    return list(out) if isinstance(out, (tuple, list)) else out


def steps(m, W, x, b):
    return [[str(name), float(value)] for name, value in m.backprop_steps(W, x, b)]
