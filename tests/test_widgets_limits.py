"""adlib.widgets.limits: notebook 09's kink / branch / loop / where widget.

The slopes are checked against oracles in plain floats (tests/plain_limits.py): the analytic
slope of the branch the program takes at x (autodiff must equal it), the difference
quotient of that formula (the central difference), the k-step Newton recursion
differentiated by hand, and, across a kink, the average of the two one-sided slopes.
The widget is driven from Python, as a student drives it.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from adlib.widgets import limits
import plain_limits
from notebook_outputs import load, numbers_after, printed

KINK, BRANCH, LOOP, WHERE = list(limits.CASES)
xs = st.floats(0.0, 3.0)
cs = st.floats(0.25, 2.5)
hs = st.floats(1e-4, 0.5)


def plain(name, x, p):
    return plain_limits.plain(name, x, p, limits.MAX_STEPS)


def path_slope(name, x, p):
    return plain_limits.path_slope(name, x, p, 0.0, limits.MAX_STEPS)


def central(name, x, p, h):
    return plain_limits.central(name, x, p, h, limits.MAX_STEPS)


@settings(max_examples=40, deadline=None)
@given(x=xs, p=cs, h=hs)
def test_autodiff_is_the_slope_of_the_branch_taken(x, p, h):
    for name in (KINK, BRANCH):
        s = limits.slopes(name, x, p, h)
        assert s["value"] == pytest.approx(plain(name, x, p), abs=1e-12)
        assert s["reverse"] == pytest.approx(path_slope(name, x, p), abs=1e-12)
        assert s["forward"] == pytest.approx(path_slope(name, x, p), abs=1e-12)
        assert s["central"] == pytest.approx(central(name, x, p, h), rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(x=st.floats(0.05, 3.0), tol=st.floats(0.01, 1.0), h=hs)
def test_the_loop_is_differentiated_through_the_iterations_it_ran(x, tol, h):
    s = limits.slopes(LOOP, x, tol, h)
    assert s["value"] == pytest.approx(plain(LOOP, x, tol), rel=1e-12)
    assert s["reverse"] == pytest.approx(path_slope(LOOP, x, tol), rel=1e-10)
    assert s["forward"] == pytest.approx(s["reverse"], rel=1e-12)
    assert s["paths"][1] == f"{limits.newton_steps(x, tol)} Newton step" + ("" if limits.newton_steps(x, tol) == 1 else "s")


def test_the_loop_near_its_start_runs_no_step_and_has_slope_zero():
    """At x = 1 Newton's start y = 1 is already within tol: no step runs, f is the constant 1 there."""
    s = limits.slopes(LOOP, 1.0, 0.1, 1e-3)
    assert limits.newton_steps(1.0, 0.1) == 0 and s["value"] == 1.0 and s["reverse"] == 0.0
    assert "1/(2 sqrt x) = 0.5" in limits.explain(LOOP, 1.0, 0.1, 1e-3)


@settings(max_examples=30, deadline=None)
@given(c=cs, h=hs)
def test_central_difference_on_a_kink_is_the_average_of_the_two_slopes(c, h):
    s = limits.slopes(KINK, c, c, h)
    assert s["reverse"] == 0.0
    assert s["central"] == pytest.approx(0.5, abs=1e-9)      # (0 + 1) / 2, for every symmetric h
    assert "Neither is 'the' derivative" in limits.explain(KINK, c, c, h)


def test_central_difference_across_a_jump_grows_like_one_over_h():
    c = 1.5                                                   # the jump: x**2 - x = 0.75 at c
    for h in (0.1, 0.01, 0.001):
        s = limits.slopes(BRANCH, c, c, h)
        assert s["reverse"] == 3.0                            # 2x on the branch x**2
        assert s["central"] == pytest.approx(central(BRANCH, c, c, h))
        assert s["central"] > 0.75 / (2 * h)


@settings(max_examples=30, deadline=None)
@given(x=xs, c=cs)
def test_the_where_trap_gives_nan_below_c_and_the_double_where_fixes_it(x, c):
    s = limits.slopes(WHERE, x, c, 0.01)
    assert s["value"] == pytest.approx(plain(WHERE, x, c))
    assert s["safe"] == pytest.approx(path_slope(WHERE, x, c))
    assert s["forward"] == pytest.approx(path_slope(WHERE, x, c))
    if x <= c:
        assert math.isnan(s["reverse"])
        assert "double where" in limits.explain(WHERE, x, c, 0.01)
    else:
        assert s["reverse"] == pytest.approx(path_slope(WHERE, x, c))


def test_the_explanation_names_a_straddle_and_agreement():
    straddle = limits.explain(BRANCH, 1.45, 1.5, 0.1)
    assert "different paths" in straddle and "believe it" in straddle
    same = limits.explain(BRANCH, 1.45, 1.5, 0.01)
    assert "same path" in same


@pytest.mark.parametrize("bad", [math.nan, math.inf, "1", None, True])
def test_bad_input_is_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="limits: x must be a finite number"):
        limits.slopes(KINK, bad, 1.0, 0.1)
    with pytest.raises(ValueError, match="limits: h must be a finite number|the step h must be > 0"):
        limits.slopes(KINK, 1.0, 1.0, bad if bad is not True else -1.0)
    with pytest.raises(ValueError, match="unknown case 'nope'"):
        limits.slopes("nope", 1.0, 1.0, 0.1)


def test_the_plot_draws_f_the_tangent_and_the_secant():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ax = limits.plot_limits(BRANCH, 1.45, 1.5, 0.1)
    labels = [line.get_label() for line in ax.get_lines()]
    assert any("autodiff tangent, slope 1" in lab for lab in labels)
    secant = next(line for line in ax.get_lines() if line.get_label().startswith("central difference"))
    xs_, ys_ = secant.get_data()
    assert (ys_[1] - ys_[0]) / (xs_[1] - xs_[0]) == pytest.approx(central(BRANCH, 1.45, 1.5, 0.1))
    assert ax.get_title() and ax.get_xlabel() and ax.get_legend() is not None
    plt.close(ax.figure)


def _controls(box):
    chooser, sliders, readout, out = box.children
    x, p, h = sliders.children
    return chooser, x, p, h, readout, out


def _numbers(readout):
    text = readout.value
    return (float(text.split("autodiff slope = ")[1].split()[0]),
            float(text.split("central difference slope = ")[1].split()[0]))


def test_the_widget_follows_its_controls():
    box = limits.make_limits_widget(h=0.1)
    chooser, x, p, h, readout, out = _controls(box)
    assert "adlib-limits" in box._dom_classes and "adlib-limits-readout" in readout._dom_classes
    assert _numbers(readout) == (0.0, pytest.approx(0.5))    # the kink, x on it
    image = out.outputs[0]["data"]["image/png"]
    chooser.value = BRANCH
    assert p.description == "c" and p.value == 1.5 and x.value == 1.5
    assert _numbers(readout) == (3.0, pytest.approx(central(BRANCH, 1.5, 1.5, 0.1)))
    assert out.outputs[0]["data"]["image/png"] != image
    x.value = 0.7
    assert _numbers(readout) == (1.0, pytest.approx(1.0))
    chooser.value = LOOP
    assert p.description == "tol" and (p.min, p.max) == (0.01, 1.0)
    h.value = 1e-3
    auto, cd = _numbers(readout)
    assert auto == pytest.approx(path_slope(LOOP, x.value, p.value), rel=1e-5)
    chooser.value = WHERE
    assert "nan" in readout.value and "double where" in readout.value


def test_the_notebook_prints_the_kink_claim():
    out = printed(load("09_limits_of_autodiff"), 'limits.slopes("kink: relu(x - c)", 1.0, 1.0, h)')
    lines = out.strip().splitlines()
    assert len(lines) == 3
    for line in lines:
        assert numbers_after(line, "autodiff") == [0.0, 0.5]


@pytest.mark.parametrize("kwargs, message", [
    ({"case": "nope"}, "unknown case 'nope'"),
    ({"x": 5.0}, "x must lie in"),
    ({"case": LOOP, "p": 2.0}, "tol must lie in"),
    ({"h": 0.0}, "the step h must be > 0"),
    ({"h": 10.0}, "h must lie in"),
    ({"x": math.nan}, "x must be a finite number"),
])
def test_the_factory_refuses_what_its_sliders_cannot_show(kwargs, message):
    with pytest.raises(ValueError, match=message):
        limits.make_limits_widget(**kwargs)


@pytest.mark.parametrize("x, h", [(0.0, 1.0), (0.3, 0.5), (0.0, 1e-6)])
def test_the_loop_beside_zero_has_no_value_left_of_it(x, h):
    """x - h < 0 has no square root: the central difference is NaN and says why; autodiff at x >= 0 is fine."""
    s = limits.slopes(LOOP, x, 0.1, h)
    assert s["reverse"] == pytest.approx(path_slope(LOOP, x, 0.1))
    assert math.isnan(s["central"]) and s["paths"][0] == "x < 0: no square root"
    assert "outside the square root's domain" in limits.explain(LOOP, x, 0.1, h)
