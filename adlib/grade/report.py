"""Reports: the text a student reads and Gradescope's ``results.json``.

Every report covers every exercise it is expected to (for a folder, every exercise
of :data:`~adlib.grade.exercises.EXERCISES`), so the maximum never depends on what
was submitted: an exercise without a gradable file appears as one 0-point test
worth the exercise's maximum, saying which file was expected (and which submitted
file was probably meant for it).

Gradescope (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
hidden tests get ``"visibility": "after_due_date"``, and Gradescope then keeps
the student's total score from them until the due date.  The top-level
``output`` is always visible, so it never states the total while hidden tests
exist -- only the points of the visible tests and how many points are hidden.
``stdout_visibility`` stays ``hidden``: the autograder's stdout (the full text
report) is for the instructor.
"""
from __future__ import annotations

import textwrap

from .exercises import EXERCISES

__all__ = ["totals", "complete", "text_report", "gradescope", "PUBLIC_ONLY"]

PUBLIC_ONLY = ("Graded with the public checks only: the hidden checks are the instructor's, "
               "so your final score may be lower than this.")


def totals(results, hidden=None):
    """(points, maximum) over a list of exercise results (only hidden/visible tests if asked)."""
    tests = [t for r in results for t in r["tests"] if hidden is None or bool(t["hidden"]) == hidden]
    return round(sum(t["score"] for t in tests), 4), round(sum(t["max_score"] for t in tests), 4)


def _pts(x):
    return f"{x:g}"


def _maximum(key, public_only):
    exercise = EXERCISES[key]
    return exercise.public_points if public_only else exercise.max_points


def _placeholder(key, note, seed, public_only):
    """The result of an exercise no file was graded for: 0 of its maximum, saying why."""
    exercise = EXERCISES[key]
    return {"exercise": key, "title": exercise.title, "file": None, "seed": seed, "import_error": None,
            "error": None, "execution_time": 0.0, "missing": note,
            "tests": [{"name": f"a file named {exercise.filename}", "id": "", "score": 0.0,
                       "max_score": float(_maximum(key, public_only)), "outcome": "missing",
                       "output": note, "hidden": False}]}


def complete(results, plan, seed=None, public_only=False):
    """``results`` for the graded files, plus one placeholder for each expected exercise without one.

    An exercise whose tests did not all run (the grader was stopped) gets a 0-point
    entry for the rest of its maximum, so the maximum stays the same.
    """
    by_key = {r["exercise"]: r for r in results}
    seeds = [r["seed"] for r in results if r.get("seed") is not None]
    seed = seeds[0] if seeds else seed
    out = []
    for key in sorted(set(plan.expected) | set(by_key)):
        if key not in by_key:
            out.append(_placeholder(key, plan.note(key), seed, public_only))
            continue
        r = dict(by_key[key], tests=list(by_key[key]["tests"]))
        short = _maximum(key, public_only) - sum(t["max_score"] for t in r["tests"])
        if short > 1e-9:
            why = r.get("error") or "the grader stopped before these tests ran"
            r["tests"].append({"name": "tests that did not run", "id": "", "score": 0.0,
                               "max_score": float(short), "outcome": "not run", "output": why,
                               "hidden": False})
        out.append(r)
    return out


def _warning_text(r):
    """The text of a non-fatal note on the student's file (e.g. a self-check that failed), or None."""
    w = r.get("import_warning")
    if not w:
        return None
    text = "\n".join(str(w[k]) for k in ("message", "traceback") if w.get(k)) if isinstance(w, dict) else str(w)
    return ("your file raised when imported, after its functions were defined; the tests ran with what "
            "was defined:\n" + text)


def _run_notes(results):
    """The grader's notes about the run (isolation, checks used), each once."""
    seen = []
    for r in results:
        for note in r.get("notes") or ():
            if note and note not in seen:
                seen.append(note)
    return seen


def _heading(r):
    score, maximum = totals([r])
    where = f" ({r['file']})" if r.get("file") else ""
    return f"Exercise {EXERCISES[r['exercise']].number}: {r['title']}{where} -- {_pts(score)}/{_pts(maximum)} points"


def _summary(results, hidden_shown):
    """The closing lines: the total, or only the visible points while hidden tests stay hidden."""
    score, maximum = totals(results)
    hidden_score, hidden_max = totals(results, hidden=True)
    if hidden_max and not hidden_shown:
        visible, visible_max = totals(results, hidden=False)
        return (f"Visible tests: {_pts(visible)}/{_pts(visible_max)} points; hidden tests worth "
                f"{_pts(hidden_max)} point{'' if hidden_max == 1 else 's'} are shown after the due date, "
                "with your total.")
    return f"Total: {_pts(score)}/{_pts(maximum)} points"


def _seed_line(results):
    seeds = sorted({r["seed"] for r in results if r.get("seed") is not None and r.get("file")})
    if not seeds:
        return None
    return (f"Random inputs were drawn with seed {', '.join(map(str, seeds))} "
            f"(rerun with --seed {seeds[0]} to see the same inputs).")


def text_report(results, show_hidden=True, notes=(), public_only=False):
    """Points and feedback per exercise and per test, then the total."""
    lines = [PUBLIC_ONLY, ""] if public_only else []
    for r in results:
        lines.append(_heading(r) if show_hidden or not totals([r], hidden=True)[1] else
                     f"Exercise {EXERCISES[r['exercise']].number}: {r['title']}"
                     + (f" ({r['file']})" if r.get("file") else ""))
        if r.get("import_error"):
            lines.append("  Your file could not be imported, so no test could run:")
            lines.append(textwrap.indent(r["import_error"]["message"], "    "))
            if r["import_error"].get("traceback"):
                lines.append(textwrap.indent(r["import_error"]["traceback"], "    "))
        if r.get("error"):
            lines.append(f"  {r['error']}")
        if _warning_text(r):
            lines.append(textwrap.indent("Note: " + _warning_text(r), "  "))
        for t in r["tests"]:
            if t["hidden"] and not show_hidden:
                continue
            mark = "ok " if t["outcome"] == "passed" else "-- "
            hidden = " (hidden test)" if t["hidden"] else ""
            lines.append(f"  {mark}[{_pts(t['score'])}/{_pts(t['max_score'])}] {t['name']}{hidden}")
            if t["outcome"] != "passed" and t["output"]:
                lines.append(textwrap.indent(t["output"].rstrip(), "        "))
        lines.append("")
    lines += [f"Note: {n}" for n in notes]
    lines += [f"About this run: {n}" for n in _run_notes(results)]
    lines.append(_summary(results, show_hidden))
    seed = _seed_line(results)
    if seed:
        lines.append(seed)
    return "\n".join(lines)


def gradescope(results, notes=(), public_only=False):
    """Gradescope's autograder format: score, execution_time, output and one entry per test."""
    score, maximum = totals(results)
    tests = []
    for r in results:
        prefix = f"Exercise {EXERCISES[r['exercise']].number}"
        if r.get("import_error"):
            tests.append({"name": f"{prefix}: your file imports", "score": 0.0, "max_score": 0.0,
                          "output": r["import_error"]["message"] + "\n" + (r["import_error"].get("traceback") or ""),
                          "visibility": "visible", "status": "failed"})
        if r.get("error") and not any(t["outcome"] == "not run" for t in r["tests"]):
            tests.append({"name": f"{prefix}: grading", "score": 0.0, "max_score": 0.0,
                          "output": r["error"], "visibility": "visible", "status": "failed"})
        if _warning_text(r):
            tests.append({"name": f"{prefix}: a note on your file", "score": 0.0, "max_score": 0.0,
                          "output": _warning_text(r), "visibility": "visible"})
        for t in r["tests"]:
            tests.append({"name": f"{prefix}: {t['name']}", "score": t["score"], "max_score": t["max_score"],
                          "output": t["output"] if t["outcome"] != "passed" else "passed",
                          "visibility": "after_due_date" if t["hidden"] else "visible",
                          "status": "passed" if t["outcome"] == "passed" else "failed"})
    seeds = sorted({r["seed"] for r in results if r.get("seed") is not None and r.get("file")})
    lines = [PUBLIC_ONLY] if public_only else []
    lines += [f"Note: {n}" for n in notes]
    lines += [f"About this run: {n}" for n in _run_notes(results)]
    lines.append(_summary(results, hidden_shown=False))
    if seeds:
        lines.append(f"Random seed {seeds[0]}.")
    # Only keys of Gradescope's specification at the top level; the maximum goes in extra_data.
    return {"score": score,
            "execution_time": round(sum(r.get("execution_time", 0.0) for r in results), 3),
            "output": "\n".join(lines),
            "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"max_score": maximum, "seeds": seeds, "public_only": bool(public_only),
                           "notes": _run_notes(results),
                           "missing": [r["exercise"] for r in results if r.get("missing")]},
            "tests": tests}
