"""Exercise 1, hidden checks (the instructor's: shipped only in the Gradescope autograder)."""
import pytest

from adlib.grade.expect import Mistake
from adlib.grade.sandbox import StudentFailure

pytestmark = [pytest.mark.ex01, pytest.mark.hidden]


@pytest.mark.points(1)
def test_best_step_rejects_unknown(student, rng):
    """best_step raises ValueError for an unknown method"""
    try:
        got = student.call("best_step_raises", "sideways")
    except StudentFailure as failure:
        if failure.kind == "not_implemented":
            raise
        raise Mistake(f'best_step("sideways") should raise ValueError, not: {failure.message}') from None
    if got != "ValueError":
        raise Mistake('best_step("sideways") returned instead of raising ValueError')
