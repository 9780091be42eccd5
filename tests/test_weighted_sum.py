"""value.weighted_sum (a neuron's sum, generated from the table) builds exactly what the operators build."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import adlib
from adlib import Value
from adlib.value import weighted_sum

numbers = st.floats(-3.0, 3.0)
terms = st.lists(st.tuples(numbers, numbers, st.booleans(), st.booleans()), min_size=0, max_size=6)


def _graph(root):
    """(data, op, label, d_first, d_second, grad) of every node, in topological order."""
    return [(v.data, v._op, v.label, getattr(v, "_d_first", None), getattr(v, "_d_second", None), v.grad)
            for v in adlib.topological_order(root)]


@given(bias=numbers, terms=terms)
def test_the_same_nodes_in_the_same_order_as_the_operators(bias, terms):
    def build(fused):
        b = Value(bias, label="b")
        ws = [Value(w) if w_is_value else w for w, _, w_is_value, _ in terms]
        xs = [Value(x) if x_is_value else x for _, x, _, x_is_value in terms]
        out = weighted_sum(b, ws, xs) if fused else sum((w * x for w, x in zip(ws, xs)), b)
        out.backward()
        return out, [v.grad for v in [b] + [v for v in ws + xs if isinstance(v, Value)]]
    (fused, fused_grads), (plain, plain_grads) = build(True), build(False)
    assert _graph(fused) == _graph(plain)
    assert fused_grads == plain_grads


def test_one_weight_per_input():
    with pytest.raises(ValueError, match="1 weights for 2 inputs"):
        weighted_sum(Value(0.0), [Value(1.0)], [Value(1.0), Value(2.0)])


def test_a_neuron_uses_it_and_labels_survive_the_shared_slot():
    n = adlib.nn.Neuron(2, nonlin=False, name="n")
    out = n([Value(1.0, label="x0"), 2.0])
    assert out._op == "+" and out._first._op == "+" and out._second._op == "*"
    assert n.w[0].label == "n.w0" and n.w[0]._op == ""
    out.label = "y"
    out._op = "sum"
    assert (out.label, out._op) == ("y", "sum")
    out.label = ""
    assert (out.label, out._op) == ("", "sum")
