"""Exercise 5: VJP rules with defvjp.

Each rule is called directly with a random, non-uniform upstream gradient g;
the same rule is also called with g = ones, so that a rule which is right only
for all-ones g is recognised as a wrong reduction.
"""
import numpy as np
import pytest

import adlib.numpy as anp
from adlib.grade import oracle
from adlib.grade.expect import Mistake, as_array, close, matches
from adlib.grade.sandbox import StudentFailure

pytestmark = pytest.mark.ex05

REDUCTION = ("the rule is right only when the upstream gradient g is all ones: it must use the values "
             "of g, not just their count or shape (a wrong reduction)")
AXIS = ("re-insert the summed axis before copying g along it: np.expand_dims(g, axis) has a 1 where the "
        "axis was, so it broadcasts to x's shape for every axis, not only axis 0")
UNBROADCAST = ("the gradient has the broadcast result's shape {big}; sum it back to the input's shape "
               "{small} (a missing unbroadcast)")


def _upstream(rng, shape):
    return rng.normal(size=shape) * rng.uniform(0.5, 2.0, size=shape) + 0.3


def _call_rule(student, rule, g, ans, *inputs):
    """The student's rule on (g, ans, *inputs) and on (ones, ans, *inputs)."""
    return student.call("rule", rule, g, ans, *inputs)


def _check_rule(got_pair, want_fn, g, what, mistakes=(), shape_hint=None):
    got, got_ones = got_pair
    want = want_fn(g)
    arr = as_array(got, what)
    if arr.shape == np.shape(want) and not matches(arr, want):
        ones_ok = matches(as_array(got_ones, what), want_fn(np.ones_like(g)))
        if ones_ok:
            raise Mistake(f"{what} is wrong for a random upstream gradient g; {REDUCTION}")
    close(arr, want, what, mistakes=mistakes, shape_hint=shape_hint)


def _unbroadcast(g, small):
    """adlib's gradient of broadcast_to(t, g.shape) for t of shape ``small``: the right unbroadcast."""
    return oracle.vjp(lambda t: anp.broadcast_to(t, g.shape), (np.zeros(small),), g)[0]


def _rule_of(f, primals, index=0):
    """want_fn(g) for one input of f, by adlib.vjp (the grader's own reverse mode)."""
    return lambda g: oracle.vjp(f, primals, g)[index]


@pytest.mark.points(2)
def test_unbroadcast(student, rng):
    """unbroadcast sums a gradient back to the input's shape"""
    n, m, k = (int(v) for v in rng.integers(2, 5, 3))
    cases = [((k, n, m), (m,)), ((n, m), (n, 1)), ((n, m), ()), ((k, n, m), (n, 1)), ((n, m), (n, m))]
    gs = [_upstream(rng, big) for big, _ in cases]
    got = student.call("unbroadcast", gs, [list(small) for _, small in cases])
    for g, (big, small), mine in zip(gs, cases, got):
        close(mine, _unbroadcast(g, small), f"unbroadcast(g of shape {big}, {small})",
              mistakes=[(g.mean(axis=0) if g.ndim > len(small) and small == big[1:] else None,
                         "you averaged where broadcasting means summing")])


@pytest.mark.points(2)
def test_matmul(student, rng):
    """the VJPs of A @ B for A and B"""
    n, k, m = (int(v) for v in rng.integers(2, 6, 3))
    A, B = rng.normal(size=(n, k)), rng.normal(size=(k, m))
    g = _upstream(rng, (n, m))
    ans = A @ B
    for index, (name, hint) in enumerate((("matmul_vjp_A", "∂L/∂A must have A's shape"),
                                          ("matmul_vjp_B", "∂L/∂B must have B's shape"))):
        got = _call_rule(student, name, g, ans, A, B)
        _check_rule(got, _rule_of(anp.matmul, (A, B), index), g, f"{name} for A {A.shape}, B {B.shape}",
                    shape_hint=hint)


@pytest.mark.points(2)
def test_sum_axis(student, rng):
    """the VJP of a sum over one axis, for every axis (0, 1, 2, -1, -3)"""
    shape = tuple(int(v) for v in rng.permutation([2, 3, 4]))   # distinct lengths: a wrong axis shows
    x = rng.normal(size=shape)
    for axis in (0, 1, 2, -1, -3):
        ans = x.sum(axis=axis)
        g = _upstream(rng, ans.shape)
        what = f"sum_axis_vjp for x of shape {shape}, axis={axis}"
        try:
            got = _call_rule(student, "sum_axis_vjp", g, ans, x, axis)
        except StudentFailure as failure:
            if failure.kind != "error":
                raise
            raise Mistake(f"{what} raised {failure.message}. {AXIS}") from None
        _check_rule(got, _rule_of(lambda t, axis=axis: anp.sum(t, axis=axis), (x,)), g, what, shape_hint=AXIS)


@pytest.mark.points(3)
def test_broadcasting_add(student, rng):
    """the VJPs of a + b when b is broadcast"""
    n, m = (int(v) for v in rng.integers(2, 5, 2))
    a = rng.normal(size=(n, m))
    for b in (rng.normal(size=(m,)), rng.normal(size=(n, 1)), np.float64(rng.normal())):
        ans = a + b
        g = _upstream(rng, ans.shape)
        got_a = _call_rule(student, "add_vjp_a", g, ans, a, b)
        got_b = _call_rule(student, "add_vjp_b", g, ans, a, b)
        bshape = np.shape(b)
        _check_rule(got_a, _rule_of(anp.add, (a, b), 0), g, f"add_vjp_a for a {a.shape} + b {bshape}")
        _check_rule(got_b, _rule_of(anp.add, (a, b), 1), g, f"add_vjp_b for a {a.shape} + b of shape {bshape}",
                    shape_hint=UNBROADCAST.format(big=ans.shape, small=bshape)
                    if np.shape(as_array(got_b[0], "add_vjp_b")) == ans.shape else None)


def _softmax(x):
    return np.asarray(anp.softmax(x, axis=-1), dtype=float)


@pytest.mark.points(2)
def test_logsumexp(student, rng):
    """the VJP of logsumexp over the last axis"""
    x = rng.normal(size=(int(rng.integers(2, 5)), int(rng.integers(3, 6)))) * 2
    ans = np.log(np.exp(x).sum(axis=-1))
    g = _upstream(rng, ans.shape)
    got = _call_rule(student, "logsumexp_vjp", g, ans, x)
    want_fn = _rule_of(lambda t: anp.logsumexp(t, axis=-1), (x,))
    _check_rule(got, want_fn, g, f"logsumexp_vjp for x of shape {x.shape}",
                mistakes=[(g[:, None] * np.exp(x), "you forgot to divide by Σ exp(x) (= exp(ans))"),
                          (want_fn(np.ones_like(g)), "it ignores the upstream gradient g")])


@pytest.mark.points(2)
def test_softmax(student, rng):
    """the VJP of softmax over the last axis"""
    x = rng.normal(size=(int(rng.integers(2, 5)), int(rng.integers(3, 6))))
    s = _softmax(x)
    g = _upstream(rng, s.shape)
    got = _call_rule(student, "softmax_vjp", g, s, x)
    _check_rule(got, _rule_of(lambda t: anp.softmax(t, axis=-1), (x,)), g,
                f"softmax_vjp for x of shape {x.shape}",
                mistakes=[(g * s, "the softmax VJP is missing its subtraction term: s ⊙ g - s ⊙ (Σ_j g_j s_j); "
                                   "each output depends on every input: s ⊙ (g - Σ g s)"),
                          (g * s * (1 - s), "you used only the diagonal of the Jacobian, s(1 - s); "
                                            "each output depends on every input: s ⊙ (g - Σ g s)")])


def _loss(A, B, b, w):
    """The probes' chained loss (adlib.grade.probes.ex05.chained), in adlib.numpy."""
    Z = anp.matmul(A, B) + b
    return anp.sum(anp.logsumexp(Z, axis=-1) * w[0]) + anp.sum(anp.sum(anp.softmax(Z, axis=-1) * w[1], axis=0) * w[2])


@pytest.mark.points(2)
def test_registered_with_defvjp(student, rng):
    """your rules, registered with defvjp, chain into the right gradients"""
    n, k, m = (int(v) for v in rng.integers(2, 5, 3))
    A, B, b = rng.normal(size=(n, k)), rng.normal(size=(k, m)), rng.normal(size=(m,))
    w = [rng.normal(size=n), rng.normal(size=(n, m)), rng.normal(size=m)]

    got = student.call("chained", A, B, b, *w)
    want = oracle.grad(lambda A, B, b: _loss(A, B, b, w), (A, B, b))
    for name, i in (("A", 0), ("B", 1), ("b", 2)):
        close(got[i], want[i], f"the gradient of a loss built from your primitives, with respect to {name}",
              rtol=1e-5, atol=1e-6)
