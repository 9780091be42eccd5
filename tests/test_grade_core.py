"""The grader on every exercise of the registry: reference = full marks, stubs = 0, wrong solutions
lose exactly the expected points with feedback naming the mistake, and the report."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adlib.grade.cli import main
from adlib.grade.exercises import EXERCISES

sys.path.insert(0, str(Path(__file__).resolve().parent / "grade_fixtures"))
from mistakes import MISTAKES, write_wrong_solution  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"
STUDENT = ROOT / "exercises"
FIXTURES = Path(__file__).resolve().parent / "grade_fixtures"


def grade(tmp_path, target, *args):
    """Run adlib-grade on target; return (exit code, printed text, results.json as a dict)."""
    out = tmp_path / "out" / "results.json"
    out.parent.mkdir(exist_ok=True)
    code = main([str(target), "--json", str(out), *args])
    return code, json.loads(out.read_text())


def by_exercise(results):
    """{exercise number: {test name: test entry}} from a Gradescope results dict."""
    table = {}
    for t in results["tests"]:
        prefix, name = t["name"].split(": ", 1)
        table.setdefault(int(prefix.split()[1]), {})[name] = t
    return table


def place(tmp_path, src, key):
    """Copy src into a fresh folder under the exercise's real file name."""
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    dst = folder / EXERCISES[key].filename
    shutil.copyfile(src, dst)
    return dst


ALL = list(EXERCISES)


def test_reference_solutions_score_full_marks(tmp_path, capsys):
    folder = tmp_path / "refs"
    folder.mkdir()
    for key in ALL:
        shutil.copyfile(SOURCE / EXERCISES[key].filename, folder / EXERCISES[key].filename)
    code, results = grade(tmp_path, folder)
    assert code == 0
    assert results["extra_data"]["max_score"] > 0 and results["score"] == results["extra_data"]["max_score"]
    failed = [t for t in results["tests"] if t["score"] != t["max_score"]]
    assert not failed, failed
    assert set(by_exercise(results)) == {e.number for e in EXERCISES.values()}
    text = capsys.readouterr().out
    assert f"Total: {results['score']:g}/{results['extra_data']['max_score']:g} points" in text


def test_stubs_score_zero_with_not_implemented(tmp_path):
    folder = tmp_path / "stubs"
    folder.mkdir()
    for key in ALL:
        shutil.copyfile(STUDENT / EXERCISES[key].filename, folder / EXERCISES[key].filename)
    code, results = grade(tmp_path, folder)
    assert code == 0
    assert results["score"] == 0 and results["extra_data"]["max_score"] > 0
    for t in results["tests"]:
        assert t["score"] == 0
        assert "not implemented yet" in t["output"], t


# (fixture, exercise, the tests that must fail, a phrase the feedback must contain)
WRONG = [
    ("ex03_overwrite", "ex03",
     {"x used twice, by * and by your rule (x.log() * x, (x / w) * x, (w ** x) * x, ...): gradients add up",
      "x ** x and x / x use x twice in one operation"},
     "you assigned x.grad instead of adding to it"),
    ("ex03_div_sign", "ex03", {"the backward rule of a / b, a node of its own"}, "d(a/b)/db has the wrong sign"),
    ("ex03_pow_no_log", "ex03", {"the backward rule of a ** b, for a number b and for a Value b"},
     "the factor log(a) is missing"),
    ("ex03_div_composite", "ex03", {"the backward rule of a / b, a node of its own"},
     "your / is built from other operations"),
    ("ex03_relu_at_zero", "ex03", {"the backward rule of relu(a), for a > 0, a < 0 and a = 0"},
     "not >= 0"),
    ("ex03_recursive_topo", "ex03", {"backward() on a chain 20,000 operations deep (no recursion)"},
     "your backward() recursed too deep"),
    ("ex02_cos_sign", "ex02", {"exp, sin, cos and log of a Dual (and of a plain number) [cos]"},
     "sign error"),
    ("ex04_missing_relu_mask", "ex04",
     {"dW = (dH ⊙ relu'(W x + b)) xᵀ, shaped like W", "dx = Wᵀ (dH ⊙ relu'(W x + b))",
      "db = dH ⊙ relu'(W x + b)"},
     "the relu derivative is missing"),
    ("ex05_missing_unbroadcast", "ex05",
     {"the VJPs of a + b when b is broadcast", "your rules, registered with defvjp, chain into the right gradients"},
     "missing unbroadcast"),
    ("ex05_wrong_reduction", "ex05",
     {"the VJP of a sum over one axis, for every axis (0, 1, 2, -1, -3)", "your rules, registered with defvjp, chain into the right gradients"},
     "wrong reduction"),
    ("ex06_sum_not_mean", "ex06",
     {"the gradient for W1", "the gradient for b1", "the gradient for w2", "the gradient for b2",
      "train reaches 95% accuracy on fresh two-moons data"},
     "n times too large"),
    ("ex01_forward_for_central", "ex01",
     {"central_difference uses (f(x + h) - f(x - h)) / (2h)",
      "central_difference's default h gives about 10 correct digits"},
     "a forward difference where a central one is asked"),
    ("ex01_step_too_small", "ex01", {"forward_difference's default h gives about 7 correct digits"},
     "is too small"),
    ("ex02_product_tangent_twice", "ex02",
     {"* follows the product rule, with a Dual or a number on either side",
      "derivative(f, x) is exact for a rational function"},
     "counts one tangent twice"),
    ("ex02_rsub_reversed", "ex02", {"- and unary minus, with a Dual or a number on either side"},
     "__rsub__ computes self - other"),
    ("ex02_rtruediv_reversed", "ex02",
     {"/ follows the quotient rule, with a Dual or a number on either side",
      "derivative(f, x) is exact for a rational function"},
     "__rtruediv__ computes self / other"),
    ("ex03_order_not_reversed", "ex03",
     {"x used twice, by * and by your rule (x.log() * x, (x / w) * x, (w ** x) * x, ...): gradients add up",
      "backward() on a graph with shared nodes gives the right gradients",
      "backward() on a chain 20,000 operations deep (no recursion)"},
     "in the wrong order"),
    ("ex05_softmax_no_subtraction", "ex05",
     {"the VJP of softmax over the last axis", "your rules, registered with defvjp, chain into the right gradients"},
     "missing its subtraction term"),
    ("ex06_train_never_keeps_update", "ex06", {"train reaches 95% accuracy on fresh two-moons data"},
     "never keeps its update"),
    # One slip in forward costs forward's own point and train's, not the gradient tests'.
    ("ex06_forward_without_tanh", "ex06",
     {"forward gives the logits z and the hidden activations A1", "train reaches 95% accuracy on fresh two-moons data"},
     "the logits z for"),
]


def test_every_mistake_is_graded():
    assert {w[0] for w in WRONG} == set(MISTAKES)


@pytest.mark.parametrize("fixture, key, failing, phrase", WRONG, ids=[w[0] for w in WRONG])
def test_wrong_solutions_lose_the_expected_points(tmp_path, fixture, key, failing, phrase):
    assert MISTAKES[fixture][0] == key
    target = write_wrong_solution(fixture, tmp_path / "submission")
    code, results = grade(tmp_path, target)
    assert code == 0
    tests = by_exercise(results)[EXERCISES[key].number]
    failed = {name for name, t in tests.items() if t["score"] < t["max_score"]}
    assert failed == failing
    lost = sum(tests[name]["max_score"] for name in failing)
    assert results["score"] == results["extra_data"]["max_score"] - lost
    assert any(phrase in tests[name]["output"] for name in failing), [tests[n]["output"] for n in failing]


def test_gradescope_format(tmp_path):
    target = place(tmp_path, SOURCE / EXERCISES["ex01"].filename, "ex01")
    code, results = grade(tmp_path, target)
    assert code == 0
    assert isinstance(results["score"], float) and isinstance(results["execution_time"], float)
    assert set(results) <= {"score", "execution_time", "output", "output_format", "visibility",
                            "stdout_visibility", "extra_data", "tests", "leaderboard"}
    assert results["tests"]
    for t in results["tests"]:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(t)
        assert isinstance(t["name"], str) and isinstance(t["output"], str)
        assert 0 <= t["score"] <= t["max_score"]
        assert t["visibility"] in {"visible", "hidden", "after_due_date", "after_published"}
    hidden = [t for t in results["tests"] if t["visibility"] == "after_due_date"]
    assert hidden, "exercise 1 has a hidden test"
    assert results["score"] == sum(t["score"] for t in results["tests"])


def test_seed_reproduces_the_inputs(tmp_path, capsys):
    target = write_wrong_solution("ex02_cos_sign", tmp_path / "submission")
    main([str(target), "--seed", "4321"])
    first = capsys.readouterr().out
    main([str(target), "--seed", "4321"])
    second = capsys.readouterr().out
    assert "seed 4321" in first
    assert first == second
    main([str(target), "--seed", "4322"])
    assert capsys.readouterr().out != first


def test_grading_leaves_the_submission_alone(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "hostile" / "ex01_cheater.py", folder / "ex01_finite_differences.py")
    shutil.copyfile(SOURCE / "ex02_dual_numbers.py", folder / "ex02_dual_numbers.py")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    code, _ = grade(tmp_path, folder, "--timeout", "3")
    assert code == 0
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert after == before   # no new files (no __pycache__, .pytest_cache, results.json) and no edits
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps


def test_command_line_errors_exit_2(tmp_path, capsys):
    odd = tmp_path / "homework.py"
    odd.write_text("x = 1\n")
    assert main([str(odd)]) == 2
    assert "ex01_finite_differences.py" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.py")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([str(empty)]) == 2


def test_python_dash_m_entry_point(tmp_path):
    target = place(tmp_path, SOURCE / EXERCISES["ex01"].filename, "ex01")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "adlib.grade", str(target)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Exercise 1: Finite differences" in proc.stdout and "Total:" in proc.stdout


def test_a_missing_name_is_reported_without_an_empty_traceback(tmp_path):
    key = next(k for k in ALL if EXERCISES[k].filename.startswith("ex03"))
    src = tmp_path / "empty.py"
    src.write_text("x = 1\n")
    code, results = grade(tmp_path, place(tmp_path, src, key))
    assert code == 0 and results["score"] == 0
    outputs = [t["output"] for t in results["tests"]]
    assert outputs and all("your file defines no 'Value'" in o for o in outputs)
    assert not any("Traceback" in o for o in outputs)   # no line of the student's file to show


def _solution_lines():
    """The lines between BEGIN and END SOLUTION in the reference files, without blanks and spaces."""
    lines = set()
    for path in SOURCE.glob("ex*.py"):
        inside = False
        for line in path.read_text().splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and len("".join(line.split())) >= 16 and not line.strip().startswith("#"):
                lines.add("".join(line.split()))
    return lines


def test_no_solution_line_ships_in_the_grader():
    """The grader ships to students (public checks, probes): none of its files holds a solution's line."""
    solutions = _solution_lines()
    assert len(solutions) > 40
    grade = ROOT / "adlib" / "grade"
    found = [(str(p.relative_to(ROOT)), line) for p in grade.rglob("*.py")
             for line in {"".join(t.split()) for t in p.read_text().splitlines()} & solutions]
    assert found == []
