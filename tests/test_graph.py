"""Walking, explaining and drawing graphs of Values."""
import math
import xml.dom.minidom

import pytest

import adlib
from adlib import Value, backward_steps, draw_dot, draw_graph, topological_order
from adlib.graph import BackwardSteps, GraphDrawing, Step


def relu_exercise():
    W, x, b = Value(2.0, label="W"), Value(3.0, label="x"), Value(1.0, label="b")
    U1 = W * x
    U1.label = "U1"
    U2 = U1 + b
    U2.label = "U2"
    H = U2.relu()
    H.label = "H"
    return H, W, x, b


def dag_exercise():
    x = Value(17.0, label="x")
    u = x + 1
    u.label = "u"
    y = x * u
    y.label = "y"
    return y, x, u


# --- topological order -----------------------------------------------------------------------------

def test_topological_order_puts_parents_first():
    H, W, x, b = relu_exercise()
    order = topological_order(H)
    assert len(order) == len(set(order)) == 6
    position = {v: i for i, v in enumerate(order)}
    for v in order:
        for p in v._prev:
            assert position[p] < position[v]
    assert [v.label for v in reversed(order)] == ["H", "U2", "U1", "W", "x", "b"]


def test_topological_order_of_a_deep_chain_and_shared_nodes():
    x = Value(1.0)
    v = x
    for _ in range(50_000):
        v = v * 1.0 + x          # x is used by every step
    order = topological_order(v)
    assert order[0] is x and order[-1] is v
    assert len(order) == 100_001


def test_topological_order_rejects_non_values():
    with pytest.raises(TypeError, match="topological_order"):
        topological_order(1.0)


# --- backward_steps ---------------------------------------------------------------------------------

def test_relu_exercise_steps_in_the_lectures_order():
    H, W, x, b = relu_exercise()
    steps = backward_steps(H)
    assert isinstance(steps, BackwardSteps) and all(isinstance(s, Step) for s in steps)
    assert [s.name for s in steps] == ["H", "U2", "U1", "W", "x", "b"]
    leaf_steps = [(s.name, s.grad) for s in steps if not s.node._prev]
    assert leaf_steps == [("W", 3.0), ("x", 2.0), ("b", 1.0)]
    w_step = steps[3]
    assert (w_step.consumer_name, w_step.local, w_step.upstream, w_step.contribution) == ("U1", 3.0, 1.0, 3.0)
    assert steps.grad_of("W") == 3.0 and steps.grad_of(x) == 2.0 and steps.grad_of("b") == 1.0


def test_non_tree_dag_shows_both_contributions():
    y, x, u = dag_exercise()
    steps = backward_steps(y)
    x_steps = [s for s in steps if s.node is x]
    assert [s.contribution for s in x_steps] == [18.0, 17.0]
    assert [s.grad for s in x_steps] == [18.0, 35.0]
    assert [s.consumer_name for s in x_steps] == ["y", "u"]
    text = steps.text()
    assert "dy/dx = 18" in text and "dy/dx = 35" in text and "u = x + c" in text


def test_steps_do_not_touch_the_users_grads():
    H, W, x, b = relu_exercise()
    W.grad = 123.0
    backward_steps(H)
    assert W.grad == 123.0 and H.grad == 0.0


def test_grads_after_k_steps_replays_the_pass():
    y, x, u = dag_exercise()
    steps = backward_steps(y)
    assert steps.grads_after(0) == {v: 0.0 for v in steps.nodes}
    assert steps.grads_after(1)[y] == 1.0
    assert steps.grads_after(3)[x] == 18.0
    assert steps.grads_after(len(steps))[x] == 35.0
    assert steps.grads == steps.grads_after(len(steps))
    with pytest.raises(ValueError, match="grads_after"):
        steps.grads_after(len(steps) + 1)
    y.backward()
    assert {v: v.grad for v in steps.nodes} == steps.grads


def test_steps_text_and_str():
    H, *_ = relu_exercise()
    steps = backward_steps(H)
    text = str(steps)
    assert text == steps.text()
    lines = text.splitlines()
    assert len(lines) == len(steps)
    assert "dH/dH = 1" in lines[0]
    assert "dH/dW" in lines[3] and "= 3" in lines[3] and "U1 = W * x" in lines[3]
    assert "H = ReLU(U2)" in lines[1]
    assert str(steps[3]).startswith("  4.")   # numbered from 1 for people; steps[3] is the fourth
    with pytest.raises(KeyError, match="no node named"):
        steps.grad_of("nope")


def test_hand_wired_nodes_cannot_be_explained():
    a = Value(1.0, label="a")
    n = Value(2.0, (a,), "mystery")
    with pytest.raises(ValueError, match="by hand"):
        backward_steps(n)
    assert "mystery" in draw_graph(n, renderer="plain").svg     # but they can be drawn


def test_unlabelled_nodes_get_stable_names():
    a = Value(1.0)
    out = (a * 2.0).tanh()
    names = [s.name for s in backward_steps(out)]
    assert names == [s.name for s in backward_steps(out)]
    assert len(set(names)) == len(names)


# --- drawing ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("renderer", ["auto", "plain"])
def test_drawing_shows_label_op_data_and_grad(renderer):
    H, W, x, b = relu_exercise()
    H.backward()
    d = draw_graph(H, renderer=renderer)
    assert isinstance(d, GraphDrawing)
    svg = d._repr_svg_()
    xml.dom.minidom.parseString(svg.encode())      # well-formed SVG
    for text in ["W", "U1", "ReLU", "data 2.0000", "grad 3.0000", "grad 2.0000", "data 7.0000"]:
        assert text in svg, text
    assert d.source.count("->") == 5 + 3            # 5 operand edges + 3 op-to-result edges
    assert draw_graph(H, renderer=renderer).svg == svg   # deterministic


def test_drawing_with_explicit_grads_and_highlight():
    y, x, u = dag_exercise()
    steps = backward_steps(y)
    d = draw_graph(y, grads=steps.grads_after(3), highlight=[x], renderer="plain")
    assert "grad 18.0000" in d.svg and "grad 35.0000" not in d.svg
    assert "#ffe9a8" in d.svg
    assert x.grad == 0.0


def test_plain_fallback_when_no_dot_program(monkeypatch):
    monkeypatch.setenv("ADLIB_DOT", "")
    y, *_ = dag_exercise()
    assert draw_graph(y).renderer == "plain"
    with pytest.raises(RuntimeError, match="graphviz-pure"):
        draw_graph(y, renderer="graphviz")


def test_broken_dot_program_falls_back_with_a_warning(monkeypatch, tmp_path):
    monkeypatch.setenv("ADLIB_DOT", str(tmp_path / "no-such-dot"))
    y, *_ = dag_exercise()
    with pytest.warns(RuntimeWarning, match="plain"):
        d = draw_graph(y)
    assert d.renderer == "plain"


def test_graphviz_rendering_when_available(tmp_path):
    from adlib.graph import _find_dot
    if _find_dot() is None:
        pytest.skip("no dot program (pip install graphviz-pure)")
    y, *_ = dag_exercise()
    d = draw_graph(y, renderer="graphviz")
    assert d.renderer != "plain" and "<svg" in d.svg
    path = d.save(tmp_path / "g.svg")
    assert (tmp_path / "g.svg").read_text() == d.svg and path == tmp_path / "g.svg"


def test_labels_with_record_characters_are_escaped():
    a = Value(1.0, label="{a|b}<c>")
    d = draw_graph(a * 2.0)
    assert "<svg" in d.svg
    assert "{a|b}&lt;c&gt;" in d.svg or "{a|b}&#60;c&#62;" in d.svg or "a|b" in d.svg


def test_draw_dot_is_the_lecture_alias_and_bad_arguments():
    y, *_ = dag_exercise()
    assert draw_dot is draw_graph
    assert draw_dot(y, format="svg", rankdir="TB").svg
    with pytest.raises(ValueError, match="format"):
        draw_graph(y, format="png")
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(y, rankdir="diagonal")
    with pytest.raises(ValueError, match="renderer"):
        draw_graph(y, renderer="magic")
    with pytest.raises(TypeError, match="draw_graph"):
        draw_graph(3.0)
    big = Value(1.0)
    for _ in range(30):
        big = big * 1.5
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(big, max_nodes=10)


def test_nan_and_inf_are_drawn():
    a = Value(math.inf)
    d = draw_graph(a * 0.0 + 1.0, renderer="plain")
    assert "nan" in d.svg and "inf" in d.svg


def test_a_step_states_the_whole_local_derivative_never_a_slot_partial():
    """y * y uses y twice: two messages of y each, and the printout says that the local
    derivative ∂u2/∂y is their sum 2y (never that it is 0.5), and that every message y
    receives, from all its consumers, adds up (issue 13)."""
    y = Value(0.5, label="y")
    u1 = adlib.sin(y)
    u1.label = "u1"
    u2 = y * y
    u2.label = "u2"
    loss = u1 + u2
    loss.label = "loss"
    steps = backward_steps(loss)
    y_steps = [s for s in steps if s.node is y]
    assert [s.consumer_name for s in y_steps] == ["u1", "u2", "u2"]
    assert [(s.part, s.parts, s.local, s.whole_local) for s in y_steps[1:]] == [(1, 2, 0.5, 1.0), (2, 2, 0.5, 1.0)]
    assert y_steps[1].local_formula == "2\u00b7y"
    assert [(s.use, s.uses, s.consumers) for s in y_steps] == [(1, 3, 2), (2, 3, 2), (3, 3, 2)]
    text = steps.text().splitlines()
    assert [line.split(".")[0].strip() for line in text] == [str(k) for k in range(1, len(steps) + 1)]
    for line in text[4:6]:
        assert "\u2202u2/\u2202y = 2\u00b7y = 1 arrives in 2 parts" in line
        assert "\u2202u2/\u2202y * " not in line and "\u2202u2/\u2202y = 0.5" not in line
    assert "(part 1 of \u2202u2/\u2202y) * dloss/du2 = 0.5 * 1 = 0.5" in text[4]
    assert "y receives 3 contributions, from 2 consumers: they add up (3 of 3)" in text[5]
    assert "\u2202u1/\u2202y = cos(y) = 0.877583" in text[3]
    loss.backward()
    assert steps.grad_of("y") == y.grad == math.cos(0.5) + 1.0   # the same float as backward()


def test_local_formulas_read_the_rule_table():
    a, c = Value(2.0, label="a"), Value(3.0, label="c")
    q = a / c
    q.label = "q"
    p = a ** 3
    p.label = "p"
    out = q * p
    out.label = "out"
    formulas = {(s.consumer_name, s.name): s.local_formula for s in backward_steps(out)[1:]}
    assert formulas[("q", "a")] == "1 / c" and formulas[("q", "c")] == "-q / c"
    assert formulas[("p", "a")] == "3\u00b7a ** 2"
    assert formulas[("out", "q")] == "p" and formulas[("out", "p")] == "q"
