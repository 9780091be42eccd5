"""adlib.Value: the lecture's worked examples, micrograd's semantics, depth, bad input."""
import gc
import inspect
import math
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import adlib
from adlib import Value, rules


# --- the lecture's worked examples ---------------------------------------------------------------

def test_non_tree_dag_accumulates_both_paths():
    # u = x + 1, y = x u at x = 17: dy/dx = u + x = 18 + 17 = 35 (assigning instead of adding gives 18)
    x = Value(17.0)
    u = x + 1
    y = x * u
    y.backward()
    assert y.data == 306.0
    assert x.grad == 35.0
    assert u.grad == 17.0


def test_same_value_on_both_sides():
    # F(u, v) = u v at u = v = x: dF/dx = v + u = 2x
    for x0 in (-1.5, 0.0, 3.0):
        x = Value(x0)
        (x * x).backward()
        assert x.grad == 2 * x0
    x = Value(4.0)
    (x + x + x).backward()
    assert x.grad == 3.0


def test_lecture_sigmoid_chain():
    w, b, x, target = Value(2.0), Value(0.0), Value(1.0), Value(10.0)
    t1 = w * x
    t2 = t1 + b
    t3 = -1 * t2
    t4 = t3.exp()
    t5 = t4 + 1
    t6 = t5 ** (-1)
    t7 = t6 - target
    t8 = t7 ** 2
    t8.backward()
    assert w.grad == pytest.approx(-1.9149156216104704, rel=1e-14)
    assert b.grad == pytest.approx(-1.9149156216104704, rel=1e-14)
    assert t7.grad == pytest.approx(-18.238405844044234, rel=1e-14)
    assert t4.grad == pytest.approx(14.149418952798422, rel=1e-14)
    # the target is a Value too, so it gets a gradient: dt8/dtarget = -2 t7
    assert target.grad == pytest.approx(-2 * t7.data, rel=1e-14)


def test_lecture_manual_step_through_with_backward_per_node():
    # micrograd's per-node _backward(), called by hand in reverse order, as the lecture does
    w, b, x = Value(2.0), Value(0.0), Value(1.0)
    t1 = w * x
    t2 = t1 + b
    t3 = t2.sigmoid()
    t3.grad = 1.0
    for node in (t3, t2, t1):
        node._backward()
    s = 1 / (1 + math.exp(-2.0))
    assert w.grad == pytest.approx(s * (1 - s) * 1.0)
    assert x.grad == pytest.approx(s * (1 - s) * 2.0)


def test_relu_exercise_gradients():
    W, x, b = Value(2.0), Value(3.0), Value(1.0)
    H = (W * x + b).relu()
    H.backward()
    assert (H.data, W.grad, x.grad, b.grad) == (7.0, 3.0, 2.0, 1.0)


# --- micrograd's attributes and conventions --------------------------------------------------------

def test_prev_and_op_like_micrograd():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    assert c._prev == {a, b} and c._op == "*"
    assert (a + b)._op == "+"
    assert (a ** 2)._op == "**2"
    assert a.relu()._op == "ReLU"
    assert (a + 1)._prev == {a}          # a number operand is not a node
    assert (a * a)._prev == {a}
    assert a._prev == set() and a._op == ""
    assert a.grad == 0 and c.grad == 0


def test_micrograd_constructor_signature_and_labels():
    x = Value(2.0, label="x")
    assert x.label == "x" and "label='x'" in repr(x)
    y = Value(3, (), "")
    assert y.data == 3.0 and isinstance(y.data, float) and y.label == ""
    z = x * y
    z.label = "z"
    assert z.label == "z"


def test_hand_wired_node_is_drawn_but_refuses_backward():
    a = Value(1.0)
    n = Value(5.0, (a,), "mystery")
    assert n._prev == {a} and n._op == "mystery"
    with pytest.raises(ValueError, match="mystery"):
        n.backward()


def test_every_method_matches_the_generic_function():
    for name in ["exp", "log", "tanh", "relu", "sigmoid", "sin", "cos", "sqrt"]:
        for x0 in (0.3, 1.7):
            a, b = Value(x0), Value(x0)
            via_method = getattr(a, name)()
            via_generic = getattr(adlib, name)(b)
            assert isinstance(via_generic, Value)
            assert via_method.data == via_generic.data == getattr(adlib, name)(x0)
            via_method.backward()
            via_generic.backward()
            assert a.grad == b.grad == pytest.approx(adlib.derivative(getattr(adlib, name), x0), rel=1e-12)


def test_abs_neg_pos_and_reflected_operators():
    x = Value(-2.0)
    for f, expect in [(lambda v: abs(v), -1.0), (lambda v: -v, -1.0), (lambda v: +v, 1.0),
                      (lambda v: 3 - v, -1.0), (lambda v: 3 / v, -3 / 4), (lambda v: 2 ** v, 2 ** -2 * math.log(2)),
                      (lambda v: 3 * v, 3.0), (lambda v: 3 + v, 1.0)]:
        x.grad = 0.0
        out = f(x)
        if out is x:
            out.backward()
        else:
            out.backward()
        assert x.grad == pytest.approx(expect, rel=1e-12)


def test_value_exponent_uses_log_of_base():
    x, y = Value(2.0), Value(3.0)
    (x ** y).backward()
    assert x.grad == pytest.approx(3 * 2.0 ** 2)
    assert y.grad == pytest.approx(8 * math.log(2.0))


def test_numpy_scalars_mix_with_values():
    x = Value(2.0)
    for c in (np.float64(1.5), np.float32(1.5), np.int64(3)):
        assert (x * c).data == pytest.approx(2.0 * float(c))
        assert isinstance(c * x, Value)
        assert isinstance(c + x, Value)
    assert Value(np.float64(2.5)).data == 2.5


def test_comparisons_read_data_and_identity_stays():
    a, b = Value(1.0), Value(2.0)
    assert a < b and b > 1 and a <= 1.0 and b >= a
    assert max(0, Value(-1.0)) == 0
    assert a != Value(1.0)               # == is identity, as in micrograd, so Values fit in sets
    assert len({a, b, a}) == 2


# --- gradients: accumulation, reset, backward twice ---------------------------------------------

def test_backward_twice_adds_to_leaves_like_pytorch():
    x = Value(3.0)
    u = x * x          # inner node
    y = u * 2.0
    y.backward()
    assert (x.grad, u.grad) == (12.0, 2.0)
    y.backward()
    assert x.grad == 24.0        # leaves accumulate
    assert u.grad == 2.0         # inner nodes hold the latest pass
    adlib.zero_grad(y)
    assert x.grad == u.grad == y.grad == 0.0
    y.backward()
    assert x.grad == 12.0


def test_backward_with_a_seed_gradient():
    x = Value(3.0)
    (x * x).backward(0.5)
    assert x.grad == 3.0
    with pytest.raises(TypeError, match="backward"):
        (x * x).backward("one")


def test_backward_of_a_leaf():
    x = Value(1.0)
    x.backward()
    assert x.grad == 1.0


def test_deep_chain_without_recursion():
    # micrograd's recursive walk fails near depth 1000; this must not depend on the recursion limit
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    v = x
    n = 200_000
    for _ in range(n):
        v = v + 1.0
    v.backward()
    assert x.grad == 1.0 and v.data == n + 1
    assert sys.getrecursionlimit() == limit
    w = Value(0.5)
    v = w
    for _ in range(10_000):
        v = v * 1.0001
    v.backward()
    assert w.grad == pytest.approx(1.0001 ** 10_000, rel=1e-9)
    del v   # freeing a deep chain must not overflow the C stack either


def test_zero_grad_rejects_non_values():
    with pytest.raises(TypeError, match="zero_grad"):
        adlib.zero_grad(3.0)


# --- NaN, infinity and warnings follow numpy ------------------------------------------------------

def test_division_by_zero_follows_numpy():
    x = Value(1.0)
    with pytest.warns(RuntimeWarning):
        y = x / 0.0
    assert y.data == math.inf
    with pytest.warns(RuntimeWarning):
        z = Value(0.0) / Value(0.0)
    assert math.isnan(z.data)


def test_domain_errors_give_nan_with_a_warning():
    with pytest.warns(RuntimeWarning, match="log"):
        assert math.isnan(Value(-1.0).log().data)
    with pytest.warns(RuntimeWarning):
        assert math.isnan(Value(-1.0).sqrt().data)
    with pytest.warns(RuntimeWarning):
        assert math.isnan((Value(-2.0) ** Value(0.5)).data)


def test_nan_propagates_through_backward():
    x = Value(float("nan"))
    y = x * 2.0 + 1.0
    y.backward()
    assert math.isnan(y.data) and x.grad == 2.0
    a = Value(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        b = (a - 1.0).log()      # log(0) = -inf, d/dx = inf
    b.backward()
    assert b.data == -math.inf and a.grad == math.inf


def test_overflow_follows_numpy():
    with pytest.warns(RuntimeWarning):
        y = Value(1000.0).exp()
    assert y.data == math.inf


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, words", [
    ("abc", ["Value", "str"]),
    (None, ["Value", "NoneType"]),
    (np.array([1.0, 2.0]), ["Value", "shape (2,)", "adlib.numpy"]),
    ([1.0, 2.0], ["Value", "list"]),
    (1 + 2j, ["Value", "complex"]),
    (True, ["Value", "bool"]),
])
def test_bad_data_names_the_operation_and_operand(bad, words):
    with pytest.raises(TypeError) as err:
        Value(bad)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("bad, kind", [("abc", "str"), (None, "NoneType"), (np.array([1.0, 2.0]), "shape (2,)"),
                                       ([1.0], "list"), (adlib.Dual(1.0, 1.0), "Dual"), ({}, "dict")])
@pytest.mark.parametrize("op, sym", [(lambda a, b: a + b, "+"), (lambda a, b: a - b, "-"),
                                     (lambda a, b: a * b, "*"), (lambda a, b: a / b, "/"),
                                     (lambda a, b: a ** b, "**")])
def test_bad_operand_names_the_operation_and_operand(bad, kind, op, sym):
    x = Value(2.0)
    for args in ((x, bad), (bad, x)):
        with pytest.raises(TypeError) as err:
            op(*args)
        message = str(err.value)
        assert kind in message
        if "unsupported operand" not in message:     # Python's own message names both types already
            assert sym in message and "Value" in message


def test_conversions_that_would_drop_the_gradient_are_refused():
    import math as m
    x = Value(2.0)
    with pytest.raises(TypeError, match="v.data"):
        m.exp(x)
    with pytest.raises(TypeError, match="drop the gradient"):
        float(x)
    with pytest.raises(TypeError, match="got a Value"):
        Value(x)


def test_numpy_array_times_value_is_refused_not_broadcast():
    x = Value(2.0)
    with pytest.raises(TypeError, match="adlib.numpy"):
        np.array([1.0, 2.0]) * x
    with pytest.raises(TypeError, match="shape"):
        x + np.array([[1.0]])


def test_numpy_functions_on_a_value():
    x = Value(0.5)
    for f, g in [(np.exp, adlib.exp), (np.sin, adlib.sin), (np.sqrt, adlib.sqrt), (np.tanh, adlib.tanh)]:
        y = f(x)
        assert isinstance(y, Value) and y.data == g(0.5)
    y = np.multiply(np.float64(2.0), x) + np.float64(1.0) ** x
    assert isinstance(y, Value)
    y.backward()
    assert x.grad == pytest.approx(2.0)
    with pytest.raises(TypeError, match="numpy.maximum"):
        np.maximum(x, 1.0)


# --- the fast paths keep the reference semantics -----------------------------------------------

def _shared_graph(depth, seed):
    """A graph whose nodes have several users (so the order of additions matters), depth ~ 3 depth."""
    rng = np.random.default_rng(seed)
    x, w = Value(float(rng.uniform(0.5, 1.5)), label="x"), Value(float(rng.uniform(-1, 1)), label="w")
    v = x
    for k in range(depth):
        u = v * w if k % 3 else (v * 0.7).tanh()
        v = u + v * 0.3 - w / (1.0 + v * v)
    return x, w, v


@pytest.mark.parametrize("depth", [3, 40, 2_000])   # 2000: paths of 4000+ nodes, past the recursion limit
def test_backward_adds_in_the_order_backward_steps_explains(depth):
    # backward() walks with an explicit stack at every depth; each gradient must be the
    # exact float backward_steps explains
    limit = sys.getrecursionlimit()
    x, w, v = _shared_graph(depth, seed=depth)
    v.backward()
    expected = adlib.backward_steps(v).grads
    assert sys.getrecursionlimit() == limit
    nodes = adlib.topological_order(v)
    assert len(nodes) > 3 * depth
    assert [n.grad for n in nodes] == [expected[n] for n in nodes]
    assert sum(n.grad != 0.0 for n in nodes) > len(nodes) // 2   # (deep down the gradients underflow)


def test_backward_called_near_the_recursion_limit():
    # a caller already deep in its own recursion still gets its gradients (no RecursionError)
    x, w, v = _shared_graph(30, seed=1)
    v.backward()
    expected = (x.grad, w.grad)
    x.grad = w.grad = 0.0

    def dive(k):
        if k == 0:
            v.backward()
            return
        dive(k - 1)

    limit = sys.getrecursionlimit()
    depth_here = len(inspect.stack(0))
    dive(limit - depth_here - 15)
    assert (x.grad, w.grad) == expected


def test_dropped_graphs_are_freed():
    # nothing global keeps a graph alive: Values built and dropped do not accumulate
    def live_values():
        return sum(type(o) is Value for o in gc.get_objects())

    keep = Value(2.0)
    gc.collect()
    before = live_values()
    for seed in range(30):
        x, w, v = _shared_graph(200, seed)
        (v * keep).backward()
        del x, w, v
    gc.collect()
    assert live_values() == before
    assert keep.grad != 0.0


def test_unary_methods_are_the_rules_with_their_edge_cases():
    # v.exp() and friends are built once per rule; they must agree with the generic path
    # (adlib.exp(v) -> _apply_rule) everywhere, including at numpy's inf/nan and the kinks
    points = [0.0, -0.0, 0.3, -2.0, 800.0, -800.0, math.inf, -math.inf, math.nan]
    for name in ["exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "sqrt", "relu"]:
        assert getattr(Value, name).__qualname__ == f"Value.{name}"
        for x0 in points:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                a, b = Value(x0), Value(x0)
                m, g = getattr(a, name)(), getattr(adlib, name)(b)
                m.backward()
                g.backward()
            same = lambda p, q: p == q or (math.isnan(p) and math.isnan(q))  # noqa: E731
            assert same(m.data, g.data) and same(a.grad, b.grad), (name, x0)
            assert m._op == g._op and m._prev == {a}


def _walk_shape(name):
    """A small graph showing one way backward()'s walk returns to a waiting node."""
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    u = x * y
    w = u + 1.0
    return {
        "same operand twice": lambda: w * w,
        "second operand's graph holds the first": lambda: u * (u + y).tanh(),
        "first operand's graph holds the second": lambda: (w * u + x) - u,
        "leaf first, inner second": lambda: x / (u - y),
        "inner first, leaf second": lambda: (u ** 2) * y,
        "a chain of one-operand nodes": lambda: ((u * 2.0).relu() + 3.0).exp() ** 0.5,
        "shared subgraph on both sides": lambda: (w * x + w * y) * (w - u),
    }[name]()


@pytest.mark.parametrize("shape", ["same operand twice", "second operand's graph holds the first",
                                   "first operand's graph holds the second", "leaf first, inner second",
                                   "inner first, leaf second", "a chain of one-operand nodes",
                                   "shared subgraph on both sides"])
def test_backward_visits_every_shape_in_the_order_backward_steps_explains(shape):
    from adlib.value import _walk
    v = _walk_shape(shape)
    v.backward()
    expected = adlib.backward_steps(v).grads
    nodes = adlib.topological_order(v)
    assert [n.grad for n in nodes] == [expected[n] for n in nodes]
    inner = [n for n in nodes if n._first is not None]
    assert _walk(v, object(), []) == inner        # the same order, restricted to inner nodes


def test_local_derivatives_are_the_tables_generic_partials():
    # **, / and relu read the table's Python-number fast paths; they must record exactly
    # the floats of the generic rules, with numpy's inf/nan at 0 ** -1, 1/0 and (-8) ** 0.5
    from adlib.rules import BINARY, UNARY
    d_pow, d_div = BINARY["pow"].partials, BINARY["div"].partials
    points = [0.0, -0.0, 0.7, -1.3, 2.0, 1e200, math.inf, -math.inf, math.nan]

    def same(p, q):
        return (p == q and math.copysign(1, p) == math.copysign(1, q)) or (p != p and q != q)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for a in points:
            x = Value(a)
            for n in (2, 3, -1, 0.5, -2.5, 2.0):
                p = x ** n
                assert same(p._d_first, float(d_pow[0](a, n, p.data))), (a, n)
            r = x.relu()
            assert same(r._d_first, float(UNARY["relu"].derivative(a, r.data))), a
            for b in points:
                q = x / Value(b)
                assert same(q._d_first, d_div[0](a, b, q.data)) and same(q._d_second, d_div[1](a, b, q.data)), (a, b)
                c = x / b
                assert same(c._d_first, d_div[0](a, b, c.data)), (a, b)


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_backward_on_random_graphs_matches_the_explained_steps(data):
    # Random DAGs with shared nodes, operands used twice and leaves on either side: backward()'s
    # walk (marks kept in grad, second operands finished on the spot) must visit the inner nodes in
    # topological_order's order and give bit for bit the gradients backward_steps explains.
    from adlib.value import _walk
    leaves = [Value(data.draw(st.floats(-2, 2), label=f"leaf {i}")) for i in range(3)]
    pool = list(leaves)
    for _ in range(data.draw(st.integers(1, 25), label="operations")):
        a = pool[data.draw(st.integers(0, len(pool) - 1))]
        b = pool[data.draw(st.integers(0, len(pool) - 1))]
        op = data.draw(st.sampled_from(["+", "*", "-", "tanh", "number*"]))
        pool.append({"+": lambda: a + b, "*": lambda: a * b, "-": lambda: a - b,
                     "tanh": lambda: a.tanh(), "number*": lambda: 0.5 * a}[op]())
    root = pool[-1]
    if root._first is None:
        root = root * 1.0
    root.backward()
    nodes = adlib.topological_order(root)
    expected = adlib.backward_steps(root).grads
    assert [n.grad for n in nodes] == [expected[n] for n in nodes]
    assert _walk(root, object(), []) == [n for n in nodes if n._first is not None]


@pytest.mark.parametrize("ufunc, name", [(getattr(np, n), n) for n in rules.UNARY
                                         if isinstance(getattr(np, n, None), np.ufunc)] + [(np.negative, "neg")])
def test_numpy_ufuncs_on_a_value_are_the_rules(ufunc, name):
    """np.log1p(v) is adlib.log1p(v): every rule that numpy has as a ufunc, not a hand-kept list."""
    via_numpy, via_rule = Value(0.4), Value(0.4)
    y, z = ufunc(via_numpy), getattr(rules, name)(via_rule)
    assert isinstance(y, Value) and y.data == z.data
    y.backward()
    z.backward()
    assert via_numpy.grad == via_rule.grad != 0.0


@pytest.mark.parametrize("name", list(rules.BINARY))
def test_numpy_binary_ufuncs_on_values_are_the_operators(name):
    ufunc, rule = getattr(np, rules.NUMPY_NAME[name]), rules.BINARY[name]
    a, b = Value(1.5), Value(2.0)
    y = ufunc(a, b)
    y.backward()
    assert y._op == rule.symbol and y.data == rule.apply(1.5, 2.0)
    assert (a.grad, b.grad) == (rule.partials[0](1.5, 2.0, y.data), rule.partials[1](1.5, 2.0, y.data))
    assert ufunc(np.float64(3.0), a).data == rule.apply(3.0, 1.5)
