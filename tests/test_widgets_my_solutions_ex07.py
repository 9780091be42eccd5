"""The "your solutions" picture of ex07 (forward against reverse): the calls the student's Jacobian
builders make, counted, against adlib's; their Jacobians' values; chain_cost and cheaper_mode against
adlib's.  A stub says per part that it is not written yet, a wrong solution shows its mistake in the
picture's data, the reference agrees everywhere.  Plain functions only; the student's code runs in
child processes (adlib.widgets.my_solutions.run_probe).

Wrong solutions are the reference with one of test_grade_ex07.py's mistakes.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from adlib.widgets import my_solutions as ms
from adlib.widgets import my_solutions_figures as figs
from adlib.widgets.my_solutions_figures_costs import RED
from adlib.widgets.my_solutions_probe_costs import (EX07_CHAINS, EX07_FIXED, EX07_GRID, EX07_MODE_CASES,
                                                    counted_map, ex07_map)
from adlib.widgets.my_solutions_reference import reference_ex07

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "exercises" / "ex07_mode_cost.py"
SOURCE = ROOT / "exercises" / "source" / "ex07_mode_cost.py"
needs_source = pytest.mark.skipif(not SOURCE.is_file(), reason="exercises/source/ (instructor-only) is absent")
OFFSET = {"jvp": -0.18, "back": 0.0, "vjp": 0.18}      # where each count's marker sits beside its size


def wrong(name, folder):
    sys.path[:0] = [str(ROOT / "tests" / "grade_fixtures"), str(ROOT / "tests")]
    try:
        from mistakes import write_wrong_solution
        from test_grade_ex07 import MISTAKES
    finally:
        del sys.path[:2]
    return write_wrong_solution(name, folder, MISTAKES)


def picture_of(path, timeout=20.0):
    return figs.picture("ex07", ms.run_probe(path, timeout=timeout))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def markers(fig, key):
    """{(n, m): (your count, filled?)} read from the two count panels' markers of ``key``."""
    found = {}
    for ax, vary in zip(fig.axes[:2], "nm"):
        for line in ax.get_lines():
            if line.get_label() != f"_yours {key}":
                continue
            x, y = float(line.get_xdata()[0]), float(line.get_ydata()[0])
            size = int(round(x - OFFSET[key]))
            n, m = (size, EX07_FIXED) if vary == "n" else (EX07_FIXED, size)
            filled = line.get_markerfacecolor() != "white" and line.get_markeredgecolor() != RED
            found[(n, m)] = (y, filled)
    return found


def chain_bars(fig):
    """{grouping: [your narrow bar's height per chain]} from the chain_cost panel."""
    ax = fig.axes[2]
    return {g: [c.patches[0].get_height() for c in ax.containers if c.get_label() == f"_yours {g}"]
            for g in ("forward", "reverse")}


def table_cells(fig):
    return [t.get_text() for t in fig.axes[3].texts]


# --------------------------------------------------------------------------- adlib's side

def test_adlibs_side_is_the_known_jacobian_and_counts():
    """adlib's Jacobians are diag(1 - tanh(Ax)²) A + B, and its counted passes are n JVPs, one recording
    and m VJPs; cheaper_mode's and chain_cost's references are adlib's own functions."""
    from adlib.widgets.costs import chain_cost
    from adlib.widgets.mode_cost import predicted_winner
    ref = reference_ex07()
    for n, m in EX07_GRID:
        A, B, x = ex07_map(n, m)
        want = (1 - np.tanh(A @ x) ** 2)[:, None] * A + B
        assert np.allclose(ref["sizes"][(n, m)]["J"], want, atol=1e-12)
        assert {k: ref["sizes"][(n, m)][k] for k in ("jvp", "vjp", "back")} == {"jvp": n, "vjp": 1, "back": m}
    assert ref["modes"] == [predicted_winner(n, m) for n, m in EX07_MODE_CASES]
    assert ref["chains"]["forward"][0] == chain_cost(list(EX07_CHAINS[0]), "forward") == 90
    assert ref["chains"]["reverse"][0] == chain_cost(list(EX07_CHAINS[0]), "reverse") == 36


def test_the_probes_counted_map_gives_the_same_jacobian_and_counts_every_call():
    A, B, x = ex07_map(4, 3)
    jvp, vjp, counts = counted_map(A, B, x.copy())
    J = np.stack([jvp(x, e)[1] for e in np.eye(4)], axis=1)
    y, back = vjp(x)
    assert np.allclose(np.stack([back(e) for e in np.eye(3)]), J)
    assert np.allclose(J, reference_ex07()["sizes"][(4, 3)]["J"])
    jvp(x + 1.0, np.ones(4))
    assert counts == {"jvp": 5, "vjp": 1, "back": 3, "elsewhere": 1}
    with pytest.raises(ValueError, match=r"the tangent v \(one JVP per call\) must be one vector of shape \(4,\)"):
        jvp(x, np.eye(4))


# --------------------------------------------------------------------------- (a) the stub

def test_the_stub_says_per_part_that_it_is_not_written_yet():
    fig, words, drawing = picture_of(STUB)
    for part in ("jacobian_by_jvps", "jacobian_by_vjps", "cheaper_mode", "chain_cost"):
        assert f"Your {part} is not written yet (it raises NotImplementedError)." in words
    assert drawing == ""
    assert all(markers(fig, key) == {} for key in OFFSET)           # only adlib's lines
    assert chain_bars(fig) == {"forward": [], "reverse": []}         # only adlib's bars
    cells = table_cells(fig)
    assert cells.count("✗ —") == len(EX07_MODE_CASES) and "cheaper_mode: not written yet" in cells
    for ax in fig.axes[:2]:
        notes = {t.get_text() for t in ax.texts}
        assert {"jacobian_by_jvps: not written yet", "jacobian_by_vjps: not written yet"} <= notes
    assert "chain_cost: not written yet" in [t.get_text() for t in fig.axes[2].texts]


# --------------------------------------------------------------------------- (b) wrong solutions

@needs_source
def test_an_extra_jvp_shows_as_n_plus_one_calls_in_feedback_and_picture(tmp_path):
    path = wrong("ex07_jvp_extra_call_for_m", tmp_path)
    result = ms.grade_file(path)
    assert any("forward mode needs exactly one JVP per input" in r.output for r in result.rows if not r.passed)
    fig, words, _ = picture_of(path)
    # one JVP more than n at every size, each marker filled (the Jacobian itself is right)
    assert markers(fig, "jvp") == {(n, m): (n + 1, True) for n, m in EX07_GRID}
    assert "Your jacobian_by_jvps called jvp 9 times for n = 8, m = 3, where adlib makes 8 JVPs, one per input" in words
    assert "your count differs at 10 of 10 sizes" in words
    assert "Your jacobian_by_vjps makes adlib's number of calls and builds adlib's Jacobian at every size." in words


@needs_source
def test_recording_f_for_every_row_shows_as_m_plus_one_recordings(tmp_path):
    fig, words, _ = picture_of(wrong("ex07_vjp_records_every_row", tmp_path))
    assert markers(fig, "vjp") == {(n, m): (m + 1, True) for n, m in EX07_GRID}
    assert markers(fig, "back") == {(n, m): (m, True) for n, m in EX07_GRID}
    assert "Your jacobian_by_vjps called vjp 4 times for n = 1, m = 3, where adlib calls vjp 1 time" in words
    assert "jacobian_by_vjps: 9 recordings, adlib 1" in [t.get_text() for t in fig.axes[1].texts]


@needs_source
def test_a_transposed_jacobian_shows_as_hollow_markers_with_its_shape(tmp_path):
    fig, words, _ = picture_of(wrong("ex07_jvp_columns_as_rows", tmp_path))
    assert markers(fig, "jvp") == {(n, m): (n, False) for n, m in EX07_GRID}   # right count, wrong values
    assert all(filled for _, filled in markers(fig, "back").values())
    assert "Your jacobian_by_jvps builds a wrong Jacobian at 10 of 10 sizes (hollow red markers): " \
           "for n = 1, m = 3 its shape is (1, 3), adlib's (3, 1)." in words


@needs_source
def test_jvp_arguments_swapped_show_the_largest_error_and_the_calls_away_from_x(tmp_path):
    fig, words, _ = picture_of(wrong("ex07_jvp_arguments_swapped", tmp_path))
    assert not any(filled for _, filled in markers(fig, "jvp").values())
    assert "made 36 of its calls at a point other than x" in words    # n summed over the grid: 5·3 + 1+2+4+6+8
    assert "the largest |yours − adlib's| is" in words
    assert any(t.get_text().startswith("jacobian_by_jvps: wrong J, off by up to ") for t in fig.axes[0].texts)


@needs_source
def test_swapped_groupings_show_as_each_others_bars(tmp_path):
    fig, words, _ = picture_of(wrong("ex07_cost_groupings_swapped", tmp_path))
    ref = reference_ex07()["chains"]
    bars = chain_bars(fig)
    assert bars == {"forward": ref["reverse"], "reverse": ref["forward"]} and bars["forward"] != ref["forward"]
    assert "Your chain_cost has the two groupings swapped: for [6, 4, 3, 1] it says 36 forward and 90 reverse, " \
           "adlib 90 and 36." in words
    red = [t.get_text() for t in fig.axes[2].texts if t.get_color() == RED]
    assert red == [f"{v:g}" for i in range(len(EX07_CHAINS)) for v in (ref["reverse"][i], ref["forward"][i])]


@needs_source
def test_the_mode_with_more_passes_is_marked_wrong_in_the_table(tmp_path):
    fig, words, _ = picture_of(wrong("ex07_mode_with_more_passes", tmp_path))
    cells = table_cells(fig)
    assert "✗ forward" in cells and "✗ reverse" in cells and "✓ tie" in cells
    assert "Your cheaper_mode says 'forward' for (n, m) = (100, 1), where adlib says 'reverse'" in words


# --------------------------------------------------------------------------- (c) the reference

@needs_source
def test_the_reference_agrees_everywhere(tmp_path):
    path = shutil.copy(SOURCE, tmp_path / SOURCE.name)
    fig, words, _ = picture_of(path)
    ref = reference_ex07()
    for key in OFFSET:
        assert markers(fig, key) == {s: (ref["sizes"][s][key], True) for s in EX07_GRID}
    assert chain_bars(fig) == ref["chains"]
    assert [c for c in table_cells(fig) if c.startswith(("✓", "✗"))] == [f"✓ {w}" for w in ref["modes"]]
    assert not [t for ax in fig.axes for t in ax.texts if t.get_color() == RED]
    assert words == ("Your jacobian_by_jvps makes adlib's number of calls and builds adlib's Jacobian at every size. "
                     "Your jacobian_by_vjps makes adlib's number of calls and builds adlib's Jacobian at every size. "
                     "Your cheaper_mode agrees with adlib on every (n, m) of the table. "
                     "Your chain_cost gives adlib's count for both groupings of every chain.")


# --------------------------------------------------------------------------- odd files and odd numbers

def test_missing_functions_and_a_loop_are_said_in_the_students_terms(tmp_path):
    path = tmp_path / STUB.name
    path.write_text("def jacobian_by_jvps(jvp, x):\n    while True:\n        pass\n")
    fig, words, _ = picture_of(path, timeout=3.0)
    assert "more than 3 s" in words and "Your jacobian_by_jvps did not finish." in words
    path.write_text("def chain_cost(dims, grouping):\n    return 'lots'\n")
    fig, words, _ = picture_of(path)
    assert "Your jacobian_by_jvps raised there is no function jacobian_by_jvps in your file." in words
    assert "Your chain_cost raised TypeError: got str, not a number" in words


@pytest.mark.parametrize("sections", [
    {"jacobian_by_jvps n=1 m=3": {"J": "J", "jvp": "one", "vjp": None, "back": 0, "elsewhere": None, "error": None}},
    {"jacobian_by_vjps n=3 m=2": {"J": [[1, 2], [3]], "jvp": 0, "vjp": 1, "back": 2, "elsewhere": 0, "error": None}},
    {"chain_cost": {"forward": [1e300, float("nan")], "reverse": "x", "errors": {}}},
    {"cheaper_mode": {"answers": [3, None], "errors": "none"}},
])
def test_odd_numbers_from_a_probe_never_break_the_picture(sections):
    fig, words, drawing = figs.picture("ex07", {"sections": sections, "problem": ""})
    assert isinstance(words, str) and words and "could not be drawn" not in words
