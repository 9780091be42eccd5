"""Forward mode: dual numbers, derivative, jvp, nesting and perturbation confusion."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import adlib
from adlib import Dual, rules

finite = st.floats(-5, 5)
positive = st.floats(0.2, 5)


def test_lecture_example_f_of_x():
    f = lambda x: x * x + 1.0
    assert f(3.0) == 10.0
    d = f(Dual(3.0, 1.0))
    assert (d.real, d.dual) == (10.0, 6.0)


def test_lecture_example_x2_exp_x_plus_3x():
    f = lambda x: x ** 2 * adlib.exp(x) + 3 * x
    d = f(Dual(1.0, 1.0))
    assert (d.real, d.dual) == (5.718281828459045, 11.154845485377136)
    assert adlib.jvp(f, (1.0,), (1.0,)) == (5.718281828459045, 11.154845485377136)


@given(a=finite, b=finite, c=positive)
def test_every_operator_both_sides(a, b, c):
    x = Dual(a, 1.0)
    cases = [
        (x + b, 1.0), (b + x, 1.0), (x - b, 1.0), (b - x, -1.0),
        (x * b, b), (b * x, b), (x / c, 1 / c), (-x, -1.0), (+x, 1.0),
        (x ** 2, 2 * a), (x ** 3.0, 3 * a * a),
    ]
    for d, expected in cases:
        assert d.dual == pytest.approx(expected, abs=1e-12)
    y = Dual(c, 1.0)
    assert (b / y).dual == pytest.approx(-b / c ** 2)
    assert (2.0 ** y).dual == pytest.approx(2.0 ** c * math.log(2.0))
    assert (y ** y).dual == pytest.approx(c ** c * (math.log(c) + 1))


@given(x=finite)
def test_dual_agrees_with_central_differences_on_a_composite(x):
    f = lambda t: adlib.sin(t) * adlib.exp(-t * t / 4) + adlib.tanh(t) / (1 + t * t) - 3 * adlib.sigmoid(t) ** 2
    assert adlib.derivative(f, x) == pytest.approx(adlib.central_difference(f, x), abs=1e-7)
    assert adlib.derivative(f, x) == pytest.approx(adlib.complex_step(f, x), abs=1e-13)


def test_comparisons_use_the_real_part():
    a, b = Dual(1.0, 5.0), Dual(2.0, -5.0)
    assert a < b and a <= b and b > a and b >= a and a != b
    assert Dual(1.0, 2.0) == Dual(1.0, 3.0)
    assert a < 1.5 and 0.5 < a


def test_control_flow_follows_the_real_part():
    def f(x):
        return x * x if x > 0 else -x
    assert adlib.derivative(f, 2.0) == 4.0
    assert adlib.derivative(f, -2.0) == -1.0


def test_array_parts_broadcast_like_numpy(rng):
    x = rng.normal(size=(3, 1))
    y = rng.normal(size=(1, 4))
    d = Dual(x, np.ones_like(x)) * Dual(y, 0.0)
    assert d.real.shape == d.dual.shape == (3, 4)
    np.testing.assert_allclose(d.dual, np.broadcast_to(y, (3, 4)))
    d2 = np.arange(3.0) * Dual(2.0, 1.0)
    assert isinstance(d2, Dual)
    np.testing.assert_allclose(d2.dual, np.arange(3.0))


def test_scalar_tangent_spreads_over_an_array():
    d = Dual(np.array([1.0, 2.0]), 1.0)
    np.testing.assert_array_equal(d.dual, [1.0, 1.0])


def test_jvp_on_arrays(rng):
    x, v = rng.normal(size=5), rng.normal(size=5)
    value, tangent = adlib.jvp(lambda t: adlib.sin(t) * t, (x,), (v,))
    np.testing.assert_allclose(value, np.sin(x) * x)
    np.testing.assert_allclose(tangent, (np.cos(x) * x + np.sin(x)) * v)


def test_jvp_of_several_arguments(rng):
    f = lambda a, b: a * b + adlib.exp(a)
    a, b = 0.5, 2.0
    value, tangent = adlib.jvp(f, (a, b), (1.0, 0.0))
    assert tangent == pytest.approx(b + math.exp(a))
    value, tangent = adlib.jvp(f, (a, b), (0.0, 1.0))
    assert tangent == pytest.approx(a)


def test_constant_function_has_zero_derivative():
    assert adlib.derivative(lambda x: 3.0, 1.0) == 0.0
    value, tangent = adlib.jvp(lambda x: np.ones(3), (np.zeros(3),), (np.ones(3),))
    np.testing.assert_array_equal(tangent, np.zeros(3))


@given(x=st.floats(-2, 2))
def test_second_derivatives_by_nesting(x):
    d2 = adlib.derivative(lambda t: adlib.derivative(adlib.sin, t), x)
    assert d2 == pytest.approx(-math.sin(x), abs=1e-12)
    f = lambda t: t ** 3 * adlib.exp(t)
    d2f = adlib.derivative(lambda t: adlib.derivative(f, t), x)
    assert d2f == pytest.approx(math.exp(x) * (x ** 3 + 6 * x ** 2 + 6 * x), rel=1e-10, abs=1e-10)
    d3 = adlib.derivative(lambda s: adlib.derivative(lambda t: adlib.derivative(adlib.exp, t), s), x)
    assert d3 == pytest.approx(math.exp(x))


def test_perturbation_confusion_is_avoided():
    """d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1.  Untagged duals get 2."""
    result = adlib.derivative(lambda x: x * adlib.derivative(lambda y: x + y, 1.0), 1.0)
    assert result == 1.0
    # Siskind & Pearlmutter's variant: d/dx [ x * d/dy (x * y) ] at x = 1, y = 2 -> 2x = 2
    assert adlib.derivative(lambda x: x * adlib.derivative(lambda y: x * y, 2.0), 1.0) == 2.0


def test_bad_parts():
    for bad in ["abc", None, [1.0, 2.0], True]:
        with pytest.raises(TypeError, match="Dual: the real part"):
            Dual(bad, 1.0)
        with pytest.raises(TypeError, match="Dual: the dual part"):
            Dual(1.0, bad)
    with pytest.raises(ValueError, match=r"Dual: the dual part has shape \(3,\).*\(2,\)"):
        Dual(np.ones(2), np.ones(3))


def test_bad_operands():
    with pytest.raises(TypeError, match=r"Dual \+: unsupported operand of type str"):
        Dual(1.0, 1.0) + "a"
    with pytest.raises(TypeError, match=r"Dual \*: unsupported operand of type NoneType"):
        None * Dual(1.0, 1.0)
    with pytest.raises(ValueError, match=r"Dual \+: operands of shapes \(2,\) and \(3,\)"):
        Dual(np.ones(2), 1.0) + np.ones(3)


def test_silent_derivative_loss_is_refused():
    with pytest.raises(TypeError, match="float\\(Dual\\) would drop the derivative"):
        adlib.derivative(lambda x: math.exp(x), 1.0)
    with pytest.raises(TypeError, match="adlib.numpy"):
        np.asarray(Dual(1.0, 1.0))


def test_numpy_ufuncs_on_duals_route_through_the_rules():
    d = np.exp(Dual(0.0, 1.0))
    assert (d.real, d.dual) == (1.0, 1.0)
    with pytest.raises(TypeError, match="numpy.arctan.*Dual"):
        np.arctan(Dual(0.0, 1.0))


@pytest.mark.parametrize("ufunc, name", [(getattr(np, n), n) for n in rules.UNARY
                                         if isinstance(getattr(np, n, None), np.ufunc)] + [(np.negative, "neg")])
def test_every_rule_numpy_has_as_a_ufunc_works_on_a_dual(ufunc, name):
    d, e = ufunc(Dual(0.4, 1.0)), getattr(rules, name)(Dual(0.4, 1.0))
    assert isinstance(d, Dual) and (d.real, d.dual) == (e.real, e.dual) and d.dual != 0.0


def test_jvp_checks_its_arguments():
    with pytest.raises(TypeError, match="jvp: primals and tangents must be tuples"):
        adlib.jvp(adlib.sin, 1.0, 1.0)
    with pytest.raises(ValueError, match="jvp: 2 primals but 1 tangents"):
        adlib.jvp(lambda a, b: a * b, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match=r"tangent has shape \(2,\) but the primal has shape \(3,\)"):
        adlib.jvp(adlib.sin, (np.ones(3),), (np.ones(2),))


def test_division_by_zero_follows_numpy():
    with pytest.warns(RuntimeWarning):
        d = Dual(1.0, 1.0) / 0.0
    assert d.real == math.inf


def test_nan_propagates():
    d = adlib.sin(Dual(math.nan, 1.0))
    assert math.isnan(d.real) and math.isnan(d.dual)


def test_array_methods_of_duals_go_through_adlib_numpy(rng):
    W = rng.normal(size=(3, 2))
    x, v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    f = lambda x: ((x @ W).T[1] ** 2).sum() + x.reshape(12).mean() + x.transpose((1, 0)).max()
    value, tangent = adlib.jvp(f, (x,), (v,))
    eps = 1e-6
    assert tangent == pytest.approx((f(x + eps * v) - f(x - eps * v)) / (2 * eps), rel=1e-6)
    value, tangent = adlib.jvp(lambda x: W.T @ x, (x[0],), (v[0],))
    np.testing.assert_allclose(tangent, W.T @ v[0])


def test_grad_of_jvp_reverse_over_forward(rng):
    x, v = rng.normal(size=3), rng.normal(size=3)
    # d/dx [J_f(x) v] for f = sum(sin(x)^2): the directional derivative's gradient = H v
    directional = lambda x: adlib.jvp(lambda t: (adlib.sin(t) ** 2).sum(), (x,), (v,))[1]
    hv = adlib.grad(directional)(x)
    H = np.diag(2 * np.cos(2 * x))
    np.testing.assert_allclose(hv, H @ v, rtol=1e-10)


# -- tangents added in place (a speed-up) never touch arrays someone else holds ----------

def _reference_product_tangent(ar, ad, br, bd):
    """d(a b) = b da + a db, computed out of place."""
    return br * ad + ar * bd


def test_product_tangents_leave_user_arrays_and_held_duals_alone(rng):
    x, v = rng.normal(size=50), rng.normal(size=50)
    c = rng.normal(size=50)
    saved = [a.copy() for a in (x, v, c)]
    d = Dual(x, v, adlib.forward.new_tag())
    n = -d
    n_dual = n.dual.copy()
    s = adlib.sin(d)
    s_dual, s_real = s.dual.copy(), s.real.copy()
    q = n * d                       # both operands perturbed: the in-place path
    p = s * q
    r = (d + c) * (c - d)           # tangents of + and - are shared with d (partials ±1)
    w = d * c + c * d + d / c
    for arr, before in zip((x, v, c), saved):
        np.testing.assert_array_equal(arr, before)
    np.testing.assert_array_equal(n.dual, n_dual)
    np.testing.assert_array_equal(s.dual, s_dual)
    np.testing.assert_array_equal(s.real, s_real)
    np.testing.assert_array_equal(q.dual, _reference_product_tangent(-x, -v, x, v))
    np.testing.assert_array_equal(p.dual, _reference_product_tangent(s_real, s_dual, q.real, q.dual))
    np.testing.assert_allclose(r.dual, v * (c - x) - (x + c) * v)
    np.testing.assert_allclose(w.dual, 2 * c * v + v / c)


def test_square_by_product_matches_both_terms_exactly_including_inf_and_nan():
    x = np.array([0.0, -1.5, 3.0, 1e308, np.inf, -np.inf, np.nan])
    v = np.array([1.0, 2.0, 0.0, 0.5, 0.0, 1.0, 1.0])
    with np.errstate(all="ignore"):
        d = Dual(x.copy(), v.copy()) * Dual(x.copy(), v.copy())   # two Duals: the general path
        same = Dual(x, v)
        sq = same * same                                           # one Dual: x * x, one pass saved
        expected = x * v + x * v
    np.testing.assert_array_equal(sq.dual, expected)              # nan where 0 * inf, as numpy
    np.testing.assert_array_equal(sq.dual, d.dual)
    np.testing.assert_array_equal(same.dual, v)                   # the operand's tangent is untouched


def test_in_place_accumulation_keeps_numpy_dtype_and_broadcasting(rng):
    a32 = Dual(np.ones(3, dtype=np.float32), np.full(3, 2.0, dtype=np.float32))
    b64 = Dual(np.arange(3.0), np.ones(3))
    for out, ref in [(a32 * b64, np.arange(3.0) * np.float32(2) + np.float32(1) * np.ones(3)),
                     (a32 * a32, np.full(3, 4.0, dtype=np.float32))]:
        assert out.dual.dtype == ref.dtype
        np.testing.assert_array_equal(out.dual, ref)
    col = Dual(rng.normal(size=(3, 1)), rng.normal(size=(3, 1)))
    row = Dual(rng.normal(size=(1, 4)), rng.normal(size=(1, 4)))
    prod = col * row
    assert prod.dual.shape == (3, 4)
    np.testing.assert_allclose(prod.dual, row.real * col.dual + col.real * row.dual)
    scalar = Dual(2.0, 1.0)
    vec = Dual(np.arange(3.0), np.ones(3))
    np.testing.assert_array_equal((scalar * vec).dual, np.arange(3.0) + 2.0)
    np.testing.assert_array_equal((vec * scalar).dual, np.arange(3.0) + 2.0)


def test_nested_square_keeps_perturbations_apart():
    # the inner y * y takes the one-pass square path while x is a Dual of an older tag
    f = lambda x: x * adlib.derivative(lambda y: x * y * y, x)     # x * 2 x x = 2 x^3
    assert adlib.derivative(f, 3.0) == pytest.approx(6 * 9.0)
    g = lambda x: adlib.derivative(lambda y: y * y, x) * x          # 2 x * x: d/dx = 4 x
    assert adlib.derivative(g, 3.0) == pytest.approx(12.0)


def test_dual_has_value_s_methods_so_micrograd_style_code_runs_in_forward_mode():
    from adlib.rules import VALUE_METHODS
    for name in VALUE_METHODS:
        assert callable(getattr(adlib.Value, name)) and callable(getattr(Dual, name)), name
        x = 0.7
        d = getattr(Dual(x, 1.0), name)()
        ref = getattr(adlib, name)(Dual(x, 1.0))
        assert (d.real, d.dual) == (ref.real, ref.dual), name
        v = adlib.Value(x)
        out = getattr(v, name)()
        out.backward()
        assert v.grad == pytest.approx(d.dual, rel=1e-12), name

    def neuron(w, x):                       # written for micrograd: methods, not functions
        return (w * x + 0.5).tanh().relu()
    assert adlib.derivative(lambda w: neuron(w, 2.0), 0.3) == pytest.approx(2 * (1 - math.tanh(1.1) ** 2))
