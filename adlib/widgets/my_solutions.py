"""Explore your own solutions: grade an exercise file and picture what its code does.

Plain functions, each tested in ``tests/test_widgets_my_solutions.py``:

* :func:`find_exercise_files` lists the ``ex*.py`` files of a folder
  (:func:`default_folder` finds the course's ``exercises/``);
* :func:`grade_file` runs the grader in a process of its own, through its public
  command line only (``python -m adlib.grade FILE --json OUT``), and turns the
  Gradescope ``results.json`` it writes into :class:`Row` s (:func:`parse_results`);
* :func:`run_probe` runs the student's code on fixed inputs in another process
  (:mod:`adlib.widgets.my_solutions_probe`), with a time limit, and returns the
  plain numbers it printed;
* :func:`feedback_html` writes the rows as a table in the student's terms;
* :mod:`adlib.widgets.my_solutions_figures` draws those numbers against adlib's own.

The student's code never runs in the notebook's kernel, and nothing here writes
into the student's folder.  :func:`make_my_solutions_widget` only wires a file
menu and two buttons to these functions.

DOM classes (the browser test relies on them): ``adlib-my-solutions`` (the box),
``adlib-mysol-file`` (the file menu), ``adlib-mysol-grade`` (button: grade again),
``adlib-mysol-refresh`` (button: look for files again), ``adlib-mysol-status``,
``adlib-mysol-feedback`` (the table) and ``adlib-mysol-picture`` (the figure).
"""
from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import adlib

from .my_solutions_probe import exercise_key
from .my_solutions_probe_io import MARKER

__all__ = ["Row", "GradeResult", "default_folder", "find_exercise_files", "parse_results", "grade_file",
           "run_probe", "feedback_html", "feedback_text", "make_my_solutions_widget"]

#: The folder that holds the adlib package, put first on the children's path so they
#: use the same adlib as the notebook (``python -I`` ignores PYTHONPATH).
ADLIB_ROOT = str(Path(adlib.__file__).resolve().parents[1])

#: The grader's default time limit per test (exercises/README.md), quoted to the student while grading.
GRADER_TEST_SECONDS = 10

_HIDDEN = {"hidden": "hidden on Gradescope", "after_due_date": "hidden on Gradescope until the due date",
           "after_published": "hidden on Gradescope until grades are published"}
_FILE = re.compile(r"^ex\d\d.*\.py$")
_TITLE_PREFIX = re.compile(r"^Exercise \d+:\s*")


@dataclass
class Row:
    """One graded test: its title, points earned and possible, and what the grader said."""
    test: str
    score: float
    max_score: float
    output: str
    visibility: str = "visible"     # Gradescope's: visible, hidden, after_due_date, after_published
    status: str = ""        # Gradescope's optional "passed"/"failed"; a 0-point test has only this

    @property
    def hidden(self):
        return self.visibility in _HIDDEN

    @property
    def passed(self):
        if self.status in ("passed", "failed"):
            return self.status == "passed"
        return self.score >= self.max_score


@dataclass
class GradeResult:
    """The grader's verdict on one file: rows, or a problem said in the student's terms."""
    path: Path
    rows: list
    problem: str = ""

    @property
    def score(self):
        return sum(r.score for r in self.rows)

    @property
    def max_score(self):
        return sum(r.max_score for r in self.rows)


def default_folder(start=None):
    """The course's ``exercises/`` folder: the first found from ``start`` (default: the working
    directory) upwards, else the one beside the adlib package; a Path, which may not exist."""
    here = Path(start or os.getcwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "exercises").is_dir() and any((folder / "exercises").glob("ex*.py")):
            return folder / "exercises"
    return Path(ADLIB_ROOT) / "exercises"


def find_exercise_files(folder):
    """The exercise files (``ex01_....py`` ...) directly in ``folder``, sorted by name."""
    folder = Path(folder)
    if folder.is_file():
        raise FileNotFoundError(f"{folder} is a file; pass folder= the folder that holds your exercise files")
    if not folder.is_dir():
        raise FileNotFoundError(f"there is no folder {folder}; pass folder= the folder that holds "
                                "your exercise files (ex01_finite_differences.py, ...)")
    return sorted(p for p in folder.iterdir() if p.is_file() and _FILE.match(p.name))


def parse_results(results):
    """Gradescope's ``results.json`` (a dict) -> [Row, ...], one per test, in the grader's order."""
    if not isinstance(results, dict) or not isinstance(results.get("tests"), list):
        raise ValueError("the grader's results.json has no list of tests")
    rows = []
    for test in results["tests"]:
        rows.append(Row(test=_TITLE_PREFIX.sub("", str(test.get("name", "(unnamed test)"))),
                        score=float(test.get("score") or 0.0), max_score=float(test.get("max_score") or 0.0),
                        output=str(test.get("output", "")).strip(),
                        visibility=str(test.get("visibility", "visible")),
                        status=str(test.get("status", ""))))
    if not rows and results.get("output"):
        # A report without tests still says why (e.g. "no exercise file found").
        rows.append(Row(test="(no tests ran)", score=0.0, max_score=0.0, output=str(results["output"])))
    return rows


def _child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ADLIB_ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(cmd, timeout, cwd, env=None):
    """(returncode, stdout, stderr, timed_out) of a child started in its own process group.

    On timeout the whole group (the child and anything it started) is killed by its id,
    and what the child printed so far is still returned.
    """
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err, False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        out, err = proc.communicate()
        return proc.returncode, out, err, True


def _last_words(text, lines=6):
    return "\n".join(text.strip().splitlines()[-lines:])


def grade_file(path, timeout=300.0):
    """Grade one exercise file with ``python -m adlib.grade FILE --json OUT`` in its own process.

    Returns a :class:`GradeResult`; when grading cannot finish, its ``problem``
    says why in the student's terms and ``rows`` is empty.
    """
    path = Path(path)
    if not path.is_file():
        return GradeResult(path, [], f"{path.name} is not in {path.parent} any more: was it moved, renamed "
                                     "or deleted? Press 'look again' to list the files again.")
    with tempfile.TemporaryDirectory(prefix="adlib-grade-") as tmp:
        out = Path(tmp) / "results.json"
        cmd = [sys.executable, "-m", "adlib.grade", str(path.resolve()), "--json", str(out)]
        code, stdout, stderr, timed_out = _run(cmd, timeout, cwd=tmp, env=_child_env())
        if timed_out:
            return GradeResult(path, [], f"grading {path.name} took more than {timeout:g} s and was stopped. "
                                         "Does your code loop forever, or wait for input?")
        try:
            results = json.loads(out.read_text())
            rows = parse_results(results)
        except (OSError, ValueError) as exc:
            words = _last_words(stderr or stdout) or "(it printed nothing)"
            return GradeResult(path, [], f"the grader stopped before writing its report on {path.name} "
                                         f"(exit code {code}; {type(exc).__name__}). Its last words:\n{words}")
    return GradeResult(path, rows)


def run_probe(path, timeout=20.0):
    """Run the student's file on the picture's fixed inputs in a fresh isolated process.

    Returns ``{"sections": {name: data, ...}, "problem": str}``; a section the
    student's code finished before a timeout or crash is kept, and ``problem``
    says in the student's terms what stopped the rest ("" when nothing did).
    """
    path = Path(path)
    if not path.is_file():
        return {"sections": {}, "problem": f"{path.name} is not in {path.parent} any more."}
    boot = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from adlib.widgets.my_solutions_probe import main; sys.exit(main(sys.argv[2:]))")
    with tempfile.TemporaryDirectory(prefix="adlib-probe-") as tmp:
        cmd = [sys.executable, "-I", "-B", "-c", boot, ADLIB_ROOT, str(path.resolve())]
        code, stdout, stderr, timed_out = _run(cmd, timeout, cwd=tmp)
    sections = {}
    for line in stdout.splitlines():
        if line.startswith(MARKER + " "):
            try:
                item = json.loads(line[len(MARKER) + 1:])
            except ValueError:
                continue
            name = item.pop("section", None)
            if name == "train":                # ex06 sends one section per step count
                sections.setdefault("train", []).append(item)
            elif name:
                sections[name] = item
    problem = ""
    if timed_out:
        problem = (f"your code ran for more than {timeout:g} s while the picture was computed, so it was "
                   "stopped; the picture shows what finished before.")
    elif code not in (0, None):
        words = _last_words(stderr) or "(nothing)"
        problem = (f"your code stopped the picture's process (exit code {code}); "
                   f"the picture shows what finished before. Its last words:\n{words}")
    return {"sections": sections, "problem": problem}


# --------------------------------------------------------------------------- feedback in words

def _points(x):
    return f"{x:g}"


def feedback_html(result):
    """The grade as an HTML table: one row per test, points, and the grader's words."""
    name = html.escape(result.path.name)
    if result.problem:
        return (f"<div class='adlib-mysol-problem'><b>{name}</b>: could not be graded.<br>"
                f"<pre style='white-space: pre-wrap'>{html.escape(result.problem)}</pre></div>")
    head = (f"<p><b>{name}</b>: {_points(result.score)}/{_points(result.max_score)} points</p>")
    cell = "style='vertical-align: top; padding: 3px 6px; text-align: {}'"
    rows = []
    for r in result.rows:
        mark, colour = ("✓", "#1a7f37") if r.passed else ("✗", "#cf222e")
        hidden = f" <i>({_HIDDEN[r.visibility]})</i>" if r.hidden else ""
        said = html.escape(r.output) if r.output and not r.passed else ("passed" if r.passed else "")
        rows.append(f"<tr><td {cell.format('center')}><span style='color:{colour}'>{mark}</span></td>"
                    f"<td {cell.format('right')}>{_points(r.score)}/{_points(r.max_score)}</td>"
                    f"<td {cell.format('left')}><b>{html.escape(r.test)}</b>{hidden}<br>"
                    f"<span style='white-space: pre-wrap'>{said}</span></td></tr>")
    return ("<div style='line-height: 1.35; font-size: 13px'>" + head
            + "<table style='border-collapse: collapse'>"
            f"<tr><th></th><th {cell.format('right')}>points</th><th {cell.format('left')}>test, and what happened</th></tr>"
            + "".join(rows) + "</table></div>")


def feedback_text(result):
    """The same feedback as plain text (for printing in a notebook or a terminal)."""
    if result.problem:
        return f"{result.path.name}: could not be graded. {result.problem}"
    lines = [f"{result.path.name}: {_points(result.score)}/{_points(result.max_score)} points"]
    for r in result.rows:
        lines.append(f"  [{_points(r.score)}/{_points(r.max_score)}] {r.test}")
        if r.output and not r.passed:
            lines.extend("      " + line for line in r.output.splitlines())
    return "\n".join(lines)


# --------------------------------------------------------------------------- the widget

def make_my_solutions_widget(folder=None, grade_timeout=300.0, probe_timeout=20.0):
    """Pick one of your exercise files: it is graded, and a picture of what it does is drawn beside."""
    import ipywidgets as widgets

    from ._show import show_figure
    from .my_solutions_figures import picture

    folder = Path(folder) if folder is not None else default_folder()
    files = widgets.Dropdown(description="your file", layout=widgets.Layout(width="420px"))
    again = widgets.Button(description="grade again", icon="refresh")
    look = widgets.Button(description="look again", tooltip="list the exercise files in the folder again")
    status = widgets.HTML()
    feedback = widgets.HTML(layout=widgets.Layout(width="440px", margin="0 16px 0 0"))
    pic = widgets.Output()
    note = widgets.HTML()
    drawing = widgets.HTML(layout=widgets.Layout(width="100%", max_width="100%", overflow="auto"))
    for w, cls in ((files, "adlib-mysol-file"), (again, "adlib-mysol-grade"), (look, "adlib-mysol-refresh"),
                   (status, "adlib-mysol-status"), (feedback, "adlib-mysol-feedback"),
                   (pic, "adlib-mysol-picture"), (note, "adlib-mysol-note"), (drawing, "adlib-mysol-drawing")):
        w.add_class(cls)

    def list_files():
        try:
            found = find_exercise_files(folder)
        except FileNotFoundError as exc:
            status.value = html.escape(str(exc))
            return []
        if not found:
            status.value = html.escape(f"no exercise files (ex01_....py, ...) in {folder}")
        return found

    def grade(_change=None):
        path = files.value
        if path is None:
            return
        path = Path(path)
        status.value = (f"<i>grading {html.escape(path.name)}… (a few seconds; up to {GRADER_TEST_SECONDS} s "
                        "more for each test whose code loops)</i>")
        feedback.value, note.value, drawing.value, pic.outputs = "", "", "", ()
        result = grade_file(path, timeout=grade_timeout)
        feedback.value = feedback_html(result)
        status.value = f"<i>drawing what {html.escape(path.name)} does…</i>"
        probe = run_probe(path, timeout=probe_timeout)
        fig, words, drawn = picture(exercise_key(path.name), probe)
        if fig is not None:
            show_figure(pic, fig)
        note.value = f"<div style='line-height: 1.35; font-size: 13px'>{words}</div>"
        drawing.value = drawn
        status.value = f"graded {html.escape(path.name)} (edit the file, save it, and press 'grade again')"

    quiet = [False]       # while the menu is refilled, its changes are not picks

    def picked(_change):
        if not quiet[0]:
            grade()

    def refresh(_button=None):
        current = files.value
        options = [(p.name, str(p)) for p in list_files()]
        quiet[0] = True
        try:
            files.options = options
            files.value = current if current in dict(options).values() else (options[0][1] if options else None)
        finally:
            quiet[0] = False
        if files.value is None:          # nothing left to show feedback for
            feedback.value, note.value, drawing.value, pic.outputs = "", "", "", ()
        elif files.value != current:
            grade()

    files.observe(picked, names="value")
    refresh()
    again.on_click(grade)
    look.on_click(refresh)
    box = widgets.VBox([widgets.HBox([files, again, look]), status,
                        widgets.Box([feedback, widgets.VBox([pic, note], layout=widgets.Layout(width="590px"))],
                                    layout=widgets.Layout(display="flex", flex_flow="row wrap",
                                                          align_items="flex-start")),
                        drawing])
    box.add_class("adlib-my-solutions")
    box.controls = {"file": files, "grade": again, "refresh": look}
    box.status, box.feedback, box.picture, box.note, box.drawing = status, feedback, pic, note, drawing
    box.folder = folder
    return box
