#!/usr/bin/env python3
"""Set up and run adlib with nothing but Python installed.

    python tasks.py course   # install everything, then open the course in JupyterLab
    python tasks.py test     # install everything, then run every test

Both create (or reuse) a virtual environment in ``.venv`` beside this file and
install adlib into it with all its extras; nothing is installed anywhere else.
Extra arguments after ``test`` go to pytest (``python tasks.py test -k dual``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = "course,dev,peers"


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
    stamp = (ROOT / "pyproject.toml").read_text()
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


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"course": course, "test": test, "install": lambda a: (install(), 0)[1]}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
