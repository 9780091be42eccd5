"""The projectile of notebook 10 (adlib/widgets/diffprog.py) and its widget, driven from Python.

The simulation is checked against physics it must reproduce (the drag-free range
v^2 sin(2 theta) / g, drag shortening the flight), its gradient through the loop
against central differences and forward mode, and the widget by moving its sliders
and pressing its button as the browser test does through Voila.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
from adlib.widgets import diffprog as d
from widget_lookup import by_class as _by_class, one as _one

angles = st.floats(min_value=15.0, max_value=75.0)
speeds = st.floats(min_value=8.0, max_value=35.0)
drags = st.floats(min_value=0.0, max_value=0.04)


# --------------------------------------------------------------------------- the simulation

@pytest.mark.parametrize("angle, speed", [(45.0, 20.0), (30.0, 12.0), (70.0, 30.0)])
def test_without_drag_it_lands_where_the_textbook_says(angle, speed):
    exact = speed ** 2 * math.sin(2 * math.radians(angle)) / d.GRAVITY
    # Explicit Euler is first order: the error shrinks in proportion to dt.
    errors = [abs(float(d.landing(angle, speed, drag=0.0, dt=dt)) - exact) for dt in (0.01, 0.001)]
    assert errors[1] < 0.02 * exact
    assert errors[1] < errors[0] / 5


def test_at_the_widgets_time_step_a_drag_free_throw_lands_a_little_beyond_the_textbook():
    # What notebook 10 tells a student who sets the drag to 0: the curve of hits is close to
    # v^2 sin(2 theta) / g = target, the Euler steps putting the landing point a little farther.
    A, S = np.meshgrid(np.linspace(*d.ANGLE_RANGE, 33), np.linspace(*d.SPEED_RANGE, 36))
    exact = S ** 2 * np.sin(2 * np.radians(A)) / d.GRAVITY
    x = d.landing(A, S, drag=0.0)
    assert np.all(x >= exact - 1e-9)
    far = (exact >= 20.0) & (exact <= 50.0)
    assert far.sum() > 50 and np.all((x - exact)[far] < 0.04 * exact[far])     # "a few per cent"


def test_near_the_best_angle_the_gradient_points_along_the_speed():
    # Notebook 10's widget prompt: at 42 degrees and 15 m/s (target 30 m) the arrow is along the speed axis.
    _, g_angle, g_speed = d.loss_and_gradient(42.0, 15.0, 30.0)
    assert abs(g_angle) < 0.01 * abs(g_speed)


def test_drag_shortens_the_flight_and_moves_the_best_angle_below_45():
    assert d.landing(45.0, 25.0, drag=0.02) < d.landing(45.0, 25.0, drag=0.01) < d.landing(45.0, 25.0, drag=0.0)
    angles = np.linspace(20.0, 60.0, 81)
    best = angles[np.argmax(d.landing(angles, 40.0, drag=0.02))]
    assert 30.0 < best < 42.0
    best_no_drag = angles[np.argmax(d.landing(angles, 40.0, drag=0.0))]
    assert abs(best_no_drag - 45.0) <= 1.0


def test_the_interpolated_landing_has_no_jumps_when_the_step_count_changes():
    speeds = np.linspace(15.0, 16.0, 201)
    x = d.landing(45.0, speeds)
    steps = np.diff(x)
    assert np.all(steps > 0)                          # farther with every faster launch
    assert steps.max() < 3 * steps.min()              # and smoothly: no jump of a whole step's flight


def test_arrays_of_launches_give_what_one_launch_at_a_time_gives():
    a = np.array([20.0, 45.0, 80.0])
    s = np.array([[10.0], [30.0]])
    many = d.landing(a, s, drag=0.015)
    assert many.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert many[i, j] == pytest.approx(float(d.landing(a[j], s[i, 0], drag=0.015)), rel=1e-12)
    angles, speeds, miss = d.miss_grid(30.0, n=5)
    assert miss.shape == (5, 5)
    assert miss[1, 3] ** 2 / 2 == pytest.approx(float(d.miss_loss(angles[1], speeds[3], 30.0)), rel=1e-12)


def test_the_path_starts_at_the_origin_and_ends_below_ground():
    x_land, path = d.flight(50.0, 20.0)
    assert (float(path[0][0]), float(path[0][1])) == (0.0, 0.0)
    assert float(path[-2][1]) >= 0.0 > float(path[-1][1])
    assert float(path[-2][0]) <= float(x_land) <= float(path[-1][0])


@pytest.mark.parametrize("kwargs, word", [
    (dict(angle=0.0, speed=10.0), "angle"), (dict(angle=95.0, speed=10.0), "angle"),
    (dict(angle=float("nan"), speed=10.0), "angle"), (dict(angle=45.0, speed=-1.0), "speed"),
    (dict(angle=45.0, speed=10.0, drag=-0.1), "drag"), (dict(angle=45.0, speed=10.0, dt=0.0), "dt"),
    (dict(angle=np.array([30.0, 90.0]), speed=10.0), "angle"),
])
def test_impossible_launches_are_refused_in_words(kwargs, word):
    with pytest.raises(ValueError, match=word):
        d.flight(**kwargs)


def test_differentiating_the_fixed_drag_is_refused_with_the_way_out():
    with pytest.raises(TypeError, match="held fixed.*throw"):
        adlib.grad(lambda k: d.landing(45.0, 20.0, drag=k))(np.array(0.02))


# --------------------------------------------------------------------------- its gradient

@given(angle=angles, speed=speeds, drag=drags)
@settings(max_examples=15, deadline=None)
def test_the_gradient_through_the_loop_agrees_with_central_differences(angle, speed, drag):
    loss, g_angle, g_speed = d.loss_and_gradient(angle, speed, 30.0, drag)
    assert loss == pytest.approx(float(d.miss_loss(angle, speed, 30.0, drag)), rel=1e-12)
    fd = adlib.numerical_grad(lambda p: d.miss_loss(p[0], p[1], 30.0, drag), np.array([angle, speed]))
    assert [g_angle, g_speed] == pytest.approx(fd, rel=1e-5, abs=1e-6)


def test_gradcheck_passes_through_the_loop_in_both_modes():
    assert adlib.gradcheck(lambda a, s: d.miss_loss(a, s, 25.0), np.array(55.0), np.array(21.0))
    # The same loop in forward mode (Duals) gives the same derivative.
    _, tangent = adlib.jvp(lambda s: d.landing(55.0, s), (np.array(21.0),), (np.array(1.0),))
    fd = adlib.central_difference(lambda s: float(d.landing(55.0, s)), 21.0)
    assert float(tangent) == pytest.approx(fd, rel=1e-6)


def test_gradient_descent_hits_a_reachable_target():
    path, losses = d.aim(60.0, 22.0, 30.0, steps=15)
    assert path.shape == (16, 2) and losses.shape == (16,)
    assert losses[-1] < 1e-4 * losses[0]
    assert abs(float(d.landing(*path[-1])) - 30.0) < 0.05


def test_an_unreachable_target_ends_at_the_longest_throw():
    # With drag 0.05/m no launch within the sliders' ranges reaches 50 m: the descent stops
    # at the greatest range, speed at its upper limit and the angle below 45 degrees.
    path, losses = d.aim(60.0, 30.0, 50.0, drag=0.05, steps=40)
    assert losses[-1] > 100.0
    assert path[-1, 1] == d.SPEED_RANGE[1]
    assert 25.0 < path[-1, 0] < 40.0
    _, g_angle, _ = d.loss_and_gradient(*path[-1], 50.0, 0.05)
    assert abs(g_angle) < 1.0


def test_a_step_stays_inside_the_sliders_ranges_and_refuses_a_bad_learning_rate():
    a, s, *_ = d.gradient_step(80.0, 39.0, 5.0, lr=100.0)
    assert d.ANGLE_RANGE[0] <= a <= d.ANGLE_RANGE[1] and d.SPEED_RANGE[0] <= s <= d.SPEED_RANGE[1]
    for lr in (-0.1, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="learning rate"):
            d.gradient_step(45.0, 20.0, 30.0, lr=lr)
    with pytest.raises(ValueError, match="steps"):
        d.aim(45.0, 20.0, 30.0, steps=2.5)


def test_plot_projectile_draws_both_panels_with_titles_labels_and_legends():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    path, _ = d.aim(60.0, 22.0, 30.0, steps=3)
    axes = d.plot_projectile(60.0, 22.0, 30.0, descent=path)
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    assert "miss -5.42 m" in axes[0].get_title()
    plt.close("all")


# --------------------------------------------------------------------------- the widget

def _numbers(html):
    import re
    return [float(t) for t in re.findall(r"=\s*([-+0-9.eE]+)", html)]


def test_widget_readout_and_button_driven_from_python():
    box = d.make_projectile_widget(angle=60.0, speed=22.0, target=30.0)
    angle, speed = _one(box, "adlib-slider-angle"), _one(box, "adlib-slider-speed")
    target, drag = _one(box, "adlib-slider-target"), _one(box, "adlib-slider-drag")
    button, reset = _one(box, "adlib-step-gradient"), _one(box, "adlib-step-reset")
    readout, plot = _one(box, "adlib-projectile-readout"), _one(box, "adlib-projectile-plot")

    miss, loss, g_angle, g_speed = _numbers(readout.value)
    expected = d.loss_and_gradient(60.0, 22.0, 30.0)
    assert [loss, g_angle, g_speed] == pytest.approx(expected, rel=1e-5)
    assert miss == pytest.approx(float(d.landing(60.0, 22.0)) - 30.0, abs=1e-4)
    first_png = plot.outputs[0]["data"]["image/png"]

    button.click()
    new_angle, new_speed, *_ = d.gradient_step(60.0, 22.0, 30.0)
    assert (angle.value, speed.value) == (round(new_angle, 2), round(new_speed, 2))   # to the sliders' 0.01
    assert _numbers(readout.value)[1] < loss                   # the step went downhill
    assert plot.outputs[0]["data"]["image/png"] != first_png
    for _ in range(5):
        button.click()
    assert len(box.descent()) == 7
    assert abs(_numbers(readout.value)[0]) < abs(miss) / 10     # six steps: a tenth of the first miss

    angle.value = 40.0                                         # by hand: a new descent starts
    assert len(box.descent()) == 1 and tuple(box.descent()[0]) == (40.0, speed.value)
    assert _numbers(readout.value)[1] == pytest.approx(d.loss_and_gradient(40.0, speed.value, 30.0)[0], rel=1e-5)
    button.click()
    reset.click()
    assert len(box.descent()) == 1

    drag.value = 0.0
    target.value = 20.0
    assert _numbers(readout.value)[1] == pytest.approx(
        d.loss_and_gradient(angle.value, speed.value, 20.0, 0.0)[0], rel=1e-5)


@pytest.mark.parametrize("lr", [0.0, -1.0, float("inf"), "0.2"])
def test_the_widget_refuses_a_learning_rate_it_could_only_fail_on_later(lr):
    with pytest.raises(ValueError, match="learning rate"):
        d.make_projectile_widget(lr=lr)
