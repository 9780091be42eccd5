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
from .grader import GradingError, grade_submission, jobs_default, new_seed
from .naming import plan as sort_files
from .report import complete, gradescope, totals

__all__ = ["grade_class"]


def _students(path):
    if not os.path.isdir(path):
        raise GradingError(f"--class needs a folder with one subfolder per student, got {path!r}")
    students = sorted(name for name in os.listdir(path)
                      if os.path.isdir(os.path.join(path, name)) and not name.startswith("."))
    if not students:
        raise GradingError(f"no student folders in {path!r} (expected one subfolder per student)")
    return students


def grade_class(path, out, seed=None, timeout=5.0, memory_mb=1024, jobs=None, hidden=None):
    """Grade every student folder under ``path``; write the gradebook to ``out``; return a summary.

    ``hidden`` is the folder of hidden checks (None: the public checks only).  Every
    student is graded with the same seed, so all see the same random inputs; the
    CSV has one row per student: a score for every exercise (0 for a missing one),
    the total, the maximum (the same for everyone), the seed and notes (missing,
    misnamed and unimportable files, grading errors).
    """
    from .runner import write_json_atomic

    seed = new_seed() if seed is None else int(seed)
    plans = {student: sort_files(os.path.join(path, student)) for student in _students(path)}
    with ThreadPoolExecutor(max_workers=jobs or jobs_default()) as pool:
        futures = {student: pool.submit(grade_submission, p.graded(), seed, timeout, memory_mb, hidden=hidden)
                   for student, p in plans.items() if p.graded()}
        graded = {student: futures[student].result() if student in futures else [] for student in plans}
    results = {student: complete(graded[student], plans[student], seed=seed, public_only=hidden is None)
               for student in plans}
    os.makedirs(out, exist_ok=True)
    keys = list(EXERCISES)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", *keys, "total", "max", "seed", "notes"])
    for student, rs in results.items():
        by_key = {r["exercise"]: r for r in rs}
        score, maximum = totals(rs)
        problems = list(plans[student].notes())
        for r in rs:
            if r.get("import_error"):
                problems.append(f"{r['exercise']}: could not be imported")
            if r.get("error"):
                problems.append(f"{r['exercise']}: {r['error']}")
        writer.writerow([_cell(student), *(f"{totals([by_key[k]])[0]:g}" for k in keys),
                         f"{score:g}", f"{maximum:g}", seed, _cell("; ".join(problems))])
        folder = os.path.join(out, student)
        os.makedirs(folder, exist_ok=True)
        write_json_atomic(os.path.join(folder, "results.json"),
                          gradescope(rs, notes=plans[student].notes(), public_only=hidden is None))
    _write_text_atomic(os.path.join(out, "gradebook.csv"), buffer.getvalue())
    lines = [f"{student}: {totals(rs)[0]:g}/{totals(rs)[1]:g}" for student, rs in results.items()]
    lines.append(f"seed {seed}" + ("; public checks only (no hidden checks found)" if hidden is None else ""))
    return "\n".join(lines + [f"gradebook written to {os.path.join(out, 'gradebook.csv')}"])


def _cell(text):
    """A CSV cell a spreadsheet shows as text, never runs as a formula (names come from students)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write_text_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)
