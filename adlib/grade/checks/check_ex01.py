"""Exercise 1: finite differences."""
import numpy as np
import pytest

from adlib.grade.expect import Mistake, as_array, close
from adlib.grade.sandbox import StudentFailure

pytestmark = pytest.mark.ex01


def _poly(c):
    """A random smooth function and its derivative (reference computed here, in the grader)."""
    f = lambda t: c[0] * np.sin(c[1] * t) + c[2] * t ** 3 + c[3] * t  # noqa: E731
    df = lambda t: c[0] * c[1] * np.cos(c[1] * t) + 3 * c[2] * t ** 2 + c[3]  # noqa: E731
    return f, df


@pytest.mark.points(2)
def test_forward_formula(student, rng):
    """forward_difference uses (f(x + h) - f(x)) / h"""
    c, x, h = rng.uniform(0.5, 2, 4), rng.uniform(-2, 2), rng.uniform(0.05, 0.3)
    f, _ = _poly(c)
    got = student.call(lambda m: m.forward_difference(f, x, h))
    want = (f(x + h) - f(x)) / h
    close(got, want, f"forward_difference(f, {x:.4g}, h={h:.4g})", rtol=1e-9, mistakes=[
        ((f(x) - f(x - h)) / h, "the backward difference (f(x) - f(x - h)) / h"),
        ((f(x + h) - f(x - h)) / (2 * h), "the central difference, not the forward one"),
        (f(x + h) - f(x), "you forgot to divide by h"),
        ((f(x) - f(x + h)) / h, "a sign error: (f(x) - f(x + h)) / h")])


@pytest.mark.points(1)
def test_forward_default_step(student, rng):
    """forward_difference's default h gives about 7 correct digits"""
    c, x = rng.uniform(0.5, 2, 4), rng.uniform(-2, 2)
    f, df = _poly(c)
    got = student.call(lambda m: m.forward_difference(f, x))
    close(got, df(x), f"forward_difference(f, {x:.4g}) with the default h", rtol=1e-5, atol=1e-5)


@pytest.mark.points(2)
def test_central_formula(student, rng):
    """central_difference uses (f(x + h) - f(x - h)) / (2h)"""
    c, x, h = rng.uniform(0.5, 2, 4), rng.uniform(-2, 2), rng.uniform(0.05, 0.3)
    f, _ = _poly(c)
    got = student.call(lambda m: m.central_difference(f, x, h))
    want = (f(x + h) - f(x - h)) / (2 * h)
    close(got, want, f"central_difference(f, {x:.4g}, h={h:.4g})", rtol=1e-9, mistakes=[
        ((f(x + h) - f(x - h)) / h, "you divided by h instead of 2h"),
        ((f(x + h) - f(x)) / h, "the forward difference, not the central one"),
        ((f(x - h) - f(x + h)) / (2 * h), "a sign error: (f(x - h) - f(x + h)) / (2h)")])


@pytest.mark.points(1)
def test_central_default_step(student, rng):
    """central_difference's default h gives about 10 correct digits"""
    c, x = rng.uniform(0.5, 2, 4), rng.uniform(-2, 2)
    f, df = _poly(c)
    got = student.call(lambda m: m.central_difference(f, x))
    close(got, df(x), f"central_difference(f, {x:.4g}) with the default h", rtol=1e-8, atol=1e-8)


def _quadratic(rng, n):
    A = rng.normal(size=(n, n))
    A = A + A.T
    b = rng.normal(size=n)
    f = lambda v: 0.5 * v @ A @ v + b @ v + np.sum(np.sin(v))  # noqa: E731
    df = lambda v: A @ v + b + np.cos(v)  # noqa: E731
    return f, df


@pytest.mark.points(3)
def test_gradient(student, rng):
    """numerical_gradient matches the exact gradient of f: R^n -> R"""
    n = int(rng.integers(3, 7))
    f, df = _quadratic(rng, n)
    x = rng.normal(size=n)
    got = student.call(lambda m: m.numerical_gradient(f, x.copy()))
    close(got, df(x), f"numerical_gradient(f, x) for x of shape ({n},)", rtol=1e-6, atol=1e-6)


@pytest.mark.points(1)
def test_gradient_leaves_x_alone(student, rng):
    """numerical_gradient is right and does not change its input x"""
    n = int(rng.integers(3, 7))
    f, df = _quadratic(rng, n)
    x = rng.normal(size=n)

    def probe(m):
        mine = x.copy()
        grad = m.numerical_gradient(f, mine)
        return grad, mine
    got, after = student.call(probe)
    after = as_array(after, "x after numerical_gradient(f, x)")
    if not np.array_equal(after, x):
        raise Mistake("numerical_gradient changed the array x it was given; perturb a copy "
                      "(x + step), not x itself")
    close(got, df(x), f"numerical_gradient(f, x) for x of shape ({n},)", rtol=1e-6, atol=1e-6)


@pytest.mark.points(2)
def test_best_step(student, rng):
    """best_step gives sqrt(eps) for forward and eps**(1/3) for central differences"""
    fwd, cen = student.call(lambda m: (m.best_step("forward"), m.best_step("central")))
    fwd = float(as_array(fwd, 'best_step("forward")'))
    cen = float(as_array(cen, 'best_step("central")'))
    if not 3e-9 <= fwd <= 5e-8:
        raise Mistake(f'best_step("forward") is {fwd:.3g}; the total error C h + eps/h is smallest '
                      "near h = sqrt(eps) ≈ 1.5e-8")
    if not 1e-6 <= cen <= 3e-5:
        raise Mistake(f'best_step("central") is {cen:.3g}; the total error C h² + eps/h is smallest '
                      "near h = eps**(1/3) ≈ 6e-6")


@pytest.mark.points(1)
@pytest.mark.hidden
def test_best_step_rejects_unknown(student, rng):
    """best_step raises ValueError for an unknown method"""
    def probe(m):
        try:
            m.best_step("sideways")
        except ValueError:
            return "ValueError"
        return "no error"
    try:
        got = student.call(probe)
    except StudentFailure as failure:
        if failure.kind == "not_implemented":
            raise
        raise Mistake(f'best_step("sideways") should raise ValueError, not: {failure.message}') from None
    if got != "ValueError":
        raise Mistake('best_step("sideways") returned instead of raising ValueError')
