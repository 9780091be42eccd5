"""Engine correctness at the edges (issue 15): powers at 0, constant outputs, unused and repeated
arguments, constants raised to traced powers, complex input, dtypes and inputs changed after tracing.

The expected values are the ones torch and HIPS autograd give (autograd is cross-checked where
it is installed); each case is run in every mode that can express it.
"""
import math
import warnings

import numpy as np
import pytest

import adlib
import adlib.numpy as anp


@pytest.fixture(autouse=True)
def _no_warnings():
    """A derivative at these edges must be clean: no 'divide by zero' on the way to 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def value_grad(f, x):
    v = adlib.Value(x)
    f(v).backward()
    return v.grad


# ---------------------------------------------------------------------------
# x ** 0 and x ** 1 at x = 0: derivative 0, second derivative 0, in every mode

@pytest.mark.parametrize("k", [0, 0.0])
def test_derivative_of_x_to_the_0_at_0_is_0_in_every_mode(k):
    f = lambda x: x ** k  # noqa: E731
    assert value_grad(f, 0.0) == 0.0
    assert adlib.derivative(f, 0.0) == 0.0
    assert adlib.jvp(f, (0.0,), (1.0,))[1] == 0.0
    np.testing.assert_array_equal(adlib.grad(lambda x: anp.sum(x ** k))(np.zeros(3)), np.zeros(3))
    np.testing.assert_array_equal(adlib.jacobian(lambda x: x ** k, mode="forward")(np.zeros(2)), np.zeros((2, 2)))
    assert adlib.derivative(lambda y: adlib.derivative(f, y), 0.0) == 0.0


@pytest.mark.parametrize("k", [1, 1.0])
def test_second_derivative_of_x_to_the_1_at_0_is_0_in_every_mode(k):
    f = lambda x: x ** k  # noqa: E731
    assert value_grad(f, 0.0) == 1.0
    assert adlib.derivative(lambda y: adlib.derivative(f, y), 0.0) == 0.0
    np.testing.assert_array_equal(adlib.hessian(lambda x: anp.sum(x ** k))(np.zeros(2)), np.zeros((2, 2)))
    np.testing.assert_array_equal(adlib.hvp(lambda x: anp.sum(x ** k))(np.zeros(2), np.ones(2)), np.zeros(2))
    # forward over reverse, reverse over forward
    g = adlib.grad(lambda x: anp.sum(x ** k))
    assert np.all(adlib.jvp(g, (np.zeros(2),), (np.ones(2),))[1] == 0.0)


def test_a_polynomial_written_with_powers_has_its_derivatives_at_0():
    c = np.array([5.0, 2.0, -3.0, 4.0])
    k = np.arange(4)
    p = lambda x: anp.sum(c * x ** k)  # noqa: E731   p(x) = 5 + 2x - 3x² + 4x³
    assert adlib.grad(p)(0.0) == 2.0
    assert adlib.grad(adlib.grad(p))(0.0) == -6.0
    assert adlib.grad(adlib.grad(adlib.grad(p)))(0.0) == 24.0
    assert adlib.derivative(lambda y: adlib.derivative(p, y), 0.0) == -6.0
    assert value_grad(lambda x: sum(float(ci) * x ** int(ki) for ci, ki in zip(c, k)), 0.0) == 2.0


def test_powers_at_0_match_autograd():
    autograd = pytest.importorskip("autograd")
    agnp = pytest.importorskip("autograd.numpy")
    for k in (0.0, 1.0, 2.0, 3.0):
        for order in (1, 2, 3):
            ours, theirs = (lambda x, k=k: anp.sum(x ** k)), (lambda x, k=k: agnp.sum(x ** k))
            for _ in range(order):
                ours, theirs = adlib.grad(ours), autograd.grad(theirs)
                if _ < order - 1:
                    ours_f, theirs_f = ours, theirs
                    ours = lambda x, g=ours_f: anp.sum(g(x))  # noqa: E731
                    theirs = lambda x, g=theirs_f: agnp.sum(g(x))  # noqa: E731
            np.testing.assert_array_equal(ours(np.zeros(2)), theirs(np.zeros(2)))


def test_0_to_a_traced_power_follows_torch():
    # d/db 0^b = 0^b log 0: torch and autograd give 0 for b >= 0 (the limit for b > 0)
    assert value_grad(lambda b: 0.0 ** b, 0.0) == 0.0
    assert value_grad(lambda b: 0.0 ** b, 2.0) == 0.0
    assert adlib.derivative(lambda b: 0.0 ** b, 0.0) == 0.0
    np.testing.assert_array_equal(adlib.grad(lambda b: anp.sum(0.0 ** b))(np.array([0.0, 1.5])), [0.0, 0.0])
    np.testing.assert_array_equal(adlib.hessian(lambda b: anp.sum(0.0 ** b))(np.array([0.0, 1.5])),
                                  np.zeros((2, 2)))


def test_mixed_second_derivative_of_a_power_at_exponent_0_is_exact():
    # ∂²(a^b)/∂a∂b = a^(b-1) (1 + b log a) = 1/a at b = 0 (autograd gives a here: its rule
    # swaps the exponent whenever b = 0; adlib only where a = b = 0, where nothing is defined)
    H = adlib.hessian(lambda x: x[0] ** x[1])(np.array([2.0, 0.0]))
    np.testing.assert_allclose(H, [[0.0, 0.5], [0.5, np.log(2.0) ** 2]], rtol=1e-15)


# ---------------------------------------------------------------------------
# Constants raised to traced powers

def test_hessian_of_a_constant_array_to_a_traced_power():
    c = np.array([2.0, 3.0, 0.5])
    x = np.array([1.0, -0.5, 2.0])
    H = adlib.hessian(lambda x: anp.sum(c ** x))(x)
    np.testing.assert_allclose(H, np.diag(c ** x * np.log(c) ** 2), rtol=1e-14)
    J = adlib.jacobian(lambda x: c ** x, mode="forward")(x)
    np.testing.assert_allclose(J, np.diag(c ** x * np.log(c)), rtol=1e-14)
    assert adlib.derivative(lambda y: adlib.derivative(lambda t: 3.0 ** t, y), 1.0) == pytest.approx(
        3.0 * np.log(3.0) ** 2, rel=1e-14)


# ---------------------------------------------------------------------------
# Outputs that do not depend on an input, unused and repeated arguments

def test_hessian_of_a_constant_has_shape_n_by_n():
    H = adlib.hessian(lambda x: 3.0)(np.ones(4))
    assert H.shape == (4, 4) and not H.any()
    H = adlib.hessian(lambda x: anp.sum(x) * 0.0 + 1.0)(np.ones((2, 3)))
    assert H.shape == (2, 3, 2, 3) and not H.any()


def test_hessian_and_jacobian_for_an_unused_argument():
    f = lambda x, y: anp.sum(x ** 2)  # noqa: E731
    x, y = np.ones(2), np.ones(3)
    H = adlib.hessian(f, argnum=1)(x, y)
    assert H.shape == (3, 3) and not H.any()
    J = adlib.jacobian(lambda x, y: x * 2.0, argnum=1)(x, y)
    assert J.shape == (2, 3) and not J.any()
    J = adlib.jacobian(lambda x, y: x * 2.0, argnum=1, mode="forward")(x, y)
    assert J.shape == (2, 3) and not J.any()


def test_jvp_of_grad_of_a_constant_has_the_input_shape():
    value, tangent = adlib.jvp(adlib.grad(lambda x: 3.0), (np.ones(3),), (np.ones(3),))
    assert np.shape(value) == (3,) and np.shape(tangent) == (3,)
    assert not np.any(value) and not np.any(tangent)
    assert adlib.hvp(lambda x: 3.0)(np.ones(3), np.ones(3)).shape == (3,)


def test_a_repeated_argnum_gives_the_same_gradient_twice():
    f = lambda x, y: anp.sum(x * y)  # noqa: E731
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    g0, g1 = adlib.grad(f, argnum=(0, 0))(x, y)
    np.testing.assert_array_equal(g0, y)
    np.testing.assert_array_equal(g1, y)
    assert type(g0) is np.ndarray and type(g1) is np.ndarray
    value, (a, b, c) = adlib.value_and_grad(f, argnum=(1, 0, 1))(x, y)
    np.testing.assert_array_equal(a, x)
    np.testing.assert_array_equal(b, y)
    np.testing.assert_array_equal(c, x)
    ja, jb = adlib.jacobian(lambda x: x * x, argnum=(0, 0))(x)
    np.testing.assert_array_equal(ja, jb)


def test_repeated_argnum_matches_autograd():
    autograd = pytest.importorskip("autograd")
    agnp = pytest.importorskip("autograd.numpy")
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    ours = adlib.grad(lambda x, y: anp.sum(anp.sin(x) * y), argnum=(1, 0))(x, y)
    theirs = autograd.grad(lambda x, y: agnp.sum(agnp.sin(x) * y), argnum=(1, 0))(x, y)
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a, t, rtol=1e-15)


# ---------------------------------------------------------------------------
# Complex input to functions defined for reals: refused by name

@pytest.mark.parametrize("call, name", [
    (lambda: anp.linalg.norm(np.array([3 + 4j])), "norm"),
    (lambda: anp.linalg.norm([3 + 4j]), "norm"),
    (lambda: anp.var(np.array([1j, -1j])), "var"),
    (lambda: anp.std(np.array([1j, -1j])), "std"),
    (lambda: adlib.grad(lambda x: x * x)(1j), "grad"),
    (lambda: adlib.grad(lambda x: anp.sum(x * x))(np.array([1j])), "grad"),
    (lambda: adlib.vjp(lambda x: x, np.array([1j])), "vjp"),
    (lambda: adlib.jacobian(lambda x: x)(np.array([1j])), "jacobian"),
    (lambda: adlib.hessian(lambda x: anp.sum(x))(np.array([1j])), "hessian"),
])
def test_complex_input_to_real_functions_is_refused(call, name):
    with pytest.raises(TypeError, match=rf"{name}.*complex"):
        call()


def test_real_input_to_norm_and_var_still_matches_numpy():
    x = np.array([3.0, -4.0, 1.0])
    assert anp.linalg.norm(x) == pytest.approx(np.linalg.norm(x), rel=1e-15)
    assert anp.var(x) == pytest.approx(np.var(x), rel=1e-15)
    assert anp.linalg.norm([3, 4]) == 5.0


# ---------------------------------------------------------------------------
# dtypes, and inputs changed in place after tracing

def test_float32_input_gives_a_float32_gradient():
    x = np.array([1.0, 2.0], dtype=np.float32)
    g = adlib.grad(lambda x: anp.sum(x * x))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x)
    assert adlib.vjp(lambda x: x * 3.0, x)[1](np.ones(2, dtype=np.float32))[0].dtype == np.float32
    assert adlib.grad(lambda x: 3.0)(x).dtype == np.float32     # zeros too
    assert adlib.grad(lambda x: anp.sum(x * x))(np.ones(2)).dtype == np.float64


def test_vjp_uses_the_inputs_as_they_were_when_it_was_called():
    x = np.array([1.0, 2.0])
    out, vjp_fn = adlib.vjp(lambda x: x * x, x)
    x[:] = 5.0                       # the student reuses the buffer
    np.testing.assert_array_equal(vjp_fn(np.ones(2))[0], [2.0, 4.0])
    np.testing.assert_array_equal(out, [1.0, 4.0])


# ---------------------------------------------------------------------------
# gradcheck at the edges: its own arguments, large inputs, kinks

def _wrong_square():
    sq = adlib.primitive(lambda x: x * x, name="wrong_square")
    adlib.defvjp(sq, lambda g, ans, x: 3.0 * x * g)       # should be 2 x g
    adlib.defjvp(sq, lambda t, ans, x: 3.0 * x * t)
    return sq


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"rtol": float("nan")}, ValueError, "rtol"),
    ({"atol": float("inf")}, ValueError, "atol"),
    ({"atol": -1.0}, ValueError, "atol"),
    ({"eps": 0}, ValueError, "eps"),
    ({"eps": -1e-6}, ValueError, "eps"),
    ({"eps": 1j}, TypeError, "eps"),
    ({"eps": float("nan")}, ValueError, "eps"),
    ({"eps": "1e-6"}, TypeError, "eps"),
    ({"rtol": None}, TypeError, "rtol"),
    ({"seed": 1.5}, TypeError, "seed"),
])
def test_gradcheck_refuses_bad_tolerances_instead_of_passing_or_blaming(kwargs, exc, words):
    with pytest.raises(exc, match=rf"gradcheck: .*{words}"):
        adlib.gradcheck(lambda x: x * x, np.ones(2), **kwargs)


def test_gradcheck_still_catches_a_wrong_rule():
    sq = _wrong_square()
    with pytest.raises(adlib.GradcheckError):
        adlib.gradcheck(lambda x: sq(x), np.ones(2))
    with pytest.raises(adlib.GradcheckError):
        adlib.gradcheck(lambda x: sq(x), np.ones(2), rtol=0.0, atol=0.0)


@pytest.mark.parametrize("scale", [1e-10, 1.0, 1e5, 1e10, -1e10])
def test_gradcheck_passes_a_right_gradient_at_any_scale(scale):
    x = scale * np.array([1.0, -0.5, 2.0])
    assert adlib.gradcheck(lambda x: x * x, x)
    assert adlib.gradcheck(lambda x: anp.sum(x * x), x)
    assert adlib.gradcheck(lambda x: anp.sum(x * x), scale * np.linspace(1, 2, 2000))   # projected checks


def test_gradcheck_at_1e10_still_catches_a_wrong_rule():
    sq = _wrong_square()
    with pytest.raises(adlib.GradcheckError) as info:
        adlib.gradcheck(lambda x: sq(x), np.array([1e10]))
    assert "not smooth" not in str(info.value)


def test_gradcheck_names_a_symmetric_kink():
    with pytest.raises(adlib.GradcheckError, match="not smooth"):
        adlib.gradcheck(lambda x: anp.relu(x), np.array([0.0, 1e10]))


def test_gradcheck_says_when_rounding_hides_the_derivative():
    with pytest.raises(adlib.GradcheckError, match="rounding"):
        adlib.gradcheck(lambda x: anp.sum(x * x * x), np.array([1e10, 1.0]))


# ---------------------------------------------------------------------------
# The stable forms: log1p, expm1, softplus (their derivatives are in tests/test_rules.py)

def test_log1p_and_expm1_keep_the_digits_the_naive_forms_lose():
    for x in (1e-20, 1e-10, -1e-12):
        assert adlib.log1p(x) == pytest.approx(x, rel=1e-9)            # log(1 + x) gives 0 or garbage
        assert adlib.expm1(x) == pytest.approx(x, rel=1e-9)            # exp(x) - 1 likewise
        assert adlib.derivative(adlib.log1p, x) == pytest.approx(1 / (1 + x), rel=1e-15)
    assert np.log(1 + 1e-20) == 0.0                                    # what the naive form gives


def test_softplus_never_overflows_in_any_mode():
    big = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    y = anp.softplus(big)
    np.testing.assert_allclose(y, np.logaddexp(0.0, big), rtol=1e-15)
    s = np.array([0.0, 1 / (1 + np.exp(30.0)), 0.5, 1 / (1 + np.exp(-30.0)), 1.0])    # sigmoid, exactly
    g = adlib.grad(lambda x: anp.sum(anp.softplus(x)))(big)
    np.testing.assert_allclose(g, s, rtol=1e-15)
    H = adlib.hessian(lambda x: anp.sum(anp.softplus(x)))(big)
    np.testing.assert_allclose(H, np.diag(s * (1 - s)), rtol=1e-12, atol=1e-300)
    assert adlib.softplus(1000.0) == 1000.0 and adlib.softplus(-1000.0) == 0.0
    v = adlib.Value(1000.0)
    adlib.softplus(v).backward()
    assert v.grad == 1.0
    assert adlib.derivative(adlib.softplus, -1000.0) == 0.0


@pytest.mark.parametrize("name", ["log1p", "expm1", "softplus"])
def test_stable_forms_exist_in_every_mode(name):
    f, af = getattr(adlib, name), getattr(anp, name)
    x = np.array([0.25, 1.5])
    assert isinstance(f(0.5), float)
    np.testing.assert_allclose(af(x), f(x), rtol=1e-15)
    d = adlib.derivative(f, 0.5)
    closed_form = {"log1p": 1 / 1.5, "expm1": math.exp(0.5), "softplus": 1 / (1 + math.exp(-0.5))}[name]
    assert d == pytest.approx(closed_form, rel=1e-15)
    v = adlib.Value(0.5)
    f(v).backward()
    assert v.grad == pytest.approx(d, rel=1e-15)
    assert adlib.grad(lambda t: anp.sum(af(t)))(np.array([0.5]))[0] == pytest.approx(d, rel=1e-15)
    assert adlib.complex_step(f, 0.5) == pytest.approx(d, rel=1e-13)
    assert adlib.gradcheck(lambda t: af(t), x)


def test_stable_forms_match_autograd():
    autograd = pytest.importorskip("autograd")
    agnp = pytest.importorskip("autograd.numpy")
    x = np.array([-3.0, -0.5, 0.0, 0.7, 4.0])
    for ours, theirs in [(anp.log1p, agnp.log1p), (anp.expm1, agnp.expm1),
                         (anp.softplus, lambda t: agnp.logaddexp(0.0, t))]:
        f1, f2 = (lambda t, o=ours: anp.sum(o(t) * t)), (lambda t, o=theirs: agnp.sum(o(t) * t))
        np.testing.assert_allclose(adlib.grad(f1)(x + 3.5), autograd.grad(f2)(x + 3.5), rtol=1e-13)
        np.testing.assert_allclose(adlib.hessian(f1)(x + 3.5), autograd.hessian(f2)(x + 3.5), rtol=1e-12, atol=1e-15)


def test_readme_claim_log_of_softmax_breaks_where_log_softmax_does_not():
    rng = np.random.default_rng(0)
    W, x, y = 1000 * rng.normal(size=(3, 2)), rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    naive = lambda W: -anp.mean(anp.log(anp.softmax(x @ W, axis=1)[np.arange(5), y]))  # noqa: E731
    stable = lambda W: -anp.mean(anp.log_softmax(x @ W, axis=1)[np.arange(5), y])  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isinf(naive(W)) and np.isnan(adlib.grad(naive)(W)).any()
    assert np.isfinite(stable(W)) and np.isfinite(adlib.grad(stable)(W)).all()
    assert adlib.gradcheck(stable, W / 1000)


# ---------------------------------------------------------------------------
# Kinks: torch's values (autograd agrees except where noted)

def test_values_at_kinks_follow_torch():
    x = np.array([0.0, 0.0])
    assert adlib.derivative(adlib.relu, 0.0) == 0.0                        # torch: relu'(0) = 0
    np.testing.assert_array_equal(adlib.grad(lambda t: anp.sum(anp.relu(t)))(x), [0.0, 0.0])
    np.testing.assert_array_equal(adlib.grad(lambda t: anp.sum(anp.abs(t)))(x), [0.0, 0.0])   # sign(0) = 0
    # a tie shares the gradient: maximum(x, 0) at 0 gives 1/2 (torch.maximum, autograd.maximum)
    np.testing.assert_array_equal(adlib.grad(lambda t: anp.sum(anp.maximum(t, 0.0)))(x), [0.5, 0.5])
    np.testing.assert_array_equal(adlib.grad(lambda t: anp.max(t))(np.array([1.0, 1.0, 0.0])), [0.5, 0.5, 0.0])
    # clip at a bound passes the gradient (torch.clamp; autograd gives 0 there)
    np.testing.assert_array_equal(adlib.grad(lambda t: anp.sum(anp.clip(t, 0.0, 1.0)))(np.array([0.0, 1.0, 2.0])),
                                  [1.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert adlib.derivative(adlib.sqrt, 0.0) == np.inf                   # the one-sided limit, as torch
