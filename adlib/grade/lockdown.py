"""Make the instructor's files root-only, for grading as root without bubblewrap.

    python -m adlib.grade.lockdown [--hidden DIR] [--check]

Without bubblewrap's namespaces (e.g. in a Docker container that does not
allow them, as on Gradescope), the student's process runs as a user id of its
own and can read every file that any user may read.  What would answer the
exercises must then be unreadable for it: the hidden checks, the reference
solutions, adlib's own source (it could be executed to answer), and the
differentiation libraries autograd, torch, jax.  This module finds those
places, takes read and search permission for group and others away from each
(``chmod go-rwx`` on the folder: nothing below it can be reached), and checks
the result the only reliable way: by trying to read them as a fresh user id.

The grader itself runs as root and is not affected.  numpy, the Python
installation and the probes (copied into the student's folder) stay readable.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import stat
import sys

__all__ = ["instructor_paths", "readable_by_student", "lock_down", "main"]

PEERS = ("adlib", "autograd", "torch", "jax", "jaxlib", "micrograd", "tensorflow", "sympy")


def _package_dir(name):
    """The folder of an importable package (found without importing it), or None."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return os.path.realpath(list(spec.submodule_search_locations)[0])
    return os.path.realpath(spec.origin) if spec.origin and os.path.exists(spec.origin) else None


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _keep_readable():
    """What the student's process must still read: numpy (and its bundled libraries) and Python."""
    import numpy
    numpy_dir = os.path.realpath(os.path.dirname(numpy.__file__))
    keep = [numpy_dir, numpy_dir + ".libs"]
    return keep + [os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix, sys.executable)]


def _without_readable(path, keep):
    """``path``, or, when something that must stay readable is inside it (e.g. a virtual environment
    inside the repository), the entries of ``path`` that hold none of it, recursively."""
    if not any(_inside(k, path) for k in keep):
        return [path]
    if not os.path.isdir(path) or any(k == path for k in keep):
        return []
    out = []
    for name in sorted(os.listdir(path)):
        out += _without_readable(os.path.join(path, name), keep)
    return out


def instructor_paths(hidden=None, peers=True):
    """The places a submission must not read: the checkout or folder holding adlib (with grading/ and
    exercises/source/), the hidden checks, and (``peers``) every installed copy of adlib and its peers.
    numpy and the Python installation are never among them, even when they sit inside the checkout."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # adlib/
    root = os.path.dirname(here)
    paths = []
    if os.path.isdir(os.path.join(root, "grading")) or os.path.isdir(os.path.join(root, "exercises", "source")):
        paths.append(root)          # a source checkout: the instructor's whole repository
    else:
        paths.append(here)          # an installed adlib
    if hidden:
        hidden = os.path.abspath(hidden)
        paths.append(hidden)
        if os.path.basename(os.path.dirname(hidden)) == "grading":   # <repository>/grading/hidden
            paths.append(os.path.dirname(os.path.dirname(hidden)))
    if peers:
        paths += [p for p in (_package_dir(name) for name in PEERS) if p]
    keep = _keep_readable()
    out = []
    for path in (q for p in paths for q in _without_readable(os.path.realpath(p), keep)):
        if not any(_inside(path, o) for o in out):
            out = [o for o in out if not _inside(o, path)] + [path]
    return out


def _sample(path):
    """A file (or the folder itself) to try reading inside ``path``."""
    if not os.path.isdir(path):
        return path
    for folder, _, files in os.walk(path):
        for name in sorted(files):
            if name.endswith(".py"):
                return os.path.join(folder, name)
    return path


def readable_by_student(paths):
    """The paths a fresh, unprivileged user id could read (root only; otherwise all of them,
    since the submission then runs as the grading user itself)."""
    if os.geteuid() != 0:
        return list(paths)
    samples = {p: _sample(p) for p in paths}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the probe, as a user nobody else uses
        try:
            os.close(read)
            number = 1_000_000 + int.from_bytes(os.urandom(4), "big") % 1_000_000_000
            os.setgroups([])
            os.setgid(number)
            os.setuid(number)
            found = []
            for path, sample in samples.items():
                try:
                    if os.path.isdir(sample):
                        os.listdir(sample)
                    else:
                        os.close(os.open(sample, os.O_RDONLY))
                    found.append(path)
                except OSError:
                    pass
            os.write(write, "\0".join(found).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read().decode()
    os.waitpid(pid, 0)
    return [p for p in data.split("\0") if p]


def lock_down(paths):
    """chmod go-rwx on each path (a folder's files below are then unreachable for others)."""
    for path in paths:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        os.chmod(path, mode & 0o700)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m adlib.grade.lockdown", description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", help="the folder of hidden checks (default: as adlib-grade finds it)")
    parser.add_argument("--check", action="store_true", help="only report what a submission could read")
    ns = parser.parse_args(argv)
    from .exercises import find_hidden
    paths = instructor_paths(find_hidden(ns.hidden))
    if os.geteuid() != 0:
        print("lockdown: not root, so submissions run as this very user and can read all of these:\n  "
              + "\n  ".join(paths), file=sys.stderr)
        return 1
    if not ns.check:
        lock_down(paths)
    exposed = readable_by_student(paths)
    for path in paths:
        print(f"{'READABLE by submissions' if path in exposed else 'root-only'}: {path}")
    return 1 if exposed else 0


if __name__ == "__main__":
    sys.exit(main())
