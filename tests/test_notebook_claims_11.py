"""What notebook 11 says in prose agrees with the outputs stored beneath it.

Read as stored (nbval re-runs the notebook and checks the outputs are what the
code prints); when a re-run changes an output so that the sentence above it is no
longer true, a test here fails.  The widget's prompts (a step h narrower
than the gaps sees a flat step, many coins bring the estimators near the slope) are
checked on the functions themselves in tests/test_widgets_estimators.py.
"""
from __future__ import annotations

import math

import pytest

from notebook_outputs import load, numbers_after, printed, prose


@pytest.fixture(scope="module")
def nb():
    return load("11_randomness_and_chaos")


def test_reparameterisation_errors_shrink(nb):
    out = printed(nb, "sample_mean = lambda mu, sigma")
    errors = {int(numbers_after(line, "N =")[0]): numbers_after(line, "errors")
              for line in out.splitlines() if line.startswith("N =")}
    small = max(abs(e) for n in (10_000, 100_000) for e in errors[n])
    large = max(abs(e) for n in (10, 100) for e in errors[n])
    assert small < 0.01 and large > 10 * small


def test_the_coin_has_no_autodiff_gradient_and_the_estimators_find_slope_2(nb):
    out = printed(nb, "def mean_payoff(p, u=u)")
    mean, expectation = numbers_after(out, "mean payoff at p = 0.3:")[0], numbers_after(out, "1 + 2p =")[0]
    assert expectation == 1.6 and abs(mean - expectation) < 0.02
    assert numbers_after(out, "autodiff d/dp:")[0] == 0.0
    staircase = printed(nb, "few = coins.random(20)")
    flat, total = numbers_after(staircase, "flat on")[:2]
    assert "jumps by [0.1]" in staircase and flat / total > 0.95
    estimates = printed(nb, "score_estimate = adlib.grad")
    assert numbers_after(estimates, "autodiff of the program:")[0] == 0.0
    assert abs(numbers_after(estimates, "score function:")[0] - 2) < 0.1
    assert abs(numbers_after(estimates, "difference of means, h = 0.05:")[0] - 2) < 0.1


def test_score_function_spread_against_reparameterisation(nb):
    out = printed(nb, "for offset in (0.0, 5.0):")
    exact = numbers_after(out, "exact dJ/dmu =")[0]
    rows = [numbers_after(line, "cos +") for line in out.splitlines() if line.startswith("f = cos")]
    (_, rp_mean0, rp_spread0, sf_mean0, sf_spread0), (_, rp_mean5, rp_spread5, sf_mean5, sf_spread5) = rows
    # "right on average (within their spread divided by sqrt 200)"
    for mean, spread in ((rp_mean0, rp_spread0), (sf_mean0, sf_spread0), (rp_mean5, rp_spread5), (sf_mean5, sf_spread5)):
        assert abs(mean - exact) < spread / math.sqrt(200)
    assert sf_spread0 > rp_spread0 and 8 < sf_spread5 / sf_spread0 < 10      # "by about nine"
    assert "by about nine" in prose(nb)


def test_the_chaotic_loop(nb):
    out = printed(nb, "def logistic(r, n, x=0.5):")
    fixed_point_slope = numbers_after(out, "1/r^2 =")[0]
    rows = {(float(r[0]), int(r[1])): (float(r[2]), float(r[3]))
            for r in (line.split() for line in out.splitlines()) if len(r) == 4 and r[0] in ("2.8", "3.9")}
    assert rows[(2.8, 60)][0] == pytest.approx(fixed_point_slope, rel=1e-3)
    assert rows[(3.9, 10)][0] == pytest.approx(rows[(3.9, 10)][1], rel=1e-3)     # still agree at 10 steps
    assert rows[(3.9, 20)][0] != pytest.approx(rows[(3.9, 20)][1], rel=0.1)      # not at 20
    growth = numbers_after(printed(nb, "slopes = {r:"), "over 60 steps):")[0]
    assert growth == 0.54 and 7 < math.exp(4 * growth) < 13                     # "about tenfold every four steps"


def test_the_tiny_renderer(nb):
    out = printed(nb, "# Solution 3 ")
    assert "hard edge: gradient [0. 0.]" in out                     # a discrete choice per pixel
    centre = numbers_after(out, "centre after 30 steps")[:2]
    assert centre == pytest.approx([0.6, 0.4], abs=0.002)
    start, end = numbers_after(out, "differ from the photo:")[:2]
    assert end < start / 50



def test_the_worked_solutions(nb):
    baseline = printed(nb, "# Solution 1 ")
    spreads = {numbers_after(line, "c =")[0]: numbers_after(line, "standard deviation")[0]
               for line in baseline.splitlines() if line.startswith("baseline")}
    assert 2.5 < spreads[0.0] / spreads[1.6] < 3.5 and spreads[2.0] < spreads[1.6]   # "about threefold", "c = 2 better"
    assert "about threefold" in prose(nb)
    exponential = printed(nb, "# Solution 2 ")
    estimate, error = numbers_after(exponential, "reparameterisation:")[:2]
    assert abs(estimate - numbers_after(exponential, "lambda^3 =")[0]) < 2 * error
