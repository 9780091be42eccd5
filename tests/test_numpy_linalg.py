"""anp.linalg.inv, solve and det: numpy's values, and gradients in every mode.

Oracles: numpy itself for values; adlib.gradcheck (reverse mode, forward mode and
central differences) for first derivatives; reverse-over-reverse (adlib.hessian)
against forward-over-reverse for second derivatives; closed forms where there is one;
HIPS autograd, when installed.  Matrices are well conditioned (eigenvalues in [1, 3]),
so central differences are accurate.
"""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp

few = settings(max_examples=10, deadline=None)
sizes = st.integers(1, 4)
seeds = st.integers(0, 2**32 - 1)


def well_conditioned(n, seed):
    """Q diag(λ) Qᵀ + a small non-symmetric part: eigenvalues near [1, 3], condition number below ~4."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return Q @ np.diag(rng.uniform(1, 3, size=n)) @ Q.T + 0.1 * rng.normal(size=(n, n))


def rhs(n, k, seed):
    """b of shape (n,) when k is None, else (n, k)."""
    rng = np.random.default_rng(seed + 1)
    return rng.normal(size=(n,) if k is None else (n, k))


def assert_hessians_agree(f, x):
    """Reverse over reverse = forward over reverse."""
    H = adlib.hessian(f)(x)
    assert H.shape == np.shape(x) * 2
    np.testing.assert_allclose(H, adlib.jacobian(adlib.grad(f), mode="forward")(x), rtol=1e-7, atol=1e-9)
    return H


# ---------------------------------------------------------------------------
# values and first derivatives

@few
@given(n=sizes, seed=seeds)
def test_inv_and_det_match_numpy_and_their_gradients(n, seed):
    A = well_conditioned(n, seed)
    np.testing.assert_allclose(anp.linalg.inv(A), np.linalg.inv(A), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(anp.linalg.det(A), np.linalg.det(A), rtol=1e-12)
    assert adlib.gradcheck(anp.linalg.inv, A)
    assert adlib.gradcheck(anp.linalg.det, A)


@few
@given(n=sizes, k=st.one_of(st.none(), st.integers(1, 3)), seed=seeds)
def test_solve_matches_numpy_and_its_gradients(n, k, seed):
    A, b = well_conditioned(n, seed), rhs(n, k, seed)
    x = anp.linalg.solve(A, b)
    assert x.shape == b.shape
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-12, atol=1e-12)
    assert adlib.gradcheck(anp.linalg.solve, A, b)                       # both arguments
    assert adlib.gradcheck(lambda A: anp.linalg.solve(A, b), A)          # each alone
    assert adlib.gradcheck(lambda b: anp.linalg.solve(A, b), b)


def test_det_gradient_closed_form(rng):
    A = well_conditioned(3, 7)
    np.testing.assert_allclose(adlib.grad(anp.linalg.det)(A), np.linalg.det(A) * np.linalg.inv(A).T,
                               rtol=1e-10, atol=1e-12)


def test_gradients_by_hand():
    A, b = well_conditioned(3, 3), rhs(3, None, 3)
    Ainv = np.linalg.inv(A)
    # d/dA Σ (A⁻¹)_ij = -A⁻ᵀ 1 1ᵀ A⁻ᵀ
    ones = np.ones((3, 3))
    np.testing.assert_allclose(adlib.grad(lambda A: anp.sum(anp.linalg.inv(A)))(A), -Ainv.T @ ones @ Ainv.T)
    # x = A⁻¹ b: d/db Σ x = A⁻ᵀ 1, d/dA Σ x = -(A⁻ᵀ 1) xᵀ
    gA, gb = adlib.grad(lambda A, b: anp.sum(anp.linalg.solve(A, b)), argnum=(0, 1))(A, b)
    np.testing.assert_allclose(gb, Ainv.T @ np.ones(3))
    np.testing.assert_allclose(gA, -np.outer(Ainv.T @ np.ones(3), Ainv @ b))


def test_forward_mode_jvps(rng):
    A, dA = well_conditioned(3, 5), rng.normal(size=(3, 3))
    Ainv = np.linalg.inv(A)
    tangent = lambda f: adlib.jvp(f, (A,), (dA,))[1]  # noqa: E731
    np.testing.assert_allclose(tangent(anp.linalg.inv), -Ainv @ dA @ Ainv, atol=1e-12)
    np.testing.assert_allclose(tangent(anp.linalg.det), np.linalg.det(A) * np.trace(Ainv @ dA), rtol=1e-10)


# ---------------------------------------------------------------------------
# second derivatives

@settings(max_examples=5, deadline=None)
@given(n=sizes, seed=seeds)
def test_second_derivatives_agree(n, seed):
    A, W = well_conditioned(n, seed), rhs(n, n, seed)
    b, w = rhs(n, None, seed + 2), rhs(n, None, seed + 3)
    assert_hessians_agree(lambda A: anp.sum(anp.linalg.inv(A) * W), A)
    assert_hessians_agree(anp.linalg.det, A)
    assert_hessians_agree(lambda A: anp.sum(anp.linalg.solve(A, b) * w), A)
    assert_hessians_agree(lambda b: anp.sum(anp.linalg.solve(A, b) ** 2), b)
    assert_hessians_agree(lambda A: anp.sum(anp.linalg.solve(A, W) * W), A)


def test_hessian_matches_central_differences_of_the_gradient():
    A = well_conditioned(2, 11)
    f = lambda A: anp.linalg.det(A) * anp.sum(anp.linalg.inv(A))  # noqa: E731
    np.testing.assert_allclose(adlib.hessian(f)(A), adlib.numerical_jacobian(adlib.grad(f), A),
                               rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------
# refusals

@pytest.mark.parametrize("shape", [(2, 3), (3,), (), (2, 3, 3)])
@pytest.mark.parametrize("name", ["inv", "det", "solve"])
def test_only_one_square_matrix(name, shape):
    A = np.ones(shape)
    args = (A, np.ones(3)) if name == "solve" else (A,)
    with pytest.raises(ValueError, match=rf"anp\.linalg\.{name}: .*shape {re.escape(str(shape))}"):
        getattr(anp.linalg, name)(*args)


@pytest.mark.parametrize("b_shape", [(2,), (2, 1), (3, 2, 1), ()])
def test_solve_refuses_mismatched_b(b_shape):
    with pytest.raises(ValueError, match=r"anp\.linalg\.solve: A has shape \(3, 3\).*got b of shape"):
        anp.linalg.solve(np.eye(3), np.ones(b_shape))


@pytest.mark.parametrize("name", ["inv", "solve"])
def test_singular_matrix_is_a_value_error(name):
    S = np.array([[1.0, 2.0], [2.0, 4.0]])
    args = (S, np.ones(2)) if name == "solve" else (S,)
    with pytest.raises(ValueError, match=rf"anp\.linalg\.{name}: the matrix is singular \(shape \(2, 2\)\)"):
        getattr(anp.linalg, name)(*args)
    with pytest.raises(ValueError, match=rf"anp\.linalg\.{name}: the matrix is singular"):
        adlib.grad(lambda S: anp.sum(getattr(anp.linalg, name)(*((S,) + args[1:]))))(S)
    assert anp.linalg.det(S) == pytest.approx(0.0)


def test_refusals_inside_a_trace_name_the_function():
    with pytest.raises(ValueError, match=r"anp\.linalg\.inv: .*not square"):
        adlib.grad(lambda A: anp.sum(anp.linalg.inv(A)))(np.ones((2, 3)))


# ---------------------------------------------------------------------------
# exported like the rest; cross-check against HIPS autograd

def test_exported_with_docstrings():
    for name in ("inv", "solve", "det"):
        assert name in anp.linalg.__all__
        f = getattr(anp.linalg, name)
        assert isinstance(f, anp.Primitive) and f.__doc__ and "numpy.linalg" in f.__doc__


def test_against_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as agnp

    def program(np_, A, b):
        x = np_.linalg.solve(A, b)
        return np_.linalg.det(A) * np_.sum(x * x) + np_.sum(np_.linalg.inv(A) * A.T ** 2)

    A, b = well_conditioned(3, 21), rhs(3, 2, 21)
    for argnum in (0, 1):
        ours = adlib.grad(lambda A, b: program(anp, A, b), argnum=argnum)(A, b)
        theirs = autograd.grad(lambda A, b: program(agnp, A, b), argnum)(A, b)
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
