"""Grade submissions: one file, a folder of exercise files, or a whole class.

Each student's files are graded by one runner process (:mod:`adlib.grade.runner`);
the runners of a whole class run in parallel across the cores.  Inside a
runner, each file has its own sandbox, and every call into student code its own
child process, so a hang or crash costs only the test it happens in.  A runner
that outlives its budget is killed with its process group, and only that
student's report says so.
"""
from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import tempfile

from .exercises import EXERCISES, identify

__all__ = ["grade_file", "grade_submission", "grade_folder", "find_submissions", "new_seed", "GradingError"]


class GradingError(Exception):
    """Nothing could be graded (no such file, no exercise file in a folder, ...)."""


def new_seed():
    """A fresh random seed from the operating system."""
    return struct.unpack("<I", os.urandom(4))[0]


def find_submissions(path):
    """[(exercise, file)] for a file or the exercise files directly inside a folder."""
    path = os.fspath(path)
    if os.path.lexists(path) and not os.path.isdir(path):
        exercise = identify(path)
        if exercise is None:
            names = ", ".join(e.filename for e in EXERCISES.values())
            raise GradingError(f"cannot tell which exercise {os.path.basename(path)!r} is; "
                               f"name it as in exercises/: {names}")
        return [(exercise, path)]
    if os.path.isdir(path):
        found = {}
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            exercise = identify(name)
            # a symbolic link or a FIFO is found too: reading it gives a clear 0-point report
            if exercise is not None and os.path.lexists(full) and not os.path.isdir(full) \
                    and exercise.key not in found:
                found[exercise.key] = (exercise, full)
        if not found:
            names = ", ".join(e.filename for e in EXERCISES.values())
            raise GradingError(f"no exercise files in {path!r}; expected files named like {names}")
        return [found[k] for k in sorted(found)]
    raise GradingError(f"no such file or folder: {path!r}")


def _runner_env():
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"   # no nbval, hypothesis, ... in the grader's pytest
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"                           # one core per runner; runners share the machine
    env.pop("PYTEST_ADDOPTS", None)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def grade_file(exercise, path, seed=None, timeout=5.0, memory_mb=1024, hidden=None):
    """Grade one file for one exercise; return its result dict."""
    return grade_submission([(exercise, path)], seed, timeout, memory_mb, hidden=hidden)[0]


def grade_submission(submissions, seed=None, timeout=5.0, memory_mb=1024, budget=None, hidden=None):
    """Grade one student's files ([(Exercise, path)]) in one runner process; one result per file.

    The runner is killed, with everything it started, if it outlives ``budget``
    seconds; then every exercise of this submission reports that, and nothing else
    is affected.  ``hidden``: the folder of hidden checks (None: public checks only).
    """
    seed = new_seed() if seed is None else int(seed)
    budget = budget if budget is not None else 30 + 15 * timeout * len(submissions)
    _protect_self()
    cmd = [sys.executable, "-m", "adlib.grade.runner", "--seed", str(seed),
           "--timeout", str(timeout), "--memory", str(memory_mb)]
    if hidden:
        cmd += ["--hidden", os.path.abspath(hidden)]
    for exercise, path in submissions:
        cmd += ["--grade", exercise.key, os.path.abspath(path)]
    bases = [{"exercise": ex.key, "title": ex.title, "file": os.path.basename(path), "seed": seed,
              "import_error": None, "tests": [], "execution_time": 0.0} for ex, path in submissions]
    scratch = tempfile.mkdtemp(prefix="adlib-grade-", dir=scratch_parent())
    os.chmod(scratch, 0o755)   # the unprivileged child must reach its working directory
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=_runner_env(), cwd=scratch,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            _killpg(proc)
            proc.communicate()
            return [{**b, "error": f"grading did not finish within {budget:g} s"} for b in bases]
        _killpg(proc)
        results = None
        if proc.returncode == 0:
            try:
                results = json.loads(out.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                results = None
        if not isinstance(results, list) or len(results) != len(bases):
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
            message = (f"the grader was stopped before it finished (exit code {proc.returncode}); "
                       "no points for this exercise" + (": " + " | ".join(tail) if tail else ""))
            return [{**b, "error": message} for b in bases]
        return [_sanitise(r if isinstance(r, dict) else {}, b) for r, b in zip(results, bases)]
    finally:
        import shutil
        shutil.rmtree(scratch, ignore_errors=True)


def scratch_parent():
    """Where the grading folders go: the temporary folder, if the student's user can reach it.

    As root, student code runs as a user of its own, which must pass through every folder
    above its working directory; a TMPDIR inside a root-only folder (/root/tmp) would make
    every file fail to import.  Then /tmp (or /var/tmp, /dev/shm) is used instead.
    """
    base = tempfile.gettempdir()
    if os.geteuid() != 0 or _others_can_enter(base):
        return base
    for candidate in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(candidate) and _others_can_enter(candidate):
            return candidate
    raise RuntimeError(f"adlib-grade: the temporary folder {base} lies inside a folder only root may enter, "
                       "so student code (run as a user of its own) could not reach its files; "
                       "set TMPDIR to a folder every user can enter, such as /tmp")


def _others_can_enter(path):
    """Whether every folder from / down to ``path`` lets any user pass through (o+x)."""
    path = os.path.realpath(path)
    while True:
        try:
            if not os.stat(path).st_mode & 0o001:
                return False
        except OSError:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def _protect_self():
    """Without a separate user for student code, keep it out of /proc/<this pid>/fd and /mem."""
    if os.geteuid() != 0:
        from .reaper import set_dumpable
        set_dumpable(False)


def _killpg(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


def _sanitise(result, base):
    """Keep only the fields we know, with the types we expect."""
    tests = []
    for t in result.get("tests", []):
        max_score = float(t.get("max_score", 0))
        score = min(max(float(t.get("score", 0)), 0.0), max_score)
        tests.append({"name": str(t.get("name", "")), "id": str(t.get("id", "")), "score": score,
                      "max_score": max_score, "outcome": str(t.get("outcome", "")),
                      "output": str(t.get("output", "")), "hidden": bool(t.get("hidden", False))})
    warning = result.get("import_warning")
    return {**base, "import_error": result.get("import_error"), "tests": tests,
            "import_warning": warning if isinstance(warning, dict) else None,
            "notes": [str(n) for n in result.get("notes", []) if isinstance(n, str)],
            "hidden_points_not_checked": float(result.get("hidden_points_not_checked", 0) or 0),
            "error": result.get("error"), "execution_time": float(result.get("execution_time", 0.0))}


def jobs_default():
    return max(1, os.cpu_count() or 1)


def grade_folder(path, seed=None, timeout=5.0, memory_mb=1024, jobs=None, hidden=None):
    """Grade every exercise file found at ``path`` (a file or a folder): one result per file."""
    return grade_submission(find_submissions(path), seed, timeout, memory_mb, hidden=hidden)
