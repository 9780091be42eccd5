"""Issue 12's escapes and gaming routes: each one is tried here, and none may earn a point or leave a trace.

Each submission is written from a fixture in grade_fixtures/hostile/ with the real paths of this
machine filled in (@ROOT@: the repository, @TMP@: a folder outside the sandbox)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from adlib.grade.cli import main
from adlib.grade.exercises import EXERCISES
from adlib.grade.lockdown import readable_by_student

sys.path.insert(0, str(Path(__file__).resolve().parent / "grade_fixtures"))
from mistakes import wrong_solution  # noqa: E402
from modes import Grader, fixture, grader, locked_repo  # noqa: E402,F401  (the fixtures, four modes)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"
HOSTILE = Path(__file__).resolve().parent / "grade_fixtures" / "hostile"


def submit(tmp_path, key, text, *extra):
    """Grade one file with the given text; return (results.json, {test name: entry})."""
    folder = tmp_path / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / EXERCISES[key].filename).write_text(text)
    out = tmp_path / "results.json"
    assert main([str(folder), "--json", str(out), "--timeout", "3", *extra]) == 0
    results = json.loads(out.read_text())
    return results, {t["name"].split(": ", 1)[1]: t for t in results["tests"]}


def test_dir_fd_relative_open_reads_and_writes_nothing_outside(grader):
    outside = grader.outside("outside")
    results, _ = grader.submit("ex01", fixture("ex01_dir_fd.py", outside, grader.root))
    assert results["score"] == 0
    assert list(outside.iterdir()) == []


def _sleepers():
    found = []
    for pid in os.listdir("/proc"):
        try:
            if b"987.654" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def test_processes_started_with_a_fresh_posixsubprocess_do_not_outlive_grading(grader):
    try:
        grader.submit("ex01", fixture("ex01_outlives_grading.py", grader.scratch))
        time.sleep(2.5)   # the fleeing chain settles into `sleep 987.654` after 1.5 s
        assert _sleepers() == []
    finally:
        for pid in _sleepers():
            os.kill(pid, signal.SIGKILL)


def test_mknod_mkfifo_and_sqlite3_create_nothing_outside(grader):
    outside = grader.outside("outside")
    grader.submit("ex01", fixture("ex01_files_outside.py", outside))
    assert list(outside.iterdir()) == []


def test_a_symlinked_submission_gets_zero_and_its_target_stays_out_of_the_report(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "ex01_finite_differences.py").symlink_to(SOURCE / "ex01_finite_differences.py")
    out = tmp_path / "results.json"
    assert main([str(folder), "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["score"] == 0
    text = json.dumps(results)
    assert "symbolic link" in text
    assert "BEGIN SOLUTION" not in text and "np.cbrt(eps)" not in text


@pytest.mark.parametrize("kind", ["fifo", "latin-1", "nul"])
def test_a_fifo_or_a_file_that_is_not_utf8_python_gets_a_clear_zero(tmp_path, kind):
    folder = tmp_path / "submission"
    folder.mkdir()
    target = folder / "ex01_finite_differences.py"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.write_bytes(b"x = '\xe9'\n" if kind == "latin-1" else b"x = 1\0\n")
    out = tmp_path / "results.json"
    assert main([str(folder), "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["score"] == 0
    phrase = {"fifo": "FIFO", "latin-1": "not UTF-8", "nul": "NUL byte"}[kind]
    assert phrase in json.dumps(results)


def test_hidden_checks_reference_and_grader_internals_are_out_of_reach(grader):
    results, _ = grader.submit("ex06", fixture("ex06_reads_instructor_files.py", grader.scratch, grader.root))
    assert results["score"] == 0


def test_autograd_cannot_answer_exercise_6(grader):
    results, tests = grader.submit("ex06", (HOSTILE / "ex06_autograd.py").read_text())
    assert results["score"] == 0
    assert "autograd is not available to your code" in json.dumps(results)


def test_adlib_source_executed_and_relabelled_is_not_the_students_value(grader):
    results, _ = grader.submit("ex03", fixture("ex03_exec_adlib_source.py", grader.scratch, grader.root))
    assert results["score"] == 0


def test_exercise_5_cannot_be_answered_by_adlib_vjp(grader):
    results, _ = grader.submit("ex05", (HOSTILE / "ex05_adlib_vjp.py").read_text())
    assert results["score"] == 0


def test_no_secret_from_proc_and_no_network(grader):
    grader.env["ADLIB_TEST_SECRET"] = "hunter2-in-the-graders-environment"
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    received = []

    def accept():
        end = time.time() + 60
        while time.time() < end and not received:
            try:
                conn, _ = server.accept()
                received.append(conn.recv(1000))
            except OSError:
                pass
    listener = threading.Thread(target=accept, daemon=True)
    listener.start()
    results, _ = grader.submit("ex01", fixture("ex01_secrets_and_network.py", grader.scratch,
                                               PORT=server.getsockname()[1]))
    received.append(None)
    listener.join(2)
    server.close()
    assert "hunter2" not in json.dumps(results)
    assert received == [None]


def test_without_bubblewrap_the_grader_makes_its_own_files_root_only_and_names_the_rest(locked_repo):
    """Run as root without bubblewrap from a checkout anyone may read (as when run_autograder forgets
    the lockdown): the grader makes the checkout root-only itself, and names a peer it cannot own."""
    if locked_repo is None:
        pytest.skip("only root gives the submission a user id of its own")
    top = Path(tempfile.mkdtemp(prefix="adlib-unlocked-"))
    try:
        os.chmod(top, 0o755)
        repo, peers = top / "repo", top / "peers"
        for part in ("adlib", "grading", "exercises"):
            shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
        (peers / "autograd").mkdir(parents=True)
        (peers / "autograd" / "__init__.py").write_text("def grad(f):\n    return f\n")
        assert readable_by_student([str(repo)]) == [str(repo)]
        grader = Grader("fallback", repo, top)
        grader.env["PYTHONPATH"] = f"{repo}{os.pathsep}{peers}"
        results, tests = grader.submit("ex01", (SOURCE / "ex01_finite_differences.py").read_text())
        assert results["score"] == results["extra_data"]["max_score"] > 0
        assert readable_by_student([str(repo)]) == []           # made root-only by the grader itself
        note = "WARNING: without bubblewrap, submissions could read the instructor's files"
        assert note in json.dumps(results) and str(peers / "autograd") in json.dumps(results)
        assert str(repo) not in json.dumps(results).split(note, 1)[1]
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_numpy_inside_the_checkout_stays_readable(tmp_path):
    """A virtual environment inside the repository: everything but the way to numpy is locked."""
    from adlib.grade.lockdown import _without_readable
    numpy_dir = tmp_path / "repo" / ".venv" / "lib" / "site-packages" / "numpy"
    for folder in (numpy_dir, tmp_path / "repo" / ".venv" / "lib" / "site-packages" / "autograd",
                   tmp_path / "repo" / "grading", tmp_path / "repo" / ".venv" / "bin"):
        folder.mkdir(parents=True)
    (tmp_path / "repo" / "tasks.py").write_text("")
    got = _without_readable(str(tmp_path / "repo"), [str(numpy_dir)])
    names = sorted(os.path.relpath(p, tmp_path / "repo") for p in got)
    assert names == [".venv/bin", ".venv/lib/site-packages/autograd", "grading", "tasks.py"]


def test_lockdown_finds_the_instructor_folders_and_peers(tmp_path):
    peers = tmp_path / "peers"
    (peers / "autograd").mkdir(parents=True)
    (peers / "autograd" / "__init__.py").write_text("def grad(f):\n    return f\n")
    code = ("import json, sys; from adlib.grade.lockdown import instructor_paths; "
            "print(json.dumps(instructor_paths(sys.argv[1])))")
    env = dict(os.environ, PYTHONPATH=f"{peers}{os.pathsep}{ROOT}")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "grading" / "hidden")], env=env,
                         capture_output=True, text=True, check=True).stdout
    paths = json.loads(out)
    def covered(path):
        return any(path == p or path.startswith(p + os.sep) for p in paths)
    # the repository (or, with a virtual environment inside it, everything in it but that environment):
    # grading/, exercises/source and adlib are out of reach either way
    for part in ("grading", os.path.join("exercises", "source"), "adlib", "tests"):
        assert covered(str(ROOT / part)), part
    assert not covered(os.path.dirname(np.__file__))  # numpy stays readable, wherever it is installed
    assert str(peers / "autograd") in paths          # a differentiation library that would answer
    assert not any(a != b and a.startswith(b + os.sep) for a in paths for b in paths)   # no folder twice


def test_hard_coding_the_worked_example_never_passes(tmp_path):
    key, text = wrong_solution("ex03_overwrite")
    text = text.replace("        self.grad = 1.0\n        for node in reversed(order):\n            node._backward()",
                        "        for node in order:\n            node.grad = 35.0   # the worked example's answer")
    for seed in ("1", "2", "3"):
        _, tests = submit(tmp_path / seed, key, text, "--seed", seed)
        assert tests["x used twice, by * and by your rule (x.log() * x, (x / w) * x, (w ** x) * x, ...): "
                     "gradients add up"]["score"] == 0


def test_sum_rule_without_the_axis_fails_every_time(tmp_path):
    text = (SOURCE / "ex05_vjp_rules.py").read_text().replace(
        "return np.broadcast_to(np.expand_dims(g, axis), x.shape).astype(float)",
        "return np.broadcast_to(g, x.shape).astype(float)   # right only for axis 0")
    for seed in ("1", "2", "3"):
        _, tests = submit(tmp_path / seed, "ex05", text, "--seed", seed)
        test = tests["the VJP of a sum over one axis, for every axis (0, 1, 2, -1, -3)"]
        assert test["score"] == 0 and "re-insert the summed axis" in test["output"]


def test_pasted_pretrained_weights_do_not_pass_train(tmp_path):
    from adlib.datasets import make_moons
    namespace = {}
    exec((SOURCE / "ex06_mlp_backprop.py").read_text(), namespace)
    X, labels = make_moons(400, noise=0.1, seed=5)
    trained = namespace["train"](X, (labels + 1) // 2)
    literal = {k: np.asarray(v).tolist() for k, v in trained.items()}
    text = (SOURCE / "ex06_mlp_backprop.py").read_text().replace(
        '    """Gradient descent (with momentum if you like) from init_params; return the trained params."""',
        '    """Pasted weights."""\n    return {k: np.array(v) for k, v in PRETRAINED.items()}') + f"\nPRETRAINED = {literal!r}\n"
    _, tests = submit(tmp_path, "ex06", text)
    assert tests["train reaches 95% accuracy on fresh two-moons data"]["score"] == 0


def test_a_self_check_left_at_the_bottom_costs_nothing(tmp_path):
    text = (SOURCE / "ex02_dual_numbers.py").read_text() + (
        "\nprint(derivative(lambda t: t * t, 3.0))\n"
        "assert derivative(lambda t: t * t, 3.0) == 7.0, 'my own check'\n"
        "if __name__ == '__main__':\n    raise SystemExit('not when graded')\n")
    results, tests = submit(tmp_path, "ex02", text)
    mine = [t for t in results["tests"] if t["name"].startswith("Exercise 2:") and t["max_score"] > 0]
    assert mine and all(t["score"] == t["max_score"] for t in mine)
    # ... but the student is told, in the report, that the file raised and where.
    warning = [t["output"] for t in results["tests"] if "your file raised when imported" in t["output"]]
    assert warning and "my own check" in warning[0] and 'ex02_dual_numbers.py", line' in warning[0]
    text = main_text(tmp_path, "ex02", text)
    assert "your file raised when imported" in text and "AssertionError: my own check" in text


def main_text(tmp_path, key, text):
    """The text report for one file, as adlib-grade prints it."""
    folder = tmp_path / "text"
    folder.mkdir()
    (folder / EXERCISES[key].filename).write_text(text)
    proc = subprocess.run([sys.executable, "-m", "adlib.grade", str(folder)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_instructor_files_cannot_be_opened(grader):
    """adlib's source, the public and hidden checks and the reference solutions, opened directly."""
    text = fixture("ex01_lists_what_it_can_read.py", grader.scratch, grader.root)
    _, tests = grader.submit("ex01", text)
    output = tests["forward_difference uses (f(x + h) - f(x)) / h"]["output"].splitlines()[0]
    assert output.count("refused ") == 4, output
    if grader.mode.endswith("no-hook"):   # the kernel said no, not the hook
        expected = "No such file or directory" if grader.mode.startswith("bwrap") else "Permission denied"
        assert output.count(expected) == 4, output


LOCKDOWN = """\
import sys
sys.path[:0] = [sys.argv[1]]
from adlib.grade.lockdown import instructor_paths, lock_down, readable_by_student
paths = instructor_paths(sys.argv[2])
assert all(p.startswith(sys.argv[3]) for p in paths), paths   # never the shared environment's folders
lock_down(paths)
print("\\n".join(paths))
assert readable_by_student(paths) == [], readable_by_student(paths)
"""


def test_gradescope_layout_without_bubblewrap_is_locked_down_by_the_grader(locked_repo):
    """As on Gradescope: the zip's source/ (adlib, grading, exercises) and adlib installed in a
    site-packages of its own; lockdown makes all of it root-only, and the kernel refuses the reads."""
    if locked_repo is None:
        pytest.skip("without bubblewrap, only root gives the submission a user id of its own")
    top = Path(tempfile.mkdtemp(prefix="adlib-gradescope-"))
    try:
        os.chmod(top, 0o755)
        source, site = top / "source", top / "site"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for part in ("adlib", "grading", "exercises"):
            shutil.copytree(ROOT / part, source / part, ignore=ignore)
        shutil.copytree(ROOT / "adlib", site / "adlib", ignore=ignore)
        for peer in ("autograd", "micrograd"):   # stand-ins, found before any installed copy
            (site / peer).mkdir()
            (site / peer / "__init__.py").write_text("def grad(f):\n    return f\n")
        hidden = source / "grading" / "hidden"
        out = subprocess.run([sys.executable, "-c", LOCKDOWN, str(site), str(hidden), str(top)],
                             capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=""))
        assert out.returncode == 0, out.stderr
        assert set(out.stdout.split()) == {str(source), str(site / "adlib"), str(site / "autograd"),
                                           str(site / "micrograd")}
        grader = Grader("fallback-no-hook", site, top)
        for root in (source, site):
            results, tests = grader.submit("ex01", fixture("ex01_lists_what_it_can_read.py", top, root),
                                           "--hidden", str(hidden))
            output = tests["forward_difference uses (f(x + h) - f(x)) / h"]["output"].splitlines()[0]
            expected = 4 if root == source else 2    # the installed adlib has no grading/ or exercises/
            assert output.count("Permission denied") == expected, output
            assert "WARNING" not in json.dumps(results)
        results, _ = grader.submit("ex03", fixture("ex03_exec_adlib_source.py", top, site))
        assert results["score"] == 0
    finally:
        shutil.rmtree(top, ignore_errors=True)
