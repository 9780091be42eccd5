"""gradcheck passes every built-in rule and catches wrong ones, saying where and why."""
import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.check import FULL_JACOBIAN_LIMIT, explain


@pytest.fixture
def x(rng):
    return rng.uniform(0.5, 1.5, size=(2, 3)) * rng.choice([-1, 1], size=(2, 3))


POSITIVE = {"log", "sqrt"}


@pytest.mark.parametrize("name", ["exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs",
                                  "square", "negative"])
def test_every_unary_builtin_passes(name, x):
    arg = np.abs(x) if name in POSITIVE else x
    assert adlib.gradcheck(getattr(anp, name), arg)


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "maximum", "minimum"])
def test_every_binary_builtin_passes_with_broadcasting(name, x, rng):
    b = rng.uniform(0.5, 1.5, size=(1, 3))
    assert adlib.gradcheck(getattr(anp, name), x, b)
    assert adlib.gradcheck(lambda b: getattr(anp, name)(b, x), b)


def test_power_passes_both_arguments(x):
    assert adlib.gradcheck(anp.power, np.abs(x), x)


@pytest.mark.parametrize("f", [
    lambda x: anp.sum(x, axis=0), lambda x: anp.mean(x, axis=1, keepdims=True), lambda x: anp.max(x, axis=1),
    lambda x: anp.min(x), lambda x: anp.logsumexp(x, axis=0), lambda x: anp.softmax(x),
    lambda x: anp.reshape(x, (3, 2)), lambda x: anp.transpose(x), lambda x: x.T @ x, lambda x: anp.dot(x, x.T),
    lambda x: x[:, 1:], lambda x: x[np.array([1, 1, 0])], lambda x: anp.concatenate([x, x * 2], axis=1),
    lambda x: anp.stack([x, x], axis=2), lambda x: anp.where(x > 0, x, x ** 2), lambda x: anp.clip(x, -1.2, 1.2),
    lambda x: anp.broadcast_to(x, (4, 2, 3)), lambda x: anp.swapaxes(x, 0, 1),
], ids=["sum", "mean", "max", "min", "logsumexp", "softmax", "reshape", "transpose", "matmul", "dot", "slice",
        "take", "concatenate", "stack", "where", "clip", "broadcast_to", "swapaxes"])
def test_structural_builtins_pass(f, x):
    assert adlib.gradcheck(f, x)


def test_large_inputs_use_random_projections(rng):
    W = rng.normal(size=(40, 30))
    assert W.size * W.size > FULL_JACOBIAN_LIMIT
    assert adlib.gradcheck(lambda W: anp.tanh(W @ W.T), W)


def wrong_sin():
    """The derivative of sin registered as sin: the classic slip."""
    bad = adlib.primitive(np.sin, name="bad_sin")
    adlib.defvjp(bad, lambda g, ans, x: g * anp.sin(x))
    return bad


def test_catches_a_wrong_rule_and_names_input_index_and_values(rng):
    bad = wrong_sin()
    x = np.array([0.3, 1.1, -0.7])
    with pytest.raises(adlib.GradcheckError) as info:
        adlib.gradcheck(lambda a, x: a * bad(x), 2.0, x)
    err = info.value
    worst = int(np.argmax(np.abs(np.sin(x) - np.cos(x))))       # the entry reported: the worst one
    assert err.argnum == 1 and err.index == (worst,)
    msg = str(err)
    assert "input 1" in msg and f"({worst},)" in msg
    assert repr(float(2 * np.sin(x[worst]))) in msg                  # the analytic value
    assert "central differences" in msg and "relative error" in msg and "Likely cause" in msg
    assert err.analytic == 2 * np.sin(x[worst])
    assert err.numerical == pytest.approx(2 * np.cos(x[worst]), rel=1e-6)


def test_wrong_rule_in_both_modes_is_blamed_on_the_formula():
    bad = wrong_sin()
    adlib.defjvp(bad, lambda t, ans, x: t * anp.sin(x))
    with pytest.raises(adlib.GradcheckError, match="forward mode agree with each other but not with central"):
        adlib.gradcheck(bad, np.array([0.4, 0.9]))


def test_wrong_rule_caught_in_large_inputs_too(rng):
    bad = wrong_sin()
    with pytest.raises(adlib.GradcheckError, match="random output gradient"):
        adlib.gradcheck(lambda x: bad(x) * 1.0, rng.normal(size=(40, 40)))


def test_wrong_reduction_hidden_by_all_ones_is_caught(rng):
    # a "sum over axis 1" whose rule ignores g's values (it uses g's mean): right only when g is all ones
    rowsum = adlib.primitive(lambda x: np.sum(x, axis=1), name="rowsum")
    adlib.defvjp(rowsum, lambda g, ans, x: np.broadcast_to(np.mean(g), x.shape))
    x = rng.normal(size=(3, 4))
    _, vjp_fn = adlib.vjp(rowsum, x)
    np.testing.assert_allclose(vjp_fn(np.ones(3))[0], np.ones((3, 4)))   # looks right with all ones
    with pytest.raises(adlib.GradcheckError):
        adlib.gradcheck(rowsum, x)


def test_a_dropped_factor_two_is_explained():
    half = adlib.primitive(lambda x: x * x, name="sq")
    adlib.defvjp(half, lambda g, ans, x: g * x)       # forgot the 2
    with pytest.raises(adlib.GradcheckError, match="half the expected value"):
        adlib.gradcheck(half, np.array([0.5, 1.5]))


def test_explanations_in_plain_words():
    assert "twice" in explain(2.0, 1.0)
    assert "`+=`" in explain(1.0, 2.0)
    assert "sign" in explain(-1.0, 1.0)
    assert "does not reach" in explain(0.0, 1.0)
    assert "size of an axis" in explain(4.0, 1.0, shapes=((4, 3),))
    assert "not smooth" in explain(1.0, 0.5, kink=True)


def test_refuses_non_finite_points_and_reports_tolerances():
    with pytest.raises(ValueError, match=r"input 0 is not finite at index \(1,\)"):
        adlib.gradcheck(anp.sin, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="not finite"), np.errstate(invalid="ignore"):
        adlib.gradcheck(anp.log, np.array([-1.0]))
    for word in ("atol", "rtol", "eps=1e-6"):
        assert word in adlib.gradcheck.__doc__


def test_tolerances_are_respected():
    slightly_off = adlib.primitive(np.sin, name="slightly_off_sin")
    adlib.defvjp(slightly_off, lambda g, ans, x: g * anp.cos(x) * (1 + 1e-4))
    x = np.array([0.5])
    assert adlib.gradcheck(slightly_off, x)                       # within rtol = 1e-3
    with pytest.raises(adlib.GradcheckError):
        adlib.gradcheck(slightly_off, x, rtol=1e-6, atol=1e-9)


def test_integer_labels_are_held_fixed():
    import adlib.numpy as anp
    rng = np.random.default_rng(3)
    W, x, y = rng.normal(size=(3, 2)), rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])

    def loss(W, x, y):
        p = anp.softmax(x @ W, axis=1)
        return -anp.mean(anp.log(p[np.arange(len(y)), y]))

    assert adlib.gradcheck(loss, W, x, y)
    with pytest.raises(TypeError, match="every input is an integer array"):
        adlib.gradcheck(lambda y: (y * 1.0).sum(), y)
