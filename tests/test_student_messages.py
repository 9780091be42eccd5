"""What a student is told when plain numpy meets a traced value, and comparisons on either side.

Found by the course helpers: the advice named functions that do not exist (anp.logaddexp),
a sampler given a traced mean was told to "use adlib.numpy" (which has no sampler), and
``ndarray < x`` raised where ``x > ndarray`` worked.
"""
import operator

import numpy as np
import pytest

import adlib
import adlib.numpy as anp

X = np.array([1.0, 2.0, 3.0])
THRESHOLD = np.array([1.5, 1.5, 3.5])


def _message(f, x=X):
    with pytest.raises(TypeError) as info:
        adlib.grad(f)(x)
    return str(info.value)


def test_advice_names_only_functions_that_exist():
    message = _message(lambda x: anp.sum(np.logaddexp(x, 0.0)))
    assert "anp.logaddexp" not in message and "adlib.numpy has no logaddexp" in message
    assert "anp.softplus(b - a)" in message
    # the written-out form it advises is right, and differentiable
    a, b = np.array([0.5, -3.0, 700.0]), np.array([2.0, 900.0, 1.0])
    np.testing.assert_allclose(a + anp.softplus(b - a), np.logaddexp(a, b), rtol=1e-15)
    g = adlib.grad(lambda a: anp.sum(a + anp.softplus(b - a)))(a)
    np.testing.assert_allclose(g, np.exp(a - np.logaddexp(a, b)), rtol=1e-12)
    # a function adlib.numpy has is named as anp's
    assert "anp.exp(...)" in _message(lambda x: anp.sum(np.exp(x)))
    assert "anp.maximum(...)" in _message(lambda x: anp.sum(np.maximum(x, 0.0)))


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2", "log2", "log10", "cbrt", "arctan2"])
def test_every_named_alternative_is_in_adlib_numpy_or_explained(name):
    ufunc = getattr(np, name)
    args = (X, X) if ufunc.nin == 2 else (X,)
    message = _message(lambda x: anp.sum(ufunc(x, *args[1:])))
    assert f"anp.{name}(" not in message and f"adlib.numpy has no {name}" in message
    for called in {w.split("(")[0] for w in message.split() if w.startswith("anp.")}:
        assert hasattr(anp, called[len("anp."):]), f"the advice names {called}, which does not exist"


@pytest.mark.parametrize("sample", [
    lambda rng, mu: rng.normal(mu),
    lambda rng, mu: rng.normal(0.0, mu),
    lambda rng, mu: rng.uniform(mu, mu + 1.0),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_sampler_given_a_traced_value_says_to_reparameterise(sample, mode):
    rng = np.random.default_rng(0)
    f = lambda mu: anp.sum(sample(rng, mu))  # noqa: E731
    with pytest.raises(TypeError) as info:
        adlib.grad(f)(X) if mode == "grad" else adlib.jvp(f, (X,), (np.ones(3),))
    message = str(info.value)
    assert "reparameterise" in message and "eps = rng.normal(size=...)" in message
    assert "mu + sigma * eps" in message


def test_the_reparameterised_form_it_advises_has_the_right_gradient():
    eps = np.random.default_rng(0).normal(size=3)
    f = lambda mu, sigma: anp.sum((mu + sigma * eps) ** 2)  # noqa: E731
    mu, sigma = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 0.5])
    g_mu, g_sigma = adlib.grad(f, argnum=(0, 1))(mu, sigma)
    np.testing.assert_allclose(g_mu, 2 * (mu + sigma * eps))
    np.testing.assert_allclose(g_sigma, 2 * (mu + sigma * eps) * eps)


COMPARE = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


def _traced_comparisons(x, t):
    """Every comparison of a traced x with an ndarray t, with x on either side: plain booleans."""
    out = []
    for op in COMPARE:
        left, right = op(t, x), op(x, t)
        for r in (left, right):
            assert isinstance(r, np.ndarray) and r.dtype == bool, (op, type(r))
        out.append((op, left, right))
    return out


@pytest.mark.parametrize("mode", ["grad", "jvp", "Dual", "grad of grad"])
def test_comparisons_are_symmetric_and_give_plain_booleans(mode):
    seen = []

    def f(x):
        seen.extend(_traced_comparisons(x, THRESHOLD))
        return anp.sum(x * (THRESHOLD < x))          # a mask from ndarray < traced: d/dx = the mask

    mask = (THRESHOLD < X).astype(float)
    if mode == "grad":
        np.testing.assert_array_equal(adlib.grad(f)(X), mask)
    elif mode == "jvp":
        assert adlib.jvp(f, (X,), (np.ones(3),))[1] == mask.sum()
    elif mode == "Dual":
        assert f(adlib.Dual(X, np.ones(3))).dual == mask.sum()
    else:                                   # d/dx sum(grad f(x) * x) = d/dx sum(mask * x) = mask
        np.testing.assert_array_equal(adlib.grad(lambda x: anp.sum(adlib.grad(f)(x) * x))(X), mask)
    assert seen
    for op, left, right in seen:
        np.testing.assert_array_equal(left, op(THRESHOLD, X))
        np.testing.assert_array_equal(right, op(X, THRESHOLD))
