"""adlib.widgets.estimators: notebook 11's coin widget (autodiff, difference of means, score function).

The numbers are checked against an oracle in plain floats (tests/plain_coins.py) from the same
uniform draws: the mean payoff, the central difference counted from the coins that
change side, and the score-function average f(b) (b/p - (1 - b)/(1 - p)). The widget is
driven from Python, as a student drives it.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from adlib.widgets import estimators
from plain_coins import plain_coins
from widget_lookup import one


@settings(max_examples=30, deadline=None)
@given(p=st.floats(0.05, 0.95), n=st.integers(10, 2000), h=st.floats(1e-4, 0.05))
def test_the_three_estimates_are_the_plain_float_ones(p, n, h):
    s, expected = estimators.estimates(p, n, h), plain_coins(p, n, h)
    assert s["autodiff"] == 0.0                                   # the staircase is flat at p
    assert s["value"] == pytest.approx(expected["value"], abs=1e-12)
    assert s["difference"] == pytest.approx(expected["difference"], rel=1e-9, abs=1e-9)
    assert s["score"] == pytest.approx(expected["score"], rel=1e-9)
    assert s["flips"] == expected["flips"] and s["true"] == 2.0


def test_many_coins_bring_the_estimators_to_the_slope_and_autodiff_stays_at_zero():
    few, many = estimators.estimates(0.3, 20, 0.01), estimators.estimates(0.3, 2000, 0.01)
    assert few["autodiff"] == many["autodiff"] == 0.0
    assert abs(many["score"] - 2) < abs(few["score"] - 2) and abs(many["score"] - 2) < 0.3
    assert abs(many["difference"] - 2) < 0.5


def test_a_step_narrower_than_the_gaps_sees_a_flat_step():
    u = np.sort(estimators.draws(20))
    gaps = np.diff(u)
    i = int(np.argmax(gaps))
    p, h = float((u[i] + u[i + 1]) / 2), float(gaps[i] / 4)      # p in the widest gap, h well inside it
    s = estimators.estimates(p, 20, h)
    assert s["flips"] == 0 and s["difference"] == 0.0
    assert "No u lies within h" in estimators.explain(p, 20, h)


def test_the_plot_draws_the_three_slopes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ax = estimators.plot_estimators(0.3, 20, 0.05)
    s = estimators.estimates(0.3, 20, 0.05)
    lines = {line.get_label().split(":")[0]: line for line in ax.get_lines()}
    for key, label in (("autodiff", "autodiff"), ("difference", "difference of means, h = 0.05"),
                       ("score", "score function")):
        xs, ys = lines[label].get_data()
        assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(s[key], abs=1e-9)
    assert ax.get_title() and ax.get_xlabel() and ax.get_legend() is not None
    plt.close(ax.figure)


def _numbers(readout):
    text = readout.value
    return {key: float(text.split(f"{key} slope = ")[1].split()[0])
            for key in ("autodiff", "difference of means", "score function")}


def test_the_widget_follows_its_controls():
    box = estimators.make_estimators_widget()
    p, coins, h = (one(box, f"adlib-slider-estimators-{name}") for name in ("p", "coins", "h"))
    readout, out = one(box, "adlib-estimators-readout"), one(box, "adlib-estimators-plot")
    first = _numbers(readout)
    expected = plain_coins(p.value, coins.value, h.value)
    assert first["autodiff"] == 0 and first["score function"] == pytest.approx(expected["score"], rel=1e-5)
    image = out.outputs[0]["data"]["image/png"]
    coins.value = 1000
    moved = _numbers(readout)
    assert moved["score function"] == pytest.approx(plain_coins(p.value, 1000, h.value)["score"], rel=1e-5)
    assert out.outputs[0]["data"]["image/png"] != image
    p.value, h.value = 0.6, 0.02
    assert _numbers(readout)["difference of means"] == pytest.approx(plain_coins(0.6, 1000, 0.02)["difference"], rel=1e-5)


@pytest.mark.parametrize("kwargs, message", [
    ({"p": 1.0}, "strictly between 0 and 1"),
    ({"p": 0.99}, "p must lie in"),
    ({"n": 0}, "positive whole number"),
    ({"n": 2.5}, "positive whole number"),
    ({"h": 0.0}, "the step h must be > 0"),
    ({"h": 0.2}, "and h in"),
    ({"h": math.nan}, "h must be a finite number"),
])
def test_the_factory_refuses_what_its_sliders_cannot_show(kwargs, message):
    with pytest.raises(ValueError, match=message):
        estimators.make_estimators_widget(**kwargs)
