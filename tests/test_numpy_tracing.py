"""The trace: boxes, nesting with Dual, accumulation, and the generic elementary functions."""
import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.numpy import ArrayBox


def test_generic_elementary_functions_accept_traced_arrays(rng):
    x = rng.uniform(0.5, 2.0, size=4)
    seen = []

    def f(x):
        y = adlib.sqrt(adlib.exp(adlib.sin(x)) + adlib.relu(x)) * adlib.tanh(x) + adlib.sigmoid(x) * adlib.log(x)
        seen.append(type(y))
        return anp.sum(adlib.cos(y))
    g = adlib.grad(f)(x)
    assert seen[-1] is ArrayBox
    assert adlib.gradcheck(f, x)
    assert g.shape == x.shape


def test_shared_gradients_are_never_mutated_by_accumulation(rng):
    # a + a + a: the add rule passes g on unchanged to both parents, so buffers are shared;
    # accumulating in place into a shared buffer would corrupt the other parent's gradient
    x, w = rng.normal(size=3), rng.normal(size=3)

    def f(x):
        a = x * w
        b = a + a
        c = b + a + b
        return anp.sum(c * c) + anp.sum(b)
    g = adlib.grad(f)(x)
    expected = 2 * (5 * x * w) * 5 * w + 2 * w
    np.testing.assert_allclose(g, expected)


def test_box_reports_shape_and_compares_by_value():
    def f(x):
        assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
        assert np.shape(x) == (2, 3) and x.dtype == np.float64
        assert bool((x > 0).all()) and (x[0, 0] < 2.0)     # control flow on values is fine
        rows = [r for r in x]
        return anp.sum(rows[0] * rows[1])
    x = np.ones((2, 3))
    np.testing.assert_allclose(adlib.grad(f)(x), np.ones((2, 3)))


def test_levels_nest_with_dual_in_both_orders(rng):
    x, v = rng.normal(size=3), rng.normal(size=3)
    f = lambda x: anp.sum(anp.sin(x) ** 2)  # noqa: E731
    H = np.diag(2 * np.cos(2 * x))
    # reverse inside forward: grad's box holds a Dual
    np.testing.assert_allclose(adlib.jvp(adlib.grad(f), (x,), (v,))[1], H @ v)
    # forward inside reverse: grad of a function that computes a jvp internally, on plain data
    def directional(x):
        return adlib.jvp(f, (x,), (v,))[1]
    np.testing.assert_allclose(adlib.grad(lambda x: directional(x.value) * anp.sum(x))(x),
                               np.full(3, directional(x)))


def test_repr_and_value_of_a_box():
    def f(x):
        assert "ArrayBox" in repr(x)
        np.testing.assert_array_equal(x.value, [1.0, 2.0])
        return anp.sum(x)
    adlib.grad(f)(np.array([1.0, 2.0]))


def test_numpy_asarray_and_float_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="adlib.numpy"):
        adlib.grad(lambda x: anp.sum(np.asarray(x) * 2))(np.ones(2))
    with pytest.raises(TypeError, match="anp.linalg|adlib.numpy has no"):
        adlib.grad(lambda x: np.linalg.norm(x))(np.ones(2))
    with pytest.raises(AttributeError, match="adlib.numpy has no differentiable 'fft'"):
        anp.fft


def test_a_vjp_returning_the_wrong_shape_is_named():
    import adlib
    import adlib.numpy as anp

    @adlib.primitive
    def add_row(x, row):
        return x + row

    # forgot to unbroadcast: the row's gradient comes back with x's shape
    adlib.defvjp(add_row, lambda g, ans, x, row: g, lambda g, ans, x, row: g)
    x, row = np.ones((4, 3)), np.ones(3)
    with pytest.raises(ValueError, match=r"add_row for argument 1 returned shape \(4, 3\).*shape \(3,\).*unbroadcast"):
        adlib.grad(lambda r: anp.sum(add_row(x, r)))(row)

    # too small: would otherwise be broadcast silently into a wrong gradient
    adlib.defvjp(add_row, lambda g, ans, x, row: g[:1], lambda g, ans, x, row: g.sum(0))
    with pytest.raises(ValueError, match=r"add_row for argument 0 returned shape \(1, 3\)"):
        adlib.grad(lambda x: anp.sum(add_row(x, row)))(x)


def test_assigning_into_a_traced_array_says_what_to_do_instead():
    def f(x):
        x[1:3, 0] = 0.0
        return anp.sum(x)
    with pytest.raises(TypeError, match=r"x\[1:3, 0\] = \.\.\. writes into a traced array \(shape \(3, 3\)\).*anp.where"):
        adlib.grad(f)(np.ones((3, 3)))
    with pytest.raises(TypeError, match=r"d\[\.\.\.\] = \.\.\. would write into a Dual.*anp.where"):
        adlib.jvp(f, (np.ones((3, 3)),), (np.ones((3, 3)),))


def test_math_functions_on_traced_values_point_to_anp():
    import math
    with pytest.raises(TypeError, match=r"math.exp, math.sin .* use anp.exp"):
        adlib.grad(lambda x: math.exp(x))(1.0)
