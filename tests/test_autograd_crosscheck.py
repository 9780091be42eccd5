"""adlib agrees with HIPS autograd (an independent implementation), when it is installed."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

autograd = pytest.importorskip("autograd")
agnp = pytest.importorskip("autograd.numpy")

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402


def ag_logsumexp(x, axis=None, keepdims=False):
    m = agnp.max(x, axis=axis, keepdims=True)
    out = agnp.log(agnp.sum(agnp.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else (agnp.squeeze(out, axis=axis) if axis is not None else agnp.reshape(out, ()))


def program(np_, lse):
    """One program, written once, run with either library's namespace."""
    def f(W, b, x):
        h = np_.tanh(np_.dot(x, W) + b)
        z = np_.concatenate([h, np_.maximum(h, 0.1) ** 2], axis=1)
        z = np_.where(z > 0, z, 0.5 * z) * np_.exp(-np_.sum(W * W) / 10.0)
        return np_.mean(lse(z, axis=1)) + np_.sum(np_.transpose(z)[:, 0]) - np_.max(z)
    return f


shapes = st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=25, deadline=None)
@given(dims=shapes, seed=st.integers(0, 2 ** 16))
def test_gradients_agree_with_autograd(dims, seed):
    n, d, k = dims
    rng = np.random.default_rng(seed)
    W, b, x = rng.normal(size=(d, k)), rng.normal(size=k), rng.normal(size=(n, d))
    ours = adlib.value_and_grad(program(anp, anp.logsumexp), argnum=(0, 1, 2))(W, b, x)
    theirs = autograd.value_and_grad(program(agnp, ag_logsumexp), argnum=(0, 1, 2))(W, b, x)
    assert ours[0] == pytest.approx(theirs[0])
    for a, t in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, t, rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-2, 2)))
def test_hessians_agree_with_autograd(x):
    def f(np_):
        return lambda x: np_.sum(np_.sin(x) * np_.exp(-x * x)) * np_.sum(np_.tanh(x))
    np.testing.assert_allclose(adlib.hessian(f(anp))(x), autograd.hessian(f(agnp))(x), rtol=1e-9, atol=1e-12)
    J_ours = adlib.jacobian(lambda x: anp.sin(x) * anp.sum(x ** 2))(x)
    J_theirs = autograd.jacobian(lambda x: agnp.sin(x) * agnp.sum(x ** 2))(x)
    np.testing.assert_allclose(J_ours, J_theirs, rtol=1e-10, atol=1e-12)


def statistics_program(np_):
    """outer, einsum, var, std and linalg.norm, written once for either library."""
    def f(A, v):
        P = np_.einsum("ij,jk->ik", A, np_.transpose(A)) + np_.outer(v, v)
        spread = np_.var(P, axis=0, ddof=1) + np_.std(A, axis=1, keepdims=True).sum()
        return np_.sum(spread * np_.einsum("ij,j->i", P, v)) + np_.linalg.norm(A) * np_.linalg.norm(v)
    return f


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 4), m=st.integers(2, 4), seed=st.integers(0, 2 ** 16))
def test_statistics_and_einsum_agree_with_autograd(n, m, seed):
    rng = np.random.default_rng(seed)
    A, v = rng.normal(size=(n, m)), rng.normal(size=n)
    ours = adlib.value_and_grad(statistics_program(anp), argnum=(0, 1))(A, v)
    theirs = autograd.value_and_grad(statistics_program(agnp), argnum=(0, 1))(A, v)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
    for a, t in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, t, rtol=1e-9, atol=1e-12)
