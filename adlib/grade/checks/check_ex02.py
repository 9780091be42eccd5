"""Exercise 2: dual numbers from scratch."""
import math

import numpy as np
import pytest

import adlib
from adlib.grade.expect import Mistake, close, fmt, matches
from adlib.grade.oracle import dual
from adlib.grade.probes.ex02 import OPS, rational

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


def _arithmetic(student, rng, op):
    """The student's [Dual op Dual, Dual op k, k op Dual(, -Dual)], adlib.Dual's, and the inputs."""
    (a, b), (c, d) = _duals(rng)
    k = float(rng.uniform(1, 5))
    got = student.call("arithmetic", op, a, b, c, d, k)
    x, fn = adlib.Dual(a, b), OPS[op]
    want = [dual(fn(x, adlib.Dual(c, d))), dual(fn(x, k)), dual(fn(k, x))] + ([dual(-x)] if op == "-" else [])
    return got, want, (a, b, c, d, k)


@pytest.mark.points(1)
def test_add(student, rng):
    """+ with a Dual or a number on either side"""
    got, want, _ = _arithmetic(student, rng, "+")
    for mine, right, what in zip(got, want, ("Dual(a, b) + Dual(c, d)", "Dual(a, b) + k", "k + Dual(a, b)")):
        _check(mine, right, what)


@pytest.mark.points(2)
def test_sub(student, rng):
    """- and unary minus, with a Dual or a number on either side"""
    got, want, _ = _arithmetic(student, rng, "-")
    _check(got[0], want[0], "Dual(a, b) - Dual(c, d)")
    _check(got[1], want[1], "Dual(a, b) - k")
    _check(got[2], want[2], "k - Dual(a, b)",
           mistakes=[(want[1], "__rsub__ computes self - other; it must be other - self (a sign error)")])
    _check(got[3], want[3], "-Dual(a, b)")


@pytest.mark.points(2)
def test_mul(student, rng):
    """* follows the product rule, with a Dual or a number on either side"""
    got, want, (a, b, c, d, k) = _arithmetic(student, rng, "*")
    twice = ("the product rule counts one tangent twice ({}); each dual part meets the other number's "
             "real part: a·d + b·c")
    _check(got[0], want[0], "Dual(a, b) * Dual(c, d)", mistakes=[
        ((a * c, 2 * b * c), twice.format("b·c + c·b")), ((a * c, 2 * a * d), twice.format("a·d + d·a")),
        ((a * c, b * d), "you multiplied the dual parts (b·d); the product rule gives a·d + b·c"),
        ((a * c, b + d), "you added the dual parts; the product rule gives a·d + b·c"),
        ((a * c, a * d), "you kept only a·d; the product rule gives a·d + b·c"),
        ((a * c, b * c), "you kept only b·c; the product rule gives a·d + b·c")])
    _check(got[1], want[1], "Dual(a, b) * k")
    _check(got[2], want[2], "k * Dual(a, b)")


@pytest.mark.points(2)
def test_div(student, rng):
    """/ follows the quotient rule, with a Dual or a number on either side"""
    got, want, (a, b, c, d, k) = _arithmetic(student, rng, "/")
    real, tangent = want[0]
    _check(got[0], want[0], "Dual(a, b) / Dual(c, d)", mistakes=[
        ((real, -tangent), "a sign error: the quotient rule is (b·c - a·d) / c²"),
        ((real, tangent * c), "you divided by c instead of c²"),
        ((real, b / d), "you divided the dual parts; use the quotient rule")])
    _check(got[1], want[1], "Dual(a, b) / k")
    _check(got[2], want[2], "k / Dual(a, b)", mistakes=[
        (want[1], "__rtruediv__ computes self / other; it must be other / self")])


@pytest.mark.points(1)
def test_pow(student, rng):
    """** with a number exponent"""
    a, b = float(rng.uniform(0.5, 3)), float(rng.uniform(0.5, 3))
    n = float(rng.choice([2.0, 3.0, -1.0, 0.5, 2.5]))
    got = student.call("power", a, b, n)
    real, tangent = dual(adlib.Dual(a, b) ** n)
    _check(got, (real, tangent), f"Dual(a, b) ** {n:g}", mistakes=[
        ((real, tangent / b), "you forgot to multiply by the dual part b (the chain rule)"),
        ((real, tangent / n), "you forgot the factor n")])


@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["exp", "sin", "cos", "log"])
def test_elementary(student, rng, name):
    """exp, sin, cos and log of a Dual (and of a plain number)"""
    a = float(rng.uniform(0.3, 2.5)) * (1 if name == "log" else float(rng.choice([-1, 1])))
    b = float(rng.uniform(0.5, 3))
    got, plain = student.call("elementary", name, a, b)
    real, tangent = dual(getattr(adlib, name)(adlib.Dual(a, b)))
    chain = ((real, tangent / b), "you forgot to multiply by the dual part b (the chain rule)")
    mistakes = {"exp": [((real, a * tangent), "the derivative of exp multiplied by its input: "
                                              "d/dx exp(x) = exp(x), not x·exp(x)"), chain],
                "sin": [((real, -tangent), "a sign error: d/dx sin(x) = +cos(x)")],
                "cos": [((real, -tangent), "a sign error: d/dx cos(x) = -sin(x)")],
                "log": [((real, b * a), "d/dx log(x) = 1/x, so the dual part is b / a, not b·a"), chain]}[name]
    _check(got, (real, tangent), f"{name}(Dual(a, b)) at a = {a:.4g}, b = {b:.4g}", mistakes=mistakes)
    close(plain, getattr(math, name)(a), f"{name}({a:.4g}) of a plain number", rtol=1e-12)


@pytest.mark.points(2)
def test_derivative(student, rng):
    """derivative(f, x) is exact for a rational function"""
    c = rng.uniform(0.5, 2, 3)
    x = float(rng.uniform(0.5, 2))
    got = student.call("derivative", c, x)
    close(got, adlib.derivative(rational(c), x), f"derivative(f, {x:.4g})", rtol=1e-9)
    if not np.isfinite(got):
        raise Mistake("derivative returned a non-finite number")
