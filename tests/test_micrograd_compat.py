"""Code written for micrograd runs with adlib's Value and nn, and gives micrograd's numbers."""
import pytest
from hypothesis import given, strategies as st

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")

import adlib  # noqa: E402
from adlib import Value  # noqa: E402
from adlib import nn  # noqa: E402
from adlib.datasets import make_moons  # noqa: E402

MValue = micrograd_engine.Value


def micrograd_sanity(V):
    """micrograd's test_sanity_check expression, for either library's Value."""
    x = V(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return x, y


def micrograd_more_ops(V):
    """micrograd's test_more_ops expression."""
    a = V(-4.0)
    b = V(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return a, b, g


def test_micrograds_own_tests_give_the_same_numbers():
    (x1, y1), (x2, y2) = micrograd_sanity(Value), micrograd_sanity(MValue)
    assert (y1.data, x1.grad) == pytest.approx((y2.data, x2.grad), rel=1e-12)
    (a1, b1, g1), (a2, b2, g2) = micrograd_more_ops(Value), micrograd_more_ops(MValue)
    assert (g1.data, a1.grad, b1.grad) == pytest.approx((g2.data, a2.grad, b2.grad), rel=1e-12)
    # the values micrograd's test checks against PyTorch
    assert g1.data == pytest.approx(24.70408163265306, abs=1e-6)
    assert a1.grad == pytest.approx(138.83381924198252, abs=1e-6)
    assert b1.grad == pytest.approx(645.5772594752186, abs=1e-6)


OPS = ["+", "-", "*", "/", "**2", "**3", "relu", "neg", "radd", "rmul", "rsub", "rdiv"]


def run(program, V, inputs):
    vals = [V(x) for x in inputs]
    for op, i, j, c in program:
        a, b = vals[i], vals[j]
        if op == "+":
            r = a + b
        elif op == "-":
            r = a - b
        elif op == "*":
            r = a * b
        elif op == "/":
            r = a / (b * b + 1.0)          # a denominator that stays away from zero
        elif op == "**2":
            r = a ** 2
        elif op == "**3":
            r = (a * 0.5) ** 3
        elif op == "relu":
            r = a.relu()
        elif op == "neg":
            r = -a
        elif op == "radd":
            r = c + a
        elif op == "rmul":
            r = c * a
        elif op == "rsub":
            r = c - a
        else:
            r = c / (a * a + 1.0)
        vals.append(r)
    out = vals[-1]
    out.backward()
    return out.data, [v.grad for v in vals[:len(inputs)]]


@st.composite
def programs(draw):
    n = draw(st.integers(1, 3))
    inputs = [draw(st.floats(-1.5, 1.5)) for _ in range(n)]
    program = []
    for k in range(draw(st.integers(1, 10))):
        size = n + k
        program.append((draw(st.sampled_from(OPS)), draw(st.integers(0, size - 1)),
                        draw(st.integers(0, size - 1)), draw(st.floats(-2.0, 2.0))))
    return inputs, program


@given(programs())
def test_random_expressions_match_micrograd(case):
    inputs, program = case
    value, grads = run(program, Value, inputs)
    m_value, m_grads = run(program, MValue, inputs)
    if abs(m_value) > 1e12:
        return
    assert value == pytest.approx(m_value, rel=1e-9, abs=1e-12)
    # micrograd's relu'(0) is 0 too, so even kinks agree
    assert grads == pytest.approx(m_grads, rel=1e-9, abs=1e-9)


def lecture_trace(root):
    """The micrograd lecture's draw_dot helper walks _prev and reads _op, data and grad."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)
    build(root)
    labels = {f"{n._op} | data {n.data:.4f} | grad {n.grad:.4f}" for n in nodes}
    return nodes, edges, labels


def test_lecture_graph_helper_runs_on_adlib_values():
    a, b = Value(2.0), Value(-3.0)
    c = Value(10.0)
    e = a * b
    d = e + c
    f = Value(-2.0)
    L = d * f
    L.backward()
    nodes, edges, labels = lecture_trace(L)
    assert len(nodes) == 7 and len(edges) == 6
    assert "* | data -8.0000 | grad 1.0000" in labels
    ma, mb, mc, mf = MValue(2.0), MValue(-3.0), MValue(10.0), MValue(-2.0)
    mL = (ma * mb + mc) * mf
    mL.backward()
    assert (a.grad, b.grad, c.grad, f.grad) == (ma.grad, mb.grad, mc.grad, mf.grad)


def copy_weights(src, dst):
    for p, q in zip(src.parameters(), dst.parameters()):
        q.data = p.data


def micrograd_demo_step(Value_, model, X, y):
    """micrograd's demo.ipynb loss and update, written against micrograd's API only."""
    inputs = [list(map(Value_, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    model.zero_grad()
    total_loss.backward()
    for p in model.parameters():
        p.data -= 0.9 * p.grad
    return total_loss.data, sum(accuracy) / len(accuracy)


def test_micrograd_demo_code_runs_unchanged_with_adlib():
    X, y = make_moons(30, noise=0.1, seed=2)
    X, y = X.tolist(), [float(t) for t in y]
    ours = nn.MLP(2, [8, 8, 1], seed=0)
    theirs = micrograd_nn.MLP(2, [8, 8, 1])
    copy_weights(ours, theirs)
    for _ in range(3):
        a = micrograd_demo_step(Value, ours, X, y)
        b = micrograd_demo_step(MValue, theirs, X, y)
        assert a == pytest.approx(b, rel=1e-9)
    assert [p.data for p in ours.parameters()] == pytest.approx([p.data for p in theirs.parameters()], rel=1e-9)
    assert repr(ours) == repr(theirs)


def test_module_api_names_match_micrograd():
    for name in ("Module", "Neuron", "Layer", "MLP"):
        assert hasattr(nn, name)
    for name in ("zero_grad", "parameters"):
        assert callable(getattr(nn.MLP(2, [1]), name))
    n = nn.Neuron(3, nonlin=False)
    m = micrograd_nn.Neuron(3, nonlin=False)
    assert repr(n) == repr(m) and len(n.parameters()) == len(m.parameters())
    assert adlib.Value is Value
