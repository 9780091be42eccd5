"""Which exercise each submitted file is for, by its name -- and what is missing or misnamed.

Only a regular file named exactly as in ``exercises/`` (``ex03_backprop_value.py``)
is graded.  A file that is probably meant for an exercise (``ex03_backprop.py``,
``Ex03_backprop_value.py``, ``ex03_backprop_value (1).py``, ``backprop_value.py``,
or the right name inside a subfolder) is named in the report with the name it
needs, and earns nothing until it has that name: the grader never guesses which
of two files a student meant.  Used by the grader's reports and by the
student's ``submit`` command alike.
"""
from __future__ import annotations

import difflib
import os
import re
import stat

from .exercises import EXERCISES

__all__ = ["Plan", "plan", "guess", "expected_names"]


def expected_names():
    """The file names the grader looks for, in exercise order."""
    return [e.filename for e in EXERCISES.values()]


def _stem(name):
    """A file name reduced to what a student meant: lower case, no copy suffix, no extension."""
    name = name.strip().lower()
    name = re.sub(r"\.(py|txt|ipynb|pyw|py\.txt)$", "", name)
    name = re.sub(r"\s*(\(\d+\)|copy|-\s*copy|_copy)$", "", name).strip()
    return re.sub(r"[\s\-.]+", "_", name)


def guess(name):
    """The Exercise a wrongly named file is probably meant for, or None."""
    stem = _stem(os.path.basename(name))
    number = re.match(r"^(?:ex|exercise|exo|ü|uebung)?_?0*(\d+)(?:_|$)", stem)
    if number:
        for exercise in EXERCISES.values():
            if exercise.number == int(number.group(1)):
                return exercise
    stems = {e.filename[:-3]: e for e in EXERCISES.values()}
    bare = {re.sub(r"^ex\d+_", "", s): e for s, e in stems.items()}
    for table in (stems, bare):
        close = difflib.get_close_matches(stem, list(table), n=1, cutoff=0.75)
        if close:
            return table[close[0]]
    return None


class Plan:
    """What a submission folder (or file) holds, sorted by exercise.

    ``found``     {key: path} of regular files with an exercise's exact name;
    ``misnamed``  {key: [name, ...]} files probably meant for an exercise, not graded;
    ``unknown``   [name, ...] other files (not graded, listed for the student);
    ``irregular`` {key: [name, ...]} folders with an exercise's name (not graded);
    ``expected``  the keys a report covers: every exercise for a folder, one for a file.
    """

    def __init__(self, expected):
        self.expected = list(expected)
        self.found, self.misnamed, self.irregular, self.unknown = {}, {}, {}, []

    @property
    def missing(self):
        return [k for k in self.expected if k not in self.found]

    def graded(self):
        """[(Exercise, path)] of the files to grade, in exercise order."""
        return [(EXERCISES[k], self.found[k]) for k in self.expected if k in self.found]

    def note(self, key):
        """Why exercise ``key`` has no gradable file, in the student's terms (None if it has one)."""
        if key in self.found:
            return None
        exercise = EXERCISES[key]
        want = exercise.filename
        if key in self.irregular:
            names = ", ".join(repr(n) for n in self.irregular[key])
            return f"{names} is a folder, not a file, so it was not graded; submit the file {want} itself"
        if key in self.misnamed:
            names = ", ".join(repr(n) for n in self.misnamed[key])
            fix = (f"put it at the top of your submission, not in a folder, named {want}"
                   if any("/" in n for n in self.misnamed[key]) else f"rename it to {want}")
            return (f"no file named {want} was submitted; {names} is probably meant for exercise "
                    f"{exercise.number} but was not graded: {fix} (names must match exactly)")
        return f"no file named {want} was submitted (expected for exercise {exercise.number}: {exercise.title})"

    def notes(self, missing=True):
        """One line per exercise without a gradable file (unless ``missing=False``), then the
        unrecognised files."""
        lines = [self.note(k) for k in self.missing] if missing else []
        for key, names in self.misnamed.items():
            if key in self.found:
                lines.append(f"also submitted for exercise {EXERCISES[key].number}, ignored: "
                             + ", ".join(repr(n) for n in names) + f" (graded: {EXERCISES[key].filename})")
        if self.unknown:
            shown = ", ".join(repr(n) for n in self.unknown[:10])
            more = f" and {len(self.unknown) - 10} more" if len(self.unknown) > 10 else ""
            lines.append(f"not an exercise file, ignored: {shown}{more}")
        return lines

    def _add(self, name, full, depth_prefix=""):
        if name.startswith("."):
            return   # hidden files (macOS's ._ex01_... copies, .DS_Store) are never exercises
        shown = depth_prefix + name
        exercise = next((e for e in EXERCISES.values() if e.filename == name), None)
        folder = _is_folder(full)
        if exercise is not None and not depth_prefix:
            # A link, a FIFO or a device with the right name goes to the grader, which reads
            # it without following it or blocking, and reports it as not gradable.
            if folder:
                self.irregular.setdefault(exercise.key, []).append(shown)
            else:
                self.found.setdefault(exercise.key, full)
            return
        exercise = exercise or guess(name)
        if exercise is not None and not folder:
            self.misnamed.setdefault(exercise.key, []).append(shown)
        elif not folder and not name.startswith("."):
            self.unknown.append(shown)


def _is_folder(path):
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def plan(path):
    """The Plan of a file or a folder (raises FileNotFoundError for a missing path).

    A folder's report covers every exercise; a single file's covers its own exercise
    (or every exercise when its name says nothing).  Subfolders one level down are
    looked into only to tell the student that a file sits in the wrong place.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        result = Plan(EXERCISES)
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            if _is_folder(full) and name not in expected_names():
                if name.startswith(".") or name in ("__pycache__", "__MACOSX"):
                    continue
                for inner in sorted(os.listdir(full)):
                    result._add(inner, os.path.join(full, inner), depth_prefix=name + "/")
                continue
            result._add(name, full)
        return result
    if os.path.lexists(path):
        name = os.path.basename(path)
        exercise = next((e for e in EXERCISES.values() if e.filename == name), None) or guess(name)
        result = Plan([exercise.key] if exercise else EXERCISES)
        result._add(name, path)
        return result
    raise FileNotFoundError(f"no such file or folder: {path!r}")
