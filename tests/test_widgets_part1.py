"""The functions behind notebooks 01-04's widgets and lessons, tested without a browser.

Each widget factory is also built and driven by setting its controls in Python.
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import adlib
from adlib.widgets import forward_cost, landscape, numdiff, swell, tiny_network, trace
from adlib.widgets.tiny_network import tiny_network_loss

weights = st.floats(-3, 3, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


# ---------------------------------------------------------------------------
# tiny network

def test_tiny_network_matches_a_hand_computation():
    # x = 0.8: h1 = relu(0.8) = 0.8, h2 = relu(-0.4) = 0, y = 2*0.8 + 5*0 = 1.6
    h1, h2, y = tiny_network.tiny_network_forward(0.8, 1.0, -0.5, 2.0, 5.0)
    assert (h1, h2) == (pytest.approx(0.8), 0.0)
    assert y == pytest.approx(1.6)
    assert tiny_network_loss(0.8, 1.0, -0.5, 2.0, 5.0, 1.9) == pytest.approx(0.09)


@given(x=weights, w=st.tuples(weights, weights, weights, weights), t=weights)
def test_tiny_network_gradient_agrees_with_central_differences(x, w, t):
    # keep away from the ReLU kinks, where differences straddle two slopes
    if min(abs(w[0] * x), abs(w[1] * x)) < 1e-2:
        return
    g = tiny_network.tiny_network_gradient(x, *w, t)
    numeric = adlib.numerical_grad(lambda v: tiny_network_loss(x, *v, t), np.array(w))
    np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-6)


def test_tiny_network_loss_accepts_arrays_and_duals():
    a = np.array([0.5, 1.0, 2.0])
    grid = tiny_network_loss(0.8, a, 1.2, 0.5, 0.8, 1.9)
    assert grid.shape == (3,)
    assert grid[1] == pytest.approx(tiny_network_loss(0.8, 1.0, 1.2, 0.5, 0.8, 1.9))
    d = tiny_network_loss(0.8, adlib.Dual(1.0, 1.0), 1.2, 0.5, 0.8, 1.9)
    assert d.dual == pytest.approx(tiny_network.tiny_network_gradient(**tiny_network.LECTURE_SETTING)[0])


def test_counting_loss_counts_each_new_point_once():
    c = tiny_network.CountingLoss(lambda w: float(np.sum(w)))
    c(np.array([1.0, 2.0]))
    c(np.array([1.0, 2.0]))        # the same point again: remembered
    c(np.array([1.0, 3.0]))
    assert c.evaluations == 2


def test_random_search_is_seeded_and_reaches_the_tolerance():
    r1 = tiny_network.random_search(tiny_network.lecture_loss, tol=1e-3, rng=np.random.default_rng(1))
    r2 = tiny_network.random_search(tiny_network.lecture_loss, tol=1e-3, rng=np.random.default_rng(1))
    assert r1["evaluations"] == r2["evaluations"] == len(r1["history"])
    assert r1["loss"] < 1e-3
    assert r1["loss"] == pytest.approx(tiny_network.lecture_loss(r1["weights"]))
    assert np.all(np.diff(r1["history"]) <= 0)   # best-so-far never gets worse
    with pytest.raises(ValueError, match="seeded rng"):
        tiny_network.random_search(tiny_network.lecture_loss)


def test_grid_search_counts_every_combination():
    assert tiny_network.grid_search_evaluations(100, 4) == 100 ** 4
    values = np.linspace(-2, 2, 5)
    r = tiny_network.grid_search(tiny_network.lecture_loss, values)
    assert r["evaluations"] == 5 ** 4
    brute = min(tiny_network.lecture_loss(np.array(w)) for w in np.array(np.meshgrid(*[values] * 4)).reshape(4, -1).T)
    assert r["loss"] == pytest.approx(brute)


def test_gradient_descent_costs_n_plus_one_evaluations_per_step():
    r = tiny_network.gradient_descent(tiny_network.lecture_loss, [1.0, 1.2, 0.5, 0.8],
                                      learning_rate=0.1, tol=1e-6)
    assert r["loss"] < 1e-6
    # per step: the loss at w (shared with the stopping check) and 4 shifted points
    assert r["evaluations"] == 5 * r["steps"] + 1
    assert np.all(np.diff(r["history"]) < 0)


def test_network_svg_shows_the_loss():
    svg = tiny_network.network_svg(**tiny_network.LECTURE_SETTING)
    loss = tiny_network_loss(**tiny_network.LECTURE_SETTING)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert f"{loss:.6f}" in svg


def _distance_to_box(px, py, box):
    """Distance from the point(s) (px, py) to the rectangle ``box``; 0 inside it."""
    left, top, right, bottom = box
    dx = np.maximum(np.maximum(left - px, 0.0), px - right)
    dy = np.maximum(np.maximum(top - py, 0.0), py - bottom)
    return np.hypot(dx, dy)


@given(x=st.floats(-2, 2), w=st.tuples(*[st.floats(-3, 3)] * 4), t=st.floats(-3, 3))
def test_network_svg_texts_never_overlap_each_other_the_neurons_or_the_edges(x, w, t):
    # over the sliders' whole range: every label is readable (the h2 label once ran into the loss)
    tn = tiny_network
    boxes = [(text, tn.label_box(text, *rest)) for text, *rest in tn.network_labels(x, *w, t)]
    assert len(boxes) == 10
    for i, (text, (left, top, right, bottom)) in enumerate(boxes):
        assert 0 <= left and right <= tn.SVG_WIDTH and 0 <= top and bottom <= tn.SVG_HEIGHT, text
        for other, (l2, t2, r2, b2) in boxes[i + 1:]:
            assert right <= l2 or r2 <= left or bottom <= t2 or b2 <= top, f"{text!r} overlaps {other!r}"
        for name, (cx, cy) in tn.NODE_CENTRES.items():
            assert _distance_to_box(cx, cy, (left, top, right, bottom)) > tn.NODE_RADIUS, f"{text!r} on {name}"
        for a, b, weight, name in tn._edges(*w):
            (x1, y1), (x2, y2) = tn.NODE_CENTRES[a], tn.NODE_CENTRES[b]
            half = tn._stroke(weight) / 2
            s = np.linspace(0, 1, 401)            # points every half pixel along the edge
            near = _distance_to_box(x1 + s * (x2 - x1), y1 + s * (y2 - y1), (left, top, right, bottom)).min()
            assert near > half, f"{text!r} lies on the edge {name}"


def test_network_svg_draws_every_label():
    svg = tiny_network.network_svg(**tiny_network.LECTURE_SETTING)
    for text, *_ in tiny_network.network_labels(**tiny_network.LECTURE_SETTING):
        assert f">{text}</text>" in svg
    assert "h2 = 0.96" in svg and "target = 1.90" in svg


def test_tiny_network_widget_follows_its_sliders():
    box = tiny_network.make_tiny_network_widget()
    assert set(box.sliders) == {"x", "w1_1", "w1_2", "w2_1", "w2_2", "target"}
    for name, s in box.sliders.items():
        assert s.description == name
        assert f"adlib-slider-{name}" in s._dom_classes
    assert "adlib-loss" in box.loss_label._dom_classes
    box.sliders["w2_1"].value = -1.25
    box.sliders["target"].value = 0.3
    v = {k: s.value for k, s in box.sliders.items()}
    assert f"loss = {tiny_network_loss(**v):.6f}" in box.loss_label.value
    assert f"{tiny_network_loss(**v):.6f}" in box.drawing.value
    with pytest.raises(TypeError, match="unknown parameter"):
        tiny_network.make_tiny_network_widget(w3=1.0)


# ---------------------------------------------------------------------------
# landscape

def test_loss_grid_matches_pointwise_losses():
    a = np.linspace(0, 3.5, 7)
    b = np.linspace(-3.5, 3.5, 5)
    L = landscape.loss_grid(a, b)
    assert L.shape == (5, 7)
    for i, bi in enumerate(b):
        for j, aj in enumerate(a):
            assert L[i, j] == pytest.approx(tiny_network_loss(0.8, aj, 1.2, bi, 0.8, 1.9))
    with pytest.raises(ValueError, match="1-d arrays"):
        landscape.loss_grid(np.zeros((2, 2)), b)


@given(a=st.floats(0.05, 3.5), b=st.floats(-3.5, 3.5))
def test_landscape_gradient_agrees_with_central_differences(a, b):
    g = landscape.landscape_gradient(a, b)
    numeric = adlib.numerical_grad(lambda v: landscape.landscape_loss(v[0], v[1]), np.array([a, b]))
    np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)


def test_gradient_descent_path_goes_downhill():
    path, losses = landscape.gradient_descent_path((1.0, 0.5), learning_rate=0.1, steps=20)
    assert path.shape == (21, 2) and losses.shape == (21,)
    assert np.all(np.diff(losses) < 0)
    step = path[0] - 0.1 * landscape.landscape_gradient(1.0, 0.5)
    np.testing.assert_allclose(path[1], step)
    with pytest.raises(ValueError, match="learning rate"):
        landscape.gradient_descent_path((1.0, 0.5), learning_rate=0)


def test_landscape_widget_redraws():
    box = landscape.make_landscape_widget()
    box.sliders["w1_1"].value = 2.0
    box.sliders["steps"].value = 5
    assert len(box.output.outputs) == 1 and "image/png" in box.output.outputs[0]["data"]


# ---------------------------------------------------------------------------
# numerical differentiation

@pytest.mark.parametrize("name", list(numdiff.FUNCTIONS))
@pytest.mark.parametrize("method", numdiff.METHODS)
def test_difference_quotients_equal_adlibs_own(name, method):
    f = numdiff.FUNCTIONS[name]
    one = {"forward": adlib.forward_difference, "backward": adlib.backward_difference,
           "central": adlib.central_difference, "complex": adlib.complex_step}[method]
    h = np.logspace(-14, -1, 14)
    q = numdiff.difference_quotients(f, 0.7, h, method)
    expected = np.array([one(f, 0.7, hi) for hi in h])
    np.testing.assert_allclose(q, expected, rtol=1e-13, atol=0)


def test_derivatives_at_are_exact():
    assert numdiff.derivatives_at("x^3", 2.0) == pytest.approx([8.0, 12.0, 12.0, 6.0])
    assert numdiff.derivatives_at("sin(x)", 0.5) == pytest.approx(
        [math.sin(0.5), math.cos(0.5), -math.sin(0.5), -math.cos(0.5)])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_float32_is_computed_in_float32(dtype):
    q = numdiff.difference_quotients("exp(x)", 1.0, np.array([1e-3]), "central", dtype)
    assert q.dtype == np.dtype(dtype)


@pytest.mark.parametrize("method,slope", [("forward", 1), ("backward", 1), ("central", 2), ("complex", 2)])
def test_measured_error_follows_the_truncation_model(method, slope):
    # where truncation dominates (large h), the error shrinks like h^slope, as the model says
    h = np.array([1e-2, 1e-3])
    c = numdiff.error_curves("exp(x)", 0.5, method, h=h)
    measured_slope = np.log10(c["measured"][0] / c["measured"][1])
    assert measured_slope == pytest.approx(slope, abs=0.05)
    np.testing.assert_allclose(c["measured"], c["model"], rtol=0.1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_measured_best_step_is_near_the_models(dtype):
    table = numdiff.best_steps("x^3", 1.0, dtype)
    for method in ("forward", "backward", "central"):
        h_model, h_measured, err = table[method]
        assert 0.1 < h_measured / h_model < 10, (method, h_model, h_measured)
    # central beats forward at its best step; the complex step is exact to rounding
    assert table["central"][2] < table["forward"][2]
    assert table["complex"][2] <= 4 * np.finfo(dtype).eps * 3
    # rounding error grows as the precision shrinks
    eps = np.finfo(dtype).eps
    assert table["forward"][0] == pytest.approx(2 * math.sqrt(eps * 1 / 6))


def test_difference_quotients_refuse_bad_input():
    with pytest.raises(ValueError, match="unknown method"):
        numdiff.difference_quotients("x^3", 1.0, [1e-3], "sideways")
    with pytest.raises(ValueError, match="unknown function"):
        numdiff.difference_quotients("x^4", 1.0, [1e-3], "forward")
    with pytest.raises(ValueError, match="float64"):
        numdiff.difference_quotients("x^3", 1.0, [1e-3], "forward", "float16")
    with pytest.raises(ValueError, match="positive"):
        numdiff.difference_quotients("x^3", 1.0, [0.0], "forward")


def test_numdiff_widget_redraws_on_every_change():
    box = numdiff.make_numdiff_widget()
    c = box.controls
    assert "adlib-method" in c["method"]._dom_classes
    assert "adlib-error-plot" in box.output._dom_classes
    assert {v for _, v in c["method"].options} == set(numdiff.METHODS)
    first = box.output.outputs[0]["data"]["image/png"]
    for control, value in [(c["method"], "complex"), (c["precision"], "float32"),
                           (c["function"], "sin(x)"), (c["point"], 0.5)]:
        control.value = value
        assert len(box.output.outputs) == 1
    assert box.output.outputs[0]["data"]["image/png"] != first


# ---------------------------------------------------------------------------
# chain rule, evaluation trace, expression swell

def test_trace_backward_agrees_with_forward_mode_and_the_lecture():
    t = trace.evaluation_trace(2.0, 1.0, 0.0, 10.0)
    assert t["t6"] == pytest.approx(adlib.sigmoid(2.0))
    assert t["t8"] == pytest.approx((adlib.sigmoid(2.0) - 10.0) ** 2)
    rows = dict(trace.chain_backward(t))
    whole = adlib.derivative(lambda w: trace.evaluation_trace(w, 1.0, 0.0, 10.0)["t8"], 2.0)
    assert rows["w"] == pytest.approx(whole)
    assert rows["w"] == pytest.approx(-1.9149156216104704)   # the lecture's printed value


@given(w=st.floats(-3, 3), x=st.floats(-3, 3), b=st.floats(-3, 3), target=st.floats(-2, 2))
def test_local_derivative_of_exp_step_is_exp_not_exp_times_t3(w, x, b, target):
    t = trace.evaluation_trace(w, x, b, target)
    local = trace.local_derivatives(t)
    assert local["t4"] == pytest.approx(math.exp(t["t3"]))
    assert local["t6"] == pytest.approx(-1 / t["t5"] ** 2)
    assert local["t8"] == pytest.approx(2 * t["t7"])
    dw = dict(trace.chain_backward(t))["w"]
    assert dw == pytest.approx(adlib.central_difference(
        lambda v: trace.evaluation_trace(v, x, b, target)["t8"], w), rel=1e-5, abs=1e-7)


@given(w=st.floats(-3, 3), b=st.floats(-3, 3), x=st.floats(-3, 3), t=st.floats(0, 1), lam=st.floats(0, 1))
def test_hand_derivative_of_regularized_logistic_loss(w, b, x, t, lam):
    by_hand = trace.logistic_dloss_dw_by_hand(w, b, x, t, lam)
    assert by_hand == pytest.approx(adlib.derivative(lambda v: trace.logistic_loss(v, b, x, t, lam), w), abs=1e-12)
    assert by_hand == pytest.approx(adlib.central_difference(
        lambda v: trace.logistic_loss(v, b, x, t, lam), w), rel=1e-5, abs=1e-8)


def test_car_bicycle_man():
    assert adlib.derivative(lambda z: trace.car_position(trace.bicycle_position(z)), 3.0) == 8.0


def test_expression_swell_sizes():
    rows = swell.swell_table(8)
    n, tree_f, tree_d, dag_f, dag_d = map(np.array, zip(*rows))
    # written out, l_n roughly doubles per level; cached, it grows by 5 nodes per level
    assert np.all(tree_f[1:] == 2 * tree_f[:-1] + 5)
    assert np.all(np.diff(dag_f) == 5)
    assert np.all(np.diff(tree_d) > 0) and tree_d[-1] > 50 * dag_d[-1]
    assert np.all(np.diff(dag_d, 2) == 0)          # the cached derivative grows linearly


@given(n=st.integers(1, 6), x=st.floats(-1, 2))
def test_symbolic_derivative_is_right(n, x):
    e = swell.logistic_map(n)
    d = swell.diff(e)

    def numeric(v):
        for _ in range(n - 1):
            v = 4 * v * (1 - v)
        return v

    assert swell.evaluate(e, x) == pytest.approx(numeric(x))
    assert swell.evaluate(d, x) == pytest.approx(adlib.derivative(numeric, x), rel=1e-9, abs=1e-9)


def test_symbolic_printing_and_bad_input():
    x = swell.var()
    assert swell.to_string(x * x + 1) == "((x * x) + 1)"
    assert swell.to_string(swell.diff(x * x)) == "((1 * x) + (x * 1))"
    with pytest.raises(TypeError, match="str"):
        x + "1"
    with pytest.raises(ValueError, match="at least 1"):
        swell.logistic_map(0)


# ---------------------------------------------------------------------------
# forward-mode cost

def test_forward_gradient_uses_one_pass_per_input():
    x = np.array([0.3, -1.2, 0.7, 2.0])
    g, passes = forward_cost.forward_gradient(forward_cost.chain_function, x)
    assert passes == 4
    numeric = adlib.numerical_grad(lambda v: forward_cost.chain_function(*v), x)
    np.testing.assert_allclose(g, numeric, rtol=1e-7)
    with pytest.raises(ValueError, match="empty"):
        forward_cost.forward_gradient(forward_cost.chain_function, [])


def test_measure_forward_cost_reports_every_dimension():
    cost = forward_cost.measure_forward_cost([1, 3], repeats=1)
    assert list(cost["d"]) == [1, 3] and list(cost["passes"]) == [1, 3]
    assert np.all(cost["gradient_seconds"] > 0) and np.all(cost["f_seconds"] > 0)


def test_evaluations_to_reach_reads_the_history():
    history = [5.0, 0.5, 0.5, 0.05, 0.001]
    counts = tiny_network.evaluations_to_reach(history, [1.0, 0.1, 0.01, 1e-6])
    np.testing.assert_array_equal(counts, [2, 4, 5, -1])


# ---------------------------------------------------------------------------
# tangent line from one dual-number pass

from adlib.widgets import tangent  # noqa: E402


@given(a=st.floats(-2, 2))
def test_value_and_slope_agree_with_central_differences(a):
    for name, f in tangent.FUNCTIONS.items():
        value, slope = tangent.value_and_slope(name, a)
        assert value == pytest.approx(f(a))
        assert slope == pytest.approx(adlib.central_difference(f, a), rel=1e-6, abs=1e-7)


def test_lecture_example_and_tangent_line():
    assert tangent.value_and_slope("x^2 exp(x) + 3x", 1.0) == (5.718281828459045, 11.154845485377136)
    xs = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(tangent.tangent_line("x * x + 1", 1.0, xs), [0.0, 2.0, 4.0])
    with pytest.raises(ValueError, match="unknown function"):
        tangent.value_and_slope("cosh", 1.0)


def test_tangent_widget_follows_its_controls():
    from widget_lookup import by_class
    box = tangent.make_tangent_widget()
    assert "adlib-tangent" in box._dom_classes
    # The classes the browser test finds the controls and the readout by.
    assert by_class(box, "adlib-tangent-function") == [box.controls["function"]]
    assert by_class(box, "adlib-slider-tangent-a") == [box.controls["point"]]
    assert by_class(box, "adlib-tangent-dual") == [box.readout]
    assert by_class(box, "adlib-tangent-plot") == [box.output]
    box.controls["function"].value = "x * x + 1"
    box.controls["point"].value = 0.5
    assert "Dual(0.50, 1)) = Dual(1.250000, 1.000000)" in box.readout.value
    assert "image/png" in box.output.outputs[0]["data"]


# ---------------------------------------------------------------------------
# What the notebooks' sentences and figures rely on (issue 13)

def test_gradient_descent_stops_after_max_steps_updates_and_reports_the_loss_there():
    start = [1.0, 1.2, 0.5, 0.8]
    r = tiny_network.gradient_descent(tiny_network.lecture_loss, start, learning_rate=0.5, tol=1e-6, max_steps=200)
    assert r["steps"] == 200 and len(r["history"]) == 201
    assert r["loss"] == tiny_network.lecture_loss(r["weights"]) == r["history"][-1]
    assert r["evaluations"] == 5 * 200 + 1
    converged = tiny_network.gradient_descent(tiny_network.lecture_loss, start, learning_rate=0.1, tol=1e-6)
    assert converged["loss"] < 1e-6 and converged["steps"] < 200
    assert converged["loss"] == tiny_network.lecture_loss(converged["weights"])
    assert tiny_network.gradient_descent(tiny_network.lecture_loss, start, max_steps=0)["steps"] == 0


def test_numdiff_draws_no_best_step_where_the_model_has_none():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    assert numdiff.error_curves("sin(x)", 0.0, "forward")["h_opt"] is None      # f(0) = f''(0) = 0
    assert numdiff.error_curves("x^3", 1.0, "complex")["h_opt"] is None
    assert numdiff.error_curves("x^3", 1.0, "forward")["h_opt"] == pytest.approx(adlib.optimal_step(
        "forward", f0=1.0, d2=6.0))
    fig, ax = plt.subplots()
    numdiff.plot_error_curves(ax, "sin(x)", 0.0, "forward")
    assert not [l for l in ax.get_lines() if l.get_label() == "model's best h"]
    assert "0 here" in ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["measured |estimate - f'(x)|"]          # no model line that is not drawn
    fig2, ax2 = plt.subplots()
    numdiff.plot_error_curves(ax2, "x^3", 1.0, "forward")
    assert [l for l in ax2.get_lines() if l.get_label() == "model's best h"]
    plt.close("all")


def _legend_is_outside(ax):
    import matplotlib
    fig = ax.figure
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    axes_box = ax.get_window_extent()
    return not box.overlaps(axes_box) or box.x0 >= axes_box.x1 - 1 or box.y1 <= axes_box.y0 + 1


def test_legends_sit_beside_the_axes_not_on_the_data():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from adlib.widgets._show import legend_outside
    fig, ax = plt.subplots()
    numdiff.plot_error_curves(ax, "x^3", 1.0, "forward")
    assert _legend_is_outside(ax)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    landscape.plot_landscape(ax, steps=5)
    assert _legend_is_outside(ax)
    fig, ax = plt.subplots()
    forward_cost.plot_forward_cost(ax, {"d": np.array([2, 4, 8]), "f_seconds": np.array([1e-6, 2e-6, 4e-6]),
                                        "gradient_seconds": np.array([1e-5, 4e-5, 1.6e-4]), "passes": np.array([2, 4, 8])})
    assert _legend_is_outside(ax)
    fig, ax = plt.subplots()
    ax.plot([0, 1], label="a")
    with pytest.raises(ValueError, match="right' or 'below"):
        legend_outside(ax, "top")
    plt.close("all")


def test_landscape_is_drawn_at_equal_scale_with_the_path_over_the_arrow():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.2))
    cs, path, losses = landscape.plot_landscape(ax, point=(1.0, 0.5), learning_rate=0.1, steps=30)
    assert ax.get_aspect() == 1.0
    arrow = [a for a in ax.texts if hasattr(a, "arrow_patch")][0]
    drawn_path = [l for l in ax.get_lines() if l.get_label().startswith("gradient descent")][0]
    start = [l for l in ax.get_lines() if l.get_label().startswith("start")][0]
    assert arrow.get_zorder() < drawn_path.get_zorder() < start.get_zorder()
    # the path is plotted with w2_1 across and w1_1 up, as the axes are labelled
    np.testing.assert_allclose(drawn_path.get_xdata(), path[:, 1])
    np.testing.assert_allclose(drawn_path.get_ydata(), path[:, 0])
    assert "w_{2,1}" in ax.get_xlabel() and "w_{1,1}" in ax.get_ylabel()
    plt.close("all")


def test_forward_cost_axis_labels_every_measured_d_and_fits_slopes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = np.array([2, 4, 8, 16, 32])
    cost = {"d": d, "f_seconds": 1e-6 * d, "gradient_seconds": 1e-6 * d ** 2, "passes": d}
    assert forward_cost.fitted_slope(d, cost["gradient_seconds"]) == pytest.approx(2.0)
    assert forward_cost.fitted_slope(d, cost["f_seconds"]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least two"):
        forward_cost.fitted_slope([2, 4, 8], [1, 2, 3], smallest=8)
    fig, ax = plt.subplots()
    forward_cost.plot_forward_cost(ax, cost)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(v) for v in d]
    plt.close("all")


def test_best_seconds_repeats_a_call_and_keeps_the_fastest_round():
    calls = []
    seconds = forward_cost._best_seconds(lambda: calls.append(1), repeats=3, min_seconds=0.001)
    assert seconds > 0 and len(calls) > 3


def test_pick_function_names_the_choices():
    from adlib.widgets._show import pick_function
    assert pick_function("x^3", numdiff.FUNCTIONS)(2.0) == 8.0
    f = lambda x: x  # noqa: E731
    assert pick_function(f, numdiff.FUNCTIONS) is f
    with pytest.raises(ValueError, match="unknown function 'cube'.*'x\\^3'"):
        pick_function("cube", numdiff.FUNCTIONS)
    with pytest.raises(TypeError, match="got int"):
        pick_function(3, numdiff.FUNCTIONS)


def test_training_losses_are_after_0_to_n_steps():
    from adlib.nn import MLP
    from adlib.widgets import training
    X, y = adlib.make_moons(16, noise=0.1, seed=1)
    model = MLP(2, [4, 1], seed=1)
    before = training.scalar_loss(model, X, y)[0].data
    losses = training.train_scalar(model, X, y, 3)
    assert len(losses) == 4 and losses[0] == before
    assert losses[-1] == training.scalar_loss(model, X, y)[0].data
    params, array_losses = training.train_array(training.mlp_arrays(MLP(2, [4, 1], seed=1)), X, y, 3)
    np.testing.assert_allclose(array_losses, losses, rtol=1e-10)
    assert array_losses[-1] == pytest.approx(float(training.array_loss(params, X, y)))
