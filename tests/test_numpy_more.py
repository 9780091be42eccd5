"""outer, var, std, linalg.norm and einsum: numpy's values, and gradients in every mode.

Oracles: numpy itself for values; adlib.gradcheck (reverse mode, forward mode and
central differences) for first derivatives; for second derivatives, reverse-over-reverse
(adlib.hessian) against forward-over-reverse and central differences of the gradient,
and closed forms where there is one.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import adlib
import adlib.numpy as anp
from adlib.numpy import api

few = settings(max_examples=10, deadline=None)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def distinct(shape, seed=0, lo=0.5):
    """Entries with distinct absolute values, none within ``lo`` of 0 (off every kink and tie), random signs."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    mags = lo + 0.37 * rng.permutation(n)
    return (mags * rng.choice([-1.0, 1.0], size=n)).reshape(shape)


def assert_second_derivatives_agree(f, x, atol=1e-6):
    """Hessian by reverse over reverse = forward over reverse = central differences of the gradient."""
    H = adlib.hessian(f)(x)
    assert H.shape == np.shape(x) * 2
    np.testing.assert_allclose(H, adlib.jacobian(adlib.grad(f), mode="forward")(x), rtol=1e-7, atol=atol)
    np.testing.assert_allclose(H, adlib.numerical_jacobian(adlib.grad(f), x), rtol=1e-4, atol=1e-5)
    return H


@st.composite
def axis_for(draw, nd):
    return draw(st.one_of(st.none(), st.integers(-nd, nd - 1),
                          st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True).map(tuple)))


def _count(shape, axis):
    if axis is None:
        return int(np.prod(shape))
    return int(np.prod([shape[a] for a in (axis if isinstance(axis, tuple) else (axis,))]))


# ---------------------------------------------------------------------------
# outer

@few
@given(sa=shapes, sb=shapes, data=st.data())
def test_outer_matches_numpy_and_its_gradients(sa, sb, data):
    a = data.draw(hnp.arrays(np.float64, sa, elements=st.floats(-2, 2)))
    b = data.draw(hnp.arrays(np.float64, sb, elements=st.floats(-2, 2)))
    out = anp.outer(a, b)
    assert out.shape == (a.size, b.size)          # numpy flattens both inputs
    np.testing.assert_array_equal(out, np.outer(a, b))
    assert adlib.gradcheck(anp.outer, a, b)


def test_outer_second_derivatives(rng):
    a, w = rng.normal(size=3), rng.normal(size=(3, 3))
    H = assert_second_derivatives_agree(lambda a: anp.sum(w * anp.outer(a, a)), a)
    np.testing.assert_allclose(H, w + w.T, atol=1e-12)      # d²(aᵀ W a) = W + Wᵀ
    # the gradient with respect to each input, by hand: ∂/∂a Σ_ij w_ij a_i b_j = W b
    b = rng.normal(size=3)
    ga, gb = adlib.grad(lambda a, b: anp.sum(w * anp.outer(a, b)), argnum=(0, 1))(a, b)
    np.testing.assert_allclose(ga, w @ b)
    np.testing.assert_allclose(gb, w.T @ a)


# ---------------------------------------------------------------------------
# var and std

@few
@given(shape=shapes, keepdims=st.booleans(), ddof=st.integers(0, 1), data=st.data())
def test_var_and_std_match_numpy_and_their_gradients(shape, keepdims, ddof, data):
    axis = data.draw(axis_for(len(shape)))
    x = distinct(shape, seed=len(shape))
    n = _count(shape, axis)
    if n - ddof < 1:
        ddof = 0
    for name in ("var", "std"):
        f = getattr(anp, name)
        got = f(x, axis=axis, keepdims=keepdims, ddof=ddof)
        np.testing.assert_allclose(got, getattr(np, name)(x, axis=axis, keepdims=keepdims, ddof=ddof))
        assert np.shape(got) == np.shape(getattr(np, name)(x, axis=axis, keepdims=keepdims))
    assert adlib.gradcheck(lambda x: anp.var(x, axis=axis, keepdims=keepdims, ddof=ddof), x)
    if n >= 2:      # std of a single entry is sqrt(0): no gradient
        assert adlib.gradcheck(lambda x: anp.std(x, axis=axis, keepdims=keepdims, ddof=ddof), x)


@pytest.mark.parametrize("ddof", [0, 1])
def test_var_hessian_is_the_centering_matrix(ddof, rng):
    x = rng.normal(size=5)
    H = assert_second_derivatives_agree(lambda x: anp.var(x, ddof=ddof), x)
    n = x.size
    np.testing.assert_allclose(H, 2.0 / (n - ddof) * (np.eye(n) - 1.0 / n), atol=1e-12)


def test_std_second_derivatives_and_value_on_plain_arrays(rng):
    x = rng.normal(size=(3, 4))
    assert_second_derivatives_agree(lambda x: anp.sum(anp.std(x, axis=1, ddof=1)), x)
    assert type(anp.std(x)) is type(np.std(x))
    assert anp.var(np.arange(4)) == np.var(np.arange(4))    # integers, as numpy: a float


# ---------------------------------------------------------------------------
# linalg.norm

NORM_CASES = [  # (shape, ord, axis)
    ((5,), None, None), ((5,), 2, None), ((5,), 1, None), ((5,), np.inf, None),
    ((3, 4), None, None), ((3, 4), "fro", None), ((2, 3, 4), None, None), ((3, 4), "fro", (0, 1)),
    ((3, 4), None, (1, 0)), ((2, 3, 4), "fro", (0, 2)), ((2, 3, 4), None, (-1, 0)),
    ((3, 4), None, 0), ((3, 4), 2, -1), ((3, 4), 1, 1), ((3, 4), np.inf, 0), ((2, 3, 4), 1, (1,)),
    ((2, 3, 4), np.inf, -2), ((2, 3, 4), 2, 2),
]


@pytest.mark.parametrize("shape, ord, axis", NORM_CASES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_matches_numpy_and_its_gradients(shape, ord, axis, keepdims):
    x = distinct(shape, seed=len(shape))
    f = lambda x: anp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)  # noqa: E731
    expected = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(f(x), expected)
    assert np.shape(f(x)) == np.shape(expected)
    assert adlib.gradcheck(f, x)


def test_norm_gradients_by_hand(rng):
    x = distinct((4,))
    np.testing.assert_allclose(adlib.grad(anp.linalg.norm)(x), x / np.linalg.norm(x))
    np.testing.assert_allclose(adlib.grad(lambda x: anp.linalg.norm(x, 1))(x), np.sign(x))
    e = np.zeros(4)
    e[np.argmax(np.abs(x))] = np.sign(x[np.argmax(np.abs(x))])
    np.testing.assert_array_equal(adlib.grad(lambda x: anp.linalg.norm(x, np.inf))(x), e)


def test_norm_hessian_closed_form(rng):
    x = rng.normal(size=4)
    H = assert_second_derivatives_agree(anp.linalg.norm, x)
    r = np.linalg.norm(x)
    np.testing.assert_allclose(H, np.eye(4) / r - np.outer(x, x) / r ** 3, atol=1e-12)
    W = rng.normal(size=(2, 3))
    assert_second_derivatives_agree(lambda W: anp.sum(anp.linalg.norm(W, axis=0) ** 3), W)


def test_norm_of_zero_has_no_gradient():
    # documented, not special-cased: sqrt'(0) = ∞ and 0 · ∞ = nan
    assert anp.linalg.norm(np.zeros(3)) == 0.0
    with np.errstate(all="ignore"):
        g = adlib.grad(anp.linalg.norm)(np.zeros(3))
    assert np.isnan(g).all()
    assert "x = 0" in anp.linalg.norm.__doc__


def test_norm_on_plain_and_integer_arrays():
    assert anp.linalg.norm([3, 4]) == 5.0
    assert anp.linalg.norm(np.array([1, -2]), 1) == np.linalg.norm(np.array([1, -2]), 1)
    assert anp.linalg.norm(np.array([1, -2]), 1).dtype == np.float64
    assert anp.linalg.norm(np.float64(-2.0)) == 2.0


@pytest.mark.parametrize("shape, ord, axis", [
    ((3, 4), 2, None),            # matrix 2-norm: needs an SVD
    ((3, 4), "nuc", None),
    ((3, 4), 1, None),            # matrix 1-norm
    ((3, 4), np.inf, (0, 1)),
    ((3, 4), 1, (0, 1)),
    ((4,), "fro", None),          # numpy refuses 'fro' for vectors too
    ((4,), 3, None),
    ((4,), -np.inf, None),
    ((4,), 0, None),
    ((2, 3, 4), 2, None),
    ((2, 3, 4), None, (0, 1, 2)),
    ((3, 4), None, (1, 1)),
])
def test_norm_refusals_name_the_function_ord_and_shape(shape, ord, axis):
    x = distinct(shape)
    with pytest.raises(ValueError, match=r"anp\.linalg\.norm") as info:
        anp.linalg.norm(x, ord=ord, axis=axis)
    assert str(shape) in str(info.value)
    if axis is None or len(set(a % len(shape) for a in axis)) == len(axis) <= 2:
        assert f"ord={ord!r}" in str(info.value) and "supported" in str(info.value)


# ---------------------------------------------------------------------------
# einsum

EINSUM_CASES = ["ij,jk->ik", "ij->ji", "i,i->", "ij->", "ij,j->i", "ijk,ikl->ijl", "i,j->ij", "ij,jk",
                "ij,kj->ik", "ij,k->i", "ij,k", "i->", "ik,kj,jl->il", "ij,ij->ij", "ba,ac", "ij,jk->ki", "ijk->kij"]


def operands_for(subscripts, sizes, seed=0):
    rng = np.random.default_rng(seed)
    ins = subscripts.split("->")[0].split(",")
    return [rng.normal(size=tuple(sizes[c] for c in s)) for s in ins]


sizes_strategy = st.fixed_dictionaries({c: st.integers(1, 3) for c in "abcijkl"})


@pytest.mark.parametrize("subscripts", EINSUM_CASES)
@settings(max_examples=4, deadline=None)
@given(sizes=sizes_strategy)
def test_einsum_matches_numpy_and_its_gradients(subscripts, sizes):
    ops = operands_for(subscripts, sizes)
    out = anp.einsum(subscripts, *ops)
    expected = np.einsum(subscripts, *ops)
    assert np.shape(out) == np.shape(expected)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert adlib.gradcheck(lambda *ops: anp.einsum(subscripts, *ops), *ops)


@pytest.mark.parametrize("subscripts", EINSUM_CASES)
def test_einsum_second_derivatives(subscripts):
    sizes = dict(zip("abcijkl", (2, 3, 2, 2, 3, 2, 3)))
    ops = operands_for(subscripts, sizes, seed=1)
    for k in range(len(ops)):
        def f(x, k=k):
            args = list(ops)
            args[k] = x
            return anp.sum(anp.sin(anp.einsum(subscripts, *args)))
        assert_second_derivatives_agree(f, ops[k])


def test_einsum_gradients_by_hand(rng):
    a, b, g = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(2, 4))
    ga, gb = adlib.grad(lambda a, b: anp.sum(g * anp.einsum("ij,jk->ik", a, b)), argnum=(0, 1))(a, b)
    np.testing.assert_allclose(ga, g @ b.T)
    np.testing.assert_allclose(gb, a.T @ g)
    # 'ij,k->i': k is summed away by b alone, so b̄_k = Σ_i ȳ_i Σ_j a_ij, the same for every k
    b = rng.normal(size=5)
    w = rng.normal(size=2)
    gb = adlib.grad(lambda b: anp.sum(w * anp.einsum("ij,k->i", a, b)))(b)
    np.testing.assert_allclose(gb, np.full(5, w @ a.sum(axis=1)))


def test_einsum_reverse_over_forward(rng):
    # the gradient of ⟨w, J v⟩ with respect to the tangent v is Jᵀ w: the JVP rule, traced, gives the VJP
    a, b, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(2, 4))

    def pairing(u, v):
        tangent = adlib.jvp(lambda a, b: anp.einsum("ij,jk->ik", a, b), (a, b), (u, v))[1]
        return anp.sum(w * tangent)
    gu, gv = adlib.grad(pairing, argnum=(0, 1))(np.zeros_like(a), np.zeros_like(b))
    np.testing.assert_allclose(gu, w @ b.T)
    np.testing.assert_allclose(gv, a.T @ w)


def test_einsum_same_operand_twice(rng):
    x = rng.normal(size=4)
    H = assert_second_derivatives_agree(lambda x: anp.einsum("i,i->", x, x), x)
    np.testing.assert_allclose(H, 2 * np.eye(4), atol=1e-12)
    np.testing.assert_allclose(adlib.grad(lambda x: anp.einsum("i,i", x, x))(x), 2 * x)
    A = rng.normal(size=(3, 4))
    assert adlib.gradcheck(lambda A: anp.einsum("ij,kj->ik", A, A), A)     # A Aᵀ


@pytest.mark.parametrize("subscripts, shapes", [("ij,jk", [(2, 1), (3, 4)]), ("ij,j->i", [(2, 3), (1,)]),
                                                ("ij,ij->i", [(2, 1), (1, 3)])])
def test_einsum_size_one_axes_broadcast_like_numpy(subscripts, shapes, rng):
    ops = [rng.normal(size=s) for s in shapes]
    np.testing.assert_allclose(anp.einsum(subscripts, *ops), np.einsum(subscripts, *ops))
    assert adlib.gradcheck(lambda *ops: anp.einsum(subscripts, *ops), *ops)


def test_einsum_implicit_output_is_numpy_rule(rng):
    # the indices appearing once, in alphabetical (ASCII: capitals first) order
    assert api._einsum_subscripts("ba,ac", 2) == "ba,ac->bc"
    assert api._einsum_subscripts("ij,jk", 2) == "ij,jk->ik"
    assert api._einsum_subscripts("kj,ji", 2) == "kj,ji->ik"
    assert api._einsum_subscripts("ab,bC", 2) == "ab,bC->Ca"
    assert api._einsum_subscripts("Ba,aB", 2) == "Ba,aB->"
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    for s in ("kj,ji", "ab,bC", "Ba,aB", "a b , b c"):
        np.testing.assert_allclose(anp.einsum(s, a, b), np.einsum(s, a, b))


def test_einsum_on_plain_arrays_returns_what_numpy_returns():
    a, b = np.arange(6).reshape(2, 3), np.arange(3)
    out = anp.einsum("ij,j->i", a, b)
    assert out.dtype == np.einsum("ij,j->i", a, b).dtype
    np.testing.assert_array_equal(out, a @ b)
    assert type(anp.einsum("i,i->", b * 1.0, b * 1.0)) is type(np.einsum("i,i->", b * 1.0, b * 1.0))


@pytest.mark.parametrize("subscripts, shapes, words", [
    ("...ij,jk->...ik", [(2, 3), (3, 4)], "'...'"),
    ("i...->i", [(2, 3)], "'...'"),
    ("ii->i", [(3, 3)], "repeats within operand 0"),
    ("ii", [(3, 3)], "repeats within operand 0"),
    ("ij,jj->i", [(2, 3), (3, 3)], "repeats within operand 1"),
    ("ij,jk->ik", [(2, 3)], "need 2 operand"),
    ("i->ii", [(3,)], "anp.einsum"),           # numpy's own refusal, named
    ("ij,jk->ik", [(2, 3), (4, 5)], "anp.einsum"),
])
def test_einsum_refusals_name_the_function_and_subscripts(subscripts, shapes, words):
    ops = [np.ones(s) for s in shapes]
    with pytest.raises(ValueError, match=r"anp\.einsum") as info:
        anp.einsum(subscripts, *ops)
    assert words in str(info.value)
    if words != "anp.einsum":
        assert repr(subscripts) in str(info.value)
        # refused before any tracing: the same message inside grad
        with pytest.raises(ValueError, match=r"anp\.einsum"):
            adlib.grad(lambda x: anp.sum(anp.einsum(subscripts, x, *ops[1:])))(ops[0])


def test_einsum_subscripts_must_be_a_string():
    with pytest.raises(TypeError, match=r"anp\.einsum.*subscripts"):
        anp.einsum(np.ones(3), [0], np.ones(3), [0])


# ---------------------------------------------------------------------------
# exported like the rest

def test_new_names_are_exported():
    import adlib.numpy.linalg as linalg_module
    from adlib.numpy import linalg
    assert linalg is linalg_module is anp.linalg
    names = dir(anp)
    for name in ("outer", "var", "std", "einsum", "linalg"):
        assert name in names and getattr(anp, name) is not None
    for name in ("outer", "var", "std", "einsum"):
        assert name in api.__all__ and getattr(anp, name).__doc__
    assert callable(anp.linalg.norm) and "sqrt(Σ x²)" in anp.linalg.norm.__doc__
    with pytest.raises(AttributeError, match="no differentiable 'svd'"):
        anp.svd


def test_var_and_std_are_methods_of_traced_arrays_and_duals():
    x = np.array([[1.0, 2.5, -0.5], [0.3, 4.0, 1.0]])
    g = adlib.grad(lambda x: x.var(axis=1).sum() + x.std(ddof=1))(x)
    g_ref = adlib.grad(lambda x: anp.sum(anp.var(x, axis=1)) + anp.std(x, ddof=1))(x)
    np.testing.assert_allclose(g, g_ref, rtol=1e-13)
    v = np.arange(6.0).reshape(2, 3) / 7
    value, tangent = adlib.jvp(lambda x: x.var(axis=0, keepdims=True), (x,), (v,))
    np.testing.assert_allclose(value, x.var(axis=0, keepdims=True))
    # d var = 2/N Σ (x - mean) (v - mean v)
    xc, vc = x - x.mean(axis=0), v - v.mean(axis=0)
    np.testing.assert_allclose(tangent, np.mean(2 * xc * vc, axis=0, keepdims=True), rtol=1e-12)


def test_where_reads_a_traced_condition_as_a_mask():
    x = np.array([1.5, 0.0, -2.0, 3.0])
    # the condition is x itself (nonzero entries): piecewise constant in x, so only the branch carries gradient
    g = adlib.grad(lambda x: anp.sum(anp.where(x, x * x, 5.0)))(x)
    np.testing.assert_array_equal(g, np.where(x != 0, 2 * x, 0.0))
    _, t = adlib.jvp(lambda x: anp.where(x > 1, x ** 3, -x), (x,), (np.ones(4),))
    np.testing.assert_array_equal(t, np.where(x > 1, 3 * x ** 2, -1.0))


def test_einsum_accepts_numpys_optimize_keyword(rng):
    """Code copied from numpy often passes optimize=...; it only picks an evaluation order."""
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    for optimize in (True, "greedy", False):
        np.testing.assert_allclose(anp.einsum("ij,jk->ik", a, b, optimize=optimize), a @ b, rtol=1e-14)
    g = adlib.grad(lambda a: anp.sum(anp.einsum("ij,jk->ik", a, b, optimize=True)))(a)
    np.testing.assert_allclose(g, np.tile(b.sum(axis=1), (2, 1)), rtol=1e-14)
