"""The benchmarks compare like with like: each floor and peer computes what adlib computes.

A ratio against a hand-written "floor" that computes something else (a wrong gradient,
a cheaper function) would be meaningless, so the floors are pinned here on small inputs.
Timings themselves are never asserted (the numbers are in benchmarks/RESULTS.md).
"""
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.value import Value

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        yield lambda name: importlib.import_module(f"bench_{name}")
    finally:
        sys.path.remove(str(BENCH))


def test_every_suite_the_runner_lists_exists(bench):
    run = importlib.import_module("run")
    for name in run.SUITES:
        assert callable(bench(name).run), name


def test_hand_written_mlp_backprop_is_the_gradient_adlib_computes(bench):
    arrays = bench("arrays")
    params, x, y = arrays.make_problem(seed=3)
    loss, grads = arrays.numpy_value_and_grad(*params, x, y)
    a_loss, a_grads = arrays.adlib_value_and_grad(*params, x, y)
    assert np.isclose(loss, a_loss)
    for g, a in zip(grads, a_grads):
        assert g.shape == a.shape
        np.testing.assert_allclose(g, a, rtol=1e-10, atol=1e-13)


def test_hand_written_jvp_floor_is_the_jvp(bench):
    arrays = bench("arrays")
    rng = np.random.default_rng(0)
    x, v = rng.normal(size=500), rng.normal(size=500)
    value, tangent = arrays.numpy_jvp_by_hand(x.copy(), v.copy())
    a_value, a_tangent = adlib.jvp(lambda x: anp.sin(x) * anp.exp(-x * x) + anp.tanh(x), (x,), (v,))
    np.testing.assert_allclose(value, a_value, rtol=1e-13)
    np.testing.assert_allclose(tangent, a_tangent, rtol=1e-12, atol=1e-15)


def test_chain_benchmark_gradient(bench):
    value = bench("value")
    x, v = value.chain(Value, 2000)
    v.backward()
    assert x.grad == pytest.approx(0.999999 ** 1000, rel=1e-12)


def test_thirteen_op_function_matches_forward_mode(bench):
    value = bench("value")
    gx, gy = value.grad13(Value, 0.7, 1.3)
    fx = adlib.derivative(lambda t: value.f13(t, 1.3), 0.7)
    fy = adlib.derivative(lambda t: value.f13(0.7, t), 1.3)
    assert (gx, gy) == pytest.approx((fx, fy), rel=1e-12)


def test_checkpointed_loss_has_the_plain_gradient(bench):
    memory = bench("memory")
    rng = np.random.default_rng(1)
    depth = 4
    Ws = [rng.normal(scale=0.3, size=(8, 8)) for _ in range(depth)]
    x = rng.normal(size=(5, 8))
    plain = adlib.grad(lambda *Ws: memory.make_loss(depth, 0)(Ws, x), argnum=tuple(range(depth)))(*Ws)
    ckpt = adlib.grad(lambda *Ws: memory.make_loss(depth, 2)(Ws, x), argnum=tuple(range(depth)))(*Ws)
    for p, c in zip(plain, ckpt):
        np.testing.assert_allclose(p, c, rtol=1e-12)


def _small_moons(value):
    X, y = value.make_moons(20, noise=0.1, seed=2)
    return X.tolist(), [float(t) for t in y]


def test_demo_training_loop_is_micrograds_sgd(bench):
    """One step of the timed loop is loss, zero_grad, backward and p -= lr * grad, nothing else."""
    from adlib.nn import MLP
    value = bench("value")
    X, y = _small_moons(value)
    model, twin = MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=5)
    loss = value.demo_loss(Value, twin, X, y)
    loss.backward()
    expected = [p.data - 1.0 * p.grad for p in twin.parameters()]
    losses = value.demo_training(Value, model, X, y, steps=1)
    assert losses == [pytest.approx(loss.data, rel=1e-15)]
    assert [p.data for p in model.parameters()] == pytest.approx(expected, rel=1e-14)
    later = value.demo_training(Value, model, X, y, steps=5, first_step=1)
    assert later[-1] < losses[0]           # it trains


def test_demo_training_matches_micrograd_step_for_step(bench):
    """From the same weights, adlib and micrograd compute the same losses (so the ratio compares like with like)."""
    micrograd_nn = pytest.importorskip("micrograd.nn")
    from micrograd.engine import Value as MValue

    from adlib.nn import MLP
    value = bench("value")
    X, y = _small_moons(value)
    ours, theirs = MLP(2, [8, 8, 1], seed=3), micrograd_nn.MLP(2, [8, 8, 1])
    value.same_start(ours, theirs)
    a = value.demo_training(Value, ours, X, y, steps=3)
    m = value.demo_training(MValue, theirs, X, y, steps=3)
    assert a == pytest.approx(m, rel=1e-12)
