"""Exercise 7, hidden checks (the instructor's: shipped only in the Gradescope autograder).

Other cases of the public tasks: one input or one output, ties, extreme shapes, and chains
of one, two and many Jacobians.
"""
import numpy as np
import pytest

from adlib.grade.checks.check_ex07 import call, check_cost, check_count, check_modes, check_values, draw_map

pytestmark = [pytest.mark.ex07, pytest.mark.hidden]


def _thin_and_wide(student, rng, mode):
    """f: R^1 -> R^m and f: R^n -> R^1, one of them linear, values and passes both."""
    linear = int(rng.integers(2))
    for i, (n, m) in enumerate([(1, int(rng.integers(2, 6))), (int(rng.integers(2, 6)), 1)]):
        got, want = call(student, mode, *draw_map(rng, n, m, kind="linear" if i == linear else None))
        check_values(got, want, mode)
        check_count(got, want, mode)


@pytest.mark.points(1)
def test_forward_one_input_or_one_output(student, rng):
    """jacobian_by_jvps for n = 1 and for m = 1: the right Jacobian, with n JVPs"""
    _thin_and_wide(student, rng, "forward")


@pytest.mark.points(1)
def test_reverse_one_input_or_one_output(student, rng):
    """jacobian_by_vjps for n = 1 and for m = 1: the right Jacobian, with one recording and m VJPs"""
    _thin_and_wide(student, rng, "reverse")


@pytest.mark.points(1)
def test_cheaper_mode_ties_and_extremes(student, rng):
    """cheaper_mode when n = m (a tie), and for one input or one output"""
    k, big = int(rng.integers(2, 500)), int(rng.integers(2, 10 ** 6))
    cases = [(k, k), (1, 1), (1, big), (big, 1), (big, big)]
    check_modes(student, [cases[i] for i in rng.permutation(len(cases))])


@pytest.mark.points(1)
def test_chain_cost_short_and_long_chains(student, rng):
    """chain_cost for one Jacobian (no product), two (one product, either grouping) and ten"""
    for length in (2, 3, 11):
        dims = [int(d) for d in rng.integers(1, 60, size=length)]
        for grouping in ("forward", "reverse"):
            check_cost(student, dims, grouping)
    check_cost(student, [int(d) for d in np.full(5, rng.integers(2, 9))], "reverse")   # all sizes equal
