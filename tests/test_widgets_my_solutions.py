"""The "your solutions" widget: a stub says what is missing, a wrong solution shows its mistake,
a correct one earns every point and matches adlib's picture; the widget works driven from Python.

The stubs are the files in exercises/ (the student's starting point); wrong solutions are the
reference with one mistake (tests/grade_fixtures/mistakes.py), or, for ex01, the stub with a
wrong formula typed in; correct ones are exercises/source/ (instructor-only: those tests skip
in the student copy).  The student's code runs in child processes only.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import stat
import sys
from pathlib import Path

import numpy as np
import pytest

from adlib.widgets import my_solutions as ms
from adlib.widgets import my_solutions_figures as figs
from adlib.widgets.my_solutions_probe import EX01_STEPS, ex03_graph

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOURCE = EXERCISES / "source"
STUBS = sorted(EXERCISES.glob("ex*.py"))
NAMES = {p.name[:4]: p.name for p in STUBS}

needs_source = pytest.mark.skipif(not SOURCE.is_dir(), reason="exercises/source/ (instructor-only) is absent")


def snapshot(folder):
    """{relative path: sha256} of everything under folder: the student's folder must not change."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def wrong(name, folder):
    sys.path.insert(0, str(ROOT / "tests" / "grade_fixtures"))
    try:
        from mistakes import write_wrong_solution
    finally:
        sys.path.pop(0)
    return write_wrong_solution(name, folder)


def ex01_from_stub(folder, central):
    """The ex01 stub with forward_difference written and central_difference written as ``central``."""
    text = (EXERCISES / NAMES["ex01"]).read_text()
    raise_line = 'raise NotImplementedError("your code here")'
    text = text.replace(raise_line, "return (f(x + h) - f(x)) / h", 1)
    text = text.replace(raise_line, f"return {central}", 1)
    path = Path(folder) / NAMES["ex01"]
    path.write_text(text)
    return path


def picture_of(path):
    return figs.picture(ms.exercise_key(path.name), ms.run_probe(path))


def line_data(fig, label):
    ax = fig.axes[0]
    for line in ax.get_lines():
        if line.get_label() == label:
            return np.asarray(line.get_ydata(), dtype=float)
    raise AssertionError(f"no line labelled {label!r}; lines: {[l.get_label() for l in ax.get_lines()]}")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


# --------------------------------------------------------------------------- finding files

def test_finds_the_exercise_files_and_nothing_else(tmp_path):
    assert [p.name for p in ms.find_exercise_files(EXERCISES)] == [p.name for p in STUBS]
    for name in ("ex02_dual_numbers.py", "ex01_finite_differences.py", "notes.txt", "helper.py", "ex03.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "ex04_folder.py").mkdir()
    assert [p.name for p in ms.find_exercise_files(tmp_path)] == ["ex01_finite_differences.py",
                                                                  "ex02_dual_numbers.py"]


def test_a_missing_folder_is_said_plainly(tmp_path):
    with pytest.raises(FileNotFoundError, match="there is no folder .*nowhere.*folder="):
        ms.find_exercise_files(tmp_path / "nowhere")


def test_a_file_given_as_the_folder_is_said_plainly():
    with pytest.raises(FileNotFoundError, match="is a file; pass folder="):
        ms.find_exercise_files(STUBS[0])


def test_default_folder_is_found_from_the_notebooks_folder(tmp_path):
    assert ms.default_folder(ROOT / "notebooks") == EXERCISES
    assert ms.default_folder(ROOT) == EXERCISES
    # nowhere near a course: the exercises beside the adlib package
    assert ms.default_folder(tmp_path) == Path(ms.ADLIB_ROOT) / "exercises"


# --------------------------------------------------------------------------- results.json -> rows

def test_parse_results_reads_gradescope_tests():
    rows = ms.parse_results({"score": 1.0, "tests": [
        {"name": "Exercise 1: forward", "score": 1.0, "max_score": 2.0, "output": " off by 2 \n",
         "visibility": "visible"},
        {"name": "Exercise 1: hidden one", "score": 1, "max_score": 1, "visibility": "after_due_date"}]})
    assert [(r.test, r.score, r.max_score, r.output, r.hidden, r.passed) for r in rows] == [
        ("forward", 1.0, 2.0, "off by 2", False, False), ("hidden one", 1.0, 1.0, "", True, True)]
    assert "(hidden on Gradescope until the due date)" in ms.feedback_html(ms.GradeResult(Path("ex01.py"), rows))
    # a 0-point test (e.g. "your file imports") fails by its status, not by its points
    (row,) = ms.parse_results({"tests": [{"name": "Exercise 1: your file imports", "score": 0.0, "max_score": 0.0,
                                          "output": "could not be imported", "status": "failed"}]})
    assert not row.passed and "✗" in ms.feedback_html(ms.GradeResult(Path("ex01.py"), [row]))


def test_parse_results_refuses_what_is_not_a_report_and_keeps_a_reason():
    for bad in ([], {}, {"tests": "none"}):
        with pytest.raises(ValueError, match="no list of tests"):
            ms.parse_results(bad)
    (row,) = ms.parse_results({"tests": [], "output": "no exercise file found"})
    assert row.output == "no exercise file found" and row.max_score == 0


# --------------------------------------------------------------------------- (a) the stubs

@pytest.mark.parametrize("stub", STUBS, ids=lambda p: p.name[:4])
def test_a_stub_is_graded_zero_and_told_what_is_missing(stub, tmp_path):
    copy = tmp_path / stub.name
    shutil.copy(stub, copy)
    before = snapshot(tmp_path)
    result = ms.grade_file(copy)
    assert not result.problem and result.rows
    assert result.score == 0 and result.max_score > 0
    failed = [r for r in result.rows if not r.passed]
    assert failed == result.rows
    assert all("not implemented yet" in r.output and "NotImplementedError" in r.output for r in failed)
    page = ms.feedback_html(result)
    assert f"0/{result.max_score:g} points" in page and "not implemented yet" in page and stub.name in page
    assert snapshot(tmp_path) == before                     # the grader left the folder as it was


def test_stub_pictures_say_what_is_missing():
    fig, words, drawing = picture_of(EXERCISES / NAMES["ex01"])
    assert "forward_difference raised NotImplementedError: your code here" in words and "no curve of yours yet" in words
    labels = [l.get_label() for l in fig.axes[0].get_lines()]
    assert "adlib's forward" in labels and "your forward" not in labels
    fig, words, drawing = picture_of(EXERCISES / NAMES["ex03"])
    assert "L.backward() raised NotImplementedError" in words and drawing == ""
    assert not any(t.get_text().endswith("✗") for t in fig.axes[0].get_yticklabels())   # nothing to compare yet
    fig, words, _ = picture_of(EXERCISES / NAMES["ex06"])
    assert "train(X, y, steps=1) raised NotImplementedError" in words
    fig, words, _ = picture_of(EXERCISES / NAMES["ex02"])
    assert "No number yet for all of them: NotImplementedError" in words
    fig, words, _ = picture_of(EXERCISES / NAMES["ex05"])
    assert words == "No number yet for all of them: NotImplementedError: your code here."
    fig, words, _ = picture_of(EXERCISES / NAMES["ex04"])
    assert "No number yet for all of them: NotImplementedError" in words


# --------------------------------------------------------------------------- (b) wrong solutions

def test_wrong_ex01_central_difference_shows_in_feedback_and_picture(tmp_path):
    path = ex01_from_stub(tmp_path, "(f(x + h) - f(x - h)) / h")      # forgot the 2
    result = ms.grade_file(path)
    by_test = {r.test: r for r in result.rows}
    central = [r for name, r in by_test.items() if name.startswith("central_difference uses")]
    forward = [r for name, r in by_test.items() if name.startswith("forward_difference uses")]
    assert central and not central[0].passed and central[0].output
    assert forward and forward[0].passed
    fig, words, _ = picture_of(path)
    assert "Your central_difference differs from adlib's" in words
    assert "Your forward_difference gives adlib's number at every step h" in words
    # the curve is the mistake: (f(x+h) - f(x-h)) / h is about 2 f'(x), so the error is about f'(x) = cos(1)
    mine = line_data(fig, "your central")
    middle = (EX01_STEPS > 1e-6) & (EX01_STEPS < 1e-3)
    assert np.allclose(mine[middle], math.cos(1.0), rtol=1e-4)


@needs_source
def test_wrong_ex03_overwrite_shows_in_feedback_and_picture(tmp_path):
    path = wrong("ex03_overwrite", tmp_path)
    result = ms.grade_file(path)
    assert 0 < result.score < result.max_score
    assert any("you assigned x.grad instead of adding to it" in r.output for r in result.rows if not r.passed)
    fig, words, drawing = picture_of(path)
    # x (used by *, ** and sigmoid) and q = x ** c (used by log and +) keep only one use's share with '=',
    # and c, the exponent of q, inherits q's wrong gradient; b is used twice too, but only by the given +
    assert "differ from adlib.Value's at x, c, q " in words
    assert drawing.count("#ffe9a8") == 3 and "<svg" in drawing
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "x ✗" in ticks and "q ✗" in ticks and "c ✗" in ticks and "b" in ticks


@needs_source
def test_wrong_ex06_sum_not_mean_shows_in_feedback_and_picture(tmp_path):
    path = wrong("ex06_sum_not_mean", tmp_path)
    result = ms.grade_file(path)
    assert any("n times too large" in r.output for r in result.rows if not r.passed)
    fig, words, _ = picture_of(path)
    (mine,) = [l for l in fig.axes[1].get_lines() if l.get_label() == "your train"]
    _, ref_losses = figs.reference_ex06()
    assert mine.get_ydata()[-1] > 100 * ref_losses[-1]          # training with 200x the gradient fails
    assert "After 1500 steps your network's loss is" in words


@needs_source
def test_wrong_ex02_cos_sign_is_the_one_red_bar(tmp_path):
    path = wrong("ex02_cos_sign", tmp_path)
    assert any(not r.passed and "cos" in r.test + r.output for r in ms.grade_file(path).rows)
    fig, words, _ = picture_of(path)
    assert "Your derivatives differ from adlib's for: cos(x)." in words
    # sin instead of -sin: the derivative is off by 2 sin(x), largest at x = 1.5 of the points 0.5 ... 2.5
    (label,) = [t.get_text() for t in fig.axes[0].texts if "e+" in t.get_text() or "e-" in t.get_text()]
    assert float(label) == pytest.approx(2 * math.sin(1.5), rel=0.03)       # the bar is labelled to 2 digits


@needs_source
def test_wrong_ex05_reduction_shows_in_feedback_and_picture(tmp_path):
    path = wrong("ex05_wrong_reduction", tmp_path)
    assert any(not r.passed for r in ms.grade_file(path).rows)
    fig, words, _ = picture_of(path)
    assert "Your vector-Jacobian products differ from adlib's for: sum_axis." in words


@needs_source
def test_a_recursive_backward_is_caught_on_a_deep_chain(tmp_path):
    path = wrong("ex03_recursive_topo", tmp_path)
    fig, words, _ = picture_of(path)
    assert "agree with adlib.Value's on every node" in words          # small graphs are fine ...
    assert "3000 operations deep, backward() raised RecursionError" in words   # ... a deep one is not


# --------------------------------------------------------------------------- (c) correct solutions

@needs_source
@pytest.mark.parametrize("key", sorted(NAMES))
def test_a_correct_solution_earns_every_point_and_matches_adlib(key, tmp_path):
    path = tmp_path / NAMES[key]
    shutil.copy(SOURCE / NAMES[key], path)
    result = ms.grade_file(path)
    assert not result.problem and result.score == result.max_score > 0
    assert "✗" not in ms.feedback_html(result)
    fig, words, drawing = picture_of(path)
    assert "could not be drawn" not in words
    assert " differ" not in words and "raised" not in words and "No number" not in words
    if key == "ex01":
        for method in ("forward", "central"):
            ref = np.abs(np.asarray(figs.reference_ex01()[f"{method}_difference"]) - math.cos(1.0))
            assert np.array_equal(line_data(fig, f"your {method}"), np.maximum(ref, 1e-18))
    if key == "ex03":
        assert "#ffe9a8" not in drawing and "<svg" in drawing


def test_adlib_side_of_ex03_is_right():
    """The reference bars are adlib's; check them against central differences of L."""
    import adlib
    ref = figs.reference_ex03()

    def L(x, w, b, c):
        return math.tanh(x * w + b) / max(1 / (1 + math.exp(-x)) + b, 0.0) * math.log(x ** c) + x ** c
    args = [ref[k].data for k in "xwbc"]
    for i, k in enumerate("xwbc"):
        g = adlib.central_difference(lambda t: L(*(args[:i] + [t] + args[i + 1:])), args[i])
        assert ref[k].grad == pytest.approx(g, rel=1e-6)


# --------------------------------------------------------------------------- errors in the student's terms

def test_a_missing_file_is_said_plainly(tmp_path):
    result = ms.grade_file(tmp_path / "ex01_finite_differences.py")
    assert "is not in" in result.problem and "look again" in result.problem
    assert "could not be graded" in ms.feedback_html(result)
    assert "is not in" in ms.run_probe(tmp_path / "ex01_finite_differences.py")["problem"]


def fake_python(tmp_path, body):
    script = tmp_path / "fake-python"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_a_grader_that_fails_is_reported_with_its_last_words(tmp_path, monkeypatch):
    path = shutil.copy(EXERCISES / NAMES["ex01"], tmp_path / NAMES["ex01"])
    monkeypatch.setattr(sys, "executable", fake_python(tmp_path, "echo 'grader broke' >&2; exit 3"))
    result = ms.grade_file(path)
    assert not result.rows
    assert "stopped before writing its report" in result.problem and "exit code 3" in result.problem
    assert "grader broke" in result.problem


def test_a_grader_that_hangs_is_stopped(tmp_path, monkeypatch):
    path = shutil.copy(EXERCISES / NAMES["ex01"], tmp_path / NAMES["ex01"])
    monkeypatch.setattr(sys, "executable", fake_python(tmp_path, "sleep 30"))
    result = ms.grade_file(path, timeout=1.0)
    assert "took more than 1 s and was stopped" in result.problem


def test_a_probe_that_loops_is_stopped_and_keeps_what_finished(tmp_path):
    path = ex01_from_stub(tmp_path, "(f(x + h) - f(x - h)) / (2 * h)")
    text = path.read_text().replace('raise NotImplementedError("your code here")', "while True: pass")
    path.write_text(text)
    before = snapshot(tmp_path)
    probe = ms.run_probe(path, timeout=3.0)
    assert "more than 3 s" in probe["problem"] and "shows what finished" in probe["problem"]
    assert len(probe["sections"]["central_difference"]["values"]) == len(EX01_STEPS)
    assert "best_step" not in probe["sections"]
    fig, words, _ = figs.picture("ex01", probe)
    assert "gives adlib's number at every step" in words and "more than 3 s" in words
    assert snapshot(tmp_path) == before                       # no __pycache__, nothing written


def test_probe_reports_a_file_that_does_not_import_and_what_it_printed(tmp_path):
    path = tmp_path / NAMES["ex03"]
    path.write_text("print('hello')\ndef broken(:\n")
    fig, words, _ = picture_of(path)
    assert fig is None and "importing your file raised SyntaxError" in words
    path.write_text((EXERCISES / NAMES["ex03"]).read_text() + "\nprint('@@adlib-probe@@ {\"section\": \"graph\"}')\n")
    probe = ms.run_probe(path)
    assert "@@adlib-probe@@" in probe["sections"]["printed"]["text"]     # a print is not a result
    assert "L.backward() raised NotImplementedError" in probe["sections"]["graph"]["error"]


def test_sys_exit_in_the_student_code_is_reported_as_their_error(tmp_path):
    path = tmp_path / NAMES["ex06"]
    path.write_text((EXERCISES / NAMES["ex06"]).read_text().replace(
        '"""Gradient descent (with momentum if you like) from init_params; return the trained params."""',
        '"""Gives up."""\n    import sys\n    sys.exit(0)', 1))
    fig, words, _ = picture_of(path)
    assert "train(X, y, steps=1) raised SystemExit" in words


def test_the_student_code_never_runs_in_this_process(tmp_path):
    path = tmp_path / NAMES["ex01"]
    path.write_text("import os\nos.environ['ADLIB_PROBE_RAN_HERE'] = '1'\n")
    ms.run_probe(path)
    ms.grade_file(path)
    assert "ADLIB_PROBE_RAN_HERE" not in os.environ and "student_solution" not in sys.modules


# --------------------------------------------------------------------------- the widget, driven from Python

def test_the_widget_grades_the_picked_file_and_again_after_an_edit(tmp_path):
    for stub in STUBS:
        shutil.copy(stub, tmp_path / stub.name)
    box = ms.make_my_solutions_widget(folder=tmp_path)
    files = box.controls["file"]
    assert [label for label, _ in files.options] == [p.name for p in STUBS]
    assert "adlib-mysol-feedback" in box.feedback._dom_classes and "adlib-my-solutions" in box._dom_classes
    # the first file is graded at once
    assert NAMES["ex01"] in box.feedback.value and re.search(r"<b>ex01_finite_differences.py</b>: 0/\d+ points", box.feedback.value)
    assert box.picture.outputs[0]["data"]["image/png"]
    assert "graded ex01_finite_differences.py" in box.status.value
    first_png = box.picture.outputs[0]["data"]["image/png"]
    files.value = str(tmp_path / NAMES["ex03"])
    assert NAMES["ex03"] in box.feedback.value and "not implemented yet" in box.feedback.value
    assert "L.backward() raised NotImplementedError" in box.note.value
    assert box.picture.outputs[0]["data"]["image/png"] != first_png
    # the student writes a (wrong) ex01, saves, picks it and presses "grade again"
    ex01_from_stub(tmp_path, "(f(x + h) - f(x - h)) / h")
    files.value = str(tmp_path / NAMES["ex01"])
    box.controls["grade"].click()
    assert "central_difference differs from adlib's" in box.note.value
    assert "✓" in box.feedback.value and "✗" in box.feedback.value


def test_the_widget_follows_the_folder_and_speaks_when_files_go(tmp_path):
    shutil.copy(EXERCISES / NAMES["ex01"], tmp_path / NAMES["ex01"])
    shutil.copy(EXERCISES / NAMES["ex05"], tmp_path / NAMES["ex05"])
    box = ms.make_my_solutions_widget(folder=tmp_path)
    files = box.controls["file"]
    (tmp_path / NAMES["ex01"]).unlink()
    box.controls["grade"].click()                 # the chosen file was deleted
    assert "is not in" in box.feedback.value
    box.controls["refresh"].click()               # look again: ex05 only, and it is graded
    assert [label for label, _ in files.options] == [NAMES["ex05"]]
    assert NAMES["ex05"] in box.feedback.value and "No number yet for all of them" in box.note.value
    (tmp_path / NAMES["ex05"]).unlink()
    box.controls["refresh"].click()               # no file left: no stale feedback either
    assert files.options == () and box.feedback.value == "" and "no exercise files" in box.status.value
    empty = ms.make_my_solutions_widget(folder=tmp_path / "nowhere")
    assert empty.controls["file"].value is None and "there is no folder" in empty.status.value


@pytest.mark.parametrize("key, sections", [
    ("ex06", {"train": [{"steps": "many", "params": {"W1": [[1, 2]], "b1": [0], "w2": [1], "b2": 0}, "error": None}]}),
    ("ex06", {"train": [{"steps": 1, "params": {"W1": "W", "b1": 0, "w2": 0, "b2": 0}, "error": None}]}),
    ("ex03", {"graph": {"nodes": {"x": {"data": 1.0, "grad": "a lot"}}, "error": None}}),
    ("ex01", {"forward_difference": {"values": ["one", None], "error": None}}),
    ("ex02", {"exp(x)": {"values": [[1, 2]], "error": None}}),
    ("ex04", {"dW": {"value": {"not": "numbers"}, "error": None}}),
])
def test_odd_numbers_from_a_probe_never_break_the_picture(key, sections):
    """A hostile or broken file can print anything the probe's format allows: the widget must still answer."""
    fig, words, drawing = figs.picture(key, {"sections": sections, "problem": ""})
    assert isinstance(words, str) and words


def test_an_exercise_without_a_picture_says_so(tmp_path):
    path = tmp_path / "ex99_not_a_course_exercise.py"
    path.write_text("def cost(n, m):\n    return n\n")
    fig, words, drawing = picture_of(path)
    assert fig is None and drawing == ""
    assert words.startswith("No picture for this exercise (ex99): its feedback is the whole story.")


# --------------------------------------------------------------------------- the notebook says what its outputs show

def _notebook():
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import notebook_outputs as nbo
    finally:
        sys.path.pop(0)
    return nbo, nbo.load("explore_your_solutions")


def test_notebook_prose_about_the_best_steps_matches_its_output():
    nbo, nb = _notebook()
    out = nbo.printed(nb, "adlib_side = reference_ex01()")
    forward = nbo.numbers_after(out, "adlib's forward_difference: smallest error")
    central = nbo.numbers_after(out, "adlib's central_difference: smallest error")
    text = nbo.prose(nb)
    assert f"forward differences are most\naccurate near h = {forward[1]:.0e}".replace("e-0", "e-") in text
    assert f"central ones near h = {central[1]:.0e}".replace("e-0", "e-") in text
    assert "not implemented yet" in nbo.printed(nb, "print(feedback_text(result))")
    assert "so there is no curve of yours yet" in out


def test_notebook_solutions_match_their_output():
    nbo, nb = _notebook()
    out = nbo.printed(nb, "# Solutions 1 and 2")
    backward_estimate, backward_error = nbo.numbers_after(out, "forward_difference: at h = 1e-04 the estimate is")
    central_estimate, central_error = nbo.numbers_after(out, "central_difference: at h = 1e-04 the estimate is")
    text = nbo.prose(nb)
    # Solution 1: the error is about f'(1) = cos(1) = 0.5403, shown as 0.540 at h = 1e-4
    assert "cos(1) ≈ 0.5403 (0.540 at h = 1e-4 above)" in text
    assert round(math.cos(1.0), 4) == 0.5403 and round(central_error, 3) == 0.540
    # Solution 2: the same size as the forward difference's error, f''(1) h / 2 = 4.2e-5, opposite sign
    assert "f''(1) h / 2 ≈ 4.2e-5 at h = 1e-4" in text
    assert round(math.sin(1.0) * 1e-4 / 2, 6) == 4.2e-5
    assert backward_error == pytest.approx(math.sin(1.0) * 1e-4 / 2, rel=0.01)
    k = int(np.argmin(abs(np.log10(EX01_STEPS) + 4)))
    forward_estimate = figs.reference_ex01()["forward_difference"][k]
    assert (backward_estimate - math.cos(1.0)) * (forward_estimate - math.cos(1.0)) < 0
    hints = nbo.printed(nb, "# Solution 2, continued")
    assert "It looks like the backward difference" in hints and "divided by h instead of 2h" in hints
