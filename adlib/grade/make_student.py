"""Make the student files from the single-source exercise files (nbgrader's convention).

    python -m adlib.grade.make_student exercises/source exercises

In a source file, the reference solution sits between ``### BEGIN SOLUTION``
and ``### END SOLUTION`` lines.  The student file keeps everything else and
replaces each such block with ``raise NotImplementedError(...)`` at the same
indentation.  ``--check`` reports out-of-date student files instead of writing.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

__all__ = ["make_student", "student_files", "main"]

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB = 'raise NotImplementedError("your code here")'
HEADER = "# Generated from exercises/source/{name} by `python -m adlib.grade.make_student`; edit this file.\n"


def make_student(source: str, name: str = "") -> str:
    """The student version of one source file's text."""
    out, inside = [], None
    for number, line in enumerate(source.splitlines(keepends=True), 1):
        begin = BEGIN.match(line)
        if begin:
            if inside is not None:
                raise ValueError(f"{name}:{number}: BEGIN SOLUTION inside another solution block")
            inside = number
            out.append(f"{begin.group(1)}# YOUR CODE HERE\n{begin.group(1)}{STUB}\n")
        elif END.match(line):
            if inside is None:
                raise ValueError(f"{name}:{number}: END SOLUTION without BEGIN SOLUTION")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise ValueError(f"{name}:{inside}: BEGIN SOLUTION is never closed")
    text = "".join(out)
    return HEADER.format(name=name) + text if name else text


def student_files(source_dir):
    """{file name: student text} for every ``ex*.py`` in ``source_dir``."""
    files = {}
    for name in sorted(os.listdir(source_dir)):
        if name.startswith("ex") and name.endswith(".py"):
            with open(os.path.join(source_dir, name), encoding="utf-8") as fh:
                files[name] = make_student(fh.read(), name)
    return files


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m adlib.grade.make_student", description=__doc__.splitlines()[0])
    p.add_argument("source", help="folder of source files with solutions (exercises/source)")
    p.add_argument("dest", help="folder for the student files (exercises)")
    p.add_argument("--check", action="store_true", help="only report files that are out of date")
    ns = p.parse_args(argv)
    stale = []
    for name, text in student_files(ns.source).items():
        target = os.path.join(ns.dest, name)
        try:
            with open(target, encoding="utf-8") as fh:
                current = fh.read()
        except OSError:
            current = None
        if current == text:
            continue
        stale.append(name)
        if not ns.check:
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
            print(f"wrote {target}")
    if ns.check and stale:
        print("out of date: " + ", ".join(stale) + f"; run python -m adlib.grade.make_student {ns.source} {ns.dest}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
