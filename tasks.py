#!/usr/bin/env python3
"""Set up and run adlib with nothing but Python installed.

    python tasks.py course   # install everything, copy the notebooks into my-notebooks/, open them in JupyterLab
    python tasks.py test     # install everything, then run every test
    python tasks.py submit   # pack exercises/ into submission.zip for Gradescope
    python tasks.py release OUT   # (instructor) OUT/student/ and OUT/autograder.zip

Each creates (or reuses) a virtual environment in ``.venv`` beside this file and
installs adlib into it with the course's extras (``course,dev``; the instructor's
copy -- the one with ``grading/`` -- adds ``peers``, the libraries benchmarks and
cross-checks compare against); nothing is installed anywhere else.  Extra
arguments after ``test`` go to pytest (``python tasks.py test -k dual``), after
``submit`` to the packer (``python tasks.py submit my_folder -o hw.zip``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# The instructor's copy holds grading/ (hidden checks); the student copy gets no peers.
INSTRUCTOR = (ROOT / "grading").is_dir()
EXTRAS = "course,dev,peers" if INSTRUCTOR else "course,dev"


def venv_python() -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / sub


def run(*cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=kw.pop("cwd", ROOT), **kw)


def install() -> Path:
    """Create .venv if needed and install adlib (editable) with every extra."""
    py = venv_python()
    if not py.exists():
        print(f"creating a virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    marker = VENV / ".adlib-installed"
    stamp = (ROOT / "pyproject.toml").read_text() + EXTRAS
    if not marker.exists() or marker.read_text() != stamp:
        if run(py, "-m", "pip", "install", "--quiet", "--upgrade", "pip") != 0:
            sys.exit("could not upgrade pip in .venv")
        if run(py, "-m", "pip", "install", "--quiet", "-e", f".[{EXTRAS}]") != 0:
            sys.exit("installing adlib and its dependencies failed (see pip's message above)")
        marker.write_text(stamp)
    return py


COURSE_NOTEBOOKS = ROOT / "notebooks"
# The student's working folder (gitignored): JupyterLab autosaves here, never into notebooks/.
WORKDIR = Path(os.environ.get("ADLIB_COURSE_DIR") or ROOT / "my-notebooks")
VERSIONS = ".course-versions.json"   # in WORKDIR: the sha256 of each course notebook as copied


def working_copies(source: Path = COURSE_NOTEBOOKS, dest: Path = None) -> list:
    """Copy each course notebook into ``dest`` without ever overwriting a student's work.

    A missing copy is copied.  A copy still byte-identical to the course version it came
    from is replaced by a newer course version.  A copy the student has changed is kept;
    a newer course version then goes beside it as ``NAME.course-update-<hash>.ipynb``.
    Returns what it did, one sentence per notebook that needed anything.
    """
    import hashlib
    import json
    dest = Path(WORKDIR if dest is None else dest)
    if dest.resolve() == Path(source).resolve():
        sys.exit(f"the working folder {dest} is the course's own notebooks folder; choose another "
                 "(ADLIB_COURSE_DIR), so that your edits never overwrite the course")
    if dest.exists() and not dest.is_dir():
        sys.exit(f"{dest} is a file, not a folder: move it away so the course can put your working copies there")
    dest.mkdir(parents=True, exist_ok=True)
    record_file = dest / VERSIONS
    try:
        record = json.loads(record_file.read_text())
    except (OSError, ValueError):
        record = {}
    digest = lambda data: hashlib.sha256(data).hexdigest()
    said = []
    for course_nb in sorted(source.glob("*.ipynb")):
        new = course_nb.read_bytes()
        target = dest / course_nb.name
        if not target.exists():
            target.write_bytes(new)
            said.append(f"new notebook: {target.name}")
        else:
            mine = digest(target.read_bytes())
            if mine == digest(new) or record.get(target.name) == digest(new):
                pass                                   # up to date, or the student's edit of it
            elif mine == record.get(target.name):      # untouched since copied: safe to update
                target.write_bytes(new)
                said.append(f"updated (you had not changed it): {target.name}")
            else:
                beside = dest / f"{course_nb.stem}.course-update-{digest(new)[:8]}.ipynb"
                if not beside.exists():
                    beside.write_bytes(new)
                said.append(f"the course changed {target.name}; your copy is kept as it is and "
                            f"the new version is {beside.name}")
                continue                               # keep the old record: report until merged
        record[target.name] = digest(new)
    record_file.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return said


def course(args):
    py = install()
    for sentence in working_copies():
        print(sentence, flush=True)
    print(f"your working copies are in {WORKDIR} (notebooks/ keeps the course's originals)", flush=True)
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        args = [*args, "--allow-root"]   # JupyterLab refuses root without it (containers, CI)
    return run(py, "-m", "jupyter", "lab", *args, cwd=WORKDIR)


def test(args):
    py = install()
    return run(py, "-m", "pytest", *args)


def submit(args):
    """Check the exercise files' names and pack them into the zip Gradescope expects."""
    py = install()
    return run(py, "-m", "adlib.grade.submit", *args, cwd=Path.cwd())


def release(args):
    """(Instructor) build OUT/student/ and OUT/autograder.zip from the git-tracked files."""
    if not INSTRUCTOR:
        print("release: this is the student copy (no grading/ folder); release from the instructor's repository")
        return 2
    sys.path.insert(0, str(ROOT / "tools"))
    import release as tool   # standard library only: runs on a bare python3, before any install
    return tool.main(args)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"course": course, "test": test, "submit": submit, "release": release,
                "install": lambda a: (install(), 0)[1]}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
