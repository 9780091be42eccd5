"""Grade one student's exercise files (a trusted process of its own).

    python -m adlib.grade.runner --grade ex03 FILE [--grade ex04 FILE2 ...] --seed N   # JSON on stdout

The CLI starts one runner per student.  The runner copies each submitted file
into a private temporary directory, runs the exercises' pytest modules
(``adlib/grade/checks/check_exNN.py``) with the grader's own pytest
configuration, and prints a plain JSON result on stdout -- after every
process that ran student code is dead.  No result file exists that student
code could find and overwrite.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

__all__ = ["main", "run"]


# The grader's own pytest configuration, written to a private directory for each
# run, so that it never reads the repository's settings (nbval options, testpaths).
PYTEST_INI = """\
[pytest]
python_files = check_*.py
python_functions = test_*
markers =
    ex01: exercise 1, finite differences
    ex02: exercise 2, dual numbers
    ex03: exercise 3, backprop for a scalar Value
    ex04: exercise 4, backprop by hand
    ex05: exercise 5, VJP rules with defvjp
    ex06: exercise 6, a two-layer MLP
    points(n): how many points the test is worth
    hidden: shown to students only after the due date (Gradescope visibility after_due_date)
"""


class _Collector:
    """pytest plugin: one record per test with points, outcome and feedback."""

    def __init__(self):
        self.tests = []
        self._by_id = {}

    def pytest_collection_modifyitems(self, items):
        for item in items:
            marker = item.get_closest_marker("points")
            points = float(marker.args[0]) if marker and marker.args else 1.0
            doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
            name = doc[0].strip() if doc else item.name.replace("test_", "", 1).replace("_", " ")
            callspec = getattr(item, "callspec", None)
            if callspec is not None:
                name += f" [{callspec.id}]"
            record = {"id": item.nodeid, "exercise": exercise_of(item), "duration": 0.0,
                      "name": name, "max_score": points, "score": 0.0,
                      "outcome": "not run", "output": "",
                      "hidden": item.get_closest_marker("hidden") is not None}
            self.tests.append(record)
            self._by_id[item.nodeid] = record

    def pytest_runtest_logreport(self, report):
        record = self._by_id.get(report.nodeid)
        if record is None:
            return
        record["duration"] += float(getattr(report, "duration", 0.0) or 0.0)
        if report.when == "call" and report.passed:
            record["outcome"] = "passed"
            record["score"] = record["max_score"]
            record["output"] = ""
        elif report.failed or report.skipped:
            if record["outcome"] == "failed":
                return  # keep the first failure (setup or call), not a teardown echo
            record["outcome"] = "skipped" if report.skipped and not report.failed else "failed"
            record["score"] = 0.0
            record["output"] = _feedback(report)


def _feedback(report):
    # Replaced by describe(exception) when the bridge caught the exception itself.
    text = getattr(report, "longreprtext", "") or str(report.longrepr)
    return text.strip().splitlines()[-1][:500] if text.strip() else "failed"


def describe(exc):
    """Feedback for one failed test, from the exception the test raised."""
    from .expect import Mistake
    from .sandbox import StudentFailure
    if isinstance(exc, StudentFailure):
        return exc.message + (f"\n{exc.details}" if exc.details and exc.kind != "not_implemented" else "")
    if isinstance(exc, Mistake):
        return str(exc)
    if isinstance(exc, AssertionError):
        return str(exc).split("\nassert ")[0].strip() or "a check failed"
    name = type(exc).__name__
    if name in ("Failed", "Skipped"):
        return str(exc)
    return f"grader error ({name}: {exc}); please report this to your instructor"


class _Bridge:
    """Copies the exception onto the report so the collector sees it."""

    def __init__(self, collector):
        self.collector = collector

    def pytest_runtest_makereport(self, item, call):
        if call.excinfo is not None and call.when in ("setup", "call"):
            record = self.collector._by_id.get(item.nodeid)
            if record is not None and record.get("_exc") is None:
                record["_exc"] = call.excinfo.value


def exercise_of(item):
    """The exercise key ("ex03") of a collected test, from its module name (check_ex03)."""
    return item.module.__name__.rsplit(".", 1)[-1].replace("check_", "", 1)


def run(submissions, seed, timeout=5.0, memory_mb=1024):
    """Grade ``submissions`` ([(exercise key, file)]) in one pytest session; return plain data.

    Each file gets its own sandbox (its own private copy, its own child processes).
    """
    import pytest

    from . import session
    from .exercises import EXERCISES
    from .sandbox import Sandbox, StudentFailure, become_subreaper, kill_orphans

    become_subreaper()
    _preload_common()
    # Inside the grader's scratch directory (our cwd), which the grader removes even
    # if this process is killed.
    private = tempfile.mkdtemp(prefix="private-", dir=os.getcwd())
    try:
        os.chmod(private, 0o755)   # readable by the unprivileged child
        session.seed = seed
        session.sandboxes, session.import_errors, displays, import_times = {}, {}, {}, {}
        for key, submission in submissions:
            displays[key] = os.path.basename(submission)
            copy = os.path.join(private, f"{key}_submission.py")
            with open(submission, "rb") as src, open(copy, "wb") as dst:
                dst.write(src.read())
            os.chmod(copy, 0o644)
            sandbox = Sandbox(copy, display=displays[key], timeout=timeout, memory_mb=memory_mb,
                              scratch=private, forbid=EXERCISES[key].forbid)
            session.sandboxes[key] = sandbox
            started = time.monotonic()
            try:
                sandbox.call(_import_only)
            except StudentFailure as failure:
                if failure.kind != "not_implemented":
                    session.import_errors[key] = {"message": failure.message, "traceback": failure.details}
            import_times[key] = time.monotonic() - started
        collector = _Collector()
        bridge = _Bridge(collector)
        ini = os.path.join(private, "pytest.ini")
        with open(ini, "w", encoding="utf-8") as fh:
            fh.write(PYTEST_INI)
        checks = os.path.join(os.path.dirname(__file__), "checks")
        args = [EXERCISES[key].checks for key, _ in submissions]
        args += ["-c", ini, "--rootdir", checks, "-p", "no:cacheprovider", "--strict-markers",
                 "-q", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        with open(os.devnull, "w") as quiet:
            saved = sys.stdout
            sys.stdout = quiet
            try:
                code = pytest.main(args, plugins=[bridge, collector])
            finally:
                sys.stdout = saved
        kill_orphans()
        results = []
        for key, _ in submissions:
            tests = []
            for record in collector.tests:
                if record["exercise"] != key:
                    continue
                record = dict(record)
                exc = record.pop("_exc", None)
                if record["outcome"] == "failed" and exc is not None:
                    record["output"] = describe(exc)
                tests.append(record)
            error = None if tests else f"the grader found no tests (pytest exit code {int(code)})"
            results.append({"exercise": key, "title": EXERCISES[key].title, "file": displays[key],
                            "seed": seed, "import_error": session.import_errors.get(key),
                            "tests": tests, "error": error,
                            "execution_time": round(import_times[key] + sum(
                                t["duration"] for t in tests), 3)})
        return results
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _preload_common():
    """Modules student code may load lazily: import them while we can read the installation."""
    import importlib
    for name in ("numpy.linalg", "numpy.fft", "numpy.random", "numpy.polynomial", "math", "cmath",
                 "random", "statistics", "fractions", "decimal", "functools", "itertools", "collections",
                 "copy", "operator", "numbers", "warnings", "traceback", "linecache", "tokenize",
                 "adlib", "adlib.numpy", "adlib.nn", "adlib.datasets", "adlib.value"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a broken optional module must not stop grading
            pass


def _import_only(module):
    return None


def write_json_atomic(path, data):
    """Write JSON to ``path`` via a temporary file and os.replace (never half-written)."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".adlib-grade-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, allow_nan=False)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m adlib.grade.runner")
    parser.add_argument("--grade", nargs=2, action="append", metavar=("EXERCISE", "FILE"), required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--memory", type=int, default=1024)
    ns = parser.parse_args(argv)
    # The result goes back on a private copy of stdout, written only after every
    # process that ran student code is dead; fd 1 itself now leads nowhere, and
    # the children close the copy before any student code runs.
    result_fd = os.dup(1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.close(quiet)
    result = run([tuple(pair) for pair in ns.grade], ns.seed, ns.timeout, ns.memory)
    data = json.dumps(result, allow_nan=False).encode("utf-8")
    with os.fdopen(result_fd, "wb") as fh:
        fh.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
