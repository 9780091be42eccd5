"""``adlib-grade``: grade exercise files, a folder of them, or a whole class.

    adlib-grade ex03_backprop_value.py            # one exercise file
    adlib-grade my_exercises/                     # every exercise file in a folder
    adlib-grade my_exercises/ --json results.json # also write Gradescope's results.json
    adlib-grade submissions/ --class --out gradebook/   # one subfolder per student

A report always covers every exercise of a folder: a missing or misnamed file
is 0 of that exercise's points, saying which name was expected, and
``--json`` is written even when nothing could be graded.  Without the
instructor's hidden checks (``--hidden DIR``), the public checks grade alone and
the report says so.  The exit code is 0 whenever grading ran, whatever the
score; 2 when nothing could be graded (no such file, no file named like an
exercise).
"""
from __future__ import annotations

import argparse
import os
import sys

from .exercises import EXERCISES

__all__ = ["main"]


def _parser():
    p = argparse.ArgumentParser(
        prog="adlib-grade",
        description="Grade adlib exercise files: points and feedback per exercise and test.",
        epilog="Name your files as in exercises/ (ex01_finite_differences.py, ...).")
    p.add_argument("path", metavar="PATH", help="an exercise file, or a folder of them (with --class: a "
                                                 "folder with one subfolder per student)")
    p.add_argument("--json", metavar="FILE", help="write Gradescope's autograder results.json to FILE")
    p.add_argument("--class", dest="klass", action="store_true",
                   help="PATH holds one subfolder (or one file) per student: grade them all in parallel")
    p.add_argument("--out", metavar="DIR", help="with --class: where to write gradebook.csv and "
                                                "one results.json per student (default: PATH-gradebook)")
    p.add_argument("--seed", type=int, help="reuse the random inputs of an earlier run")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per test (default 10)")
    p.add_argument("--memory", type=int, default=1024, help="MB of memory per test (default 1024)")
    p.add_argument("--jobs", "-j", type=int, help="parallel graders (default: one per core)")
    p.add_argument("--hide-hidden", action="store_true",
                   help="leave hidden tests (and the total) out of the printed report")
    p.add_argument("--hidden", metavar="DIR",
                   help="the instructor's folder of hidden checks (default: $ADLIB_GRADE_HIDDEN, else "
                        "grading/hidden beside the package when it exists; without one, the public checks only)")
    return p


def main(argv=None) -> int:
    from .exercises import find_hidden
    from .grader import GradingError, grade_submission
    from .naming import Plan, plan as sort_files
    from .report import complete, gradescope, text_report
    from .runner import write_json_atomic

    ns = _parser().parse_args(argv)
    if os.name != "posix":
        print("adlib-grade: the grader isolates student code with POSIX process limits, which Windows "
              "does not offer; please use WSL, Linux or macOS", file=sys.stderr)
        return 2
    if ns.timeout <= 0 or ns.memory <= 0:
        print("adlib-grade: --timeout and --memory must be positive", file=sys.stderr)
        return 2
    try:
        hidden = find_hidden(ns.hidden)
    except FileNotFoundError as exc:
        print(f"adlib-grade: {exc}", file=sys.stderr)
        return 2
    public_only = hidden is None
    if ns.klass:
        from .gradebook import grade_class
        out = ns.out or os.path.abspath(ns.path).rstrip(os.sep) + "-gradebook"
        try:
            summary = grade_class(ns.path, out, seed=ns.seed, timeout=ns.timeout, memory_mb=ns.memory,
                                  jobs=ns.jobs, hidden=hidden)
        except GradingError as exc:
            print(f"adlib-grade: {exc}", file=sys.stderr)
            return 2
        print(summary)
        return 0
    problem = None
    try:
        found = sort_files(ns.path)
    except FileNotFoundError as exc:
        found, problem = Plan(EXERCISES), str(exc)
    files = found.graded()
    results = grade_submission(files, ns.seed, ns.timeout, ns.memory, hidden=hidden) if files else []
    # Every expected exercise is in the report, graded or not: the maximum never moves.
    results = complete(results, found, public_only=public_only)
    print(text_report(results, show_hidden=not ns.hide_hidden, notes=found.notes(missing=False),
                      public_only=public_only))
    if ns.json:
        write_json_atomic(ns.json, gradescope(results, notes=found.notes(), public_only=public_only))
        print(f"Gradescope results written to {ns.json}")
    if files:
        return 0
    misnamed = [found.note(k) for k in found.misnamed]
    print("adlib-grade: nothing was graded: " + (problem or "; ".join(misnamed) or (
        f"no exercise file in {ns.path!r}; name your files as in exercises/ ("
        + ", ".join(e.filename for e in EXERCISES.values()) + ")")), file=sys.stderr)
    return 2

if __name__ == "__main__":
    sys.exit(main())
