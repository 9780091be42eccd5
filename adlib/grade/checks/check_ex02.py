"""Exercise 2: dual numbers from scratch."""
import math

import numpy as np
import pytest

from adlib.grade.expect import Mistake, close, fmt, matches

pytestmark = pytest.mark.ex02


def _check(got, want, what, mistakes=()):
    """got, want: (real, dual) pairs; mistakes: [((real, dual), explanation)], matched on both parts."""
    if not matches(got, want, rtol=1e-9):
        for wrong, explanation in mistakes:
            if matches(got, wrong, rtol=1e-9):
                raise Mistake(f"{what} is Dual({fmt(float(got[0]))}, {fmt(float(got[1]))}), expected "
                              f"Dual({fmt(float(want[0]))}, {fmt(float(want[1]))}). It looks like {explanation}.")
    close(got[0], want[0], f"the real part of {what}", rtol=1e-9)
    close(got[1], want[1], f"the dual part of {what}", rtol=1e-9,
          mistakes=[(w[1], e) for w, e in mistakes])


def _duals(rng, k=2):
    return [(float(rng.uniform(0.5, 3)) * rng.choice([-1, 1]), float(rng.uniform(0.5, 3))) for _ in range(k)]


@pytest.mark.points(1)
def test_add(student, rng):
    """+ with a Dual or a number on either side"""
    (a, b), (c, d) = _duals(rng)
    k = float(rng.uniform(1, 5))
    got = student.call("arithmetic", "+", a, b, c, d, k)
    _check(got[0], (a + c, b + d), "Dual(a, b) + Dual(c, d)")
    _check(got[1], (a + k, b), "Dual(a, b) + k")
    _check(got[2], (a + k, b), "k + Dual(a, b)")


@pytest.mark.points(2)
def test_sub(student, rng):
    """- and unary minus, with a Dual or a number on either side"""
    (a, b), (c, d) = _duals(rng)
    k = float(rng.uniform(1, 5))
    got = student.call("arithmetic", "-", a, b, c, d, k)
    _check(got[0], (a - c, b - d), "Dual(a, b) - Dual(c, d)")
    _check(got[1], (a - k, b), "Dual(a, b) - k")
    _check(got[2], (k - a, -b), "k - Dual(a, b)",
           mistakes=[((a - k, b), "__rsub__ computes self - other; it must be other - self (a sign error)")])
    _check(got[3], (-a, -b), "-Dual(a, b)")


@pytest.mark.points(2)
def test_mul(student, rng):
    """* follows the product rule, with a Dual or a number on either side"""
    (a, b), (c, d) = _duals(rng)
    k = float(rng.uniform(1, 5))
    got = student.call("arithmetic", "*", a, b, c, d, k)
    _check(got[0], (a * c, a * d + b * c), "Dual(a, b) * Dual(c, d)", mistakes=[
        ((a * c, 2 * b * c), "the product rule counts one tangent twice (b·c + c·b); each dual part "
                             "meets the other number's real part: a·d + b·c"),
        ((a * c, 2 * a * d), "the product rule counts one tangent twice (a·d + d·a); each dual part "
                             "meets the other number's real part: a·d + b·c"),
        ((a * c, b * d), "you multiplied the dual parts (b·d); the product rule gives a·d + b·c"),
        ((a * c, b + d), "you added the dual parts; the product rule gives a·d + b·c"),
        ((a * c, a * d), "you kept only a·d; the product rule gives a·d + b·c"),
        ((a * c, b * c), "you kept only b·c; the product rule gives a·d + b·c")])
    _check(got[1], (a * k, b * k), "Dual(a, b) * k")
    _check(got[2], (a * k, b * k), "k * Dual(a, b)")


@pytest.mark.points(2)
def test_div(student, rng):
    """/ follows the quotient rule, with a Dual or a number on either side"""
    (a, b), (c, d) = _duals(rng)
    k = float(rng.uniform(1, 5))
    got = student.call("arithmetic", "/", a, b, c, d, k)
    _check(got[0], (a / c, (b * c - a * d) / c ** 2), "Dual(a, b) / Dual(c, d)", mistakes=[
        ((a / c, (a * d - b * c) / c ** 2), "a sign error: the quotient rule is (b·c - a·d) / c²"),
        ((a / c, (b * c - a * d) / c), "you divided by c instead of c²"),
        ((a / c, b / d), "you divided the dual parts; use the quotient rule")])
    _check(got[1], (a / k, b / k), "Dual(a, b) / k")
    _check(got[2], (k / a, -k * b / a ** 2), "k / Dual(a, b)", mistakes=[
        ((a / k, b / k), "__rtruediv__ computes self / other; it must be other / self")])


@pytest.mark.points(1)
def test_pow(student, rng):
    """** with a number exponent"""
    a, b = float(rng.uniform(0.5, 3)), float(rng.uniform(0.5, 3))
    n = float(rng.choice([2.0, 3.0, -1.0, 0.5, 2.5]))
    got = student.call("power", a, b, n)
    _check(got, (a ** n, n * a ** (n - 1) * b), f"Dual(a, b) ** {n:g}", mistakes=[
        ((a ** n, n * a ** (n - 1)), "you forgot to multiply by the dual part b (the chain rule)"),
        ((a ** n, a ** (n - 1) * b), "you forgot the factor n")])


def _unary(student, rng, name, f, df, positive=False):
    a = float(rng.uniform(0.3, 2.5)) * (1 if positive else float(rng.choice([-1, 1])))
    b = float(rng.uniform(0.5, 3))
    got, plain = student.call("elementary", name, a, b)
    return a, b, got, plain


@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["exp", "sin", "cos", "log"])
def test_elementary(student, rng, name):
    """exp, sin, cos and log of a Dual (and of a plain number)"""
    f = getattr(math, name)
    df = {"exp": math.exp, "sin": math.cos, "cos": lambda t: -math.sin(t), "log": lambda t: 1 / t}[name]
    a, b, got, plain = _unary(student, rng, name, f, df, positive=(name == "log"))
    mistakes = {"exp": [((f(a), a * math.exp(a) * b), "the derivative of exp multiplied by its input: "
                                                   "d/dx exp(x) = exp(x), not x·exp(x)"),
                        ((f(a), math.exp(a)), "you forgot to multiply by the dual part b (the chain rule)")],
                "sin": [((f(a), -math.cos(a) * b), "a sign error: d/dx sin(x) = +cos(x)")],
                "cos": [((f(a), math.sin(a) * b), "a sign error: d/dx cos(x) = -sin(x)")],
                "log": [((f(a), b * a), "d/dx log(x) = 1/x, so the dual part is b / a, not b·a"),
                        ((f(a), 1 / a), "you forgot to multiply by the dual part b (the chain rule)")]}[name]
    _check(got, (f(a), df(a) * b), f"{name}(Dual(a, b)) at a = {a:.4g}, b = {b:.4g}", mistakes=mistakes)
    close(plain, f(a), f"{name}({a:.4g}) of a plain number", rtol=1e-12)


@pytest.mark.points(2)
def test_derivative(student, rng):
    """derivative(f, x) is exact for a rational function"""
    # Arithmetic only, so a wrong exp/sin/cos/log rule loses only its own test.
    c = rng.uniform(0.5, 2, 3)
    x = float(rng.uniform(0.5, 2))

    got = student.call("derivative", c, x)
    want = 3 * c[0] * x ** 2 + c[1] / x ** 2 + ((2 * x - c[2]) * (1 + x * x) - (x - c[2]) * x * 2 * x) / (1 + x * x) ** 2
    close(got, want, f"derivative(f, {x:.4g})", rtol=1e-9)
    if not np.isfinite(got):
        raise Mistake("derivative returned a non-finite number")
