"""Notebook 07's widget: forward against reverse mode for a whole Jacobian (adlib.widgets.mode_cost).

The Jacobians are checked against adlib.jacobian, central differences and the
closed form diag(1 - tanh(Ax)^2) A; the passes and evaluations of f are counted
exactly (n JVPs and n evaluations forward, m VJPs and one evaluation reverse);
the widget is driven from Python.  Times are never asserted on, only that they exist.
"""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
from adlib.widgets import mode_cost as mc

matplotlib.use("Agg")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "07_cost_of_gradients.ipynb"
sizes = st.integers(min_value=1, max_value=12)


def closed_form(A, x):
    """The Jacobian of tanh(A x), by hand: diag(1 - tanh(Ax)^2) A."""
    return (1 - np.tanh(A @ x) ** 2)[:, None] * A


@settings(max_examples=30, deadline=None)
@given(n=sizes, m=sizes, seed=st.integers(0, 1000))
def test_both_jacobians_are_the_jacobian_and_the_counts_are_n_and_m(n, m, seed):
    f, A = mc.layer_function(n, m, seed)
    assert A.shape == (m, n)
    x = np.random.default_rng(seed).normal(size=n)
    J_fwd, c_fwd = mc.jacobian_by_forward(f, x)
    J_rev, c_rev = mc.jacobian_by_reverse(f, x)
    assert c_fwd == {"passes": n, "evaluations": n}
    assert c_rev == {"passes": m, "evaluations": 1}
    oracle = adlib.jacobian(f)(x)
    assert oracle.shape == J_fwd.shape == J_rev.shape == (m, n)
    np.testing.assert_allclose(J_fwd, oracle, rtol=0, atol=1e-12)
    np.testing.assert_allclose(J_rev, oracle, rtol=0, atol=1e-12)
    np.testing.assert_allclose(J_fwd, closed_form(A, x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(J_rev, adlib.numerical_jacobian(f, x), rtol=1e-6, atol=1e-8)


def test_the_jacobians_work_for_any_function_of_a_vector():
    import adlib.numpy as anp
    f = lambda x: anp.stack([anp.sum(x ** 2), x[0] * x[2] * x[3], anp.sin(x[0]) * x[1]])   # noqa: E731
    x = np.array([0.3, -1.2, 2.0, 0.5])
    J_fwd, c_fwd = mc.jacobian_by_forward(f, x)
    J_rev, c_rev = mc.jacobian_by_reverse(f, x)
    np.testing.assert_allclose(J_fwd, adlib.numerical_jacobian(f, x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(J_rev, J_fwd, rtol=1e-12, atol=1e-14)
    assert (c_fwd["passes"], c_rev["passes"], c_rev["evaluations"]) == (4, 3, 1)


def test_a_scalar_output_is_one_row_and_a_matrix_output_is_refused():
    import adlib.numpy as anp
    x = np.array([1.0, 2.0, 3.0])
    for way, passes in ((mc.jacobian_by_forward, 3), (mc.jacobian_by_reverse, 1)):
        J, counts = way(lambda x: anp.sum(x ** 2), x)
        np.testing.assert_allclose(J, [2 * x], rtol=1e-12)
        assert counts["passes"] == passes
        with pytest.raises(ValueError, match=r"a number or a vector .* shape \(3, 3\)"):
            way(lambda x: anp.outer(x, x), x)


def test_predicted_winner_is_the_mode_with_fewer_passes():
    assert mc.predicted_winner(3, 10) == "forward"
    assert mc.predicted_winner(10, 3) == "reverse"
    assert mc.predicted_winner(7, 7) == "tie"
    for n in range(1, 8):       # the winner flips where n and m cross
        winners = [mc.predicted_winner(n, m) for m in range(1, 8)]
        assert winners == ["reverse"] * (n - 1) + ["tie"] + ["forward"] * (7 - n)


def test_measured_winner_calls_close_times_a_tie():
    assert mc.TIE_MARGIN == 0.15          # notebook 07 says "a difference under 15 % is called a tie"
    assert mc.measured_winner(1.0, 2.0) == "forward"
    assert mc.measured_winner(2.0, 1.0) == "reverse"
    assert mc.measured_winner(1.0, 1.1) == "tie"
    assert mc.measured_winner(1.0, 1.2) == "forward"
    with pytest.raises(ValueError, match="positive"):
        mc.measured_winner(0.0, 1.0)
    with pytest.raises(ValueError, match="positive"):
        mc.measured_winner(float("nan"), 1.0)


def test_mode_costs_counts_checks_and_times():
    r = mc.mode_costs(4, 9, repeat=2, min_seconds=0.0005)
    assert (r["n"], r["m"]) == (4, 9)
    assert (r["forward"]["passes"], r["forward"]["evaluations"]) == (4, 4)
    assert (r["reverse"]["passes"], r["reverse"]["evaluations"]) == (9, 1)
    assert r["max_difference"] < 1e-12
    f, _ = mc.layer_function(4, 9)
    x = np.random.default_rng(1).normal(size=4)
    np.testing.assert_allclose(r["J_forward"], adlib.jacobian(f)(x), rtol=0, atol=1e-12)
    assert r["predicted"] == "forward"
    assert r["measured"] == mc.measured_winner(r["forward"]["seconds"], r["reverse"]["seconds"])
    assert r["forward"]["seconds"] > 0 and r["reverse"]["seconds"] > 0     # measured, never compared


@pytest.mark.parametrize("bad, error, words", [
    ((0, 3), ValueError, "n must be at least 1"),
    ((3, -1), ValueError, "m must be at least 1"),
    ((2.5, 3), TypeError, "n must be a whole number"),
    ((True, 3), TypeError, "n must be a whole number"),
    (("4", 3), TypeError, "n must be a whole number"),
])
def test_bad_sizes_are_refused_in_the_students_terms(bad, error, words):
    with pytest.raises(error, match=words):
        mc.layer_function(*bad)
    with pytest.raises(error, match=words):
        mc.mode_costs(*bad)


def test_bad_points_are_refused():
    f, _ = mc.layer_function(3, 2)
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        mc.jacobian_by_forward(f, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="non-empty"):
        mc.jacobian_by_reverse(f, np.zeros(0))
    with pytest.raises(ValueError, match="repeat"):
        mc.mode_costs(2, 2, repeat=0)


def _summary(box):
    text = box.children[1].value
    match = re.search(r"n = (\d+), m = (\d+): forward passes = (\d+), reverse passes = (\d+); "
                      r"predicted winner: (\w+), measured winner: (\w+); passes forward / reverse = ([\d.]+), "
                      r"time forward / reverse = [\d.]+; Jacobians agree: (\w+)", text)
    assert match, text
    n, m, p_fwd, p_rev = (int(v) for v in match.groups()[:4])
    assert float(match.group(7)) == pytest.approx(n / m, abs=0.005)
    return n, m, p_fwd, p_rev, match.group(5), match.group(6), match.group(8)


def test_the_widget_follows_its_sliders():
    box = mc.make_mode_cost_widget(n=12, m=3)
    n_slider, m_slider, forget = box.children[0].children
    assert "adlib-mode-cost" in box._dom_classes
    assert "adlib-slider-n" in n_slider._dom_classes and "adlib-slider-m" in m_slider._dom_classes
    assert _summary(box) == (12, 3, 12, 3, "reverse", _summary(box)[5], "yes")
    plot = box.children[2].outputs
    assert plot and "image/png" in plot[0]["data"]

    n_slider.value = 2
    n, m, p_fwd, p_rev, predicted, measured, agree = _summary(box)
    assert (n, m, p_fwd, p_rev, predicted, agree) == (2, 3, 2, 3, "forward", "yes")
    assert measured in ("forward", "reverse", "tie")
    assert box.children[2].outputs[0]["data"]["image/png"] != plot[0]["data"]["image/png"]
    m_slider.value = 2
    assert _summary(box)[:5] == (2, 2, 2, 2, "tie")

    history = box.history()
    assert [(r["n"], r["m"]) for r in history] == [(12, 3), (2, 3), (2, 2)]
    assert all(r["forward"]["passes"] == r["n"] and r["reverse"]["passes"] == r["m"] for r in history)
    forget.click()
    assert [(r["n"], r["m"]) for r in box.history()] == [(2, 2)]


def test_the_widget_refuses_sizes_its_sliders_do_not_offer():
    with pytest.raises(ValueError, match="n and m must lie in 1..60"):
        mc.make_mode_cost_widget(n=100, m=3)
    with pytest.raises(TypeError, match="whole number"):
        mc.make_mode_cost_widget(n=3.5, m=3)


def test_plot_shows_the_predicted_regions_and_the_measured_points():
    import matplotlib.pyplot as plt
    results = [mc.mode_costs(n, m, repeat=1, min_seconds=0.0) for n, m in ((2, 5), (5, 2))]
    fig, axes = plt.subplots(1, 2)
    mc.plot_mode_costs(results[1], results[:1], axes)
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert "predicted: forward (n < m)" in labels and "predicted: reverse (n > m)" in labels
    assert "n = m: the winner flips" in labels and "now" in labels
    notes = [t.get_text() for t in axes[1].texts]
    assert any("5 JVPs, 5 evaluations of f" in t for t in notes)       # the current point: n = 5, m = 2
    assert any("2 VJPs, 1 evaluation of f" in t for t in notes)
    measured = [line for line in axes[0].lines if line.get_label().startswith("measured: ")]
    drawn = sorted(tuple(map(float, xy)) for line in measured for xy in line.get_xydata())
    assert drawn == [(2.0, 5.0), (5.0, 2.0)]          # every measured point, under its measured winner
    for line in measured:
        winner = line.get_label().removeprefix("measured: ")
        assert all(next(r for r in results if (r["n"], r["m"]) == tuple(xy))["measured"] == winner
                   for xy in line.get_xydata().astype(int))
    plt.close(fig)


def test_notebook_07_prints_the_counts_its_prose_describes():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "mode_cost.jacobian_by_forward(f, x)" in c.source)
    out = "".join(o.get("text", "") for o in cell.outputs)
    rows = re.findall(r"n = (\d+), m = (\d+): forward (\d+) JVPs and (\d+) evaluations of f; "
                      r"reverse (\d+) VJPs and (\d+) evaluation of f", out)
    assert len(rows) == 2
    for n, m, jvps, evals, vjps, one in rows:
        assert jvps == evals == n and vjps == m and one == "1"
    assert out.count("both equal adlib.jacobian: True") == 2
    assert out.count("within 1e-8 of central differences: True") == 2
    widget = [c for c in nb.cells if c.cell_type == "code" and "make_mode_cost_widget(" in c.source]
    assert len(widget) == 1 and "nbval-ignore-output" in widget[0].metadata.get("tags", [])
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "a difference under 15 % is called a tie" in prose
