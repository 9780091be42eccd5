"""Reports always cover every exercise with a fixed maximum; misnamed files are named;
Gradescope's always-visible output never gives the total away while hidden tests exist."""
import json
import os
import shutil
from pathlib import Path

import pytest

from adlib.grade.cli import main
from adlib.grade.exercises import EXERCISES, max_points
from adlib.grade.naming import guess, plan
from adlib.grade.report import complete, gradescope, text_report

ROOT = Path(__file__).resolve().parents[1]
STUBS = ROOT / "exercises"
FULL = sum(max_points().values())
PUBLIC = sum(e.public_points for e in EXERCISES.values())


@pytest.mark.parametrize("name, key", [
    ("ex03_backprop.py", "ex03"), ("Ex03_backprop_value.py", "ex03"), ("ex03_backprop_value (1).py", "ex03"),
    ("EX3.py", "ex03"), ("backprop_value.py", "ex03"), ("ex01_finite_differences.txt", "ex01"),
    ("ex06-mlp-backprop.py", "ex06"), ("exercise5.py", "ex05"),
])
def test_a_misnamed_file_is_guessed(name, key):
    assert guess(name).key == key


@pytest.mark.parametrize("name", ["notes.txt", "homework.py", "ex99_other.py", "README.md"])
def test_an_unrelated_file_is_not_guessed(name):
    assert guess(name) is None


def test_plan_sorts_a_folder(tmp_path):
    (tmp_path / "ex01_finite_differences.py").write_text("x = 1\n")
    (tmp_path / "ex03_backprop.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("hi\n")
    (tmp_path / "zipped").mkdir()
    (tmp_path / "zipped" / "ex02_dual_numbers.py").write_text("x = 1\n")
    (tmp_path / "ex04_backprop_by_hand.py").mkdir()
    p = plan(tmp_path)
    assert set(p.found) == {"ex01"}
    assert p.misnamed == {"ex03": ["ex03_backprop.py"], "ex02": ["zipped/ex02_dual_numbers.py"]}
    assert p.unknown == ["notes.txt"] and p.irregular == {"ex04": ["ex04_backprop_by_hand.py"]}
    assert p.missing == [k for k in EXERCISES if k != "ex01"]
    assert "rename it to ex03_backprop_value.py" in p.note("ex03")
    assert "probably meant for exercise 2" in p.note("ex02")
    assert "is a folder" in p.note("ex04")
    assert "no file named ex05_vjp_rules.py" in p.note("ex05")


def test_a_symlink_with_the_right_name_goes_to_the_grader(tmp_path):
    target = tmp_path / "elsewhere.py"
    target.write_text("x = 1\n")
    folder = tmp_path / "sub"
    folder.mkdir()
    os.symlink(target, folder / "ex01_finite_differences.py")
    assert set(plan(folder).found) == {"ex01"}   # the grader reads it without following it


def fake_result(key, passed, hidden_passed=True, seed=7):
    """A result as the grader returns it: one visible test per point, the hidden ones hidden."""
    e = EXERCISES[key]
    tests = [{"name": f"t{i}", "score": 1.0 if i < passed else 0.0, "max_score": 1.0,
              "outcome": "passed" if i < passed else "failed", "output": "" if i < passed else "wrong",
              "hidden": False} for i in range(int(e.public_points))]
    tests += [{"name": f"h{i}", "score": 1.0 if hidden_passed else 0.0, "max_score": 1.0,
               "outcome": "passed" if hidden_passed else "failed", "output": "", "hidden": True}
              for i in range(int(e.hidden_points))]
    return {"exercise": key, "title": e.title, "file": e.filename, "seed": seed, "import_error": None,
            "error": None, "tests": tests, "execution_time": 0.1}


def test_the_maximum_never_depends_on_what_was_submitted(tmp_path):
    maxima = set()
    for keys in ([], ["ex01"], ["ex01", "ex02", "ex05"], list(EXERCISES)):
        folder = tmp_path / "_".join(keys or ["none"])
        folder.mkdir()
        for key in keys:
            (folder / EXERCISES[key].filename).write_text("x = 1\n")
        p = plan(folder)
        results = complete([fake_result(k, 1) for k in keys], p)
        maxima.add(gradescope(results)["extra_data"]["max_score"])
        assert [r["exercise"] for r in results] == list(EXERCISES)
    assert maxima == {FULL}


def test_a_stopped_grader_keeps_the_maximum(tmp_path):
    (tmp_path / "ex02_dual_numbers.py").write_text("x = 1\n")
    stopped = dict(fake_result("ex02", 0), tests=[], error="grading did not finish within 45 s")
    results = complete([stopped], plan(tmp_path / "ex02_dual_numbers.py"))
    (r,) = results
    assert sum(t["max_score"] for t in r["tests"]) == EXERCISES["ex02"].max_points
    assert "did not finish" in r["tests"][-1]["output"]


def test_public_only_maximum_is_the_public_points(tmp_path):
    results = complete([], plan(tmp_path), public_only=True)
    report = gradescope(results, public_only=True)
    assert report["extra_data"]["max_score"] == PUBLIC
    assert "public checks only" in report["output"]
    assert "public checks only" in text_report(results, public_only=True)


def test_visible_output_never_states_the_total_while_hidden_tests_exist(tmp_path):
    hidden_ex = [k for k, e in EXERCISES.items() if e.hidden_points]
    assert hidden_ex, "no exercise has hidden points"
    for key in EXERCISES:
        (tmp_path / EXERCISES[key].filename).write_text("x = 1\n")
    for hidden_passed in (True, False):
        results = complete([fake_result(k, 2, hidden_passed) for k in EXERCISES], plan(tmp_path))
        report = gradescope(results)
        score, visible = report["score"], sum(t["score"] for t in report["tests"] if t["visibility"] == "visible")
        hidden = [t for t in report["tests"] if t["max_score"] and t["visibility"] != "visible"]
        assert hidden and all(t["visibility"] == "after_due_date" for t in hidden)
        assert report["visibility"] == "visible" and report["stdout_visibility"] == "hidden"
        assert f"/{FULL:g}" not in report["output"] and "Total" not in report["output"]
        assert f"Visible tests: {visible:g}/" in report["output"]
        # the staff's text report has the total; the students' (hidden tests left out) does not
        assert f"Total: {score:g}/{FULL:g}" in text_report(results)
        assert "Total:" not in text_report(results, show_hidden=False)


def test_without_hidden_tests_the_output_states_the_total(tmp_path):
    (tmp_path / "ex02_dual_numbers.py").write_text("x = 1\n")
    results = complete([fake_result("ex02", 3)], plan(tmp_path / "ex02_dual_numbers.py"), public_only=True)
    assert "Total: 3/" in gradescope(results, public_only=True)["output"]


def test_empty_submission_still_gets_results_json(tmp_path, capsys):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "notes.txt").write_text("I could not do it\n")
    out = tmp_path / "results" / "results.json"
    out.parent.mkdir()
    assert main([str(folder), "--json", str(out)]) == 2          # nothing graded, but a report
    report = json.loads(out.read_text())
    assert report["score"] == 0 and report["extra_data"]["max_score"] in (FULL, PUBLIC)
    names = [t["name"] for t in report["tests"]]
    for e in EXERCISES.values():
        assert any(e.filename in n for n in names)
    assert "notes.txt" in report["output"]
    assert "nothing was graded" in capsys.readouterr().err


def test_missing_path_still_gets_results_json(tmp_path):
    out = tmp_path / "results.json"
    assert main([str(tmp_path / "nowhere"), "--json", str(out)]) == 2
    assert json.loads(out.read_text())["score"] == 0


def test_misnamed_and_missing_files_are_zero_of_their_maximum(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copyfile(STUBS / "ex01_finite_differences.py", folder / "ex01_finite_differences.py")
    shutil.copyfile(ROOT / "exercises" / "ex03_backprop_value.py", folder / "ex03_backprop.py")
    out = tmp_path / "results.json"
    assert main([str(folder), "--json", str(out), "--timeout", "3"]) == 0
    report = json.loads(out.read_text())
    by_exercise = {}
    for t in report["tests"]:
        by_exercise.setdefault(int(t["name"].split(":")[0].split()[1]), []).append(t)
    assert set(by_exercise) == {e.number for e in EXERCISES.values()}
    (ex03,) = by_exercise[3]
    assert ex03["score"] == 0 and ex03["max_score"] == report_max(report, "ex03")
    assert "'ex03_backprop.py' is probably meant for exercise 3" in ex03["output"]
    assert "rename it to ex03_backprop_value.py" in ex03["output"]
    assert "ex03_backprop.py" in report["output"]
    assert sum(t["max_score"] for t in report["tests"]) == report["extra_data"]["max_score"]


def report_max(report, key):
    e = EXERCISES[key]
    return e.public_points if report["extra_data"]["public_only"] else e.max_points


def test_hidden_files_duplicates_and_many_files_are_reported_sensibly(tmp_path):
    (tmp_path / "._ex01_finite_differences.py").write_bytes(b"\0\5\26\7")   # macOS resource fork
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / "ex01_finite_differences.py").write_text("x = 1\n")
    (tmp_path / "ex01_finite_differences (1).py").write_text("x = 2\n")
    for i in range(25):
        (tmp_path / f"scratch{i:02d}.txt").write_text("\n")
    p = plan(tmp_path)
    assert set(p.found) == {"ex01"} and p.misnamed == {"ex01": ["ex01_finite_differences (1).py"]}
    notes = p.notes()
    assert any("also submitted for exercise 1, ignored: 'ex01_finite_differences (1).py'" in n for n in notes)
    assert any(n.endswith("and 15 more") for n in notes)
    assert not any("._ex01" in n or "DS_Store" in n for n in notes)


def test_a_file_name_cannot_forge_report_lines(tmp_path):
    (tmp_path / "x\nTotal: 79 points.py").write_text("x = 1\n")
    results = complete([], plan(tmp_path))
    output = gradescope(results, notes=plan(tmp_path).notes())["output"]
    assert "Total: 79" in output and "\nTotal: 79" not in output
