"""Exercise 5: VJP rules with defvjp.

Each rule is called directly with a random, non-uniform upstream gradient g;
the same rule is also called with g = ones, so that a rule which is right only
for all-ones g is recognised as a wrong reduction.
"""
import numpy as np
import pytest

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


@pytest.mark.points(2)
def test_unbroadcast(student, rng):
    """unbroadcast sums a gradient back to the input's shape"""
    n, m, k = (int(v) for v in rng.integers(2, 5, 3))
    cases = [((k, n, m), (m,)), ((n, m), (n, 1)), ((n, m), ()), ((k, n, m), (n, 1)), ((n, m), (n, m))]
    gs = [_upstream(rng, big) for big, _ in cases]
    got = student.call("unbroadcast", gs, [list(small) for _, small in cases])
    for g, (big, small), mine in zip(gs, cases, got):
        want = g
        while want.ndim > len(small):
            want = want.sum(axis=0)
        for axis, size in enumerate(small):
            if size == 1:
                want = want.sum(axis=axis, keepdims=True)
        close(mine, want.reshape(small), f"unbroadcast(g of shape {big}, {small})",
              mistakes=[(g.mean(axis=0) if g.ndim > len(small) and small == big[1:] else None,
                         "you averaged where broadcasting means summing")])


@pytest.mark.points(2)
def test_matmul(student, rng):
    """the VJPs of A @ B for A and B"""
    n, k, m = (int(v) for v in rng.integers(2, 6, 3))
    A, B = rng.normal(size=(n, k)), rng.normal(size=(k, m))
    g = _upstream(rng, (n, m))
    ans = A @ B
    got_a = _call_rule(student, "matmul_vjp_A", g, ans, A, B)
    got_b = _call_rule(student, "matmul_vjp_B", g, ans, A, B)
    _check_rule(got_a, lambda g: g @ B.T, g, f"matmul_vjp_A for A {A.shape}, B {B.shape}",
                shape_hint="∂L/∂A must have A's shape: g @ B.T")
    _check_rule(got_b, lambda g: A.T @ g, g, f"matmul_vjp_B for A {A.shape}, B {B.shape}",
                shape_hint="∂L/∂B must have B's shape: A.T @ g")


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
        _check_rule(got, lambda g: np.broadcast_to(np.expand_dims(g, axis), shape), g, what,
                    shape_hint=AXIS)


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
        _check_rule(got_a, lambda g: g, g, f"add_vjp_a for a {a.shape} + b {bshape}")

        def want_b(g, bshape=bshape):
            out = g
            while out.ndim > len(bshape):
                out = out.sum(axis=0)
            for axis, size in enumerate(bshape):
                if size == 1:
                    out = out.sum(axis=axis, keepdims=True)
            return out.reshape(bshape)
        _check_rule(got_b, want_b, g, f"add_vjp_b for a {a.shape} + b of shape {bshape}",
                    shape_hint=UNBROADCAST.format(big=ans.shape, small=bshape)
                    if np.shape(as_array(got_b[0], "add_vjp_b")) == ans.shape else None)


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.points(2)
def test_logsumexp(student, rng):
    """the VJP of logsumexp over the last axis"""
    x = rng.normal(size=(int(rng.integers(2, 5)), int(rng.integers(3, 6)))) * 2
    ans = np.log(np.exp(x).sum(axis=-1))
    g = _upstream(rng, ans.shape)
    got = _call_rule(student, "logsumexp_vjp", g, ans, x)
    _check_rule(got, lambda g: g[:, None] * _softmax(x), g, f"logsumexp_vjp for x of shape {x.shape}",
                mistakes=[(g[:, None] * np.exp(x), "you forgot to divide by Σ exp(x) (= exp(ans))"),
                          (_softmax(x), "it ignores the upstream gradient g")])


@pytest.mark.points(2)
def test_softmax(student, rng):
    """the VJP of softmax over the last axis"""
    x = rng.normal(size=(int(rng.integers(2, 5)), int(rng.integers(3, 6))))
    s = _softmax(x)
    g = _upstream(rng, s.shape)
    got = _call_rule(student, "softmax_vjp", g, s, x)
    _check_rule(got, lambda g: s * (g - (g * s).sum(axis=-1, keepdims=True)), g,
                f"softmax_vjp for x of shape {x.shape}",
                mistakes=[(g * s, "the softmax VJP is missing its subtraction term: s ⊙ g - s ⊙ (Σ_j g_j s_j); "
                                   "each output depends on every input: s ⊙ (g - Σ g s)"),
                          (g * s * (1 - s), "you used only the diagonal of the Jacobian, s(1 - s); "
                                            "each output depends on every input: s ⊙ (g - Σ g s)")])


def _loss(A, B, b, w):
    Z = A @ B + b
    lse = np.log(np.exp(Z).sum(axis=-1))
    return np.sum(lse * w[0]) + np.sum((_softmax(Z) * w[1]).sum(axis=0) * w[2])


@pytest.mark.points(2)
def test_registered_with_defvjp(student, rng):
    """your rules, registered with defvjp, chain into the right gradients"""
    n, k, m = (int(v) for v in rng.integers(2, 5, 3))
    A, B, b = rng.normal(size=(n, k)), rng.normal(size=(k, m)), rng.normal(size=(m,))
    w = [rng.normal(size=n), rng.normal(size=(n, m)), rng.normal(size=m)]

    got = student.call("chained", A, B, b, *w)
    h = 1e-6
    for name, arr, i in (("A", A, 0), ("B", B, 1), ("b", b, 2)):
        want = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            args = [A.copy(), B.copy(), b.copy()]
            args[i][idx] += h
            up = _loss(*args, w)
            args[i][idx] -= 2 * h
            want[idx] = (up - _loss(*args, w)) / (2 * h)
        close(got[i], want, f"the gradient of a loss built from your primitives, with respect to {name}",
              rtol=1e-5, atol=1e-6)
