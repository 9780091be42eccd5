"""Exercise 1: finite differences."""
import numpy as np
import pytest

import adlib
import adlib.numpy as anp

from adlib.grade.expect import Mistake, as_array, close

pytestmark = pytest.mark.ex01


def _smooth(c):
    """The probe's test function, and its exact derivative by adlib's forward mode (here, in the grader)."""
    f = lambda t: c[0] * np.sin(c[1] * t) + c[2] * t ** 3 + c[3] * t  # noqa: E731
    traced = lambda t: c[0] * adlib.sin(c[1] * t) + c[2] * t ** 3 + c[3] * t  # noqa: E731
    return f, lambda t: adlib.derivative(traced, t)


def _draw(rng):
    return rng.uniform(0.5, 2, 4), float(rng.uniform(-2, 2)), float(rng.uniform(0.05, 0.3))


def _formula(student, rng, name):
    """The student's difference at a random x and h, adlib's three differences there, and a label."""
    c, x, h = _draw(rng)
    f, _ = _smooth(c)
    got = student.call("difference", name, c, x, h)
    v = {"forward": adlib.forward_difference(f, x, h), "backward": adlib.backward_difference(f, x, h),
         "central": adlib.central_difference(f, x, h), "h": h}
    return got, v, f"{name}(f, {x:.4g}, h={h:.4g})"


@pytest.mark.points(2)
def test_forward_formula(student, rng):
    """forward_difference uses (f(x + h) - f(x)) / h"""
    got, v, what = _formula(student, rng, "forward_difference")
    close(got, v["forward"], what, rtol=1e-9, mistakes=[
        (v["backward"], "the backward difference (f(x) - f(x - h)) / h"),
        (v["central"], "the central difference, not the forward one"),
        (v["forward"] * v["h"], "you forgot to divide by h"),
        (-v["forward"], "a sign error: (f(x) - f(x + h)) / h")])


@pytest.mark.points(2)
def test_central_formula(student, rng):
    """central_difference uses (f(x + h) - f(x - h)) / (2h)"""
    got, v, what = _formula(student, rng, "central_difference")
    close(got, v["central"], what, rtol=1e-9, mistakes=[
        (2 * v["central"], "you divided by h instead of 2h"),
        (v["forward"], "a forward difference where a central one is asked: use f(x + h) - f(x - h)"),
        (v["backward"], "a backward difference where a central one is asked: use f(x + h) - f(x - h)"),
        (-v["central"], "a sign error: (f(x - h) - f(x + h)) / (2h)")])


def _default_step(student, rng, name, best, rtol):
    c, x, _ = _draw(rng)
    f, df = _smooth(c)
    got = student.call("difference", name, c, x)
    h = student.call("default_step", name)
    try:
        close(got, df(x), f"{name}(f, {x:.4g}) with the default h", rtol=rtol, atol=rtol)
    except Mistake as mistake:
        if isinstance(h, (int, float)) and 0 < h < best / 30:
            raise Mistake(f"{mistake} Your default step h = {h:.3g} is too small: the rounding error "
                          f"ε/h grows as h shrinks; the best h is near {best:.2g}") from None
        if isinstance(h, (int, float)) and h > best * 30:
            raise Mistake(f"{mistake} Your default step h = {h:.3g} is too large: the truncation error "
                          f"grows with h; the best h is near {best:.2g}") from None
        raise


@pytest.mark.points(1)
def test_forward_default_step(student, rng):
    """forward_difference's default h gives about 7 correct digits"""
    _default_step(student, rng, "forward_difference", adlib.optimal_step("forward"), 1e-5)


@pytest.mark.points(1)
def test_central_default_step(student, rng):
    """central_difference's default h gives about 10 correct digits"""
    _default_step(student, rng, "central_difference", adlib.optimal_step("central"), 1e-8)


def _quadratic(rng, n):
    """The probe's f(v) = ½ vᵀA v + bᵀv + Σ sin(v), and its gradient by adlib's reverse mode."""
    A = rng.normal(size=(n, n))
    A = A + A.T
    b = rng.normal(size=n)
    traced = lambda v: 0.5 * anp.dot(v, anp.dot(A, v)) + anp.dot(b, v) + anp.sum(anp.sin(v))  # noqa: E731
    return A, b, adlib.grad(traced)


def _gradient(student, rng):
    """(the student's gradient, x after the call, x, adlib's gradient at x, a label)."""
    n = int(rng.integers(3, 7))
    A, b, df = _quadratic(rng, n)
    x = rng.normal(size=n)
    got, after = student.call("gradient", A, b, x)
    return got, after, x, df(x), f"numerical_gradient(f, x) for x of shape ({n},)"


@pytest.mark.points(3)
def test_gradient(student, rng):
    """numerical_gradient matches the exact gradient of f: R^n -> R"""
    got, _, _, want, what = _gradient(student, rng)
    close(got, want, what, rtol=1e-6, atol=1e-6)


@pytest.mark.points(1)
def test_gradient_leaves_x_alone(student, rng):
    """numerical_gradient is right and does not change its input x"""
    got, after, x, want, what = _gradient(student, rng)
    if not np.array_equal(as_array(after, "x after numerical_gradient(f, x)"), x):
        raise Mistake("numerical_gradient changed the array x it was given; perturb a copy "
                      "(x + step), not x itself")
    close(got, want, what, rtol=1e-6, atol=1e-6)


@pytest.mark.points(2)
def test_best_step(student, rng):
    """best_step gives sqrt(eps) for forward and eps**(1/3) for central differences"""
    fwd = float(as_array(student.call("best_step", "forward"), 'best_step("forward")'))
    cen = float(as_array(student.call("best_step", "central"), 'best_step("central")'))
    if not 3e-9 <= fwd <= 5e-8:
        raise Mistake(f'best_step("forward") is {fwd:.3g}; the total error C h + eps/h is smallest '
                      "near h = sqrt(eps) ≈ 1.5e-8")
    if not 1e-6 <= cen <= 3e-5:
        raise Mistake(f'best_step("central") is {cen:.3g}; the total error C h² + eps/h is smallest '
                      "near h = eps**(1/3) ≈ 6e-6")
