"""Exercise 3: the backward rules notebook 05b leaves out, and an iterative backward().

``+`` and ``*`` are given (the page's engine) and not graded.  Each of the
student's rules (``**`` with a number or a Value exponent, ``/``, tanh, relu,
sigmoid, log) is tested on its own by calling the output's ``_backward`` directly
with a random upstream gradient, so one wrong rule loses only its own points;
accumulation (``+=``) is tested through the rules that are right, and
``backward()`` (the topological walk) on graphs of the given ``+`` and ``*``.
"""
import math

import numpy as np
import pytest

from adlib.grade.expect import Mistake, close
from adlib.grade.oracle import value_grads
from adlib.grade.probes.ex03 import OPS, TWICE, dag
from adlib.grade.sandbox import StudentFailure

pytestmark = pytest.mark.ex03

ORDER = ("backward() runs the _backward closures in the wrong order: reverse the topological order, so "
         "that a node passes its gradient back only after every node that uses it has passed back its share")
IGNORED = "the rule ignores out.grad, the upstream gradient: multiply by it (the chain rule)"
SYMBOL = {"pow": "**", "div": "/", "tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid", "log": "log"}


def _signed(rng, low=0.3, high=2.0):
    return float(rng.uniform(low, high) * rng.choice([-1, 1]))


def _rule(student, rng, op, a=None, b=None, number=False):
    """(the student's (x.grad, w.grad), adlib.Value's, the inputs) after z = op(x, w) with z.grad = g."""
    a = _signed(rng) if a is None else a
    b = _signed(rng) if b is None else b
    g = _signed(rng, 0.5, 3.0)          # a non-trivial upstream gradient
    got = student.call("local", op, a, b, g, number)
    if number:
        want = [value_grads(lambda x: OPS[op](x, b), a, upstream=g)[0], 0.0]
    else:
        want = value_grads(OPS[op], a, b, upstream=g)
    return got, want, (a, b, g)


def _blame(student, rng):
    """True when backward()'s order is wrong: a chain of the given + and *, each value used once, tells."""
    x0, a, b, c = (float(v) for v in rng.uniform(0.5, 2, 4))
    try:
        return not np.isclose(student.call("chain", x0, a, b, c), a * c, rtol=1e-9)
    except StudentFailure:
        return False


@pytest.mark.points(2)
def test_pow_rule(student, rng):
    """the backward rule of a ** b, for a number b and for a Value b"""
    n = float(rng.choice([2.0, 3.0, -1.0, 0.5, -2.0]))
    (gx, _), (wx, _), (a, _, g) = _rule(student, rng, "pow", a=float(rng.uniform(0.3, 2.0)), b=n, number=True)
    close(gx, wx, f"x.grad after z = x ** {n:g} (x = {a:.4g}, z.grad = {g:.4g})",
          mistakes=[(wx / n, "the factor b is missing: ∂(a^b)/∂a = b·a^(b-1)"),
                    (wx * a, "the exponent should drop by one: ∂(a^b)/∂a = b·a^(b-1)"),
                    (wx / g, IGNORED)])
    (gx, gw), (wx, ww), (a, b, g) = _rule(student, rng, "pow", a=float(rng.uniform(0.3, 2.0)))
    where = f"after z = x ** w (x = {a:.4g}, w = {b:.4g}, z.grad = {g:.4g})"
    close(gx, wx, f"x.grad {where}", mistakes=[(wx / b, "the factor b is missing: ∂(a^b)/∂a = b·a^(b-1)"),
                                                (wx / g, IGNORED)])
    close(gw, ww, f"w.grad {where}", mistakes=[
        (0.0, "with a Value exponent a ** b depends on b too, and b's share is missing: ∂(a^b)/∂b = a^b·log(a)"),
        (a ** b * g, "the factor log(a) is missing: ∂(a^b)/∂b = a^b·log(a)"),
        (math.log(a) * g, "the factor a^b is missing: ∂(a^b)/∂b = a^b·log(a)"),
        (wx, "you gave the exponent the base's rule b·a^(b-1): ∂(a^b)/∂b = a^b·log(a)"),
        (ww / g, IGNORED)])


@pytest.mark.points(2)
def test_div_rule(student, rng):
    """the backward rule of a / b, a node of its own"""
    (gx, gw), (wx, ww), (a, b, g) = _rule(student, rng, "div")
    where = f"after z = x / w (x = {a:.4g}, w = {b:.4g}, z.grad = {g:.4g})"
    close(gx, wx, f"x.grad {where}", mistakes=[(b * g, "∂(a/b)/∂a is 1/b, not b"), (wx / g, IGNORED)])
    close(gw, ww, f"w.grad {where}", mistakes=[
        (0.0, "z._backward() never reaches w: your / is built from other operations (such as "
              "x * w ** -1), so its output's rule is theirs; make / a node of its own, with the rules "
              "∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = -a/b²"),
        (-ww, "d(a/b)/db has the wrong sign: ∂(a/b)/∂b = -a/b²"),
        (-g / b ** 2, "the factor a is missing: ∂(a/b)/∂b = -a/b², not -1/b²"),
        (-a / b * g, "b should be squared: ∂(a/b)/∂b = -a/b², not -a/b"),
        (ww / g, IGNORED)])


@pytest.mark.points(1)
def test_tanh_rule(student, rng):
    """the backward rule of tanh(a)"""
    (gx, _), (wx, _), (a, _, g) = _rule(student, rng, "tanh")
    t = math.tanh(a)
    close(gx, wx, f"x.grad after z = x.tanh() (x = {a:.4g}, z.grad = {g:.4g})", mistakes=[
        ((1 + t * t) * g, "a sign error: d/da tanh(a) = 1 - tanh(a)²"),
        ((1 - a * a) * g, "you used a² where tanh(a)² belongs: d/da tanh(a) = 1 - tanh(a)²"),
        (wx / g, IGNORED)])


@pytest.mark.points(1)
def test_relu_rule(student, rng):
    """the backward rule of relu(a), for a > 0, a < 0 and a = 0"""
    a = float(rng.uniform(0.3, 2))
    for x0 in (a, -a, 0.0):
        (got, _), (want, _), (_, _, g) = _rule(student, rng, "relu", a=x0)
        side = ">" if x0 > 0 else "<" if x0 < 0 else "="
        close(got, want, f"x.grad after z = x.relu() at x = {x0:.4g} {side} 0", mistakes=[
            (1.0 if x0 > 0 else None, IGNORED),
            (g if x0 < 0 else None, "relu passes no gradient where its input is negative"),
            (g if x0 == 0 else None, "relu'(0) is 0 in this course (as in adlib and PyTorch): pass the "
                                     "gradient only where the input is > 0, not >= 0")])


@pytest.mark.points(1)
def test_sigmoid_rule(student, rng):
    """the backward rule of sigmoid(a)"""
    (gx, _), (wx, _), (a, _, g) = _rule(student, rng, "sigmoid")
    s = 1 / (1 + math.exp(-a))
    close(gx, wx, f"x.grad after z = x.sigmoid() (x = {a:.4g}, z.grad = {g:.4g})", mistakes=[
        (s * g, "the factor (1 - σ(a)) is missing: σ'(a) = σ(a)·(1 - σ(a))"),
        (a * (1 - a) * g, "you used a where σ(a) belongs: σ'(a) = σ(a)·(1 - σ(a))"),
        (wx / g, IGNORED)])


@pytest.mark.points(1)
def test_log_rule(student, rng):
    """the backward rule of log(a)"""
    (gx, _), (wx, _), (a, _, g) = _rule(student, rng, "log", a=float(rng.uniform(0.3, 3.0)))
    close(gx, wx, f"x.grad after z = x.log() (x = {a:.4g}, z.grad = {g:.4g})", mistakes=[
        (a * g, "∂log(a)/∂a is 1/a, not a"),
        (math.log(a) * g, "you used log(a), the output, where 1/a belongs: ∂log(a)/∂a = 1/a"),
        (wx / g, IGNORED)])


@pytest.mark.points(1)
def test_backward_seeds_one(student, rng):
    """backward() starts from out.grad = 1"""
    a, b = _signed(rng), _signed(rng)
    gy, gx = student.call("backward_seeds", a, b)
    close(gy, 1.0, "y.grad after y.backward()", mistakes=[(0.0, "backward() must set self.grad = 1 first")])
    close(gx, b, f"x.grad after y = x * {b:.4g}; y.backward()")


def _right_rules(student, cases):
    """The cases (name, op, side, a, b) whose rule the student has right for x on its side; a rule that
    is wrong loses its own test's points, not these.  Raises the first failure when no rule is right."""
    right, failure = [], None
    for case in cases:
        _, op, side, a, b = case
        args = (a, b) if side == 0 else (b, a)
        try:
            got = student.call("local", op, *args, 1.0, False)
        except StudentFailure as exc:
            if exc.kind not in ("error", "not_implemented"):
                raise
            failure = failure or exc
            continue
        if np.isclose(got[side], value_grads(OPS[op], *args)[side], rtol=1e-9, atol=1e-12):
            right.append(case)
    if not right:
        if failure is not None:
            raise failure
        raise Mistake("none of your rules for " + ", ".join(sorted({SYMBOL[c[1]] for c in cases})) +
                      " gives the right gradient yet, so adding up (+=) cannot be checked: get one right first "
                      "(see its own test)")
    return right


# (graph, the rule that uses x second, x's side of it): x is used by the given * and by the rule
TWICE_CASES = [("x.tanh() * x", "tanh", 0), ("x.relu() * x", "relu", 0), ("x.sigmoid() * x", "sigmoid", 0),
               ("x.log() * x", "log", 0), ("(x ** w) * x", "pow", 0), ("(w ** x) * x", "pow", 1),
               ("(x / w) * x", "div", 0), ("(w / x) * x", "div", 1)]


@pytest.mark.points(2)
def test_value_used_twice(student, rng):
    """x used twice, by * and by your rule (x.log() * x, (x / w) * x, (w ** x) * x, ...): gradients add up"""
    cases = [(name, op, side, float(rng.uniform(0.5, 2.0)), float(rng.uniform(0.5, 2.0)))
             for name, op, side in TWICE_CASES]
    for name, op, side, a, b in _right_rules(student, cases):
        got = student.call("used_twice", name, a, b)
        want = value_grads(TWICE[name], a, b)[0]
        if np.isclose(got, want, rtol=1e-6):
            continue
        what = f"dy/dx for y = {name} at x = {a:.4g}" + (f", w = {b:.4g}" if "w" in name else "")
        if _blame(student, rng):
            raise Mistake(f"{what} is {got:.6g}, expected {want:.6g}. It looks like {ORDER}.")
        args = (a, b) if side == 0 else (b, a)
        share = a * value_grads(OPS[op], *args)[side]        # what the rule alone passes back to x
        close(got, want, what, mistakes=[(share, f"you assigned x.grad instead of adding to it in your "
                                                 f"{SYMBOL[op]} rule: x is used twice here, and the share "
                                                 f"that * passed back first was lost (use +=)")])


@pytest.mark.points(1)
def test_same_operand_twice(student, rng):
    """x ** x and x / x use x twice in one operation"""
    a = float(rng.uniform(0.5, 2.0))
    cases = [(f"x {SYMBOL[op]} x", op, side, a, a) for op in ("pow", "div") for side in (0, 1)]
    ok = {(op, side) for _, op, side, _, _ in _right_rules(student, cases)}
    right = [op for op in ("pow", "div") if (op, 0) in ok and (op, 1) in ok]
    if not right:
        raise Mistake("your ** and / do not yet give the right gradient for both of their inputs, so x ** x "
                      "and x / x cannot be checked: get them right first (see their own tests)")
    for op in right:
        got = student.call("same_operand", op, a)
        want = value_grads(lambda x: OPS[op](x, x), a)[0]
        base, other = value_grads(OPS[op], a, a)
        close(got, want, f"x.grad after (x {SYMBOL[op]} x).backward() at x = {a:.4g}", mistakes=[
            (base, f"you assigned x.grad instead of adding to it: in x {SYMBOL[op]} x, x is both inputs, and "
                   "one input's share overwrote the other's (use +=)"),
            (other, f"you assigned x.grad instead of adding to it: in x {SYMBOL[op]} x, x is both inputs, and "
                    "one input's share overwrote the other's (use +=)")])


@pytest.mark.points(2)
def test_graph_order(student, rng):
    """backward() on a graph with shared nodes gives the right gradients"""
    x0, w0, b0 = (float(v) for v in rng.uniform(-1, 1, 3))

    got = student.call("graph", x0, w0, b0)
    want = value_grads(dag, x0, w0, b0)
    try:
        close(got, want, "[x.grad, w.grad, b.grad] on a graph of + and * with shared nodes", rtol=1e-5, atol=1e-6)
    except Mistake as mistake:
        if _blame(student, rng):
            raise Mistake(f"{mistake} It looks like {ORDER}.") from None
        raise Mistake(f"{mistake} Several values here are used more than once: check that backward() runs "
                      "each node's _backward exactly once, and only after every node that uses it.") from None


DEPTH = 20000


@pytest.mark.points(2)
def test_deep_chain(student, rng):
    # docstring set below, to show DEPTH
    ks = rng.uniform(0.9995, 1.0005, DEPTH)

    try:
        got = student.call("deep_chain", ks)
    except StudentFailure as failure:
        if "RecursionError" in failure.message or failure.kind == "crash":
            raise Mistake(f"your backward() recursed too deep: on a chain {DEPTH:,} operations deep it failed "
                          f"({failure.message}). A recursive topological sort (like notebook 05b's) exceeds "
                          "Python's recursion limit; build the order with an explicit stack instead") from None
        raise
    close(got, float(np.prod(ks)), f"x.grad at the start of a chain {DEPTH:,} deep", rtol=1e-9)


test_deep_chain.__doc__ = f"backward() on a chain {DEPTH:,} operations deep (no recursion)"
