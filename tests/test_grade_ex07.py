"""Exercise 7 graded: each realistic mistake loses exactly its tests with feedback naming it, and
hostile solutions (zeros of the right shape, extra passes, hard-coded answers, a batch of tangents
in one call) earn nothing they should not.  The reference's full marks and the stub's zero are
tested for every exercise in test_grade_core.py."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from adlib.grade.cli import main
from adlib.grade.exercises import EXERCISES
from adlib.widgets.costs import chain_cost

sys.path.insert(0, str(Path(__file__).resolve().parent / "grade_fixtures"))
from mistakes import write_wrong_solution  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EX07 = EXERCISES["ex07"]

FJ, FC = "jacobian_by_jvps builds the (m, n) Jacobian from JVPs", "jacobian_by_jvps makes exactly n JVPs, one per input"
RJ = "jacobian_by_vjps builds the (m, n) Jacobian from VJPs"
RC = "jacobian_by_vjps records f once and makes exactly m VJPs, one per output"
CM = "cheaper_mode picks the mode with fewer passes"
CF, CR = (f"chain_cost counts the multiply-adds of one grouping [{g}]" for g in ("forward", "reverse"))
HF = "jacobian_by_jvps for n = 1 and for m = 1: the right Jacobian, with n JVPs"
HR = "jacobian_by_vjps for n = 1 and for m = 1: the right Jacobian, with one recording and m VJPs"
HM = "cheaper_mode when n = m (a tie), and for one input or one output"
HC = "chain_cost for one Jacobian (no product), two (one product, either grouping) and ten"
ALL = {FJ, FC, RJ, RC, CM, CF, CR, HF, HR, HM, HC}

# name: (exercise, [(reference text, wrong text), ...]), as in grade_fixtures/mistakes.py
MISTAKES = {
    "ex07_jvp_columns_as_rows": ("ex07", [("np.stack(columns, axis=1)", "np.stack(columns)")]),
    "ex07_vjp_rows_as_columns": ("ex07", [("np.stack(rows, axis=0)", "np.stack(rows, axis=1)")]),
    "ex07_vjp_records_every_row": ("ex07", [
        ("rows.append(back(e_j))", "rows.append(vjp(x)[1](e_j))   # f recorded again for every row")]),
    "ex07_jvp_extra_call_for_m": ("ex07", [
        ("    columns = []\n", "    m = np.size(jvp(x, np.zeros(n))[0])   # one more JVP, to learn m\n"
                               "    columns = []\n")]),
    "ex07_unit_vector_not_moved": ("ex07", [("e_i[i] = 1.0", "e_i[0] = 1.0")]),
    "ex07_jvp_arguments_swapped": ("ex07", [("jvp(x, e_i)", "jvp(e_i, x)")]),
    "ex07_cost_groupings_swapped": ("ex07", [
        ('if grouping == "forward":', 'if grouping == "reverse":')]),
    "ex07_cost_identity_seed": ("ex07", [("for i in range(2, k + 1))", "for i in range(1, k + 1))")]),
    "ex07_cost_product_missing": ("ex07", [("for i in range(1, k))", "for i in range(2, k))")]),
    "ex07_mode_with_more_passes": ("ex07", [("if n < m:", "if n > m:"), ("if m < n:", "if m > n:")]),
    "ex07_no_tie": ("ex07", [('return "tie"', 'return "reverse"')]),
}

# (fixture, the tests that must fail, a phrase the feedback must contain)
WRONG = [
    ("ex07_jvp_columns_as_rows", {FJ, HF}, "your Jacobian is transposed (shape ("),
    ("ex07_vjp_rows_as_columns", {RJ, HR}, "np.stack(rows, axis=0)"),
    ("ex07_vjp_records_every_row", {RC, HR}, "reverse mode records f once"),
    ("ex07_jvp_extra_call_for_m", {FC, HF}, "forward mode needs exactly one JVP per input"),
    ("ex07_unit_vector_not_moved", {FJ, FC, HF}, "every column is the first one"),
    ("ex07_jvp_arguments_swapped", {FJ, FC, HF}, "takes the point x first, then the tangent v"),
    ("ex07_cost_groupings_swapped", {CF, CR, HC}, "grouping: forward multiplies from the input end"),
    ("ex07_cost_identity_seed", {CF, HC}, "by an identity matrix"),
    ("ex07_cost_product_missing", {CR, HC}, "one product is missing"),
    ("ex07_mode_with_more_passes", {CM, HM}, "you chose the mode with more passes"),
    ("ex07_no_tie", {HM}, "with as many inputs as outputs, neither makes fewer"),
]


def grade(path, *args):
    """{test name: Gradescope test entry} of exercise 7 and the report, for the file at ``path``."""
    out = path.parent / "results.json"
    assert main([str(path), "--json", str(out), *args]) == 0
    results = json.loads(out.read_text())
    out.unlink()
    tests = {t["name"].split(": ", 1)[1]: t for t in results["tests"]}
    assert set(tests) == ALL, "the hidden checks are found next to the repository"
    return tests, results


def failed(tests):
    return {name for name, t in tests.items() if t["score"] < t["max_score"]}


def test_every_mistake_is_graded():
    assert [w[0] for w in WRONG] == list(MISTAKES)


@pytest.mark.parametrize("fixture, failing, phrase", WRONG, ids=[w[0] for w in WRONG])
def test_a_mistake_loses_its_tests_and_is_named(tmp_path, fixture, failing, phrase):
    tests, results = grade(write_wrong_solution(fixture, tmp_path / "submission", MISTAKES))
    assert failed(tests) == failing
    assert results["score"] == EX07.max_points - sum(tests[name]["max_score"] for name in failing)
    assert all(tests[name]["score"] == 0 for name in failing)
    assert any(phrase in tests[name]["output"] for name in failing), [tests[n]["output"] for n in failing]


def test_the_count_of_passes_is_said_in_the_students_terms(tmp_path):
    tests, _ = grade(write_wrong_solution("ex07_vjp_records_every_row", tmp_path, MISTAKES))
    said = tests[RC]["output"]
    assert "you called vjp " in said and "(f has " in said and "then calls back once per output" in said
    tests, _ = grade(write_wrong_solution("ex07_jvp_extra_call_for_m", tmp_path, MISTAKES))
    said = tests[FC]["output"]
    n = int(said.split("for a function of ")[1].split()[0])
    assert f"you called jvp {n + 1} times for a function of {n} input" in said


# --------------------------------------------------------------------------- hostile solutions

def write(tmp_path, text):
    path = tmp_path / EX07.filename
    path.write_text(text)
    return path


REFERENCE = (ROOT / "exercises" / "source" / EX07.filename).read_text()


def edit(text, old, new):
    """``text`` with its one ``old`` replaced by ``new`` (the test fails if the reference moved on)."""
    assert text.count(old) == 1, f"the reference {EX07.filename} no longer holds exactly one {old!r}"
    return text.replace(old, new)

ZEROS = '''
import numpy as np

def jacobian_by_jvps(jvp, x):             # exactly n JVPs, at x, then zeros of the right shape
    outs = [jvp(x, np.eye(len(x))[i])[0] for i in range(len(x))]
    return np.zeros((len(outs[0]), len(x)))

def jacobian_by_vjps(vjp, x):             # one recording, exactly m VJPs, then zeros
    y, back = vjp(x)
    for j in range(len(y)):
        back(np.eye(len(y))[j])
    return np.zeros((len(y), len(x)))

def cheaper_mode(n, m):
    return "forward"

def chain_cost(dims, grouping):
    return 0
'''

HARD_CODED = '''
import numpy as np
ANSWERS = {((6, 4, 3, 1), "forward"): 90, ((6, 4, 3, 1), "reverse"): 36}

def jacobian_by_jvps(jvp, x):             # the Jacobian of one run, pasted in
    return np.array([[0.31, -0.12, 0.5], [0.02, 0.77, -0.4]])

def jacobian_by_vjps(vjp, x):
    return np.array([[0.31, -0.12, 0.5], [0.02, 0.77, -0.4]])

def cheaper_mode(n, m):
    return {(5, 3): "reverse", (3, 5): "forward", (4, 4): "tie"}.get((n, m), "reverse")

def chain_cost(dims, grouping):
    return ANSWERS.get((tuple(dims), grouping), 90)
'''


def test_zeros_of_the_right_shape_with_the_right_number_of_passes_earn_nothing(tmp_path):
    tests, results = grade(write(tmp_path, ZEROS))
    assert results["score"] == 0, {n: t["output"] for n, t in tests.items() if t["score"]}
    assert "holds the Jacobian's numbers" in tests[FC]["output"]


def test_hard_coded_answers_earn_nothing(tmp_path):
    tests, results = grade(write(tmp_path, HARD_CODED))
    assert results["score"] == 0, {n: t["output"] for n, t in tests.items() if t["score"]}


def test_extra_passes_cost_the_count_tests_only(tmp_path):
    text = edit(REFERENCE, "        y, Jv = jvp(x, e_i)\n", "        jvp(x, e_i)\n        y, Jv = jvp(x, e_i)\n")
    text = edit(text, "        rows.append(back(e_j))\n", "        back(e_j)\n        rows.append(back(e_j))\n")
    tests, _ = grade(write(tmp_path, text))
    assert failed(tests) == {FC, RC, HF, HR}
    assert "you called jvp" in tests[FC]["output"]
    assert "you called back" in tests[RC]["output"]


FORGE = '''

import itertools


def _forge(fn, n, m, seen=()):
    """Set every count the closures of fn (and of the functions they hold) can reach to an honest run's."""
    honest = {"jvp": n, "jvps": n, "vjp": 1, "vjps": 1, "back": m, "backs": m, "elsewhere": 0, "away": 0}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        value = cell.cell_contents
        if isinstance(value, dict):
            value.update({k: honest[k] for k in value if k in honest})
        elif isinstance(value, itertools.count) and name in honest:
            cell.cell_contents = itertools.count(honest[name])
        elif callable(value) and hasattr(value, "__code__") and value not in seen:
            _forge(value, n, m, seen + (fn,))
'''


def test_forging_the_counts_through_the_closures_does_not_help(tmp_path):
    """Twice the passes, then every count the given functions' closures hold set to an honest run's
    (a dict of counts updated, a counter replaced): the probe kept its own references to counters
    that only go up, so it still sees every pass."""
    text = edit(REFERENCE, "        y, Jv = jvp(x, e_i)\n", "        jvp(x, e_i)\n        y, Jv = jvp(x, e_i)\n")
    text = edit(text, "    return np.stack(columns, axis=1)",
                "    _forge(jvp, n, np.size(y))\n    return np.stack(columns, axis=1)")
    text = edit(text, "        rows.append(back(e_j))\n", "        vjp(x)\n        rows.append(back(e_j))\n")
    text = edit(text, "    return np.stack(rows, axis=0)",
                "    _forge(vjp, np.size(x), m)\n    _forge(back, np.size(x), m)\n    return np.stack(rows, axis=0)")
    tests, _ = grade(write(tmp_path, text + FORGE))
    assert failed(tests) == {FC, RC, HF, HR}
    assert "you called vjp " in tests[RC]["output"]


FRAME = """
import itertools
import sys


def _forge_caller(n, m):
    \"\"\"Reset the counts the caller (the grader's probe) holds in its local variables to an honest run's.\"\"\"
    honest = {"jvp": n, "vjp": 1, "back": m, "elsewhere": 0}
    for value in sys._getframe(2).f_locals.values():
        if isinstance(value, dict):
            value.update({k: itertools.count(honest[k]) for k in value if k in honest})
"""


def test_forging_the_counts_through_the_callers_frame_does_not_help(tmp_path):
    """Twice the passes, then the counts the probe holds in its own frame reset to an honest run's:
    the counts the probe reports are the ones it took before handing jvp and vjp to the student."""
    text = edit(REFERENCE, "        y, Jv = jvp(x, e_i)\n", "        jvp(x, e_i)\n        y, Jv = jvp(x, e_i)\n")
    text = edit(text, "    return np.stack(columns, axis=1)",
                "    _forge_caller(n, np.size(y))\n    return np.stack(columns, axis=1)")
    text = edit(text, "        rows.append(back(e_j))\n", "        vjp(x)\n        rows.append(back(e_j))\n")
    text = edit(text, "    return np.stack(rows, axis=0)",
                "    _forge_caller(np.size(x), m)\n    return np.stack(rows, axis=0)")
    tests, _ = grade(write(tmp_path, text + FRAME))
    assert failed(tests) == {FC, RC, HF, HR}
    assert "you called vjp " in tests[RC]["output"]


def test_a_batch_of_tangents_in_one_call_is_refused(tmp_path):
    """np.eye(n) as one 'tangent' would give the whole Jacobian in one call of jvp: refused, said plainly."""
    text = edit(REFERENCE, "    columns = []\n", "    return jvp(x, np.eye(n))[1]\n    columns = []\n")
    text = edit(text, "    rows = []\n", "    return back(np.eye(m))\n    rows = []\n")
    tests, _ = grade(write(tmp_path, text))
    assert failed(tests) == {FJ, FC, RJ, RC, HF, HR}
    assert "the tangent v (one JVP per call) must be one vector of shape (" in tests[FJ]["output"]
    assert "the cotangent u (one VJP per call) must be one vector of shape (" in tests[RJ]["output"]


def test_jvp_at_another_point_is_refused_even_when_the_numbers_come_out_right(tmp_path):
    """Central differences of f from calls of jvp at x ± h e_i: numbers close to J, but not a JVP at x."""
    text = edit(REFERENCE, "        y, Jv = jvp(x, e_i)\n",
                             "        h = 1e-5\n"
                             "        Jv = (jvp(x + h * e_i, e_i)[0] - jvp(x - h * e_i, e_i)[0]) / (2 * h)\n")
    tests, _ = grade(write(tmp_path, text))
    assert failed(tests) == {FJ, FC, HF}
    assert "were at a point other than x" in tests[FJ]["output"]



def test_patching_numpy_does_not_hide_a_jvp_at_another_point(tmp_path):
    """The same central differences, with np.array_equal patched to say every point is x: the probe
    compares the points with nothing a submission can patch."""
    text = edit(REFERENCE, "        y, Jv = jvp(x, e_i)\n",
                             "        h = 1e-5\n"
                             "        np.array_equal = lambda a, b, equal_nan=False: True\n"
                             "        Jv = (jvp(x + h * e_i, e_i)[0] - jvp(x - h * e_i, e_i)[0]) / (2 * h)\n")
    tests, _ = grade(write(tmp_path, text))
    assert failed(tests) == {FJ, FC, HF}
    assert "were at a point other than x" in tests[FJ]["output"]



def test_a_count_beyond_any_float_is_the_students_mistake_not_a_grader_error(tmp_path):
    """An int too large for a float (Python's ints have no limit) is a wrong count, said so."""
    tests, _ = grade(write(tmp_path, REFERENCE + "\n\ndef chain_cost(dims, grouping):\n    return 10 ** 400\n"))
    assert failed(tests) == {CF, CR, HC}
    for name in (CF, CR, HC):
        assert "expected numbers" in tests[name]["output"] and "grader error" not in tests[name]["output"]


# --------------------------------------------------------------------------- the exercise file itself

def test_the_reference_runs_on_adlibs_own_jvp_and_vjp():
    """The file's __main__ (what a student runs) uses adlib's jvp and vjp, and its example counts are
    notebook 07's: chain_cost([6, 4, 3, 1]) is 90 forward and 36 reverse."""
    assert (chain_cost([6, 4, 3, 1], "forward"), chain_cost([6, 4, 3, 1], "reverse")) == (90, 36)
    proc = subprocess.run([sys.executable, str(ROOT / "exercises" / "source" / EX07.filename)],
                          capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "adlib.jacobian 0.0 with 5 JVPs (n = 5)" in lines[0]
    assert "adlib.jacobian 0.0 with 1 call of vjp and 3 of back (m = 3)" in lines[1]
    assert lines[3].startswith("chain_cost([6, 4, 3, 1], ...): forward 90 reverse 36 (notebook 07 prints 90 and 36)")
