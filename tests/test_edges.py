"""Engine correctness at the edges (issue 15): powers at 0, constant outputs, unused and repeated
arguments, constants raised to traced powers, complex input, dtypes and inputs changed after tracing.

The expected values are the ones torch and HIPS autograd give (autograd is cross-checked where
it is installed); each case is run in every mode that can express it.
"""
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
