"""grad, value_and_grad, vjp, jacobian, hessian, hvp and user primitives: agreement and errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import adlib
import adlib.numpy as anp


def central_grad(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        g[idx] = (f(xp) - f(xm)) / (2 * h)
    return g


def loss(W, b, x):
    return anp.mean(anp.tanh(x @ W + b) ** 2) + 0.1 * anp.sum(W * W)


def test_grad_matches_central_differences_and_has_the_input_shape(rng):
    W, b, x = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(5, 3))
    gW = adlib.grad(loss)(W, b, x)
    assert gW.shape == W.shape and isinstance(gW, np.ndarray) and gW.flags.writeable
    np.testing.assert_allclose(gW, central_grad(lambda W: loss(W, b, x), W), rtol=1e-6, atol=1e-8)


def test_argnum_tuple_and_value_and_grad(rng):
    W, b, x = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(5, 3))
    value, (gW, gb) = adlib.value_and_grad(loss, argnum=(0, 1))(W, b, x)
    assert value == pytest.approx(loss(W, b, x))
    np.testing.assert_allclose(gW, adlib.grad(loss, 0)(W, b, x))
    np.testing.assert_allclose(gb, central_grad(lambda b: loss(W, b, x), b), rtol=1e-6, atol=1e-8)
    gb2 = adlib.grad(loss, argnum=-2)(W, b, x)
    np.testing.assert_allclose(gb2, gb)


def test_scalar_inputs_give_scalar_gradients():
    g = adlib.grad(lambda x, y: x * anp.sin(y), argnum=(0, 1))(2.0, 0.5)
    assert g[0] == pytest.approx(np.sin(0.5)) and g[1] == pytest.approx(2.0 * np.cos(0.5))
    assert np.ndim(g[0]) == 0


def test_input_used_many_times_accumulates():
    # the lecture's graph: u = x + 1, y = x u at x = 17 gives dy/dx = 2x + 1 = 35 (not 18)
    assert adlib.grad(lambda x: x * (x + 1.0))(17.0) == pytest.approx(35.0)
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(adlib.grad(lambda x: anp.sum(x * x * x + x))(x), 3 * x ** 2 + 1)


def test_unused_input_has_zero_gradient_and_constant_output():
    g = adlib.grad(lambda x, y: anp.sum(y * 2.0), argnum=(0, 1))(np.ones(3), np.ones(2))
    np.testing.assert_array_equal(g[0], np.zeros(3))
    np.testing.assert_array_equal(adlib.grad(lambda x: 3.0)(np.ones(2)), np.zeros(2))


def test_deep_graph_does_not_hit_the_recursion_limit():
    def f(x):
        for _ in range(5000):
            x = x * 1.0001
        return x
    assert adlib.grad(f)(1.0) == pytest.approx(1.0001 ** 5000)


def test_vjp_returns_a_cotangent_per_input(rng):
    a, b = rng.normal(size=(2, 3)), rng.normal(size=3)
    out, vjp_fn = adlib.vjp(lambda a, b: anp.sin(a) * b, a, b)
    u = rng.normal(size=out.shape)
    ga, gb = vjp_fn(u)
    np.testing.assert_allclose(ga, u * np.cos(a) * b)
    np.testing.assert_allclose(gb, (u * np.sin(a)).sum(axis=0))
    with pytest.raises(ValueError, match=r"cotangent has shape \(3,\).*\(2, 3\)"):
        vjp_fn(np.ones(3))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_shape_is_out_shape_plus_in_shape(mode, rng):
    x = rng.normal(size=(2, 3))
    J = adlib.jacobian(lambda x: anp.tanh(x).T @ x, mode=mode)(x)
    assert J.shape == (3, 3, 2, 3)
    h = 1e-6
    for idx in np.ndindex(2, 3):
        e = np.zeros((2, 3))
        e[idx] = h
        col = (np.tanh(x + e).T @ (x + e) - np.tanh(x - e).T @ (x - e)) / (2 * h)
        np.testing.assert_allclose(J[(...,) + idx], col, rtol=1e-6, atol=1e-8)


vectors = hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-1.5, 1.5))


@settings(max_examples=25, deadline=None)
@given(x=vectors)
def test_grad_vjp_jvp_jacobian_hessian_agree(x):
    def f(x):
        return anp.sum(anp.sin(x) * anp.exp(-x * x)) + anp.logsumexp(x) ** 2
    g = adlib.grad(f)(x)
    out, vjp_fn = adlib.vjp(f, x)
    np.testing.assert_allclose(vjp_fn(1.0)[0], g)
    J = adlib.jacobian(f)(x)
    Jf = adlib.jacobian(f, mode="forward")(x)
    np.testing.assert_allclose(J, g)
    np.testing.assert_allclose(Jf, g, rtol=1e-10, atol=1e-12)
    v = np.linspace(-1, 1, x.size)
    np.testing.assert_allclose(adlib.jvp(f, (x,), (v,))[1], g @ v, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g, central_grad(f, x), rtol=1e-5, atol=1e-7)
    H = adlib.hessian(f)(x)
    np.testing.assert_allclose(H, H.T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(H, central_grad_matrix(adlib.grad(f), x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(adlib.hvp(f)(x, v), H @ v, rtol=1e-9, atol=1e-10)


def central_grad_matrix(g, x, h=1e-6):
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        cols.append((g(x + e) - g(x - e)) / (2 * h))
    return np.stack(cols, axis=1)


def test_grad_of_grad_to_any_order():
    f = anp.sin
    d = [adlib.grad(f)]
    for _ in range(4):
        d.append(adlib.grad(d[-1]))
    expected = [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin, np.cos]
    for dk, ek in zip(d, expected):
        assert dk(0.7) == pytest.approx(ek(0.7))


def test_forward_over_reverse_and_reverse_over_forward(rng):
    A = rng.normal(size=(3, 3))
    A = A + A.T

    def f(x):
        return 0.5 * x @ A @ x + anp.sum(anp.sin(x))
    x, v = rng.normal(size=3), rng.normal(size=3)
    H = A - np.diag(np.sin(x))
    # jvp of grad: the traced array's value is itself a Dual
    _, Hv = adlib.jvp(adlib.grad(f), (x,), (v,))
    np.testing.assert_allclose(Hv, H @ v)
    np.testing.assert_allclose(adlib.hvp(f)(x, v), H @ v)
    np.testing.assert_allclose(adlib.hessian(f)(x), H)
    # grad inside jvp through a closure (the Dual is an outer constant of the inner trace)
    g = lambda y: adlib.grad(lambda x: anp.sum(x * y * y))(x)  # noqa: E731
    _, t = adlib.jvp(g, (x,), (v,))
    np.testing.assert_allclose(t, 2 * x * v)


def test_user_primitive_works_in_grad_jacobian_hessian():
    logcosh = adlib.primitive(lambda x: np.log(np.cosh(x)))
    adlib.defvjp(logcosh, lambda g, ans, x: g * anp.tanh(x))     # the lecture's form
    adlib.defjvp(logcosh, lambda t, ans, x: t * anp.tanh(x))
    x = np.array([0.3, -1.2, 2.0])
    f = lambda x: anp.sum(logcosh(x) * x)  # noqa: E731
    np.testing.assert_allclose(adlib.grad(f)(x), np.log(np.cosh(x)) + x * np.tanh(x))
    np.testing.assert_allclose(adlib.jacobian(logcosh)(x), np.diag(np.tanh(x)))
    np.testing.assert_allclose(adlib.jacobian(logcosh, mode="forward")(x), np.diag(np.tanh(x)))
    np.testing.assert_allclose(adlib.hessian(lambda x: anp.sum(logcosh(x)))(x), np.diag(1 - np.tanh(x) ** 2))
    assert adlib.gradcheck(f, x)


def test_user_primitive_as_decorator_with_two_arguments():
    @adlib.primitive
    def scale(x, k):
        return x * k
    adlib.defvjp(scale, lambda g, ans, x, k: g * k, lambda g, ans, x, k: anp.sum(g * x))
    x = np.array([1.0, 2.0])
    gx, gk = adlib.grad(lambda x, k: anp.sum(scale(x, k) ** 2), argnum=(0, 1))(x, 3.0)
    np.testing.assert_allclose(gx, 2 * 9 * x)
    assert gk == pytest.approx(2 * 3 * np.sum(x ** 2))


def test_missing_rule_is_named():
    half = adlib.primitive(lambda x, y: x * y)
    adlib.defvjp(half, lambda g, ans, x, y: g * y)           # no rule for y
    with pytest.raises(TypeError, match=r"no gradient rule \(VJP\) for argument 1"):
        adlib.grad(lambda y: half(2.0, y))(1.0)
    with pytest.raises(TypeError, match="no forward-mode rule"):
        adlib.jvp(lambda x: half(x, 2.0), (1.0,), (1.0,))


# -- errors in a student's terms ------------------------------------------------

def test_grad_of_non_scalar_names_the_shape():
    with pytest.raises(TypeError, match=r"grad: .*scalar.*shape \(3,\)"):
        adlib.grad(lambda x: x * 2.0)(np.ones(3))


def test_plain_numpy_on_a_traced_array_points_to_adlib_numpy():
    with pytest.raises(TypeError, match=r"numpy\.exp .*adlib\.numpy"):
        adlib.grad(lambda x: np.sum(np.exp(x)))(np.ones(3))
    with pytest.raises(TypeError, match=r"numpy\.dot .*anp\.dot"):
        adlib.grad(lambda x: anp.sum(np.dot(x, np.ones(3))))(np.ones(3))
    with pytest.raises(TypeError, match="adlib.numpy"):
        adlib.grad(lambda x: anp.sum(np.asarray(x)))(np.ones(3))
    with pytest.raises(TypeError, match="float"):
        adlib.grad(lambda x: float(x))(1.0)


def test_shape_errors_name_the_function_and_the_shapes():
    with pytest.raises(ValueError, match=r"anp\.matmul: shapes \(2, 3\) and \(2, 3\)"):
        adlib.grad(lambda x: anp.sum(x @ x))(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"anp\.dot: shapes \(3,\) and \(4,\)"):
        anp.dot(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"anp\.add: .*\(3,\).*\(4,\)"):
        adlib.grad(lambda x: anp.sum(x + np.ones(4)))(np.ones(3))
    with pytest.raises(ValueError, match=r"anp\.sum: axis 2 .* 2 axes"):
        adlib.grad(lambda x: anp.sum(x, axis=2))(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"anp\.max: axis -3"):
        anp.max(np.ones((2, 2)), axis=-3)


def test_integer_arrays_where_floats_are_needed():
    with pytest.raises(TypeError, match=r"grad: argument 0 is an array of dtype int64.*floats"):
        adlib.grad(lambda x: anp.sum(x))(np.arange(3))
    with pytest.raises(TypeError, match=r"grad: argument 0 is the int 3.*floats"):
        adlib.grad(lambda x: x * x)(3)
    with pytest.raises(TypeError, match="list"):
        adlib.grad(lambda x: anp.sum(x))([1.0, 2.0])


def test_bad_argnum():
    with pytest.raises(ValueError, match="argnum 2 is out of range"):
        adlib.grad(lambda x, y: x * y, argnum=2)(1.0, 2.0)
    with pytest.raises(TypeError, match="argnum must be an int"):
        adlib.grad(lambda x: x, argnum="x")(1.0)


def _forgot_return(x):
    y = x * x   # noqa: F841  (the student's bug: no return)


@pytest.mark.parametrize("call, name", [
    (lambda: adlib.grad(_forgot_return)(1.0), "grad"),
    (lambda: adlib.value_and_grad(_forgot_return)(np.ones(2)), "grad"),
    (lambda: adlib.vjp(_forgot_return, np.ones(2)), "vjp"),
    (lambda: adlib.jacobian(_forgot_return)(np.ones(2)), "jacobian"),
    (lambda: adlib.jacobian(_forgot_return, mode="forward")(np.ones(2)), "jacobian"),
    (lambda: adlib.jvp(_forgot_return, (1.0,), (1.0,)), "jvp"),
    (lambda: adlib.derivative(_forgot_return, 1.0), "derivative"),
    (lambda: adlib.gradcheck(_forgot_return, np.ones(2)), "gradcheck"),
    (lambda: adlib.numerical_grad(_forgot_return, np.ones(2)), "numerical_grad"),
])
def test_a_function_that_returns_nothing_is_named_not_differentiated_to_zero(call, name):
    with pytest.raises(TypeError, match=rf"^{name}.*returned None; did it forget to `return`"):
        call()


def test_outputs_that_are_not_numbers_are_refused_with_their_type():
    with pytest.raises(TypeError, match=r"grad: the function returned str \('a'\)"):
        adlib.grad(lambda x: "a")(1.0)
    with pytest.raises(TypeError, match=r"grad: the function returned an adlib.Value.*backward\(\)"):
        adlib.grad(lambda x: adlib.Value(2.0))(1.0)
    with pytest.raises(TypeError, match=r"vjp: the function returned a list"):
        adlib.vjp(lambda x: [x, x], np.ones(2))
    assert adlib.grad(lambda x: 3.0)(1.0) == 0.0             # a constant is a function too
    np.testing.assert_array_equal(adlib.grad(lambda x: np.float64(3.0))(np.ones(2)), np.zeros(2))


def test_hessian_and_hvp_errors_name_what_the_student_called():
    with pytest.raises(TypeError, match=r"^hessian: the function must return a scalar.*shape \(2,\)"):
        adlib.hessian(lambda x: x * x)(np.ones(2))
    with pytest.raises(TypeError, match=r"^hvp: the function returned None"):
        adlib.hvp(_forgot_return)(np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match=r"^hessian: the function returned None"):
        adlib.hessian(_forgot_return)(np.ones(2))


def test_differentiating_a_keyword_argument_explains_positions():
    with pytest.raises(ValueError, match=r"grad: argnum 0 is out of range.*0 positional arguments.*"
                                         r"keyword arguments x are held fixed"):
        adlib.grad(lambda x: x * x)(x=1.0)
    # keywords are held fixed, positions are differentiated
    assert adlib.grad(lambda x, scale: scale * x * x)(3.0, scale=2.0) == 12.0
