"""Every line of the public contract (shared/CONTRACT.md), used the way a user would."""
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.nn import MLP, Layer, Neuron


def test_numerical_differentiation():
    f = lambda x: x ** 3
    for fn in (adlib.forward_difference, adlib.backward_difference, adlib.central_difference):
        assert isinstance(fn(f, 1.0), float) and fn(f, 1.0) == pytest.approx(3.0, rel=1e-6)
        assert fn(f, 1.0, h=1e-4) == pytest.approx(3.0, rel=1e-3)
    assert adlib.complex_step(f, 1.0) == pytest.approx(3.0, abs=1e-15)
    x = np.array([1.0, 2.0])
    g = adlib.numerical_grad(lambda v: (v ** 2).sum(), x, h=None, method="central")
    assert g.shape == x.shape
    J = adlib.numerical_jacobian(lambda v: np.array([v[0] * v[1], v[0], v[1] ** 2]), x)
    assert J.shape == (3, 2)


def test_forward_mode():
    d = adlib.Dual(2.0)
    assert (d.real, d.dual) == (2.0, 0.0)
    d = adlib.Dual(np.ones(3), np.arange(3.0))
    assert d.real.shape == d.dual.shape == (3,)
    assert adlib.derivative(lambda x: x * x, 3.0) == 6.0
    out, tangent = adlib.jvp(lambda a, b: anp.sum(a * b), (np.ones(3), np.arange(3.0)), (np.ones(3), np.zeros(3)))
    assert out == 3.0 and tangent == 3.0


def test_value_is_micrograd_compatible():
    a, b = adlib.Value(2.0), adlib.Value(3.0)
    assert a.grad == 0
    c = (a + b) * a - b / a + a ** 2 + a ** b + (-a) + 1 + 2 * a + 1 / a - 3 + 2 ** a
    for op in ("exp", "log", "tanh", "relu", "sigmoid", "sin", "cos", "sqrt"):
        c = c + getattr(a, op)()
    c.backward()
    assert isinstance(c._prev, set) and all(isinstance(p, adlib.Value) for p in c._prev)
    assert isinstance(c._op, str)
    assert a.grad != 0 and b.grad != 0
    expected = adlib.central_difference(
        lambda t: ((t + 3) * t - 3 / t + t ** 2 + t ** 3 + (-t) + 1 + 2 * t + 1 / t - 3 + 2 ** t
                   + math.exp(t) + math.log(t) + math.tanh(t) + t + 1 / (1 + math.exp(-t)) + math.sin(t)
                   + math.cos(t) + math.sqrt(t)), 2.0)
    assert a.grad == pytest.approx(expected, rel=1e-7)


def test_nn_parameter_order_is_micrographs():
    model = MLP(3, [4, 4, 1])
    params = model.parameters()
    assert len(params) == (3 * 4 + 4) + (4 * 4 + 4) + (4 * 1 + 1)
    first = model.layers[0].neurons[0]
    assert params[:4] == first.w + [first.b]
    out = model([1.0, 2.0, 3.0])
    out.backward()
    model.zero_grad()
    assert all(p.grad == 0 for p in params)
    assert isinstance(Layer(2, 3)([1.0, 2.0]), list) and isinstance(Neuron(2)([1.0, 2.0]), adlib.Value)


@pytest.mark.parametrize("kind", ["float", "array", "dual", "value", "traced"])
@pytest.mark.parametrize("name", ["exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt"])
def test_elementary_functions_return_the_same_kind(name, kind):
    f = getattr(adlib, name)
    if kind == "float":
        assert isinstance(f(0.7), float)
    elif kind == "array":
        assert isinstance(f(np.array([0.7, 1.2])), np.ndarray)
    elif kind == "dual":
        assert isinstance(f(adlib.Dual(0.7, 1.0)), adlib.Dual)
    elif kind == "value":
        assert isinstance(f(adlib.Value(0.7)), adlib.Value)
    else:
        seen = []
        adlib.grad(lambda x: (seen.append(type(f(x))), anp.sum(f(x)))[1])(np.array([0.7, 1.2]))
        assert seen == [adlib.numpy.ArrayBox]


def test_one_function_every_mode():
    def f(x):
        return x * adlib.sin(x) + adlib.exp(x) / (1 + x * x)

    x0 = 0.6
    v = adlib.Value(x0)
    f(v).backward()
    values = [adlib.central_difference(f, x0), adlib.complex_step(f, x0), adlib.derivative(f, x0), v.grad,
              float(adlib.grad(f)(np.array(x0)))]
    assert max(values) - min(values) < 1e-8


def test_array_reverse_mode():
    x = np.array([0.5, -1.0, 2.0])
    W = np.arange(6.0).reshape(2, 3) / 10
    f = lambda W, x: anp.sum(anp.tanh(W @ x) ** 2)
    gW = adlib.grad(f)(W, x)
    assert gW.shape == W.shape
    gW2, gx = adlib.grad(f, argnum=(0, 1))(W, x)
    np.testing.assert_allclose(gW2, gW)
    assert gx.shape == x.shape
    value, g = adlib.value_and_grad(f)(W, x)
    assert value == pytest.approx(f(W, x))
    out, vjp_fn = adlib.vjp(lambda x: W @ x, x)
    cot = vjp_fn(np.array([1.0, -2.0]))
    assert isinstance(cot, tuple) and cot[0].shape == x.shape
    J = adlib.jacobian(lambda x: W @ x)(x)
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, W)
    H = adlib.hessian(lambda x: anp.sum(x ** 3))(x)
    np.testing.assert_allclose(H, np.diag(6 * x))


def test_primitive_and_defvjp_as_in_the_contract():
    @adlib.primitive
    def cube(x):
        return x ** 3

    adlib.defvjp(cube, lambda g, ans, x: g * 3 * x ** 2)
    assert adlib.grad(lambda x: anp.sum(cube(x)))(np.array([2.0])) == pytest.approx([12.0])
    square = adlib.primitive(np.square)
    adlib.defvjp(square, lambda g, ans, x: g * 2 * x)
    assert adlib.gradcheck(lambda x: anp.sum(square(x)), np.array([1.0, -2.0]))


def test_gradcheck_failure_names_input_index_and_values():
    bad = adlib.primitive(np.sin)
    adlib.defvjp(bad, lambda g, ans, x: g * np.sin(x))
    with pytest.raises(adlib.GradcheckError) as info:
        adlib.gradcheck(lambda x: anp.sum(bad(x)), np.array([0.3, 1.1]))
    message = str(info.value)
    assert "input 0" in message and "index" in message


def test_nan_and_domain_errors_follow_numpy():
    v = adlib.Value(math.nan) * 2
    assert math.isnan(v.data)
    with pytest.warns(RuntimeWarning, match="log"):
        assert math.isnan(adlib.log(adlib.Value(-1.0)).data)
    with pytest.warns(RuntimeWarning, match="sqrt"):
        assert math.isnan(adlib.sqrt(adlib.Dual(-1.0, 1.0)).real)
    with pytest.raises(ValueError):
        adlib.gradcheck(lambda x: anp.sum(x), np.array([math.inf]))


def test_grader_command_line_exists():
    proc = subprocess.run([sys.executable, "-m", "adlib.grade", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--json" in proc.stdout
