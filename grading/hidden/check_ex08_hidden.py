"""Exercise 8, hidden checks (the instructor's: shipped only in the Gradescope autograder).

The same tasks as the public checks on other cases: one step, a long flight, strong drag and
coarse steps, and states far from the launch point, where a finite difference of the step
loses its digits to rounding while the chain rule stays exact.
"""
import pytest

from adlib.grade.checks.check_ex08 import (check_distance_and_slope, check_reverse_gradient, check_step_adjoint,
                                           check_step_tangent, exact_far)

pytestmark = [pytest.mark.ex08, pytest.mark.hidden]


@pytest.mark.points(1)
def test_one_step(student, rng):
    """both derivatives of a flight of a single step (N = 1)"""
    check_distance_and_slope(student, rng, steps=(1, 2))
    check_reverse_gradient(student, rng, steps=(1, 2))


@pytest.mark.points(1)
def test_long_flight(student, rng):
    """both derivatives through a loop of 1500 to 2500 small steps"""
    check_distance_and_slope(student, rng, dt=(0.001, 0.003), steps=(1500, 2500))
    check_reverse_gradient(student, rng, dt=(0.001, 0.003), steps=(1500, 2500))


@pytest.mark.points(1)
def test_strong_drag_coarse_steps(student, rng):
    """both derivatives with strong drag, coarse steps, flat, steep and downward launches"""
    # Δt·k·v stays below 0.5: no Euler step reverses the velocity
    ranges = {"angle": (-30, 85), "speed": (2, 12), "drag": (0.1, 0.5), "dt": (0.04, 0.08), "steps": (5, 60)}
    check_distance_and_slope(student, rng, **ranges)
    check_reverse_gradient(student, rng, **ranges)


@pytest.mark.points(1)
def test_exact_far_from_launch(student, rng):
    """step_tangent and step_adjoint are exact 10¹¹ m from the launch point (no finite differences)"""
    exact_far(check_step_tangent, student, rng, far=1e11)
    exact_far(check_step_adjoint, student, rng, far=1e11)
