"""Finite differences: their accuracy order, the error model's U shape, and bad input."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import adlib
from adlib.numeric import EPS, default_step, error_model, optimal_step


def cube(x):
    return x ** 3


METHODS = {
    "forward": adlib.forward_difference,
    "backward": adlib.backward_difference,
    "central": adlib.central_difference,
}


@pytest.mark.parametrize("method,order", [("forward", 1), ("backward", 1), ("central", 2), ("complex", 2)])
def test_measured_accuracy_order(method, order):
    """Halving h divides the truncation error by 2**order (in the regime where rounding is negligible)."""
    fn = adlib.numeric.difference
    f, x, exact = adlib.sin, 0.7, math.cos(0.7)
    hs = np.array([1e-1, 5e-2, 2.5e-2, 1.25e-2])
    errors = np.array([abs(fn(f, x, h, method=method) - exact) for h in hs])
    slopes = np.diff(np.log(errors)) / np.diff(np.log(hs))
    np.testing.assert_allclose(slopes, order, atol=0.1)


def test_complex_step_is_exact_to_rounding():
    for f, df, x in [(cube, lambda x: 3 * x * x, 1.0), (adlib.exp, math.exp, 0.3),
                     (lambda x: adlib.sin(x) * adlib.exp(x), lambda x: math.exp(x) * (math.sin(x) + math.cos(x)), 2.0)]:
        assert abs(adlib.complex_step(f, x) - df(x)) <= 1e-15 * max(1.0, abs(df(x)))


@given(x=st.floats(-3, 3), method=st.sampled_from(["forward", "backward", "central", "complex"]))
def test_default_steps_are_accurate(x, method):
    got = adlib.numeric.difference(lambda t: adlib.sin(t) + t * t, x, method=method)
    exact = math.cos(x) + 2 * x
    tol = {"forward": 1e-6, "backward": 1e-6, "central": 1e-9, "complex": 1e-14}[method]
    assert got == pytest.approx(exact, abs=tol * max(1, abs(exact)))


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_error_curve_is_u_shaped_with_minimum_where_the_model_says(method):
    hs = np.logspace(-16, 0, 161)
    errors = np.array([abs(adlib.numeric.difference(cube, 1.0, h, method=method) - 3.0) for h in hs])
    # the model for x^3 at 1: f = 1, f'' = 6, f''' = 6
    h_star = optimal_step(method, f0=1.0, d2=6.0, d3=6.0)
    i = int(np.argmin(np.where(errors > 0, errors, np.inf)))
    assert abs(np.log10(hs[i]) - np.log10(h_star)) <= 1.0, (hs[i], h_star)
    # U shape: the error at both ends is far above the minimum (on the left, rounding
    # makes single points erratic, sometimes even exact: look at the typical error)
    assert np.median(errors[:20]) > 1e3 * errors[i] and errors[-1] > 1e3 * errors[i]
    # and the model predicts the typical error near its optimal step within a factor of 3
    # (the median over neighbouring steps: single points can be lucky, rounding errors cancel)
    _, _, total = error_model(method, h_star, f0=1.0, d1=3.0, d2=6.0, d3=6.0)
    j = int(np.argmin(np.abs(np.log(hs) - np.log(h_star))))
    typical = np.median(errors[j - 4:j + 5])
    assert typical / 3 <= total <= typical * 3, (typical, total)


def test_optimal_steps_are_about_sqrt_and_cbrt_of_eps():
    assert optimal_step("forward") == pytest.approx(2 * math.sqrt(EPS))
    assert optimal_step("central") == pytest.approx((3 * EPS) ** (1 / 3))
    assert default_step("central", 1000.0) == pytest.approx(EPS ** (1 / 3) * 1000)


def test_error_model_parts():
    h = np.array([1e-8, 1e-4])
    trunc, rnd, total = error_model("central", h, f0=2.0, d3=6.0)
    np.testing.assert_allclose(trunc, h ** 2)
    np.testing.assert_allclose(rnd, EPS * 2.0 / h)
    np.testing.assert_allclose(total, trunc + rnd)
    trunc, rnd, total = error_model("forward", h, f0=1.0, d2=4.0)
    np.testing.assert_allclose(trunc, 2 * h)


def test_float32_rounding_moves_the_optimum():
    eps32 = float(np.finfo(np.float32).eps)
    assert optimal_step("central", eps=eps32) > 100 * optimal_step("central")


def test_numerical_grad_shape_and_values(rng):
    x = rng.normal(size=(3, 2))
    f = lambda v: (v ** 2).sum() + v[0, 1] * v[2, 0]
    g = adlib.numerical_grad(f, x)
    expected = 2 * x
    expected[0, 1] += x[2, 0]
    expected[2, 0] += x[0, 1]
    assert g.shape == x.shape
    np.testing.assert_allclose(g, expected, atol=1e-8)
    for method in ("forward", "backward", "complex"):
        np.testing.assert_allclose(adlib.numerical_grad(f, x, method=method), expected, atol=1e-6)


def test_numerical_jacobian_is_m_by_n(rng):
    A = rng.normal(size=(4, 3))
    x = rng.normal(size=3)
    J = adlib.numerical_jacobian(lambda v: A @ v + adlib.sin(v).sum(), x)
    assert J.shape == (4, 3)
    np.testing.assert_allclose(J, A + np.cos(x), atol=1e-8)
    np.testing.assert_allclose(adlib.numerical_jacobian(lambda v: A @ v, x, method="complex"), A, atol=1e-14)


def test_numerical_grad_does_not_modify_the_input(rng):
    x = rng.normal(size=4)
    before = x.copy()
    adlib.numerical_grad(lambda v: (v ** 3).sum(), x)
    np.testing.assert_array_equal(x, before)


def test_gradient_costs_one_extra_evaluation_per_input():
    calls = []

    def f(v):
        calls.append(1)
        return float(np.sum(v ** 2))

    adlib.numerical_grad(f, np.ones(5), method="forward")
    assert len(calls) == 5 + 1
    calls.clear()
    adlib.numerical_grad(f, np.ones(5), method="central")
    assert len(calls) == 2 * 5 + 1


# -- bad input --------------------------------------------------------------------

@pytest.mark.parametrize("fn", [adlib.forward_difference, adlib.backward_difference,
                                adlib.central_difference, adlib.complex_step])
@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf])
def test_refuses_non_finite_points(fn, x):
    with pytest.raises(ValueError, match=f"{fn.__name__}.*not finite"):
        fn(cube, x)


@pytest.mark.parametrize("fn", [adlib.numerical_grad, adlib.numerical_jacobian])
def test_array_tools_refuse_non_finite_points(fn):
    with pytest.raises(ValueError, match=f"{fn.__name__}.*not finite at index \\(1,\\)"):
        fn(lambda v: v.sum(), np.array([1.0, np.nan]))


@pytest.mark.parametrize("bad", ["1.0", None, [1.0]])
def test_bad_point_type(bad):
    with pytest.raises(TypeError, match="central_difference: x must be"):
        adlib.central_difference(cube, bad)


@pytest.mark.parametrize("h", [0.0, -1e-3, math.nan])
def test_bad_step(h):
    with pytest.raises(ValueError, match="step h must be positive"):
        adlib.forward_difference(cube, 1.0, h)


def test_non_scalar_output_is_refused():
    with pytest.raises(TypeError, match="forward_difference: f\\(x\\) returned ndarray of shape \\(2,\\)"):
        adlib.forward_difference(lambda x: np.array([x, x]), 1.0)
    with pytest.raises(ValueError, match="numerical_grad.*shape \\(2,\\)"):
        adlib.numerical_grad(lambda v: v * 2, np.ones(2))


def test_complex_step_explains_a_real_only_function():
    with pytest.raises(TypeError, match="complex_step.*math.exp"):
        adlib.complex_step(math.exp, 1.0)
    with pytest.raises(TypeError, match="complex_step.*real number"):
        adlib.complex_step(lambda z: float(abs(z)), 1.0)


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method 'centre'"):
        adlib.numerical_grad(lambda v: v.sum(), np.ones(2), method="centre")
