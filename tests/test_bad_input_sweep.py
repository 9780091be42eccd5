"""Every public name, called with every kind of bad input: a clear TypeError or ValueError, never garbage.

The sweep is data: ``CALLS`` lists each public function, class and method with good arguments
and the positions (or keywords) where a bad value is put in turn; ``BAD`` lists the kinds of bad
value.  For each call and each kind the test asserts that

* the call raises TypeError or ValueError (never OverflowError, IndexError, AttributeError ...),
* the message names the function or operation the student called,
* it does not hang (pytest-timeout), and
* it never returns: a result for a bad input is garbage, unless ``ALLOWED`` documents why it is right
  (complex input to an elementwise function is the complex step; ``None`` is numpy's "no bound" for clip).

NaN and infinity are not bad input here: they propagate (CONTRACT.md), see tests/test_edges*.py.
"""
import math

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib import nn


def _generator():
    return (t for t in [1.0, 2.0])


class _Opaque:
    def __repr__(self):
        return "<opaque>"


# name -> a function making a fresh bad value (generators are used up once iterated)
BAD = {
    "None": lambda: None,
    "str": lambda: "abc",
    "bytes": lambda: b"12",
    "bool": lambda: True,
    "complex": lambda: 1 + 2j,
    "huge int": lambda: 10 ** 400,
    "generator": _generator,
    "dict": lambda: {"a": 1.0},
    "set": lambda: {1.0, 2.0},
    "object": _Opaque,
    "function": lambda: print,
    "str array": lambda: np.array(["a", "b"]),
    "object array": lambda: np.array([1.0, None], dtype=object),
    "ragged list": lambda: [[1.0], [1.0, 2.0]],
    "empty tuple": lambda: (),
    "Value": lambda: adlib.Value(1.0),
}

SEED_OK = {"None", "huge int"}
ELEMENTWISE_OK = {"complex"}          # f(x + ih): the complex step needs complex input to pass through


def f_sq(x):
    return x * x


def f_sum(x):
    return anp.sum(x * x)


X = np.array([1.0, 2.0])
M = np.ones((2, 2))


def _value():
    return adlib.Value(2.0)


def _dual():
    return adlib.Dual(2.0, 1.0)


def _prim():
    p = adlib.primitive(lambda x: x * 2.0, name="double")
    return p


def _mlp():
    return nn.MLP(2, [3, 1])


def _params():
    return _mlp().parameters()


# (label, words the message must contain (any of), function, args, kwargs, substituted positions, allowed kinds)
# a position is an int (args[i]) or a str (kwargs[name]); "allowed" maps position -> kinds that may succeed
def spec(label, fn, args=(), kwargs=None, positions=None, names=None, allowed=None):
    positions = list(range(len(args))) if positions is None else positions
    allowed = {k: set(v) for k, v in (allowed or {}).items()}
    if label.startswith("anp."):      # () is numpy's empty array (and an empty tuple of axes): not bad there
        for pos in positions:
            allowed.setdefault(pos, set()).add("empty tuple")
    return pytest.param(label, names or [label.split("(")[0].split(".")[-1]], fn, tuple(args), dict(kwargs or {}),
                        positions, allowed or {}, id=label)


UNARY = ["exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs", "square",
         "log1p", "expm1", "softplus"]
BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "power", "maximum", "minimum"]
REDUCTIONS = ["sum", "max", "min", "amax", "amin", "mean", "var", "std", "logsumexp"]

CALLS = []
for name in UNARY:
    if hasattr(adlib, name):
        CALLS.append(spec(f"adlib.{name}", getattr(adlib, name), (1.0,), allowed={0: ELEMENTWISE_OK | {"Value"}}))
    if hasattr(anp, name):
        CALLS.append(spec(f"anp.{name}", getattr(anp, name), (X,), allowed={0: ELEMENTWISE_OK}))
ALIASES = {"true_divide": "divide", "amax": "max", "amin": "min"}
for name in BINARY:
    CALLS.append(spec(f"anp.{name}", getattr(anp, name), (X, X), names=[ALIASES.get(name, name)],
                      allowed={0: ELEMENTWISE_OK, 1: ELEMENTWISE_OK}))
CALLS.append(spec("anp.negative", anp.negative, (X,), allowed={0: ELEMENTWISE_OK}))
CALLS.append(spec("anp.absolute", anp.absolute, (X,), names=["abs"], allowed={0: ELEMENTWISE_OK}))
for name in REDUCTIONS:
    ok = set() if name in ("var", "std") else ELEMENTWISE_OK
    CALLS.append(spec(f"anp.{name}", getattr(anp, name), (M,), {"axis": 0}, [0, "axis"],
                      names=[ALIASES.get(name, name)], allowed={0: ok, "axis": {"None"}}))
CALLS += [
    spec("anp.clip", anp.clip, (X, 0.0, 1.0), allowed={0: ELEMENTWISE_OK, 1: {"None"}, 2: {"None"}}),
    spec("anp.where", anp.where, (X > 1, X, 0.0), allowed={0: {"bool"}, 1: ELEMENTWISE_OK, 2: ELEMENTWISE_OK}),
    spec("anp.matmul", anp.matmul, (M, X), allowed={0: ELEMENTWISE_OK, 1: ELEMENTWISE_OK}),
    spec("anp.dot", anp.dot, (M, X), allowed={0: ELEMENTWISE_OK, 1: ELEMENTWISE_OK}),
    spec("anp.outer", anp.outer, (X, X), allowed={0: ELEMENTWISE_OK, 1: ELEMENTWISE_OK}),
    spec("anp.einsum", anp.einsum, ("ij,j->i", M, X), allowed={1: ELEMENTWISE_OK, 2: ELEMENTWISE_OK}),
    spec("anp.softmax", anp.softmax, (M,), {"axis": 0}, [0, "axis"], names=["softmax", "logsumexp"],
         allowed={0: ELEMENTWISE_OK, "axis": {"None"}}),
    spec("anp.log_softmax", anp.log_softmax, (M,), {"axis": 0}, [0, "axis"], names=["log_softmax", "logsumexp"],
         allowed={0: ELEMENTWISE_OK, "axis": {"None"}}),
    spec("anp.reshape", anp.reshape, (M, (4,)), allowed={0: ELEMENTWISE_OK}),
    spec("anp.transpose", anp.transpose, (M, (1, 0)), allowed={0: ELEMENTWISE_OK, 1: {"None"}}),
    spec("anp.swapaxes", anp.swapaxes, (M, 0, 1), allowed={0: ELEMENTWISE_OK}),
    spec("anp.broadcast_to", anp.broadcast_to, (X, (3, 2)), allowed={0: ELEMENTWISE_OK}),
    spec("anp.expand_dims", anp.expand_dims, (X, 0), allowed={0: ELEMENTWISE_OK}),
    spec("anp.squeeze", anp.squeeze, (np.ones((1, 2)),), {"axis": 0}, [0, "axis"],
         allowed={0: ELEMENTWISE_OK, "axis": {"None"}}),
    spec("anp.ravel", anp.ravel, (M,), allowed={0: ELEMENTWISE_OK}),
    # x[None] adds an axis, x[True] too (numpy's boolean scalar index); [[1.], [1., 2.]] are two arrays
    # to concatenate, and axis=None flattens them first, as numpy does
    spec("anp.getitem", anp.getitem, (X, 0), allowed={0: ELEMENTWISE_OK, 1: {"None", "bool"}}),
    spec("anp.concatenate", anp.concatenate, ([X, X],), {"axis": 0}, [0, "axis"],
         allowed={0: {"ragged list"}, "axis": {"None"}}),
    spec("anp.stack", anp.stack, ([X, X],), {"axis": 0}, [0, "axis"]),
    spec("anp.array", anp.array, ([1.0, 2.0],), allowed={0: ELEMENTWISE_OK}),
    spec("anp.linalg.norm", anp.linalg.norm, (X,), {"ord": 2}, [0, "ord"], names=["norm"],
         allowed={"ord": {"None"}}),
    spec("anp.linalg.inv", anp.linalg.inv, (np.eye(2),), names=["inv"], allowed={0: ELEMENTWISE_OK}),
    spec("anp.linalg.det", anp.linalg.det, (np.eye(2),), names=["det"], allowed={0: ELEMENTWISE_OK}),
    spec("anp.linalg.solve", anp.linalg.solve, (np.eye(2), X), names=["solve"],
         allowed={0: ELEMENTWISE_OK, 1: ELEMENTWISE_OK}),
]
for name in ["argmax", "argmin", "argsort", "sign", "floor", "ceil", "round", "isfinite", "isnan", "isinf",
             "zeros_like", "ones_like", "count_nonzero", "logical_not", "nonzero"]:
    CALLS.append(spec(f"anp.{name}", getattr(anp, name), (X,), allowed={0: ELEMENTWISE_OK | {"bool"}}))

# numerical differentiation
for name in ["forward_difference", "backward_difference", "central_difference", "complex_step"]:
    CALLS.append(spec(f"adlib.{name}", getattr(adlib, name), (f_sq, 1.0), {"h": 1e-3}, [0, 1, "h"],
                      allowed={"h": {"None"} if name != "complex_step" else set()}))   # None: the default step
for name in ["numerical_grad", "numerical_jacobian"]:
    CALLS.append(spec(f"adlib.{name}", getattr(adlib, name), (f_sum, X), {"h": 1e-3, "method": "central"},
                      [0, 1, "h", "method"], allowed={"h": {"None"}}))
CALLS += [
    spec("adlib.error_model", adlib.error_model, ("central", 1e-3), {"f0": 1.0}, [0, 1, "f0"]),
    spec("adlib.optimal_step", adlib.optimal_step, ("central",), {"f0": 1.0}, [0, "f0"]),
    # forward mode
    # a Dual's parts may be complex (the complex step) or traced by another mode (nesting), as a Value is
    spec("adlib.Dual", adlib.Dual, (1.0, 2.0), allowed={0: {"complex", "Value"}, 1: {"complex", "Value"}}),
    spec("adlib.derivative", adlib.derivative, (f_sq, 1.0), allowed={1: {"complex", "Value"}}),
    spec("adlib.jvp", adlib.jvp, (f_sq, (1.0,), (1.0,))),
    spec("adlib.jvp (in a tuple)", lambda f, p, t: adlib.jvp(f, (p,), (t,)), (f_sq, 1.0, 1.0), positions=[1, 2],
         names=["jvp"], allowed={1: {"complex", "Value"}, 2: {"complex", "Value"}}),
    # reverse mode over arrays
    spec("adlib.grad", lambda f, argnum, x: adlib.grad(f, argnum)(x), (f_sum, 0, X), names=["grad"]),
    spec("adlib.value_and_grad", lambda f, argnum, x: adlib.value_and_grad(f, argnum)(x), (f_sum, 0, X),
         names=["grad"]),
    spec("adlib.vjp", adlib.vjp, (f_sq, X)),
    spec("adlib.vjp (cotangent)", lambda u: adlib.vjp(f_sq, X)[1](u), (X,), names=["vjp"]),
    spec("adlib.jacobian", lambda f, argnum, x: adlib.jacobian(f, argnum)(x), (f_sq, 0, X), names=["jacobian"]),
    spec("adlib.jacobian (mode)", lambda mode: adlib.jacobian(f_sq, mode=mode)(X), ("reverse",), names=["jacobian"]),
    spec("adlib.hessian", lambda f, argnum, x: adlib.hessian(f, argnum)(x), (f_sum, 0, X), names=["hessian"]),
    spec("adlib.hvp", lambda f, x, v: adlib.hvp(f)(x, v), (f_sum, X, X), names=["hvp"]),
    spec("adlib.checkpoint", lambda f, x: adlib.grad(lambda x: anp.sum(adlib.checkpoint(f)(x)))(x), (f_sq, X),
         names=["checkpoint", "grad", "sum"]),
    # primitive(None) is the decorator form; a rule None skips an argument, and any function may be a rule
    spec("adlib.checkpoint (f)", adlib.checkpoint, (f_sq,), names=["checkpoint"], allowed={0: {"function"}}),
    spec("adlib.primitive", adlib.primitive, (np.sin,), allowed={0: {"None", "function"}}),
    spec("adlib.defvjp", lambda p, r: adlib.defvjp(p, r), (_prim(), lambda g, ans, x: 2.0 * g),
         allowed={1: {"None", "function"}}),
    spec("adlib.defjvp", lambda p, r: adlib.defjvp(p, r), (_prim(), lambda t, ans, x: 2.0 * t),
         allowed={1: {"None", "function"}}),
    spec("adlib.unbroadcast", adlib.unbroadcast, (np.ones((3, 2)), X), allowed={0: ELEMENTWISE_OK, 1: ELEMENTWISE_OK}),
    spec("adlib.gradcheck", adlib.gradcheck, (f_sum, X), {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3, "seed": 0},
         [0, 1, "eps", "atol", "rtol", "seed"], allowed={"seed": {"huge int"}}),
    # scalar reverse mode
    spec("adlib.Value", adlib.Value, (1.0,)),
    spec("Value +", lambda v, o: v + o, (_value(), 1.0), positions=[1], names=["Value"], allowed={1: {"Value"}}),
    spec("Value + (reflected)", lambda o, v: o + v, (1.0, _value()), positions=[0], names=["Value"],
         allowed={0: {"Value"}}),
    spec("Value -", lambda v, o: v - o, (_value(), 1.0), positions=[1], names=["Value"], allowed={1: {"Value"}}),
    spec("Value *", lambda v, o: v * o, (_value(), 1.0), positions=[1], names=["Value"], allowed={1: {"Value"}}),
    spec("Value /", lambda v, o: v / o, (_value(), 1.0), positions=[1], names=["Value"], allowed={1: {"Value"}}),
    spec("Value **", lambda v, o: v ** o, (_value(), 2.0), positions=[1], names=["Value"], allowed={1: {"Value"}}),
    spec("Value ** (reflected)", lambda o, v: o ** v, (2.0, _value()), positions=[0], names=["Value"],
         allowed={0: {"Value"}}),
    spec("Value <", lambda v, o: v < o, (_value(), 1.0), positions=[1], names=["Value"], allowed={1: {"Value"}}),
    spec("Value.backward", lambda g: _value().exp().backward(g), (1.0,), names=["backward"]),
    spec("adlib.zero_grad", adlib.zero_grad, (_value(),), allowed={0: {"Value"}}),
    spec("adlib.topological_order", adlib.topological_order, (_value(),), allowed={0: {"Value"}}),
    spec("adlib.backward_steps", adlib.backward_steps, (_value(),), allowed={0: {"Value"}}),
    spec("adlib.draw_dot", adlib.draw_dot, (_value(),), {"rankdir": "LR", "max_nodes": 10},
         [0, "rankdir", "max_nodes"], names=["draw_dot", "draw_graph"], allowed={0: {"Value"}}),
    spec("adlib.draw_graph", adlib.draw_graph, (_value(),), {"format": "svg"}, [0, "format"],
         allowed={0: {"Value"}}),
    # forward mode operators
    spec("Dual +", lambda d, o: d + o, (_dual(), 1.0), positions=[1], names=["Dual"],
         allowed={1: {"complex", "Value"}}),
    spec("Dual *", lambda d, o: d * o, (_dual(), 1.0), positions=[1], names=["Dual"],
         allowed={1: {"complex", "Value"}}),
    spec("Dual **", lambda d, o: d ** o, (_dual(), 2.0), positions=[1], names=["Dual"],
         allowed={1: {"complex", "Value"}}),
    # datasets and nn
    # seeds: None means the default (fresh randomness for make_moons), and any int seeds Python and numpy
    spec("adlib.make_moons", adlib.make_moons, (), {"n": 10, "noise": 0.1, "seed": 0}, ["n", "noise", "seed"],
         allowed={"seed": SEED_OK}),
    spec("nn.Neuron", nn.Neuron, (2,), {"seed": 0}, [0, "seed"], allowed={"seed": SEED_OK}),
    spec("nn.Layer", nn.Layer, (2, 3), {"seed": 0}, [0, 1, "seed"], allowed={"seed": SEED_OK}),
    spec("nn.MLP", nn.MLP, (2, [3, 1]), {"seed": 0}, [0, 1, "seed"], allowed={"seed": SEED_OK}),
    spec("nn.MLP (a layer size)", lambda k: nn.MLP(2, [k, 1]), (3,), names=["MLP"]),
    spec("nn.MLP.__call__", lambda x: _mlp()(x), ([1.0, 2.0],), names=["MLP", "Neuron"]),
    spec("nn.MLP.__call__ (an entry)", lambda x: _mlp()([x, 2.0]), (1.0,), names=["MLP", "Neuron", "Value"],
         allowed={0: {"Value"}}),
    spec("nn.SGD", nn.SGD, (_params(),), {"lr": 0.1}, [0, "lr"]),
    spec("nn.SGD.step", lambda lr: nn.SGD(_params()).step(lr), (0.1,), names=["SGD", "step"],
         allowed={0: {"None"}}),
    spec("nn.sgd_step", nn.sgd_step, (_params(), 0.1)),
    spec("nn.hinge_loss", nn.hinge_loss, ([_value(), _value()], [1, -1])),
    spec("nn.l2_penalty", nn.l2_penalty, (_params(),), {"alpha": 1e-4}, [0, "alpha"]),
    spec("nn.accuracy", nn.accuracy, ([_value(), _value()], [1, -1])),
]


def _names(x):
    return repr(x)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("label, names, fn, args, kwargs, positions, allowed", CALLS)
def test_every_bad_input_gets_a_clear_error(label, names, fn, args, kwargs, positions, allowed):
    problems = []
    for pos in positions:
        for kind, make in BAD.items():
            a, kw = list(args), dict(kwargs)
            if isinstance(pos, int):
                a[pos] = make()
            else:
                kw[pos] = make()
            try:
                result = fn(*a, **kw)
            except (TypeError, ValueError) as e:
                msg = str(e)
                if not any(n in msg for n in names):
                    problems.append(f"{label} [{pos}] = {kind}: message does not name {names}: {msg!r:.200}")
                continue
            except Exception as e:   # noqa: BLE001  (the sweep reports every wrong class at once)
                problems.append(f"{label} [{pos}] = {kind}: {type(e).__name__} instead of TypeError/ValueError: "
                                f"{e!s:.200}")
                continue
            if kind not in allowed.get(pos, ()):
                problems.append(f"{label} [{pos}] = {kind}: returned {result!r:.80} instead of refusing")
    assert not problems, "\n".join(problems)


def test_the_sweep_is_large_enough():
    """At least 15 kinds of bad input, over every public name of adlib, adlib.numpy and adlib.nn."""
    assert len(BAD) >= 15
    labels = {p.values[0] for p in CALLS}
    covered = {label.split(" ")[0].split("(")[0] for label in labels}
    public = {f"adlib.{n}" for n in ["exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs",
                                      "square", "forward_difference", "backward_difference", "central_difference",
                                      "complex_step", "numerical_grad", "numerical_jacobian", "error_model",
                                      "optimal_step", "Dual", "derivative", "jvp", "Value", "zero_grad",
                                      "draw_graph", "draw_dot", "backward_steps", "topological_order", "make_moons",
                                      "grad", "value_and_grad", "vjp", "jacobian", "hessian", "hvp", "checkpoint",
                                      "primitive", "defvjp", "defjvp", "unbroadcast", "gradcheck"]}
    public |= {f"nn.{n}" for n in nn.__all__ if n != "Module"}
    assert public <= covered, sorted(public - covered)
    differentiable = set(anp.api.__all__) - set(anp.api.NONDIFFERENTIABLE) - {"getitem", "untake"}
    assert {f"anp.{n}" for n in differentiable} - {"anp.getitem"} <= covered | {"anp.untake"}, \
        sorted({f"anp.{n}" for n in differentiable} - covered)
    n_calls = sum(len(p.values[5]) for p in CALLS)
    assert n_calls * len(BAD) >= 3000, n_calls * len(BAD)


# ---------------------------------------------------------------------------
# Bad input that only makes sense for one function: wrong shapes, argnum, absurd sizes

@pytest.mark.timeout(20)
@pytest.mark.parametrize("call, exc, words", [
    (lambda: adlib.Value(10 ** 400), ValueError, "Value.*too large"),
    (lambda: adlib.Value(-10 ** 400), ValueError, "Value.*too large"),
    (lambda: adlib.exp(10 ** 400), ValueError, "exp.*too large"),
    (lambda: adlib.Value(1.0) + 10 ** 400, ValueError, "Value.*too large"),
    (lambda: adlib.Value(1.0) ** 10 ** 400, ValueError, "Value.*too large"),
    (lambda: adlib.Dual(10 ** 400), ValueError, "Dual.*too large"),
    (lambda: adlib.central_difference(f_sq, 10 ** 400), ValueError, "central_difference.*too large"),
    (lambda: nn.MLP(10 ** 400, [2]), ValueError, "MLP.*at most"),
    (lambda: nn.MLP(2, [10 ** 9]), ValueError, "MLP.*at most"),
    (lambda: nn.MLP(1000, [1000, 1000]), ValueError, "MLP.*parameters.*at most"),
    (lambda: adlib.numerical_grad(f_sum, np.zeros(10 ** 6)), ValueError, "numerical_grad.*entries.*gradcheck"),
    (lambda: adlib.numerical_jacobian(f_sq, np.zeros(10 ** 6)), ValueError, "numerical_jacobian.*entries"),
    (lambda: nn.MLP(2, b"12"), TypeError, "MLP.*bytes"),
    (lambda: nn.MLP(2, "12"), TypeError, "MLP.*str"),
    (lambda: nn.MLP(2, []), ValueError, "MLP.*at least one"),
    (lambda: nn.MLP(2, [0]), ValueError, "MLP.*at least 1"),
    (lambda: nn.MLP(2, [2.5]), TypeError, "MLP.*integer"),
    (lambda: nn.SGD(_params(), lr=1j), TypeError, "SGD.*lr.*complex"),
    (lambda: nn.SGD(_params(), lr=float("nan")), ValueError, "SGD.*lr.*finite"),
    (lambda: nn.SGD([1.0, 2.0]), TypeError, "SGD.*Value"),
    (lambda: nn.Neuron(2)([1.0]), ValueError, "Neuron.*2 inputs"),
    (lambda: adlib.make_moons(10 ** 12), ValueError, "make_moons.*at most"),
    (lambda: anp.where("a", X, 0.0), TypeError, "where.*condition"),
    (lambda: anp.sigmoid(None), TypeError, "sigmoid"),
    (lambda: adlib.unbroadcast(None, X), TypeError, "unbroadcast"),
    (lambda: adlib.unbroadcast(np.ones(3), X), ValueError, "unbroadcast.*shape"),
    (lambda: adlib.grad(f_sum, argnum=2)(X), ValueError, "grad.*argnum 2"),
    (lambda: adlib.grad(f_sum, argnum=(0, "1"))(X), TypeError, "grad.*argnum"),
    (lambda: adlib.grad(f_sum, argnum=())(X), ValueError, "grad.*argnum"),
    (lambda: adlib.grad(f_sum, argnum=True)(X), TypeError, "grad.*argnum"),
    (lambda: adlib.hessian(f_sum, argnum=(0,))(X), TypeError, "hessian.*argnum"),
    (lambda: adlib.jvp(f_sq, (X,), (np.ones(3),)), ValueError, "jvp.*shape"),
    (lambda: adlib.vjp(f_sq, X)[1](np.ones(3)), ValueError, "vjp.*shape"),
    (lambda: adlib.hvp(f_sum)(X, np.ones(3)), ValueError, "hvp.*shape"),
    (lambda: anp.matmul(M, np.ones(3)), ValueError, "matmul.*shape"),
    (lambda: anp.add(X, np.ones(3)), ValueError, "add"),
    (lambda: adlib.derivative(f_sq, X), ValueError, "derivative.*shape"),
    (lambda: adlib.numerical_grad(lambda x: x, X), ValueError, "numerical_grad"),
    (lambda: adlib.central_difference(f_sq, 1.0, h=float("inf")), ValueError, "central_difference.*h"),
    (lambda: adlib.central_difference(f_sq, 1.0, h=0.0), ValueError, "central_difference.*h"),
    (lambda: adlib.numerical_jacobian(f_sq, X, h=float("nan")), ValueError, "numerical_jacobian.*h"),
    (lambda: adlib.complex_step(f_sq, 1.0, h=1j), TypeError, "complex_step.*h"),
    (lambda: adlib.grad(f_sum)(iter([1.0, 2.0])), TypeError, "grad.*iterator"),
    (lambda: anp.sum(_generator()), TypeError, "sum.*iterator"),
    (lambda: adlib.Value(_generator()), TypeError, "Value.*iterator"),
])
def test_specific_bad_input_is_refused_by_name(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_nan_and_inf_still_propagate_with_a_warning():
    with pytest.warns(RuntimeWarning, match="log"):
        assert math.isnan(adlib.log(-1.0))
    with pytest.warns(RuntimeWarning):
        assert math.isnan(adlib.Value(-1.0).log().data)
    assert math.isnan((adlib.Value(float("nan")) * 2.0).data)
    assert np.isnan(anp.exp(np.array([np.nan]))[0])
    with pytest.raises(ValueError, match="central_difference.*not finite"):
        adlib.central_difference(f_sq, float("nan"))
    with pytest.raises(ValueError, match="gradcheck.*not finite"):
        adlib.gradcheck(f_sum, np.array([np.inf, 1.0]))


def test_more_numbers_too_large_for_a_float():
    from fractions import Fraction
    with pytest.raises(ValueError, match="Value.*too large"):
        adlib.Value(Fraction(10 ** 400, 3))
    with pytest.raises(TypeError, match="Dual.*bool"):
        adlib.Dual(np.array([True, False]))


@pytest.mark.parametrize("make", [adlib.grad, adlib.value_and_grad, adlib.jacobian, adlib.hessian, adlib.hvp])
@pytest.mark.parametrize("argnum", ["0", 1.0, True, None, (), (0, "1")])
def test_a_wrong_argnum_is_refused_when_the_function_is_made(make, argnum):
    with pytest.raises((TypeError, ValueError), match=rf"{make.__name__.replace('value_and_', '')}.*argnum"):
        make(f_sum, argnum)


def test_an_index_out_of_range_is_an_index_error_and_a_value_error():
    for call in (lambda: anp.getitem(X, 5), lambda: adlib.grad(lambda x: x[5])(X)):
        with pytest.raises(IndexError, match="getitem.*5") as info:
            call()
        assert isinstance(info.value, ValueError)
