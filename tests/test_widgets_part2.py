"""The plain functions behind part 2 of the course (notebooks 05-09) and its widgets.

Widgets are driven from Python (no browser): the browser tests in tests/browser
drive the same widgets through Voila by their CSS classes.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp
from adlib import Value
from adlib.graph import backward_steps
from adlib.nn import MLP
from adlib.widgets import backprop_stepper as bs
from adlib.widgets import costs
from adlib.widgets import learning_rate as lrw
from adlib.widgets import training
from widget_lookup import by_class as _by_class

finite = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)


# --------------------------------------------------------------------------- backprop stepper

def test_sigmoid_chain_matches_the_lecture_and_the_other_modes():
    t8, nodes = bs.sigmoid_chain()
    t8.backward()
    assert nodes["w"].grad == pytest.approx(-1.9149156216104704, rel=1e-14)
    loss = lambda w: (adlib.sigmoid(w * 1.0 + 0.0) - 10.0) ** 2  # noqa: E731
    assert nodes["w"].grad == pytest.approx(adlib.derivative(loss, 2.0), rel=1e-12)
    assert nodes["w"].grad == pytest.approx(adlib.central_difference(loss, 2.0), rel=1e-7)
    assert [nodes[f"t{k}"].label for k in range(1, 9)] == [f"t{k}" for k in range(1, 9)]


@given(w=finite, b=finite, x=finite)
@settings(max_examples=25)
def test_sigmoid_chain_gradients_agree_with_central_differences(w, b, x):
    t8, nodes = bs.sigmoid_chain(w, b, x, 10.0)
    t8.backward()
    loss = lambda w_: (adlib.sigmoid(w_ * x + b) - 10.0) ** 2  # noqa: E731
    assert nodes["w"].grad == pytest.approx(adlib.central_difference(loss, w), rel=1e-5, abs=1e-7)


def _x17():
    x = Value(17.0, label="x")
    u = x + 1
    u.label = "u"
    y = x * u
    y.label = "y"
    return x, u, y


def test_overwrite_bug_loses_a_message():
    x, u, y = _x17()
    steps = backward_steps(y)
    assert steps.grad_of("x") == 35.0
    buggy = bs.overwrite_grads(steps)
    assert buggy[x] == 17.0                     # only the last message (through u) survives
    assert buggy[u] == 17.0 and buggy[y] == 1.0

    x = Value(3.0, label="x")
    F = x * x
    assert bs.overwrite_grads(backward_steps(F))[x] == 3.0   # x instead of 2x


def test_overwrite_bug_is_harmless_on_a_chain():
    t8, _ = bs.sigmoid_chain()
    steps = backward_steps(t8)
    buggy = bs.overwrite_grads(steps)
    assert all(buggy[v] == g for v, g in steps.grads.items())


@given(x0=finite)
@settings(max_examples=25)
def test_overwrite_replay_differs_exactly_when_a_value_is_reused(x0):
    x = Value(x0, label="x")
    y = x * x * x
    steps = backward_steps(y)
    assert steps.grad_of("x") == pytest.approx(3 * x0 * x0, rel=1e-12, abs=1e-12)
    # with "=" x keeps only its last message, x * dy/dv1, where v1 = x * x holds the buggy x
    assert bs.overwrite_grads(steps)[x] == pytest.approx(x0 * x0, rel=1e-12, abs=1e-12)


def test_state_html_and_text_follow_the_steps():
    t8, nodes = bs.sigmoid_chain()
    steps = backward_steps(t8)
    assert "No gradients yet" in bs.state_html(steps, 0)
    assert bs.reached_nodes(steps, 0) == []
    seen = []
    for k in range(1, len(steps) + 1):
        html = bs.state_html(steps, k)
        node = steps[k - 1].node
        name = steps.names[node]
        assert f"<b>grad {name} = {steps.grads_after(k)[node]:.6g}" in html
        assert html.count("<li>") == len(bs.reached_nodes(steps, k))
        assert name in bs.step_text(steps, k)
        seen.append(html)
    assert len(set(seen)) == len(seen)          # every step changes the readout
    with pytest.raises(ValueError, match="reached_nodes"):
        bs.reached_nodes(steps, len(steps) + 1)


def test_partial_gradients_are_marked():
    x, u, y = _x17()
    steps = backward_steps(y)
    k_first = next(s.index for s in steps if s.node is x) + 1
    assert "(partial)" in bs.state_html(steps, k_first)      # x still waits for the message via u
    assert "(partial)" not in bs.state_html(steps, len(steps))


def test_graph_svg_highlights_and_shows_gradients():
    x, u, y = _x17()
    steps = backward_steps(y)
    svg0 = bs.graph_svg(steps, 0)
    svg_end = bs.graph_svg(steps, len(steps))
    assert "<svg" in svg0 and "<svg" in svg_end
    assert "35.0000" in svg_end and "35.0000" not in svg0


def test_stepper_state_machine():
    t8, _ = bs.sigmoid_chain()
    stepper = bs.BackpropStepper(t8)
    assert stepper.k == 0 and not stepper.done
    for _ in range(len(stepper.steps) + 3):
        stepper.next()
    assert stepper.done and stepper.k == len(stepper.steps)
    assert stepper.reset() == 0


def test_stepper_widget_driven_from_python():
    t8, nodes = bs.sigmoid_chain()
    box = bs.make_backprop_stepper_widget(t8)
    (next_button,) = _by_class(box, "adlib-step-next")
    (reset_button,) = _by_class(box, "adlib-step-reset")
    (state,) = _by_class(box, "adlib-step-state")
    (graph,) = _by_class(box, "adlib-step-graph")
    (text,) = _by_class(box, "adlib-step-text")
    assert "<svg" in graph.value
    before = state.value
    next_button.click()
    assert state.value != before and "grad t8 = 1" in state.value
    for _ in range(8):
        next_button.click()
    assert "grad w = -1.91492" in state.value          # t1 has sent its message to w
    assert "dt8/dw" in text.value
    while not next_button.disabled:
        next_button.click()
    assert box.stepper.done
    reset_button.click()
    assert box.stepper.k == 0 and not next_button.disabled
    assert nodes["w"].grad == 0.0                     # stepping never touches the Values' own .grad



def test_compact_drawing_has_one_box_per_value_and_one_arrow_per_message():
    import re
    t8, nodes = bs.sigmoid_chain()
    steps = backward_steps(t8)
    for k in (0, 5, len(steps)):
        dot = bs.compact_dot(steps, k)
        assert dot.count("[label=") == len(steps.nodes) == 12
        assert dot.count(" -> ") == len(steps) - 1                 # every step but the seed is a message
        assert "rankdir=BT" in dot                                 # output at the top
        assert dot.count("fillcolor") == (1 if k else 0)
        grads = steps.grads_after(k)
        assert f"grad {grads[nodes['w']]:.4f}" in dot and "op" not in re.findall(r"label=\"w \| (\w+)", dot)
    x = Value(3.0, label="x")
    dot = bs.compact_dot(backward_steps(x * x), 0)
    assert dot.count(" -> ") == len(backward_steps(x * x)) - 1      # x * x: one arrow per message
    with pytest.raises(ValueError, match="rankdir"):
        bs.compact_dot(steps, 0, rankdir="diagonal")
    with pytest.raises(ValueError, match="BackpropStepper: rankdir"):
        bs.make_backprop_stepper_widget(t8, rankdir="diagonal")


def test_compact_drawing_of_the_chain_fits_a_page_at_full_size():
    import re
    t8, _ = bs.sigmoid_chain()
    steps = backward_steps(t8)
    svg = bs.compact_svg(steps, 3)
    if bs._dot_program() is None:
        pytest.skip("no Graphviz program: the stepper falls back to draw_graph's plain drawing")
    width, height = (float(v) for v in re.search(r'<svg\b[^>]*?\swidth="([0-9.]+)pt" height="([0-9.]+)pt"', svg).groups())
    assert width <= 700 and height <= 500, (width, height)    # full-size text beside the 260 px readout
    assert "18.2384" in svg                 # t7's gradient after three steps (Graphviz writes "-" as &#45;)


def test_compact_svg_falls_back_to_the_plain_drawing(monkeypatch):
    t8, _ = bs.sigmoid_chain()
    steps = backward_steps(t8)
    monkeypatch.setattr(bs, "_dot_program", lambda: None)
    svg = bs.compact_svg(steps, len(steps))
    assert "<svg" in svg and "1.9149" in svg
    monkeypatch.setattr(bs, "_dot_program", lambda: "/nonexistent/dot-program")
    assert "<svg" in bs.compact_svg(steps, 0)


def test_full_drawing_is_still_available():
    x, u, y = _x17()
    steps = backward_steps(y)
    svg = bs.graph_svg(steps, len(steps), rankdir="TB", compact=False)
    assert "<svg" in svg and "35.0000" in svg


@pytest.mark.parametrize("renderer", ["auto", "plain"])
def test_sized_svg_scrolls_at_natural_size_or_fits_the_pane(renderer):
    import re
    t8, _ = bs.sigmoid_chain()
    svg = adlib.graph.draw_graph(t8, renderer=renderer).svg
    natural = bs.sized_svg(svg)
    fitted = bs.sized_svg(svg, fit=True)
    for out in (natural, fitted):
        assert out.startswith("<svg") and out.rstrip().endswith("</svg>")
        assert "<?xml" not in out and "DOCTYPE" not in out
        assert len(re.findall(r'\sviewBox="', out[:out.index(">")])) == 1      # exactly one, on the <svg>
        head = out[:out.index(">")]
        assert len(re.findall(r'\swidth="', head)) == 1 and len(re.findall(r'\sheight="', head)) <= 1
    # natural size: as many CSS pixels as the drawing has units, never squeezed by the page
    (w_units,) = re.findall(r'viewBox="[-0-9. ]*?\s([0-9.]+)\s[0-9.]+"', natural[:natural.index(">")])
    assert f'width="{float(w_units):g}px"' in natural and "max-width:none" in natural
    # fitted: as wide as the pane, height from the viewBox
    assert 'width="100%"' in fitted and "height:auto" in fitted
    # only the <svg> tag changes: every node, edge and number of the drawing is kept
    body = svg[svg.index(">", svg.index("<svg")):]
    assert natural.endswith(body) and fitted.endswith(body)


def test_sized_svg_refuses_what_is_not_a_sized_svg():
    with pytest.raises(ValueError, match="sized_svg"):
        bs.sized_svg("<div>no drawing</div>")


def test_stepper_graph_pane_scrolls_and_fit_toggle_redraws():
    t8, _ = bs.sigmoid_chain()
    box = bs.make_backprop_stepper_widget(t8)
    (graph,) = _by_class(box, "adlib-step-graph")
    (fit,) = _by_class(box, "adlib-step-fit")
    (state,) = _by_class(box, "adlib-step-state")
    # a flex item is never narrower than its content unless min-width is 0: without it the
    # wide drawing pushes past the page's edge instead of scrolling inside its pane
    assert graph.layout.min_width == "0" and graph.layout.overflow.startswith("auto")
    assert graph.layout.max_width == "100%"
    assert 'px"' in graph.value and 'width="100%"' not in graph.value
    (next_button,) = _by_class(box, "adlib-step-next")
    next_button.click()
    before_state = state.value
    fit.value = True
    assert 'width="100%"' in graph.value and state.value == before_state   # same step, smaller drawing
    assert box.stepper.k == 1
    fit.value = False
    assert 'width="100%"' not in graph.value

# --------------------------------------------------------------------------- learning rate

@given(lr=st.floats(min_value=0.0, max_value=0.25), w1=finite, w2=finite)
@settings(max_examples=30)
def test_descend_on_the_bowl_matches_the_closed_form(lr, w1, w2):
    path, losses = lrw.descend(lrw.bowl_loss, np.array([w1, w2]), lr, steps=10)
    a = np.array(lrw.BOWL_CURVATURES)
    k = np.arange(11)[:, None]
    expected = (1 - lr * a) ** k * np.array([w1, w2])
    np.testing.assert_allclose(path, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses, 0.5 * np.sum(a * expected ** 2, axis=1), rtol=1e-9, atol=1e-12)


@given(a1=st.floats(0.5, 2.0), a2=st.floats(5.0, 40.0), frac=st.floats(0.05, 0.9))
@settings(max_examples=30)
def test_regime_names_the_three_behaviours(a1, a2, frac):
    curv = (a1, a2)
    slow, fast = lrw.regime_thresholds(curv)
    assert (slow, fast) == pytest.approx((1 / a2, 2 / a2))
    w0 = np.array([1.5, 1.0])
    loss = lambda w: lrw.bowl_loss(w, curv)  # noqa: E731
    path, losses = lrw.descend(loss, w0, frac * slow, 40)
    assert lrw.regime(losses, path) == "converges"
    path, losses = lrw.descend(loss, w0, slow + frac * (fast - slow) * 0.95 + 0.02 * (fast - slow), 40)
    assert lrw.regime(losses, path) == "oscillates"
    path, losses = lrw.descend(loss, w0, fast * (1.05 + frac), 40)
    assert lrw.regime(losses, path) == "diverges"


def test_descend_stops_cleanly_when_it_overflows():
    path, losses = lrw.descend(lrw.bowl_loss, np.array([1.0, 1.0]), 50.0, steps=400)
    assert lrw.regime(losses, path) == "diverges"
    assert np.isinf(losses[-1]) and np.isfinite(losses[0])


def test_bad_learning_rates_are_refused():
    for bad in (-0.1, float("nan"), float("inf"), "0.1"):
        with pytest.raises(ValueError, match="descend: the learning rate"):
            lrw.descend(lrw.bowl_loss, np.zeros(2), bad, 5)
    with pytest.raises(ValueError, match="descend: steps"):
        lrw.descend(lrw.bowl_loss, np.zeros(2), 0.1, -1)
    with pytest.raises(ValueError, match="regime"):
        lrw.regime([1.0])


def test_learning_rate_widget_driven_from_python():
    box = lrw.make_learning_rate_widget()
    (slider,) = _by_class(box, "adlib-slider-lr")
    (label,) = _by_class(box, "adlib-lr-regime")
    (plot,) = _by_class(box, "adlib-lr-plot")
    assert "converges" in label.value
    assert plot.outputs and "image/png" in plot.outputs[0]["data"]
    slider.value = 0.15
    assert "oscillates" in label.value
    slider.value = 0.3
    assert "diverges" in label.value


# --------------------------------------------------------------------------- costs

def test_best_time_and_peak_memory_measure_something():
    assert 0 < costs.best_time(lambda: sum(range(1000)), repeat=2) < 10
    with pytest.raises(ValueError):
        costs.best_time(lambda: None, repeat=0)
    assert costs.peak_memory(lambda: np.ones(250_000)) >= 2_000_000        # 2 MB of float64
    assert costs.peak_memory(lambda: None) < 100_000


@given(st.integers(1, 40), st.integers(0, 1000))
@settings(max_examples=20)
def test_forward_and_reverse_gradients_agree(n, seed):
    x = np.random.default_rng(seed).normal(size=n)
    gf = costs.gradient_forward(costs.test_function, x)
    gr = costs.gradient_reverse(costs.test_function, x)
    np.testing.assert_allclose(gf, gr, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gr, np.tanh(x) + x * (1 - np.tanh(x) ** 2), rtol=1e-12, atol=1e-14)


@given(st.integers(1, 40), st.floats(-2, 2))
@settings(max_examples=20)
def test_forward_and_reverse_jacobians_agree(m, t):
    curve = costs._curve(m)
    a = np.arange(1, m + 1) / m
    np.testing.assert_allclose(costs.jacobian_forward(curve, t), a * np.cos(a * t), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(costs.jacobian_reverse(curve, t), a * np.cos(a * t), rtol=1e-12, atol=1e-14)


def test_cost_tables_have_one_row_per_size():
    g = costs.gradient_costs([3, 5], repeat=1)
    j = costs.jacobian_costs([2, 4], repeat=1)
    assert list(g["n"]) == [3, 5] and list(j["m"]) == [2, 4]
    assert np.all(g["max_difference"] < 1e-12) and np.all(j["max_difference"] < 1e-12)
    assert np.all(g["forward"] > 0) and np.all(j["reverse"] > 0)


@given(st.floats(-1.0, 3.0), st.floats(1e-3, 1e3))
@settings(max_examples=30)
def test_fitted_slope_recovers_a_power_law(p, c):
    sizes = np.array([10.0, 30.0, 100.0, 300.0])
    assert costs.fitted_slope(sizes, c * sizes ** p) == pytest.approx(p, abs=1e-9)


def test_fitted_slope_refuses_what_has_no_slope():
    for sizes, values in (([1.0], [1.0]), ([1.0, 2.0], [1.0]), ([0.0, 2.0], [1.0, 2.0]), ([1.0, 2.0], [-1.0, 2.0]),
                          ([1.0, 2.0], [np.nan, 2.0]), ([1.0, np.inf], [1.0, 2.0])):
        with pytest.raises(ValueError, match="fitted_slope"):
            costs.fitted_slope(sizes, values)


def test_counted_and_best_times():
    f = costs.counted(lambda a, b=1: a + b)
    assert f(1) == 2 and f(1, b=3) == 4 and f.calls == 2
    calls = []
    times = costs.best_times([lambda: calls.append("a"), lambda: calls.append("b")], repeat=3)
    assert len(times) == 2 and all(t >= 0 for t in times)
    assert calls == ["a", "b"] * 3                   # interleaved, round after round
    with pytest.raises(ValueError, match="best_times"):
        costs.best_times([lambda: None], repeat=0)


def test_cost_tables_count_evaluations_of_f():
    g = costs.gradient_costs([3, 7], repeat=1)
    assert list(g["forward_evaluations"]) == [3, 7] and list(g["reverse_evaluations"]) == [1, 1]


@given(st.integers(1, 6), st.integers(0, 100))
@settings(max_examples=15)
def test_long_function_gradients_agree(steps, seed):
    x = np.random.default_rng(seed).normal(size=5) * 0.5
    f = lambda x: costs.long_function(x, steps)  # noqa: E731
    gr = costs.gradient_reverse(f, x)
    np.testing.assert_allclose(costs.gradient_forward(f, x), gr, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(adlib.numerical_grad(f, x), gr, rtol=1e-5, atol=1e-7)


def test_depth_width_costs_count_multiply_adds():
    by_depth, by_width = costs.depth_width_costs([1, 2], [4, 8], base_width=4, base_depth=1, batch=3, repeat=1)
    assert list(by_depth["macs"]) == [sum(costs.mlp_macs([4] * (d + 1) + [1], 3)) for d in (1, 2)]
    assert list(by_width["macs"]) == [sum(costs.mlp_macs([w, w, 1], 3)) for w in (4, 8)]
    assert np.all(by_depth["time"] > 0) and np.all(by_width["time"] > 0)


def test_checkpointing_computes_every_layer_twice():
    mem = costs.backprop_memory([3, 9], width=4, batch=8, repeat=1)
    assert list(mem["plain_layers"]) == [3, 9] and list(mem["checkpoint_layers"]) == [6, 18]
    rng = np.random.default_rng(0)
    weights, x = [rng.normal(size=(4, 4)) for _ in range(5)], rng.normal(size=(2, 4))
    assert costs.layer_evaluations(lambda: costs.deep_loss(weights, x)) == 5


def test_chain_cost_counts_both_groupings():
    assert costs.chain_cost([1000, 100, 100, 1], "reverse") == 110_000
    assert costs.chain_cost([1000, 100, 100, 1], "forward") == 10_100_000
    assert costs.chain_cost([6, 4, 3, 1], "reverse") == 1 * 3 * 4 + 1 * 4 * 6
    assert costs.chain_cost([6, 4, 3, 1], "forward") == 3 * 4 * 6 + 1 * 3 * 6
    assert costs.chain_cost([5, 7], "reverse") == costs.chain_cost([5, 7], "forward") == 0


@given(st.lists(st.integers(1, 30), min_size=2, max_size=6))
def test_chain_cost_is_symmetric_under_reversal(dims):
    # the forward grouping of a chain costs what the reverse grouping of the transposed chain costs
    assert costs.chain_cost(dims, "forward") == costs.chain_cost(dims[::-1], "reverse")


def test_chain_cost_refuses_nonsense():
    with pytest.raises(ValueError, match="grouping"):
        costs.chain_cost([2, 3], "sideways")
    with pytest.raises(ValueError, match="dims"):
        costs.chain_cost([2], "reverse")


def test_mlp_gradient_matches_central_differences():
    widths = [3, 4, 2]
    params = costs.mlp_init(widths, seed=1)
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    value, grads = costs.mlp_value_and_grad(params, X, y)
    assert value == pytest.approx(float(costs.mlp_loss(params, X, y)))
    for i, p in enumerate(params):
        def f(q, i=i):
            ps = list(params)
            ps[i] = q
            return float(costs.mlp_loss(ps, X, y))
        np.testing.assert_allclose(grads[i], adlib.numerical_grad(f, p), rtol=1e-5, atol=1e-8)


def test_mlp_macs_counts_weights():
    assert costs.mlp_macs([3, 4, 2], batch=10) == (10 * (12 + 8), 10 * (2 * 20 - 12))
    with pytest.raises(ValueError):
        costs.mlp_init([3])


def test_checkpointing_keeps_gradients_and_saves_memory():
    mem = costs.backprop_memory([2, 25], width=16, batch=256)
    assert np.all(mem["max_difference"] == 0)
    assert mem["checkpoint_bytes"][-1] < 0.7 * mem["plain_bytes"][-1]
    assert mem["plain_bytes"][-1] > mem["plain_bytes"][0]
    assert np.all(mem["forward_bytes"] < mem["plain_bytes"])


@pytest.mark.parametrize("depth", [0, 1, 3, 8])
def test_graph_and_tree_sizes_of_the_nested_function(depth):
    f = costs.nested(Value(0.3), depth)
    assert costs.graph_size(f) == 3 * depth + 1
    assert costs.tree_size(f) == 2 ** (depth + 2) - 3
    assert f.data == pytest.approx(_nested_float(0.3, depth))


def _nested_float(x, depth):
    for _ in range(depth):
        x = math.sin(x) * math.cos(x)
    return x


def test_tree_size_handles_deep_graphs_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(5000):
        y = y + 1.0
    assert costs.graph_size(y) == costs.tree_size(y) == 5001


# --------------------------------------------------------------------------- training

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_array_model_equals_scalar_model(seed):
    X, y = adlib.make_moons(12, noise=0.1, seed=seed)
    model = MLP(2, [5, 3, 1], seed=seed)
    params = training.mlp_arrays(model)
    assert [p.shape for p in params] == [(2, 5), (5,), (5, 3), (3,), (3, 1), (1,)]
    loss, scores = training.scalar_loss(model, X, y)
    np.testing.assert_allclose(training.array_scores(params, X), [s.data for s in scores], rtol=1e-12, atol=1e-14)
    assert float(training.array_loss(params, X, y)) == pytest.approx(loss.data, rel=1e-12)
    # one step of each engine moves the same weights the same way
    training.scalar_step(model, X, y, lr=0.3)
    new_params, _, _ = training.array_step(params, X, y, lr=0.3)
    for a, b in zip(training.mlp_arrays(model), new_params):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_training_lowers_the_loss_and_reports_accuracy():
    X, y = adlib.make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [8, 1], seed=0)
    losses = training.train_scalar(model, X, y, 5)
    assert len(losses) == 6 and losses[-1] < losses[0]     # the loss after 0, 1, ..., 5 steps
    params, array_losses = training.train_array(training.mlp_arrays(MLP(2, [8, 1], seed=0)), X, y, 5)
    np.testing.assert_allclose(array_losses, losses, rtol=1e-10)
    _, _, acc = training.array_step(params, X, y, 0.0)
    assert 0.0 <= acc <= 1.0


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_train_array_stops_at_divergence():
    X, y = adlib.make_moons(20, noise=0.1, seed=0)
    _, losses = training.train_array(training.mlp_arrays(MLP(2, [4, 1], seed=0)), X, y, 300, lr=1e6)
    assert len(losses) <= 300 and (not np.isfinite(losses[-1]) or losses[-1] > losses[0])


def test_learning_rate_schedule_and_grid():
    assert training.learning_rate_schedule(0, 10) == 1.0
    assert training.learning_rate_schedule(9, 10) == pytest.approx(0.1)
    assert training.learning_rate_schedule(0, 1) == 1.0
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    xx, yy, s = training.decision_grid(lambda P: P[:, 0] - P[:, 1], X, n=7)
    assert xx.shape == yy.shape == s.shape == (7, 7)
    np.testing.assert_allclose(s, xx - yy)


def test_progress_wrapper_is_used():
    X, y = adlib.make_moons(10, noise=0.1, seed=0)
    seen = []

    class Progress:
        def __init__(self, it):
            self.it = it

        def __iter__(self):
            for k in self.it:
                seen.append(k)
                yield k

        def set_postfix(self, **kw):
            seen.append(kw)

    training.train_scalar(MLP(2, [3, 1], seed=0), X, y, 3, progress=Progress)
    assert [k for k in seen if isinstance(k, int)] == [0, 1, 2]
    assert any(isinstance(k, dict) and "loss" in k for k in seen)
