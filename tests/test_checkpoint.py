"""checkpoint: the same gradients, fewer stored intermediates."""
import math
import tracemalloc

import numpy as np
import pytest

import adlib
import adlib.numpy as anp


def layers(h, *Ws):
    for W in Ws:
        h = anp.tanh(anp.dot(h, W))
    return h


def network(Ws, x, segment):
    block = adlib.checkpoint(layers)
    h = x
    for s in range(0, len(Ws), segment):
        h = block(h, *Ws[s:s + segment]) if segment > 1 else layers(h, *Ws[s:s + segment])
    return anp.sum(h * h)


@pytest.fixture
def problem(rng):
    Ws = [rng.normal(scale=0.3, size=(8, 8)) for _ in range(9)]
    return Ws, rng.normal(size=(16, 8))


def test_checkpointed_gradients_equal_plain_ones(problem):
    Ws, x = problem
    f = lambda seg: adlib.value_and_grad(lambda *Ws: network(Ws, x, seg), argnum=tuple(range(9)))  # noqa: E731
    v0, g0 = f(1)(*Ws)
    v1, g1 = f(3)(*Ws)
    assert v1 == pytest.approx(v0)
    for a, b in zip(g0, g1):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    # and the input of a segment gets its gradient too
    gx0 = adlib.grad(lambda x: network(Ws, x, 1))(x)
    gx1 = adlib.grad(lambda x: network(Ws, x, 3))(x)
    np.testing.assert_allclose(gx0, gx1, rtol=1e-12, atol=1e-14)


def test_checkpoint_is_recomputed_in_the_backward_pass():
    calls = []

    def seg(h):
        calls.append(1)
        return anp.sin(h) * h
    block = adlib.checkpoint(seg)
    g = adlib.grad(lambda x: anp.sum(block(x)))(np.array([0.5, 1.0]))
    assert len(calls) == 2           # once forward, once again in the backward pass
    np.testing.assert_allclose(g, np.cos([0.5, 1.0]) * [0.5, 1.0] + np.sin([0.5, 1.0]))


def test_checkpoint_works_in_forward_mode_and_higher_order():
    block = adlib.checkpoint(lambda h: anp.sin(h) * h)
    x = np.array([0.3, 0.8])
    _, t = adlib.jvp(block, (x,), (np.ones(2),))
    np.testing.assert_allclose(t, np.cos(x) * x + np.sin(x))
    H = adlib.hessian(lambda x: anp.sum(block(x)))(x)
    np.testing.assert_allclose(H, np.diag(2 * np.cos(x) - x * np.sin(x)), rtol=1e-10)
    assert adlib.gradcheck(lambda x: block(x) * 2.0, x)


def test_closure_over_a_traced_value_is_refused():
    def f(W, h):
        block = adlib.checkpoint(lambda h: h * W)     # W is traced but not an argument
        return anp.sum(block(h))
    with pytest.raises(ValueError, match="did not receive as an argument"):
        adlib.grad(f, argnum=(0, 1))(np.ones(2), np.ones(2))


def peak(f, *args):
    f(*args)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    f(*args)
    p = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return p


def test_checkpointing_every_sqrt_depth_layers_lowers_peak_memory(rng):
    depth, width, batch = 16, 8, 512     # activations (512 × 8) dwarf the weights (8 × 8)
    Ws = [rng.normal(scale=0.3, size=(width, width)) for _ in range(depth)]
    x = rng.normal(size=(batch, width))
    k = int(math.sqrt(depth))
    plain = adlib.grad(lambda *Ws: network(Ws, x, 1), argnum=tuple(range(depth)))
    ckpt = adlib.grad(lambda *Ws: network(Ws, x, k), argnum=tuple(range(depth)))
    # stored activations: about 2 L plain, about L/k + 2k checkpointed
    assert peak(ckpt, *Ws) < 0.6 * peak(plain, *Ws)
