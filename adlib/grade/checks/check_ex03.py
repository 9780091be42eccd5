"""Exercise 3: backprop for a scalar Value.

Each backward rule is tested on its own by calling the output's ``_backward``
directly with a random upstream gradient, so one wrong rule loses only its own
points; ``backward()`` (the topological walk) is tested separately.
"""
import math

import numpy as np
import pytest

from adlib.grade.expect import Mistake, close
from adlib.grade.sandbox import InvalidSubmission, StudentFailure

pytestmark = pytest.mark.ex03

OVERWRITE = ("the gradient was overwritten (=) where it must be accumulated (+=): "
             "a value used twice must add up the gradient from each use")


def _own(m):
    if getattr(m.Value, "__module__", None) != m.__name__:
        raise InvalidSubmission("Value must be your own class, defined in your file")
    return m.Value


def _local(op, a, b, g):
    """A probe: z = op(x, w), set z.grad = g, call z._backward() once, return the input grads."""
    def probe(m):
        V = _own(m)
        x, w = V(a), V(b)
        z = op(x, w)
        z.grad = g
        z._backward()
        return float(x.grad), float(w.grad)
    return probe


def _inputs(rng):
    a = float(rng.uniform(0.3, 2.0) * rng.choice([-1, 1]))
    b = float(rng.uniform(0.3, 2.0) * rng.choice([-1, 1]))
    g = float(rng.uniform(0.5, 3.0) * rng.choice([-1, 1]))   # a non-trivial upstream gradient
    return a, b, g


IGNORED = "the rule ignores out.grad, the upstream gradient: multiply by it (the chain rule)"


@pytest.mark.points(1)
def test_add_rule(student, rng):
    """the backward rule of a + b"""
    a, b, g = _inputs(rng)
    gx, gw = student.call(_local(lambda x, w: x + w, a, b, g))
    close(gx, g, "x.grad after z = x + w", mistakes=[(1.0, IGNORED)])
    close(gw, g, "w.grad after z = x + w", mistakes=[(1.0, IGNORED)])


@pytest.mark.points(2)
def test_mul_rule(student, rng):
    """the backward rule of a * b"""
    a, b, g = _inputs(rng)
    gx, gw = student.call(_local(lambda x, w: x * w, a, b, g))
    close(gx, b * g, f"x.grad after z = x * w (x = {a:.4g}, w = {b:.4g}, z.grad = {g:.4g})", mistakes=[
        (a * g, "∂(x·w)/∂x is w, not x (the factors are swapped)"), (b, IGNORED)])
    close(gw, a * g, f"w.grad after z = x * w (x = {a:.4g}, w = {b:.4g}, z.grad = {g:.4g})", mistakes=[
        (b * g, "∂(x·w)/∂w is x, not w (the factors are swapped)"), (a, IGNORED)])


@pytest.mark.points(1)
def test_pow_rule(student, rng):
    """the backward rule of a ** n"""
    a, _, g = _inputs(rng)
    a = abs(a)
    n = float(rng.choice([2.0, 3.0, -1.0, 0.5, -2.0]))
    gx, _ = student.call(_local(lambda x, w: x ** n, a, 0.0, g))
    close(gx, n * a ** (n - 1) * g, f"x.grad after z = x ** {n:g} (x = {a:.4g}, z.grad = {g:.4g})",
          mistakes=[(a ** (n - 1) * g, "the factor n is missing: ∂(x^n)/∂x = n·x^(n-1)"),
                    (n * a ** n * g, "the exponent should drop by one: ∂(x^n)/∂x = n·x^(n-1)"),
                    (n * a ** (n - 1), IGNORED)])


@pytest.mark.points(2)
def test_exp_rule(student, rng):
    """the backward rule of exp(a)"""
    a, _, g = _inputs(rng)
    gx, _ = student.call(_local(lambda x, w: x.exp(), a, 0.0, g))
    close(gx, math.exp(a) * g, f"x.grad after z = x.exp() (x = {a:.4g}, z.grad = {g:.4g})", mistakes=[
        (a * math.exp(a) * g, "the derivative of exp multiplied by its input: d/dx exp(x) = exp(x), "
                              "not x·exp(x)"),
        (math.exp(a), IGNORED)])


@pytest.mark.points(1)
def test_tanh_rule(student, rng):
    """the backward rule of tanh(a)"""
    a, _, g = _inputs(rng)
    t = math.tanh(a)
    gx, _ = student.call(_local(lambda x, w: x.tanh(), a, 0.0, g))
    close(gx, (1 - t * t) * g, f"x.grad after z = x.tanh() (x = {a:.4g}, z.grad = {g:.4g})", mistakes=[
        ((1 + t * t) * g, "a sign error: d/dx tanh(x) = 1 - tanh(x)²"),
        ((1 - a * a) * g, "you used x² where tanh(x)² belongs: d/dx tanh(x) = 1 - tanh(x)²"),
        (1 - t * t, IGNORED)])


@pytest.mark.points(1)
def test_relu_rule(student, rng):
    """the backward rule of relu(a), for a > 0 and a < 0"""
    _, _, g = _inputs(rng)
    a = float(rng.uniform(0.3, 2))
    pos, _ = student.call(_local(lambda x, w: x.relu(), a, 0.0, g))
    neg, _ = student.call(_local(lambda x, w: x.relu(), -a, 0.0, g))
    close(pos, g, f"x.grad after z = x.relu() at x = {a:.4g} > 0", mistakes=[(1.0, IGNORED)])
    close(neg, 0.0, f"x.grad after z = x.relu() at x = {-a:.4g} < 0",
          mistakes=[(g, "relu passes no gradient where its input is negative")])


@pytest.mark.points(1)
def test_backward_seeds_one(student, rng):
    """backward() starts from out.grad = 1"""
    a, b, _ = _inputs(rng)

    def probe(m):
        V = _own(m)
        x = V(a)
        y = x * b
        y.backward()
        return float(y.grad), float(x.grad)
    gy, gx = student.call(probe)
    close(gy, 1.0, "y.grad after y.backward()", mistakes=[(0.0, "backward() must set self.grad = 1 first")])
    close(gx, b, f"x.grad after y = x * {b:.4g}; y.backward()")


@pytest.mark.points(2)
def test_value_used_twice(student, rng):
    """a value used twice: u = x + 1, y = x·u gives dy/dx = 2x + 1 (35 at x = 17)"""
    x0 = float(rng.choice([17.0, float(rng.uniform(-5, 5))]))

    def probe(m):
        V = _own(m)
        x = V(x0)
        u = x + 1
        y = x * u
        y.backward()
        return float(x.grad)
    got = student.call(probe)
    close(got, 2 * x0 + 1, f"dy/dx for u = x + 1, y = x·u at x = {x0:.4g}",
          mistakes=[(x0, OVERWRITE), (x0 + 1, OVERWRITE)])


@pytest.mark.points(1)
def test_same_operand_twice(student, rng):
    """x * x and x + x use x twice in one operation"""
    x0 = float(rng.uniform(0.5, 3))

    def probe(m):
        V = _own(m)
        x = V(x0)
        (x * x).backward()
        first = float(x.grad)
        x2 = V(x0)
        (x2 + x2).backward()
        return first, float(x2.grad)
    sq, twice = student.call(probe)
    close(sq, 2 * x0, f"x.grad after (x * x).backward() at x = {x0:.4g}", mistakes=[(x0, OVERWRITE)])
    close(twice, 2.0, "x.grad after (x + x).backward()", mistakes=[(1.0, OVERWRITE)])


def _dag(x, w, b):
    """A graph where values feed several others; only + and *, so that a wrong
    rule for exp, tanh or ** loses only its own test."""
    a = x * w + b
    c = a * a + x * 2
    d = c * a + w
    return d * c + a * b * 3 + d


@pytest.mark.points(2)
def test_graph_order(student, rng):
    """backward() on a graph with shared nodes matches central differences"""
    x0, w0, b0 = (float(v) for v in rng.uniform(-1, 1, 3))

    def probe(m):
        V = _own(m)
        x, w, b = V(x0), V(w0), V(b0)
        y = _dag(x, w, b)
        y.backward()
        return [float(x.grad), float(w.grad), float(b.grad)]
    got = student.call(probe)
    h = 1e-6
    want = [(_dag(x0 + h, w0, b0) - _dag(x0 - h, w0, b0)) / (2 * h),
            (_dag(x0, w0 + h, b0) - _dag(x0, w0 - h, b0)) / (2 * h),
            (_dag(x0, w0, b0 + h) - _dag(x0, w0, b0 - h)) / (2 * h)]
    try:
        close(got, want, "[x.grad, w.grad, b.grad] on a graph with shared nodes", rtol=1e-5, atol=1e-6)
    except Mistake as mistake:
        raise Mistake(f"{mistake} Several values here are used more than once: check that each "
                      "_backward adds (+=) to the gradients, and that backward() runs a node's "
                      "_backward only after every node that uses it.") from None


DEPTH = 20000


@pytest.mark.points(2)
def test_deep_chain(student, rng):
    # docstring set below, to show DEPTH
    ks = rng.uniform(0.9995, 1.0005, DEPTH)

    def probe(m):
        V = _own(m)
        x = V(1.5)
        v = x
        for k in ks:
            v = v * float(k)
        v.backward()
        return float(x.grad)
    try:
        got = student.call(probe)
    except StudentFailure as failure:
        if "RecursionError" in failure.message or failure.kind == "crash":
            raise Mistake(f"backward() failed on a chain {DEPTH:,} operations deep ({failure.message}): "
                          "a recursive topological sort exceeds Python's recursion limit; build the order "
                          "with an explicit stack instead") from None
        raise
    close(got, float(np.prod(ks)), f"x.grad at the start of a chain {DEPTH:,} deep", rtol=1e-9)


test_deep_chain.__doc__ = f"backward() on a chain {DEPTH:,} operations deep (no recursion)"
