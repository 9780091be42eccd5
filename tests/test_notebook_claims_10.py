"""What notebook 10 says in prose agrees with the outputs stored beneath it.

Read as stored (nbval re-runs the notebook and checks the outputs are what the
code prints); when a re-run changes an output so that the sentence above it is no
longer true, a test here fails.  The widget's prompts (the arrow near the best
angle, the drag-free curve, the unreachable target) are checked on the functions
themselves in tests/test_widgets_diffprog.py.
"""
from __future__ import annotations

import math
import re

import pytest

from notebook_outputs import cell, load, numbers_after, printed, prose


@pytest.fixture(scope="module")
def nb():
    return load("10_differentiable_programming")


def test_the_gradient_through_the_loop(nb):
    out = printed(nb, "d_angle, d_speed = adlib.grad(throw")
    reverse = numbers_after(out, "reverse mode through the loop:")
    central = numbers_after(out, "central differences:")
    d_angle, d_speed = reverse[0], reverse[1]
    assert [d_angle, d_speed] == pytest.approx([central[0], central[1]], abs=2e-6)
    assert "gradcheck: True" in out
    # "about half a metre per degree ... about 1.35 m per m/s"
    assert -0.55 < d_angle < -0.45 and round(d_speed, 2) == 1.35
    assert "about half a metre per degree" in prose(nb) and "about 1.35 m per m/s" in prose(nb)
    steps, widget_x, throw_x = numbers_after(out, "the loop ran")[:3]
    assert steps > 100 and widget_x == throw_x


def test_aiming_converges_geometrically_and_lands_within_10_cm_after_8_steps(nb):
    out = printed(nb, "descent, losses = diffprog.aim(")
    rows = {int(numbers_after(line, "step")[0]): numbers_after(line, "step")
            for line in out.splitlines() if line.startswith("step")}
    lands = {k: row[3] for k, row in rows.items()}
    losses = {k: row[4] for k, row in rows.items()}
    assert abs(lands[8] - 30.0) < 0.1 and abs(lands[4] - 30.0) > 0.1
    rates = [(math.log(losses[b]) - math.log(losses[a])) / (b - a) for a, b in ((0, 4), (4, 8), (8, 12))]
    assert max(rates) < 0 and max(rates) / min(rates) > 0.8       # a straight line on the log scale
    assert "after 8 steps the ball lands within 10 cm" in prose(nb)


def test_kepler_newton_converges_in_six_iterations_and_its_derivative_with_it(nb):
    out = printed(nb, "def error(x):")
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+\d+\s", line)]
    table = {int(r[0]): r for r in rows}
    assert "<" not in " ".join(table[5]) and table[6][1] == "<" and table[6][-2:] == ["<", "1e-14"]
    assert "(six iterations here)" in prose(nb)
    implicit = printed(nb, "@adlib.primitive\ndef kepler")
    values = numbers_after(implicit, "implicit rule dE/de:")
    assert values[0] == values[-1]
    assert "gradcheck at 5 points of an orbit, e = 0.7: True" in implicit


def test_the_worked_solutions(nb):
    ascent = printed(nb, "# Solution 1 ")
    angle, best = numbers_after(ascent, "gradient ascent:")[0], numbers_after(ascent, "grid:")[0]
    assert abs(angle - best) < 0.1 and angle < 45
    drag = printed(nb, "# Solution 2 ")
    assert abs(numbers_after(drag.splitlines()[-2], "miss before the step")[0]) < 1e-6
    assert "gradcheck in k: True" in drag
    cube = printed(nb, "# Solution 3 ")
    assert numbers_after(cube, "gradient:")[:3] == numbers_after(cube, "formula:")[:3] and "gradcheck: True" in cube
    fixed_point = printed(nb, "# Solution 4 ")
    assert numbers_after(fixed_point, "implicit:") == numbers_after(fixed_point, "unrolled:")
    assert "gradcheck: True" in fixed_point


def test_the_unrolled_solver_keeps_about_ten_arrays_per_iteration_and_the_primitive_far_fewer(nb):
    text = prose(nb)
    assert "about ten arrays per iteration; the implicit primitive keeps one" in text
    assert "For 20,000 positions along an orbit" in text
    source = "def measure(loss):"
    assert "np.linspace(0.0, 2 * np.pi, 20_000)" in cell(nb, source).source
    out = printed(nb, source)
    peaks = {int(numbers_after(line, "unrolled,")[0]): numbers_after(line, "peak memory")[0]
             for line in out.splitlines() if line.startswith("unrolled,")}
    implicit = numbers_after(next(line for line in out.splitlines() if line.startswith("implicit")), "peak memory")[0]
    assert sorted(peaks) == [5, 10, 20, 40]
    assert [peaks[k] for k in sorted(peaks)] == sorted(peaks.values())       # grows with the iterations
    array_mb = 20_000 * 8 / 1e6                                             # one float64 array of the orbit
    per_iteration = (peaks[40] - peaks[5]) / (40 - 5) / array_mb
    assert 6 <= per_iteration <= 14, f"{per_iteration:.1f} arrays per iteration is not about ten"
    assert implicit < per_iteration * array_mb, "the implicit primitive should keep less than one iteration's worth"


def test_the_widget_map_is_41_by_41_launches(nb):
    from adlib.widgets import diffprog

    assert "run on 41 × 41 launches at once" in prose(nb)
    angles, speeds, miss = diffprog.miss_grid(30.0)          # the widget calls it with the default n
    assert miss.shape == (41, 41) and len(angles) == len(speeds) == 41
