"""Pack your exercise files into the zip Gradescope expects, after checking their names.

    python3 tasks.py submit                      # exercises/ -> submission.zip
    python -m adlib.grade.submit FOLDER_OR_FILES... [-o submission.zip]

Gradescope grades only files named exactly as in ``exercises/`` and lying at the
zip's root.  This command puts exactly those files there, refuses a file that
looks meant for an exercise but is named otherwise (``ex03_backprop.py``,
``Ex03_backprop_value.py``, ``ex03_backprop_value (1).py``) and tells you the
name to use, warns about missing exercises and about files Python cannot read,
and leaves every other file out.  Your files are only read, never changed.
"""
from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
import zipfile

from .exercises import EXERCISES
from .naming import Plan, plan

__all__ = ["main", "collect", "SubmitError"]


class SubmitError(Exception):
    """The files cannot be packed as they are; the message says what to change."""


def _expected():
    return ", ".join(e.filename for e in EXERCISES.values())


def collect(paths):
    """(Plan, warnings) for folders and/or files; raises SubmitError for a misnamed or unknown file."""
    combined = Plan(EXERCISES)
    problems, warnings = [], []
    for path in paths:
        try:
            part = plan(path)
        except FileNotFoundError as exc:
            raise SubmitError(str(exc)) from None
        explicit = not os.path.isdir(path)
        for key, full in part.found.items():
            if not stat.S_ISREG(os.lstat(full).st_mode):
                problems.append(f"{full}: a link or a special file, not a regular file; submit the file itself")
                continue
            if key in combined.found and os.path.realpath(combined.found[key]) != os.path.realpath(full):
                problems.append(f"two files for exercise {EXERCISES[key].number}: {combined.found[key]} and {full}")
            combined.found.setdefault(key, full)
        for key, names in part.misnamed.items():
            for name in names:
                where = os.path.join(path, name) if not explicit else path
                problems.append(f"{where}: probably meant for exercise {EXERCISES[key].number}; "
                                f"name it {EXERCISES[key].filename} (exactly) and put it at the top of the folder")
        for key, names in part.irregular.items():
            for name in names:
                problems.append(f"{name}: a folder, not a file; submit the file itself")
        if explicit and part.unknown:
            problems.append(f"{path}: not an exercise file (expected one of {_expected()})")
        combined.unknown += [] if explicit else part.unknown
    if problems:
        raise SubmitError("nothing was packed:\n  " + "\n  ".join(problems))
    if not combined.found:
        raise SubmitError(f"no exercise files found; expected files named {_expected()}")
    for key in combined.missing:
        warnings.append(f"exercise {EXERCISES[key].number} is missing ({EXERCISES[key].filename}): "
                        "it will get 0 points")
    for key, full in combined.found.items():
        try:
            with open(full, "rb") as fh:
                compile(fh.read().decode("utf-8"), full, "exec")
        except UnicodeDecodeError:
            warnings.append(f"{full} is not UTF-8 text: the grader will not be able to read it")
        except SyntaxError as exc:
            warnings.append(f"{full} has a syntax error on line {exc.lineno}: exercise "
                            f"{EXERCISES[key].number} will get 0 points until it is fixed")
    return combined, warnings


def _ours(path):
    """True if ``path`` is a zip holding exercise files only (one this command wrote)."""
    names = {e.filename for e in EXERCISES.values()}
    try:
        with zipfile.ZipFile(path) as z:
            return set(z.namelist()) <= names
    except (OSError, zipfile.BadZipFile):
        return False


def pack(found, out):
    """Write the zip atomically: each exercise file at the root under its exact name."""
    out = os.path.abspath(out)
    if os.path.lexists(out) and not (os.path.isfile(out) and not os.path.islink(out) and _ours(out)):
        raise SubmitError(f"{out} exists and is not a submission zip written by this command; "
                          "choose another name with -o")
    fd, tmp = tempfile.mkstemp(prefix=".submission-", suffix=".zip", dir=os.path.dirname(out))
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for key in sorted(found):
                z.write(found[key], arcname=EXERCISES[key].filename)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 tasks.py submit",
                                description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="*", metavar="FOLDER_OR_FILE",
                   help="your exercises folder (default: exercises/ here) or exercise files")
    p.add_argument("-o", "--output", default="submission.zip", help="the zip to write (default submission.zip)")
    ns = p.parse_args(argv)
    paths = ns.paths or ["exercises" if os.path.isdir("exercises") else "."]
    try:
        found, warnings = collect(paths)
        out = pack(found.found, ns.output)
    except SubmitError as exc:
        print(f"submit: {exc}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {out} with {len(found.found)} exercise file(s): "
          + ", ".join(EXERCISES[k].filename for k in sorted(found.found)))
    if found.unknown:
        print("left out (not exercise files): " + ", ".join(found.unknown))
    print("Upload this zip to the assignment on Gradescope.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
