#!/usr/bin/env python3
"""Set up and run adlib with nothing but Python installed.

    python tasks.py course   # install everything, then open the course in JupyterLab
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


def course(args):
    py = install()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        args = [*args, "--allow-root"]   # JupyterLab refuses root without it (containers, CI)
    return run(py, "-m", "jupyter", "lab", *args, cwd=ROOT / "notebooks")


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
