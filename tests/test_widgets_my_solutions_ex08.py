"""The "your solutions" picture of ex08 (a differentiable simulation): the student's ball against adlib's,
x_N(k) with the tangent lines of their forward and reverse slopes, |yours − adlib's| of dx_n/dk along
the loop, and fit_drag's drags closing in on the true drag.  A stub says per function that it is not
written yet, a wrong solution shows its mistake in the picture's data and in words, the reference
agrees everywhere.  Plain functions only; the student's code runs in child processes
(adlib.widgets.my_solutions.run_probe).

Wrong solutions are the reference with one of test_grade_ex08.py's mistakes.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from adlib.widgets import my_solutions as ms
from adlib.widgets import my_solutions_figures as figs
from adlib.widgets.my_solutions_figures_simulation import RED
from adlib.widgets.my_solutions_probe_simulation import (EX08_DRAGS, EX08_FIT, EX08_FUNCTIONS, EX08_ITERATIONS,
                                                         EX08_LAUNCH, EX08_TANGENTS, ex08_states)
from adlib.widgets.my_solutions_reference import reference_ex08

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "exercises" / "ex08_differentiable_simulation.py"
SOURCE = ROOT / "exercises" / "source" / STUB.name
needs_source = pytest.mark.skipif(not SOURCE.is_file(), reason="exercises/source/ (instructor-only) is absent")
ANGLE, SPEED, DRAG, DT, STEPS = EX08_LAUNCH


def wrong(name, folder):
    sys.path[:0] = [str(ROOT / "tests")]
    try:
        from test_grade_ex08 import MISTAKES, edited
    finally:
        del sys.path[:1]
    path = Path(folder) / STUB.name
    path.write_text(edited(MISTAKES[name][0]))
    return path


def picture_of(path, timeout=20.0):
    return figs.picture("ex08", ms.run_probe(path, timeout=timeout))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def yours(fig, panel, label):
    """The student's lines of one label in a panel (0 trajectory, 1 x_N(k), 2 along the loop, 3 fit)."""
    return [line for line in fig.axes[panel].get_lines() if line.get_label() == f"_yours {label}"]


def tangents(fig, label="forward tangent"):
    """[(k at the middle, slope, red?)] of the student's tangent lines in the x_N(k) panel."""
    found = []
    for line in yours(fig, 1, label):
        (k0, k1), (x0, x1) = line.get_xdata(), line.get_ydata()
        found.append(((k0 + k1) / 2, (x1 - x0) / (k1 - k0), line.get_color() == RED))
    return found


def along(fig, key):
    """|yours − adlib's| of dx_n/dk for n = 1..N, as drawn (FLOOR where they are equal)."""
    (line,) = yours(fig, 2, key)
    return np.asarray(line.get_ydata(), dtype=float)


def fit_drawn(fig):
    (line,) = yours(fig, 3, "fit")
    return np.asarray(line.get_ydata(), dtype=float), line.get_color() == RED


def red_texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_color() == RED]


# --------------------------------------------------------------------------- adlib's side

def test_adlibs_side_is_the_loop_differentiated_by_adlib():
    """adlib's states are the exercise's Euler loop, its slopes are x_N's central differences, forward
    (adlib.jvp) and reverse (adlib.grad) agree, and Newton's method with them finds the drag."""
    ref = reference_ex08()
    assert np.allclose(ref["states"], ex08_states(*EX08_LAUNCH), rtol=1e-13, atol=1e-13)
    h = 1e-6
    for k, x, slope in zip(EX08_DRAGS, ref["x"], ref["slope"]):
        assert np.isclose(x, ex08_states(ANGLE, SPEED, k, DT, STEPS)[-1, 0], rtol=1e-13)
        numeric = (ex08_states(ANGLE, SPEED, k + h, DT, STEPS)[-1, 0]
                   - ex08_states(ANGLE, SPEED, k - h, DT, STEPS)[-1, 0]) / (2 * h)
        assert np.isclose(slope, numeric, rtol=1e-6)
    assert ref["along"][:2].tolist() == [0.0, 0.0]                  # x_0 and x_1 do not depend on k
    assert np.isclose(ref["along"][-1], ref["slope"][EX08_DRAGS.index(DRAG)], rtol=1e-12)
    assert np.isclose(ref["k_bar"], ref["along"][-1], rtol=1e-12)
    assert np.allclose(ref["state_grad"][:2], [1.0, 0.0])            # x_N moves with x_0, not with y_0
    assert ref["true_drag"] == EX08_FIT[-1] and np.isclose(ref["fit"][-1], EX08_FIT[-1], rtol=1e-12)
    assert abs(ref["fit"][0] - EX08_FIT[-1]) > 1e-3                  # it starts away from it


# --------------------------------------------------------------------------- (a) the stub

def test_the_stub_says_per_function_that_it_is_not_written_yet():
    fig, words, drawing = picture_of(STUB)
    for function in EX08_FUNCTIONS:
        assert f"Your {function} is not written yet (it raises NotImplementedError)." in words
    assert drawing == ""
    assert not [line for ax in fig.axes for line in ax.get_lines() if line.get_label().startswith("_yours")]
    notes = [t.get_text() for ax in fig.axes for t in ax.texts]
    for function in ("simulate", "distance_and_slope", "reverse_gradient", "fit_drag"):
        assert f"{function}: not written yet" in notes


def test_a_helper_not_written_yet_is_named_where_it_stops(tmp_path):
    """simulate written, step not: simulate stops in step, and the words say so."""
    path = tmp_path / STUB.name
    path.write_text(STUB.read_text().replace(
        '''    """All the states s_0, ..., s_N (N = ``steps``): an array of shape (steps + 1, 4), row 0 the launch."""
    # YOUR CODE HERE
    raise NotImplementedError("your code here")''',
        '''    """All the states."""
    states = [np.array([0.0, 0.0, speed, 0.0])]
    for _ in range(steps):
        states.append(step(states[-1], drag, dt))
    return np.array(states)'''))
    _, words, _ = picture_of(path)
    assert "Your step is not written yet (it raises NotImplementedError)." in words
    assert "Your simulate stops in your step, which is not written yet (NotImplementedError)." in words


# --------------------------------------------------------------------------- (b) wrong solutions

@needs_source
def test_a_sign_error_in_the_drags_derivative_tilts_the_tangents_the_wrong_way(tmp_path):
    path = wrong("drag_derivative_sign", tmp_path)
    result = ms.grade_file(path)
    assert any("sign error in the drag term's derivative" in r.output for r in result.rows if not r.passed)
    fig, words, _ = picture_of(path)
    ref = reference_ex08()
    drawn = tangents(fig)
    assert [round(k, 6) for k, _, _ in drawn] == list(EX08_TANGENTS)
    assert all(slope > 0 and red for _, slope, red in drawn)         # x_N falls with k; these lines rise
    assert all(s < 0 for s in ref["slope"])
    assert np.all(along(fig, "forward")[1:] > 0.1) and np.all(along(fig, "reverse") < 1e-9)
    assert "Your distance_and_slope: its slope dx_N/dk at k = 0.06 is 430.2, adlib's -81.34 (-5.29 times " \
           "adlib's), so its lines are not tangent to x_N(k); along the loop your tangent's x first parts " \
           "from adlib's at n = 2" in words
    assert "Your fit_drag's k becomes nan at iteration 3" in words
    assert "k is nan at iteration 3" in red_texts(fig)


@needs_source
def test_a_missing_factor_dt_makes_the_slopes_1_over_dt_too_steep(tmp_path):
    fig, words, _ = picture_of(wrong("position_tangent_without_dt", tmp_path))
    ref = reference_ex08()
    for k, slope, red in tangents(fig):
        assert red and np.isclose(slope, ref["slope"][EX08_DRAGS.index(round(k, 6))] / DT, rtol=1e-9)
    drawn, red = fit_drawn(fig)
    assert red and drawn[-1] > 0.02                                   # still far from the true drag
    assert "(50 times adlib's)" in words and "Your fit_drag ends at k = 0.002658 after 8 iterations" in words
    assert "it uses your distance_and_slope, whose slopes are off" in words


@needs_source
def test_the_tangent_with_the_new_velocity_is_a_small_error_the_log_panel_shows(tmp_path):
    fig, words, _ = picture_of(wrong("tangent_with_new_velocity", tmp_path))
    ref = reference_ex08()
    for k, slope, red in tangents(fig):                               # 1 to 2 % off: red, nearly tangent
        want = ref["slope"][EX08_DRAGS.index(round(k, 6))]
        assert red and 1.005 < slope / want < 1.03
    assert np.all(along(fig, "forward") > 1e-3)                      # from n = 1 on, far above rounding
    assert "along the loop your tangent's x first parts from adlib's at n = 1" in words


@needs_source
def test_a_reverse_sweep_in_forward_order_leaves_forward_mode_right(tmp_path):
    fig, words, _ = picture_of(wrong("reverse_sweep_in_forward_order", tmp_path))
    ref = reference_ex08()
    assert np.all(along(fig, "forward") < 1e-9)
    rev = along(fig, "reverse")
    assert np.all(rev[:1] < 1e-9) and np.all(rev[1:] > 1e-3)        # one step is right either way round
    (k, slope, red), = tangents(fig, "reverse tangent")
    assert np.isclose(k, DRAG) and red and not np.isclose(slope, ref["k_bar"], rtol=0.1)
    assert all(not red for _, _, red in tangents(fig))
    assert "Your reverse_gradient, given the right states: its dx_N/dk is -117.7 after 100 steps, adlib's " \
           "-183.5, and it first parts from adlib's at n = 2 (dashed line); its dx_N/ds_0 is (1, 0, 1.488, " \
           "-0.03648), adlib's (1, 0, 1.38, -0.144)." in words
    assert "Your distance_and_slope gives adlib's x_N and dx_N/dk at every drag" in words


@needs_source
def test_a_step_with_the_new_velocity_moves_the_ball_and_the_fit_settles_elsewhere(tmp_path):
    fig, words, _ = picture_of(wrong("step_with_new_velocity", tmp_path))
    ref = reference_ex08()
    (line,) = yours(fig, 0, "simulate")
    path = np.column_stack([line.get_xdata(), line.get_ydata()])
    gap = np.hypot(*(path - ref["states"][:, :2]).T)
    assert line.get_color() == RED and gap[0] == 0 and 0.3 < gap.max() < 1.0
    assert "your ball is up to 0.48 m off adlib's" in red_texts(fig)
    drawn, red = fit_drawn(fig)
    assert red and np.allclose(drawn[-3:], drawn[-1], rtol=1e-6) and 1e-4 < drawn[-1] < 1e-2   # a plateau
    assert "Your simulate leaves adlib's trajectory at step n = 1" in words
    assert "Your fit_drag ends at k = 0.02921 after 8 iterations, not the drag 0.03" in words
    assert "your simulate puts the ball elsewhere" in words


@needs_source
def test_a_fit_moving_the_wrong_way_is_marked_and_said(tmp_path):
    fig, words, _ = picture_of(wrong("fit_moves_the_wrong_way", tmp_path))
    drawn, red = fit_drawn(fig)
    assert red and np.isnan(drawn[3]) and drawn[2] > drawn[0]
    assert "Your fit_drag's k becomes nan at iteration 3, after -0.01671, -0.02748: it does not close in on " \
           "the drag 0.03 (red crosses)." in words
    assert "Your distance_and_slope gives adlib's x_N and dx_N/dk at every drag" in words


# --------------------------------------------------------------------------- (c) the reference

@needs_source
def test_the_reference_agrees_everywhere(tmp_path):
    path = shutil.copy(SOURCE, tmp_path / SOURCE.name)
    fig, words, _ = picture_of(path)
    ref = reference_ex08()
    (line,) = yours(fig, 0, "simulate")
    assert np.allclose(np.column_stack([line.get_xdata(), line.get_ydata()]), ref["states"][:, :2], atol=1e-12)
    for k, slope, red in tangents(fig) + tangents(fig, "reverse tangent"):
        assert not red and np.isclose(slope, ref["slope"][EX08_DRAGS.index(round(k, 6))], rtol=1e-9)
    band = 1e-6 * max(np.abs(ref["along"]))
    assert np.all(along(fig, "forward") < band) and np.all(along(fig, "reverse") < band)
    drawn, red = fit_drawn(fig)
    assert not red and len(drawn) == EX08_ITERATIONS + 1 and drawn[-1] < 1e-12
    assert not [line for ax in fig.axes for line in ax.get_lines() if line.get_color() == RED]
    assert not red_texts(fig)
    assert words == ("Your simulate gives adlib's trajectory, state by state. "
                     "Your distance_and_slope gives adlib's x_N and dx_N/dk at every drag: its lines touch the "
                     "curve. Your reverse_gradient gives adlib's dx_n/dk for every n, and adlib's dx_N/ds_0 = "
                     "(1, 0, 1.38, -0.144). Your fit_drag finds the drag the ball was thrown with, k = 0.03, "
                     "by iteration 4.")


# --------------------------------------------------------------------------- odd files and odd numbers

def test_missing_functions_a_loop_and_odd_returns_are_said_in_the_students_terms(tmp_path):
    path = tmp_path / STUB.name
    path.write_text("def simulate(angle, speed, drag, dt, steps):\n    while True:\n        pass\n")
    _, words, _ = picture_of(path, timeout=3.0)
    assert "more than 3 s" in words and "Your simulate did not finish." in words
    assert "Your step raised there is no function step in your file." in words
    path.write_text("def simulate(angle, speed, drag, dt, steps):\n    return [[0.0, 1.0]]\n"
                    "def distance_and_slope(angle, speed, drag, dt, steps):\n    return 3.0\n")
    fig, words, _ = picture_of(path)
    assert "Your simulate returned numbers of shape (1, 2), expected (101, 4)." in words
    assert "Your distance_and_slope returned float, expected the pair (x_N, dx_N/dk)." in words


@pytest.mark.parametrize("sections", [
    {"helpers": {"errors": "none"}, "simulate": {"states": "s", "error": None}},
    {"distance_and_slope": {"x": [1e300, float("nan")], "slope": [[1]], "error": None}},
    {"forward n": {"slopes": [float("inf")] * 200, "error": None}, "reverse n": {"slopes": None, "error": 3}},
    {"fit_drag": {"drags": [1e308, -1e308, float("nan")], "error": None}},
    {"simulate": {"states": np.full((STEPS + 1, 4), 1e300).tolist(), "error": None}},
])
def test_odd_numbers_from_a_probe_never_break_the_picture(sections):
    fig, words, drawing = figs.picture("ex08", {"sections": sections, "problem": ""})
    assert isinstance(words, str) and words and "could not be drawn" not in words

