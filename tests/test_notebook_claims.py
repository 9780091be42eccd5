"""What notebooks 01, 02, 03, 04 and 08 say in prose agrees with the outputs stored beneath it.

Each test reads a notebook as stored (nbformat, no execution: nbval re-runs the
notebooks and checks the stored outputs are what the code prints), finds the cell
that prints a number the prose relies on, and checks the claim: a count, a slope,
a loss, a comparison.  When a re-run changes an output so that the sentence above
it is no longer true, a test here fails.  (Notebooks 05, 06, 07, 09 are checked by
tests/test_notebook_claims_b.py.)
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from notebook_outputs import NUMBER, cell, load, numbers_after, printed, prose  # noqa: F401

MINE = ["01_why_gradients", "02_numerical_differentiation", "03_chain_rule_and_evaluation_trace",
        "04_forward_mode", "08_training_a_network"]


# --------------------------------------------------------------------------- all five

def _outside_math_and_code(text):
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " ", text)
    return re.sub(r"`[^`]*`", " ", text)


@pytest.mark.parametrize("stem", MINE)
def test_prose_has_no_escaped_newlines_and_corrects_no_notes(stem):
    text = prose(load(stem))
    assert "\\n" not in _outside_math_and_code(text), f"{stem}: a literal \\n in the prose"
    for phrase in ("source notes", "the notes'", "the notes say", "lecture's code", "source material"):
        assert phrase not in text.lower(), (f"{stem}: the prose mentions {phrase!r}; say what the common "
                                            "mistake is instead (a student may not have the notes)")


# --------------------------------------------------------------------------- 01

def test_01_counts_of_the_three_searches():
    nb = load("01_why_gradients")
    random_n = numbers_after(printed(nb, "random_result = tn.random_search"), "random search:")[0]
    assert 1_000 <= random_n < 100_000, "the prose says 'thousands of guesses'"
    steps, evaluations = numbers_after(printed(nb, "descent_result = tn.gradient_descent"), "gradient descent:")[:2]
    assert evaluations == 5 * steps + 1, "the prose says 4 + 1 = 5 evaluations per step"
    assert 30 <= evaluations <= 50, "the prose says 'about forty evaluations'"
    grids = printed(nb, "coarse = tn.grid_search")
    coarse = re.search(r"grid of 10 values per weight: (\d+) evaluations", grids).group(1)
    assert int(coarse) == 10 ** 4, "the prose says a grid of 10 values per weight costs 10^4 evaluations"
    years = numbers_after(grids, "at 10^9 evaluations a second:")[0]
    assert 1_000 <= years < 10_000, "the prose says a coarse grid for twenty weights runs for thousands of years"
    assert "thousands of years" in prose(nb)


def test_01_cost_table_supports_its_paragraph():
    text = printed(load("01_why_gradients"), "tolerances = [1e-1")
    rows = [numbers_after(line, "loss <") for line in text.splitlines() if line.startswith("loss <")]
    random = [r[2] for r in rows]            # loss < tol: random search (median of 9) R   gradient descent D
    descent = [r[3] for r in rows]
    assert random[0] <= descent[0], "'for a rough fit a lucky guess is as good as anything'"
    steps = np.diff(descent)
    assert set(steps) <= {5.0, 10.0}, "'every extra digit costs gradient descent one or two more steps of five'"
    assert all(b > a for a, b in zip(random, random[1:])), "'it multiplies the cost of random search'"
    assert random[-1] > 10 * descent[-1]


def test_01_landscape_steps_shrink_and_solution_3_is_the_dead_relu_plateau():
    nb = load("01_why_gradients")
    first, last = numbers_after(printed(nb, "landscape.plot_landscape(ax"), "length of the first step")[:2]
    assert last < first / 100, "'the steps shrink as the ground flattens'"
    text = printed(nb, "# Solution 3")
    runs = {lr: numbers_after(text, f"learning rate {lr}:") for lr in ("0.01", "0.1", "0.5")}
    assert min(runs, key=lambda lr: runs[lr][1]) == "0.1", "exercise 3: 0.1 needs the fewest evaluations"
    steps, _, final = runs["0.5"][:3]
    assert steps == 200, "max_steps=200 makes 200 steps"
    assert final == pytest.approx(1.9 ** 2), "stuck at t^2 = 3.61"
    w = numbers_after(text, "final weights (w1_1, w1_2, w2_1, w2_2):")
    assert w[0] < 0 and w[1] < 0, "both first-layer weights negative: both units dead"
    h1, h2, y_out, *grad = numbers_after(text, "h1 =")[0:1] + numbers_after(text, "h2 =")[0:1] + \
        numbers_after(text, "y =")[0:1] + numbers_after(text, "gradient there:")
    assert h1 == h2 == y_out == 0 and grad == [0, 0, 0, 0]
    history = numbers_after(text, "loss after 0..5 steps:")
    assert max(history) > history[0], "the loss first overshoots upwards"


def test_01_the_slider_cannot_make_the_loss_exactly_zero():
    """'Try it' 1: the exact w2_1 is not on the slider's grid, so the question's 'why not' holds."""
    from adlib.widgets import tiny_network as tn
    box = tn.make_tiny_network_widget()
    slider = box.sliders["w2_1"]
    assert slider.step == pytest.approx(0.01)
    s = tn.LECTURE_SETTING
    grid = np.arange(slider.min, slider.max + slider.step / 2, slider.step)
    losses = [tn.tiny_network_loss(**dict(s, w2_1=float(v))) for v in grid]
    assert min(losses) > 1e-8
    exact = (s["target"] - s["w2_2"] * s["w1_2"] * s["x"]) / (s["w1_1"] * s["x"])
    assert tn.tiny_network_loss(**dict(s, w2_1=exact)) < 1e-20


# --------------------------------------------------------------------------- 02

def _best_steps(nb):
    text = printed(nb, "numdiff.best_steps")
    table, dtype = {}, None
    for line in text.splitlines():
        if line.strip() in ("float64", "float32"):
            dtype = line.strip()
        elif "measured best h" in line:
            method = line.split()[0]
            h = float(re.search(r"measured best h = (\S+)", line).group(1))
            digits = float(re.search(r"\((\d+) correct digits\)", line).group(1))
            table[dtype, method] = (h, digits)
    return table


def test_02_best_steps_and_digits_are_what_the_prose_says():
    t = _best_steps(load("02_numerical_differentiation"))
    h, digits = t["float64", "forward"]
    assert 3e-9 <= h <= 3e-8 and digits == 8, "'best forward step near 1e-8, about 8 correct digits'"
    h, digits = t["float64", "central"]
    assert 1e-6 <= h < 1e-5 and digits == 11, "'a few times 1e-6, about 11 digits'"
    h, digits = t["float32", "forward"]
    assert 3e-5 <= h <= 3e-4 and digits == 3, "'float32: near 1e-4, only about 3 digits'"


def test_02_truncation_orders_and_evaluation_counts():
    nb = load("02_numerical_differentiation")
    text = printed(nb, 'for h in [1e-2, 1e-3, 1e-4]:')
    rows = [[float(x) for x in re.findall(r"error (" + NUMBER + ")", line)] for line in text.splitlines()]
    for (f1, c1), (f2, c2) in zip(rows, rows[1:]):
        assert f1 / f2 == pytest.approx(10, rel=0.05) and c1 / c2 == pytest.approx(100, rel=0.05)
    text = printed(nb, "class Counted:")
    for line in text.splitlines():
        n, calls = int(re.search(r"n = +(\d+)", line).group(1)), int(re.search(r"(\d+) evaluations", line).group(1))
        assert calls == (n + 1 if "forward" in line else 2 * n + 1)
    seconds, hours = [float(x) for x in re.findall(NUMBER, printed(nb, "# Solution 4"))[:2]]
    assert hours == pytest.approx(seconds / 3600, abs=0.05)


# --------------------------------------------------------------------------- 03

def test_03_swell_growth_and_the_checks_it_prints():
    nb = load("03_chain_rule_and_evaluation_trace")
    text = printed(nb, "swell.swell_table(12)")
    factors = [float(x) for x in re.findall(r"\(x(\d+\.\d+)\)", text)]
    steps = {int(x) for x in re.findall(r"\(\+(\d+)\)", text)}
    assert factors and min(factors) > 2, "'grows by a factor of more than two per level'"
    assert len(steps) == 1, "'cached, it grows by the same number of operations per level'"
    for part in ('print(f"by hand', "for name, adjoint in trace.chain_backward(tr):"):
        out = printed(nb, part)
        assert out.count("True") == 2 and "False" not in out
    chain = printed(nb, "for name, adjoint in trace.chain_backward(tr):")
    dl_dw = numbers_after(chain, "dL/dw ")[0]
    t3 = numbers_after(printed(nb, "for name, formula, _arg, _op in trace.TRACE_STEPS"), "t3 = -t2          =")[0]
    slip = numbers_after(printed(nb, "wrong = dL_dw"), "with the slip:")[0]
    assert t3 == -2 and slip == pytest.approx(t3 * dl_dw, rel=1e-9), "'off by exactly the factor t3 = -2'"


def test_03_solution_3_growth():
    text = printed(load("03_chain_rule_and_evaluation_trace"), "# Solution 3")
    rows = [[int(v) for v in re.findall(r"\d+", line)] for line in text.splitlines()]
    tree_g = [r[1] for r in rows]
    cached_g = [r[2] for r in rows]
    tree_d = [r[3] for r in rows]
    cached_d = [r[4] for r in rows]
    assert tree_g == [2 ** n - 1 for n in range(1, len(rows) + 1)], "'g_n written out has 2^n - 1 nodes'"
    assert all(b / a > 2 for a, b in zip(tree_d[1:], tree_d[2:])), "'its derivative grows even faster'"
    assert len(set(np.diff(cached_g))) == 1 and len(set(np.diff(cached_d[1:]))) == 1, "'cached: a constant per level'"


# --------------------------------------------------------------------------- 04

def test_04_fitted_slopes_are_what_the_prose_says():
    text = printed(load("04_forward_mode"), "forward_cost.measure_forward_cost")
    gradient = numbers_after(text, "gradient time")[0]
    one_f = numbers_after(text, "one evaluation of f")[0]
    ratio = numbers_after(text, "ratio gradient / f")[0]
    assert 1.6 <= gradient <= 2.5, "'d passes grow like d^2: slope 2'"
    assert 0.6 <= one_f <= 1.4, "'one pass ... grows like d'"
    assert 0.6 <= ratio <= 1.5, "'the ratio grows in proportion to d: its fitted slope is about 1'"


def test_04_second_and_third_derivatives_match_their_closed_forms():
    text = printed(load("04_forward_mode"), "second = adlib.derivative")
    for line in text.splitlines():
        got, closed = [float(x) for x in re.findall(r"= +(" + NUMBER + ")", line)][:2]
        assert got == pytest.approx(closed, rel=1e-12)
    assert numbers_after(printed(load("04_forward_mode"), "x = rng.normal(size=5)"), "passes:")[0] == 5


# --------------------------------------------------------------------------- 08

def test_08_before_and_after_training_mean_the_same_thing_everywhere():
    nb = load("08_training_a_network")
    text = prose(nb) + "".join(printed(nb, s) for s in ('print(f"loss before training:',))
    assert "after step 1" not in text
    before = numbers_after(printed(nb, "print(len(model.parameters())"), "before training: loss")[0]
    scalar_before, scalar_after = numbers_after(printed(nb, 'print(f"loss before training:'), "loss before training:")[::2][:2]
    array_after = numbers_after(printed(nb, "params = training.mlp_arrays(MLP(2, [16, 16, 1], seed=0))\nprint"),
                                "array model after 20 steps: loss")[0]
    assert scalar_before == before, "the loss before training is the untrained model's loss"
    assert scalar_after == array_after, "both engines' 'after 20 steps' are the same loss"


def test_08_learning_rates_on_the_moons():
    text = printed(load("08_training_a_network"), "for lr in (0.1, 1.0, 10.0):")
    runs = {}
    for line in text.splitlines():
        lr = float(re.search(r"lr = +(\S+):", line).group(1))
        after_1 = float(re.search(r"after 1 step (\S+),", line).group(1))
        after_100 = float(re.search(r"after 100 steps (\S+);", line).group(1))
        ups = int(re.search(r"went up on (\d+) of", line).group(1))
        runs[lr] = (after_1, after_100, ups)
    assert runs[0.1][2] < runs[1.0][2], "'rarely goes up' at 0.1, 'many more' at 1"
    assert runs[1.0][1] < runs[0.1][1], "'falls faster' at 1"
    assert runs[10.0][0] > 30 and runs[10.0][1] > 1e3, "at 10 the first step leaves the plot (ylim 30), never to return"


def test_08_regimes_follow_the_thresholds():
    text = printed(load("08_training_a_network"), "slow, fast = regime_thresholds()")
    slow, fast = numbers_after(text, "oscillation starts at lr =")[:2]
    for line in text.splitlines()[1:]:
        lr, name = float(re.search(r"lr = (\S+):", line).group(1)), line.split(": ")[1]
        assert name == ("converges" if lr < slow else "oscillates" if lr < fast else "diverges")
    assert "0 of 100" in printed(load("08_training_a_network"), "# Solution 1")
    small = numbers_after(printed(load("08_training_a_network"), "# Solution 3"), "[4, 1]:     accuracy")[0]
    assert 95 <= small < 100, "'nearly enough: it gets almost all of them right'"


def test_number_helper():
    assert numbers_after("a: 1, 2.5e-3 and -4", "a:") == [1.0, 2.5e-3, -4.0]
    assert math.isfinite(float(re.findall(NUMBER, "x 1e+25")[0]))


def test_01_descent_divides_the_loss_and_the_coarse_grid_stays_above_it():
    nb = load("01_why_gradients")
    text = printed(nb, "descent_result = tn.gradient_descent")
    history = numbers_after(text, "loss after each step:")
    assert all(b <= a / 3 for a, b in zip(history, history[1:])), "'divides the loss by three or more'"
    coarse_loss = float(re.search(r"best loss (\S+)", printed(nb, "coarse = tn.grid_search")).group(1))
    assert coarse_loss > history[-1], "'a coarse grid cannot land closer than its spacing allows'"


def test_08_the_scalar_graph_is_tens_of_thousands_of_values():
    text = printed(load("08_training_a_network"), 'print(len(model.parameters()), "parameters")')
    size, per_example = [int(v) for v in re.search(r"graph of (\d+) Values \((\d+) per example\)", text).groups()]
    assert 10_000 <= size < 100_000, "'a graph of tens of thousands of Values'"
    assert 100 <= per_example < 1000, "'hundreds per example'"


def test_04_one_pass_costs_of_order_ten_evaluations():
    text = printed(load("04_forward_mode"), "forward_cost.measure_forward_cost")
    for line in text.splitlines():
        if line.startswith("d = ") and int(re.search(r"d = +(\d+)", line).group(1)) >= 8:
            per_pass = float(re.search(r"ratio / d +(\S+)", line).group(1))
            assert 3 <= per_pass <= 30, "'ratio / d: of order ten'"


def test_02_the_bottom_of_each_v_sits_where_the_model_says():
    text = printed(load("02_numerical_differentiation"), "numdiff.best_steps")
    float64 = text.split("float32")[0]
    for method in ("forward", "backward", "central"):
        line = next(l for l in float64.splitlines() if l.strip().startswith(method))
        model = float(re.search(r"model h\* = (\S+)", line).group(1))
        measured = float(re.search(r"measured best h = (\S+)", line).group(1))
        assert 1 / 3 <= measured / model <= 3, f"{method}: the V's bottom {measured} is not near the model's {model}"


@pytest.mark.parametrize("stem", MINE)
def test_links_to_other_notebooks_lead_somewhere(stem):
    from notebook_outputs import NOTEBOOKS
    targets = re.findall(r"\]\(([^)#]+\.ipynb)\)", prose(load(stem)))
    missing = [t for t in targets if not (NOTEBOOKS / t).exists()]
    assert not missing, f"{stem} links to notebooks that do not exist: {missing}"
