"""Exercise 3: backprop for a scalar Value.

Each backward rule is tested on its own by calling the output's ``_backward``
directly with a random upstream gradient, so one wrong rule loses only its own
points; ``backward()`` (the topological walk) is tested separately.
"""
import math

import numpy as np
import pytest

from adlib.grade.expect import Mistake, close
from adlib.grade.oracle import value_grads
from adlib.grade.probes.ex03 import OPS, dag
from adlib.grade.sandbox import StudentFailure

pytestmark = pytest.mark.ex03

OVERWRITE = ("the gradient was overwritten (=) where it must be accumulated (+=): "
             "a value used twice must add up the gradient from each use")


def _inputs(rng):
    a = float(rng.uniform(0.3, 2.0) * rng.choice([-1, 1]))
    b = float(rng.uniform(0.3, 2.0) * rng.choice([-1, 1]))
    g = float(rng.uniform(0.5, 3.0) * rng.choice([-1, 1]))   # a non-trivial upstream gradient
    return a, b, g


ORDER = ("backward() runs the _backward closures in the wrong order: reverse the topological order, so "
         "that a node passes its gradient back only after every node that uses it has passed back its share")


def _blame(student, rng):
    """OVERWRITE or ORDER: a chain that uses each value once tells the two mistakes apart."""
    x0, a, b, c = (float(v) for v in rng.uniform(0.5, 2, 4))
    try:
        got = student.call("chain", x0, a, b, c)
    except StudentFailure:
        return OVERWRITE
    return OVERWRITE if np.isclose(got, a * c, rtol=1e-9) else ORDER


IGNORED = "the rule ignores out.grad, the upstream gradient: multiply by it (the chain rule)"


def _rule(student, rng, op, a=None, n=None):
    """(the student's (x.grad, w.grad), adlib.Value's, the inputs) after z = op(x, w) with z.grad = g."""
    x0, w0, g = _inputs(rng)
    x0 = x0 if a is None else a
    got = student.call("local", op, x0, w0, g, *([] if n is None else [n]))
    want = value_grads(lambda x, w: OPS[op](x, w, n), x0, w0, upstream=g)
    return got, want, (x0, w0, g)


@pytest.mark.points(1)
def test_add_rule(student, rng):
    """the backward rule of a + b"""
    (gx, gw), (wx, ww), _ = _rule(student, rng, "add")
    close(gx, wx, "x.grad after z = x + w", mistakes=[(1.0, IGNORED)])
    close(gw, ww, "w.grad after z = x + w", mistakes=[(1.0, IGNORED)])


@pytest.mark.points(2)
def test_mul_rule(student, rng):
    """the backward rule of a * b"""
    (gx, gw), (wx, ww), (a, b, g) = _rule(student, rng, "mul")
    where = f"after z = x * w (x = {a:.4g}, w = {b:.4g}, z.grad = {g:.4g})"
    close(gx, wx, f"x.grad {where}", mistakes=[(ww, "∂(x·w)/∂x is w, not x (the factors are swapped)"),
                                                (wx / g, IGNORED)])
    close(gw, ww, f"w.grad {where}", mistakes=[(wx, "∂(x·w)/∂w is x, not w (the factors are swapped)"),
                                                (ww / g, IGNORED)])


@pytest.mark.points(1)
def test_pow_rule(student, rng):
    """the backward rule of a ** n"""
    n = float(rng.choice([2.0, 3.0, -1.0, 0.5, -2.0]))
    a = float(rng.uniform(0.3, 2.0))
    (gx, _), (wx, _), (a, _, g) = _rule(student, rng, "pow", a=a, n=n)
    close(gx, wx, f"x.grad after z = x ** {n:g} (x = {a:.4g}, z.grad = {g:.4g})",
          mistakes=[(wx / n, "the factor n is missing: ∂(x^n)/∂x = n·x^(n-1)"),
                    (wx * a, "the exponent should drop by one: ∂(x^n)/∂x = n·x^(n-1)"),
                    (wx / g, IGNORED)])


@pytest.mark.points(2)
def test_exp_rule(student, rng):
    """the backward rule of exp(a)"""
    (gx, _), (wx, _), (a, _, g) = _rule(student, rng, "exp")
    close(gx, wx, f"x.grad after z = x.exp() (x = {a:.4g}, z.grad = {g:.4g})", mistakes=[
        (a * wx, "the derivative of exp multiplied by its input: d/dx exp(x) = exp(x), not x·exp(x)"),
        (wx / g, IGNORED)])


@pytest.mark.points(1)
def test_tanh_rule(student, rng):
    """the backward rule of tanh(a)"""
    (gx, _), (wx, _), (a, _, g) = _rule(student, rng, "tanh")
    t = math.tanh(a)
    close(gx, wx, f"x.grad after z = x.tanh() (x = {a:.4g}, z.grad = {g:.4g})", mistakes=[
        ((1 + t * t) * g, "a sign error: d/dx tanh(x) = 1 - tanh(x)²"),
        ((1 - a * a) * g, "you used x² where tanh(x)² belongs: d/dx tanh(x) = 1 - tanh(x)²"),
        (wx / g, IGNORED)])


@pytest.mark.points(1)
def test_relu_rule(student, rng):
    """the backward rule of relu(a), for a > 0 and a < 0"""
    a = float(rng.uniform(0.3, 2))
    for x0 in (a, -a):
        (got, _), (want, _), (_, _, g) = _rule(student, rng, "relu", a=x0)
        close(got, want, f"x.grad after z = x.relu() at x = {x0:.4g} {'>' if x0 > 0 else '<'} 0", mistakes=[
            (1.0 if x0 > 0 else None, IGNORED),
            (g if x0 < 0 else None, "relu passes no gradient where its input is negative")])


@pytest.mark.points(1)
def test_backward_seeds_one(student, rng):
    """backward() starts from out.grad = 1"""
    a, b, _ = _inputs(rng)

    gy, gx = student.call("backward_seeds", a, b)
    close(gy, 1.0, "y.grad after y.backward()", mistakes=[(0.0, "backward() must set self.grad = 1 first")])
    close(gx, b, f"x.grad after y = x * {b:.4g}; y.backward()")


@pytest.mark.points(2)
def test_value_used_twice(student, rng):
    """a value used twice: u = x + 1, y = x·u gives dy/dx = 2x + 1"""
    # Never the worked example's x = 17 (dy/dx = 35): a hard-coded 35 must not pass.
    x0 = float(rng.uniform(-5, 5))

    got = student.call("used_twice", x0)
    want = value_grads(lambda x: x * (x + 1), x0)[0]
    if not np.isclose(got, want, rtol=1e-6):
        blame = _blame(student, rng)
        close(got, want, f"dy/dx for u = x + 1, y = x·u at x = {x0:.4g}",
              mistakes=[(x0, blame), (x0 + 1, blame)])


@pytest.mark.points(1)
def test_same_operand_twice(student, rng):
    """x * x and x + x use x twice in one operation"""
    x0 = float(rng.uniform(0.5, 3))

    sq, twice = student.call("same_operand", x0)
    close(sq, value_grads(lambda x: x * x, x0)[0], f"x.grad after (x * x).backward() at x = {x0:.4g}", mistakes=[(x0, OVERWRITE)])
    close(twice, value_grads(lambda x: x + x, x0)[0], "x.grad after (x + x).backward()", mistakes=[(1.0, OVERWRITE)])


@pytest.mark.points(2)
def test_graph_order(student, rng):
    """backward() on a graph with shared nodes gives the right gradients"""
    x0, w0, b0 = (float(v) for v in rng.uniform(-1, 1, 3))

    got = student.call("graph", x0, w0, b0)
    want = value_grads(dag, x0, w0, b0)
    try:
        close(got, want, "[x.grad, w.grad, b.grad] on a graph with shared nodes", rtol=1e-5, atol=1e-6)
    except Mistake as mistake:
        if _blame(student, rng) == ORDER:
            raise Mistake(f"{mistake} It looks like {ORDER}.") from None
        raise Mistake(f"{mistake} Several values here are used more than once: check that each "
                      "_backward adds (+=) to the gradients, and that backward() runs a node's "
                      "_backward only after every node that uses it.") from None


DEPTH = 20000


@pytest.mark.points(2)
def test_deep_chain(student, rng):
    # docstring set below, to show DEPTH
    ks = rng.uniform(0.9995, 1.0005, DEPTH)

    try:
        got = student.call("deep_chain", ks)
    except StudentFailure as failure:
        if "RecursionError" in failure.message or failure.kind == "crash":
            raise Mistake(f"backward() failed on a chain {DEPTH:,} operations deep ({failure.message}): "
                          "a recursive topological sort exceeds Python's recursion limit; build the order "
                          "with an explicit stack instead") from None
        raise
    close(got, float(np.prod(ks)), f"x.grad at the start of a chain {DEPTH:,} deep", rtol=1e-9)


test_deep_chain.__doc__ = f"backward() on a chain {DEPTH:,} operations deep (no recursion)"
