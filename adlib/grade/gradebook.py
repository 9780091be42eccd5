"""Grade a whole class: one subfolder per student, graded in parallel.

    adlib-grade submissions/ --class --out gradebook/

``submissions/alice/ex01_finite_differences.py``, ``submissions/bob/...``: every
student's exercise files are graded, all (student, exercise) pairs in parallel
across the cores.  The result is ``gradebook/gradebook.csv`` (one row per
student, one column per exercise) and ``gradebook/<student>/results.json`` in
Gradescope's format.  Everything is written at the end, after every grading
process is gone; a student whose code hangs or crashes gets that exercise's
feedback and the batch goes on.
"""
from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor

from .exercises import EXERCISES
from .grader import GradingError, find_submissions, grade_submission, jobs_default, new_seed
from .report import gradescope, totals

__all__ = ["grade_class"]


def _students(path):
    if not os.path.isdir(path):
        raise GradingError(f"--class needs a folder with one subfolder per student, got {path!r}")
    students = sorted(name for name in os.listdir(path)
                      if os.path.isdir(os.path.join(path, name)) and not name.startswith("."))
    if not students:
        raise GradingError(f"no student folders in {path!r} (expected one subfolder per student)")
    return students


def grade_class(path, out, seed=None, timeout=5.0, memory_mb=1024, jobs=None):
    """Grade every student folder under ``path``; write the gradebook to ``out``; return a summary."""
    from .runner import write_json_atomic

    seed = new_seed() if seed is None else int(seed)
    plan, notes = {}, {}
    for student in _students(path):
        try:
            plan[student] = find_submissions(os.path.join(path, student))
        except GradingError as exc:
            plan[student] = []
            notes[student] = str(exc)
    with ThreadPoolExecutor(max_workers=jobs or jobs_default()) as pool:
        futures = {student: pool.submit(grade_submission, files, seed, timeout, memory_mb)
                   for student, files in plan.items() if files}
        results = {student: futures[student].result() if student in futures else []
                   for student in plan}
    os.makedirs(out, exist_ok=True)
    keys = list(EXERCISES)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", *keys, "total", "max", "notes"])
    for student, rs in results.items():
        by_key = {r["exercise"]: r for r in rs}
        row = [student]
        for key in keys:
            row.append(f"{totals([by_key[key]])[0]:g}" if key in by_key else "")
        score, maximum = totals(rs)
        problems = [notes.get(student, "")]
        for r in rs:
            if r.get("import_error"):
                problems.append(f"{r['exercise']}: could not be imported")
            if r.get("error"):
                problems.append(f"{r['exercise']}: {r['error']}")
        row += [f"{score:g}", f"{maximum:g}", "; ".join(p for p in problems if p)]
        writer.writerow(row)
        folder = os.path.join(out, student)
        os.makedirs(folder, exist_ok=True)
        write_json_atomic(os.path.join(folder, "results.json"), gradescope(rs))
    _write_text_atomic(os.path.join(out, "gradebook.csv"), buffer.getvalue())
    lines = [f"{student}: {totals(rs)[0]:g}/{totals(rs)[1]:g}" for student, rs in results.items()]
    return "\n".join(lines + [f"gradebook written to {os.path.join(out, 'gradebook.csv')}"])


def _write_text_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)
