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
# One marker per exercise of the registry (exercises.py): the checks run with --strict-markers.
def pytest_ini():
    from .exercises import EXERCISES
    markers = "".join(f"    {e.key}: exercise {e.number}, {e.title}\n" for e in EXERCISES.values())
    return ("[pytest]\npython_files = check_*.py\npython_functions = test_*\nmarkers =\n" + markers
            + "    points(n): how many points the test is worth\n"
            "    hidden: shown to students only after the due date (Gradescope visibility after_due_date)\n")


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
    return item.module.__name__.rsplit(".", 1)[-1].replace("check_", "", 1).split("_")[0]


def run(submissions, seed, timeout=5.0, memory_mb=1024, hidden=None):
    """Grade ``submissions`` ([(exercise key, file)]) in one pytest session; return plain data.

    Each file gets its own sandbox: a probe server in a fresh, isolated process.
    ``hidden``: the folder of hidden checks, or None (public checks only).
    """
    import pytest

    from . import fixtures, jail, session
    from .exercises import EXERCISES
    from .reaper import become_subreaper, kill_orphans
    from .sandbox import Sandbox, StudentFailure
    from .submission import BadSubmission, read_submission

    become_subreaper()
    # Inside the grader's scratch directory (our cwd), which the grader removes even
    # if this process is killed.
    private = tempfile.mkdtemp(prefix="private-", dir=os.getcwd())
    os.chmod(private, 0o755)   # the student's user must reach its own folder inside
    session.seed = seed
    session.sandboxes, session.import_errors = {}, {}
    displays, import_times, warnings = {}, {}, {}
    try:
        for key, submission in submissions:
            displays[key] = os.path.basename(submission)
            try:
                source = read_submission(submission)
            except BadSubmission as exc:
                session.import_errors[key] = {"message": f"not graded: {exc}", "traceback": ""}
                continue
            sandbox = Sandbox(key, source, EXERCISES[key].filename, timeout=timeout, memory_mb=memory_mb,
                              scratch=private)
            sandbox.start()   # all files start importing numpy at once
            session.sandboxes[key] = sandbox
        for key, sandbox in session.sandboxes.items():
            started = time.monotonic()
            try:
                warning = sandbox.check_import()
                if warning:
                    warnings[key] = warning
            except StudentFailure as failure:
                if failure.kind != "not_implemented":
                    session.import_errors[key] = {"message": failure.message, "traceback": failure.details}
            import_times[key] = time.monotonic() - started
        collector = _Collector()
        bridge = _Bridge(collector)
        ini = os.path.join(private, "pytest.ini")
        with open(ini, "w", encoding="utf-8") as fh:
            fh.write(pytest_ini())
        args = [EXERCISES[key].checks for key, _ in submissions]
        if hidden:
            args += [p for p in (EXERCISES[key].hidden_checks(hidden) for key, _ in submissions) if p]
        args += ["-c", ini, "--rootdir", "/", "-p", "no:cacheprovider", "--strict-markers",
                 "-q", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        with open(os.devnull, "w") as quiet:
            saved = sys.stdout
            sys.stdout = quiet
            try:
                code = pytest.main(args, plugins=[fixtures, bridge, collector])
            finally:
                sys.stdout = saved
        for sandbox in session.sandboxes.values():
            sandbox.stop()
        kill_orphans()
        isolation = [jail.describe()] + _exposure_warning(hidden)
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
            missing = 0 if hidden else EXERCISES[key].hidden_points
            notes = list(isolation)
            if missing:
                notes.append(f"public checks only: {missing:g} of {EXERCISES[key].max_points:g} points are "
                             "checked by hidden tests on Gradescope")
            results.append({"exercise": key, "title": EXERCISES[key].title, "file": displays[key],
                            "seed": seed, "import_error": session.import_errors.get(key),
                            "import_warning": warnings.get(key), "hidden_points_not_checked": missing,
                            "notes": notes, "tests": tests, "error": error,
                            "execution_time": round(import_times.get(key, 0.0) + sum(
                                t["duration"] for t in tests), 3)})
        return results
    finally:
        for sandbox in session.sandboxes.values():
            sandbox.stop()
        shutil.rmtree(private, ignore_errors=True)


def _exposure_warning(hidden):
    """As root without bubblewrap, where the student's own user can read every world-readable file:
    make the grader's own files (the checkout or installed adlib, the hidden checks) root-only, and
    return a loud note naming what a submission could still read (autograd, torch, ... if installed)."""
    from . import jail
    from .lockdown import instructor_paths, lock_down, readable_by_student
    if os.geteuid() != 0 or jail.bwrap_path():
        return []
    own = readable_by_student(instructor_paths(hidden, peers=False))
    if own:
        lock_down(own)
        print("adlib-grade: without bubblewrap, submissions run as a user of their own that can read "
              "every world-readable file; these folders are now readable by their owner only: "
              + ", ".join(own), file=sys.stderr)
    exposed = readable_by_student(instructor_paths(hidden))
    if not exposed:
        return []
    message = ("WARNING: without bubblewrap, submissions could read the instructor's files: "
               + ", ".join(exposed) + "; make them root-only (as root: python -m adlib.grade.lockdown) "
               "before grading")
    print(message, file=sys.stderr)
    return [message]


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
    parser.add_argument("--hidden", help="the folder of hidden checks (default: public checks only)")
    ns = parser.parse_args(argv)
    # The result goes back on a private copy of stdout, written only after every
    # process that ran student code is dead; fd 1 itself now leads nowhere, and
    # the children close the copy before any student code runs.
    result_fd = os.dup(1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.close(quiet)
    result = run([tuple(pair) for pair in ns.grade], ns.seed, ns.timeout, ns.memory, ns.hidden)
    data = json.dumps(result, allow_nan=False).encode("utf-8")
    with os.fdopen(result_fd, "wb") as fh:
        fh.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
