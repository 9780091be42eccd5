"""Hostile submissions: they finish within the time limit with a valid report and
earn no point their code did not earn, without touching other exercises' scores."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adlib.grade.cli import main
from adlib.grade.exercises import EXERCISES

sys.path.insert(0, str(Path(__file__).resolve().parent / "grade_fixtures"))
from modes import grader, locked_repo  # noqa: E402,F401  (the fixtures: four ways to run the grader)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"
HOSTILE = Path(__file__).resolve().parent / "grade_fixtures" / "hostile"
LIMIT = "2"   # seconds per test: short, so that time-outs are quick


def grade_folder(tmp_path, files):
    """files: {exercise key: source path}. Grade them as one student; return results by exercise."""
    folder = tmp_path / "submission"
    folder.mkdir(parents=True)
    for key, src in files.items():
        shutil.copyfile(src, folder / EXERCISES[key].filename)
    out = tmp_path / "results.json"
    assert main([str(folder), "--json", str(out), "--timeout", LIMIT]) == 0
    results = json.loads(out.read_text())
    table = {}
    for t in results["tests"]:
        prefix, name = t["name"].split(": ", 1)
        table.setdefault(f"ex{int(prefix.split()[1]):02d}", {})[name] = t
    return results, table


def score(tests):
    return sum(t["score"] for t in tests.values()), sum(t["max_score"] for t in tests.values())


def test_hang_at_import_costs_only_that_exercise(tmp_path, capsys):
    results, table = grade_folder(tmp_path, {"ex01": HOSTILE / "ex01_loop_at_import.py",
                                             "ex02": SOURCE / "ex02_dual_numbers.py"})
    assert score(table["ex01"])[0] == 0
    assert "timed out after 2 s" in table["ex01"]["your file imports"]["output"]
    got, full = score(table["ex02"])
    assert got == full > 0
    assert "timed out" in capsys.readouterr().out


def test_crash_and_exit_at_import_show_the_error(tmp_path, capsys):
    results, table = grade_folder(tmp_path, {"ex01": HOSTILE / "ex01_syntax_error.py"})
    assert score(table["ex01"])[0] == 0
    imports = table["ex01"]["your file imports"]["output"]
    assert "SyntaxError" in imports and 'File "ex01_finite_differences.py", line 5' in imports
    assert "submission" not in imports.replace("ex01_finite_differences", "")   # no grader paths
    results, table = grade_folder(tmp_path / "b", {"ex01": HOSTILE / "ex01_exit_at_import.py"})
    assert results["score"] == 0
    assert "sys.exit" in table["ex01"]["your file imports"]["output"] or \
        "SystemExit" in table["ex01"]["your file imports"]["output"]


def test_loops_exits_and_segfaults_cost_only_their_own_tests(tmp_path):
    results, table = grade_folder(tmp_path, {"ex01": HOSTILE / "ex01_misbehaving_functions.py"})
    tests = table["ex01"]
    outcome = {name: (t["score"] == t["max_score"], t["output"]) for name, t in tests.items()}
    assert outcome["forward_difference uses (f(x + h) - f(x)) / h"][0]
    assert outcome["forward_difference's default h gives about 7 correct digits"][0]
    assert "timed out after 2 s" in outcome["central_difference uses (f(x + h) - f(x - h)) / (2h)"][1]
    assert "exit code 3" in outcome["numerical_gradient matches the exact gradient of f: R^n -> R"][1]
    assert "crashed (SIGSEGV)" in outcome[
        "best_step gives sqrt(eps) for forward and eps**(1/3) for central differences"][1]
    assert "sys.exit('bye')" in outcome["best_step raises ValueError for an unknown method"][1]
    assert results["score"] == 3


def test_memory_hog_is_stopped(tmp_path):
    results, table = grade_folder(tmp_path, {"ex01": HOSTILE / "ex01_memory_hog.py"})
    tests = table["ex01"]
    assert "ran out of memory (limit" in tests["forward_difference uses (f(x + h) - f(x)) / h"]["output"]
    central = tests["central_difference uses (f(x + h) - f(x - h)) / (2h)"]["output"]
    assert "ran out of memory" in central or "timed out" in central
    assert results["score"] == 0


def test_cheater_earns_nothing_and_cannot_forge_the_report(tmp_path):
    # A real command line, so that the cheater can find the --json path in /proc/*/cmdline.
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copyfile(HOSTILE / "ex01_cheater.py", folder / "ex01_finite_differences.py")
    out = tmp_path / "results.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "adlib.grade", str(folder), "--json", str(out),
                           "--timeout", LIMIT], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    assert results["score"] == 0 and results["extra_data"]["max_score"] > 0
    assert len(results["tests"]) > 5
    for fake in ("Finite differences -- 13/13 points", "Total: 13/13", '"score": 999', "PASSED"):
        assert fake not in proc.stdout
    assert "Total: 0/" in proc.stdout
    # The detached daemon it started would forge the results a second later; it must be gone.
    time.sleep(1.5)
    assert json.loads(out.read_text()) == results
    assert sorted(p.name for p in folder.iterdir()) == ["ex01_finite_differences.py"]


def test_submission_cannot_borrow_the_reference_solution(tmp_path):
    # Reading the reference file, running `cat` on it, ctypes and open(): each is refused.
    results, table = grade_folder(tmp_path, {"ex01": HOSTILE / "ex01_snooper.py"})
    assert results["score"] == 0
    # It imports adlib to find the reference: adlib is not in the sandbox, and the reason is given.
    assert "adlib is not available to your code" in json.dumps(results)


def test_adlib_own_answers_earn_nothing(tmp_path):
    results, table = grade_folder(tmp_path, {"ex01": HOSTILE / "ex01_borrows_adlib.py",
                                             "ex03": HOSTILE / "ex03_subclasses_adlib_value.py"})
    assert results["score"] == 0
    for key in ("ex01", "ex03"):
        assert "adlib is not available to your code" in table[key]["your file imports"]["output"]


def _page_engine():
    """The engine notebook 05b writes on the page, pasted unchanged: its code cells up to backward()."""
    cells = json.loads((ROOT / "notebooks" / "05b_build_the_engine.ipynb").read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    end = next(i for i, text in enumerate(code) if "Value.backward = backward" in text)
    return "\n\n".join(code[:end + 1]) + "\n"


def test_the_page_engine_pasted_earns_only_what_it_implements(tmp_path):
    """Notebook 05b's engine has + and * (given in ex03), ** with a number exponent, exp and a recursive
    backward(): pasted as ex03 it earns backward()'s seed and its order on a small graph, nothing more."""
    page = tmp_path / "page.py"
    page.write_text(_page_engine())
    results, table = grade_folder(tmp_path, {"ex03": page})
    tests = table["ex03"]
    passed = {name for name, t in tests.items() if t["score"] == t["max_score"]}
    assert passed == {"backward() starts from out.grad = 1",
                      "backward() on a graph with shared nodes gives the right gradients"}
    assert results["score"] == 3 < EXERCISES["ex03"].max_points
    pow_rule = tests["the backward rule of a ** b, for a number b and for a Value b"]["output"]
    assert "x.grad after z = x ** w" not in pow_rule and "'float' and 'Value'" in pow_rule   # x ** n passed
    assert "recursed too deep" in tests["backward() on a chain 20,000 operations deep (no recursion)"]["output"]
    for rule in ("a / b, a node of its own", "tanh(a)", "sigmoid(a)", "log(a)"):
        assert tests[f"the backward rule of {rule}"]["score"] == 0


def _litter():
    return [p for folder in ("/tmp", "/var/tmp", "/dev/shm") for p in Path(folder).glob("adlib-rampage-*")]


def test_a_rampage_costs_only_the_tests_it_hits_and_leaves_nothing_behind(grader):
    """kill(-1, SIGKILL), 100 MB printed, 200 spinning threads, 72 MB of files in shared folders."""
    try:
        results, tests = grader.submit("ex01", (HOSTILE / "ex01_rampage.py").read_text())
        for name in ("forward_difference uses (f(x + h) - f(x)) / h",
                     "forward_difference's default h gives about 7 correct digits"):
            assert tests[name]["score"] == tests[name]["max_score"] > 0, tests[name]
        # Spinning threads (the process limit stops most) may slow its own answer past the limit.
        spun = tests["best_step gives sqrt(eps) for forward and eps**(1/3) for central differences"]
        assert spun["score"] == spun["max_score"] or "timed out" in spun["output"], spun
        gradient = tests["numerical_gradient matches the exact gradient of f: R^n -> R"]
        assert gradient["score"] == 0 and "File too large" in gradient["output"]
        # What it printed is shown, cut, as what the student's code printed, never as the grader's words.
        assert len(json.dumps(results)) < 100_000
        assert "score: 100/100" not in results.get("output", "")
        assert _litter() == []
    finally:
        for path in _litter():
            path.unlink()


def test_the_whole_standard_library_is_importable_in_the_sandbox(grader):
    """Not only the modules imported in advance (bubblewrap used to make /root 0700 for a Python under /root)."""
    if grader.mode.startswith("fallback") and sys.base_prefix.startswith("/root/") \
            and (os.stat("/root").st_mode & 0o005) != 0o005:
        pytest.skip("without bubblewrap, a Python under /root (0700) is readable only before dropping to the user")
    text = "import calendar\nimport zipfile\n\n\ndef forward_difference(f, x, h=1e-7):\n    return (f(x + h) - f(x)) / h\n"
    _, tests = grader.submit("ex01", text)
    assert tests["forward_difference uses (f(x + h) - f(x)) / h"]["score"] == 2


def test_many_files_cannot_fill_the_machine(grader):
    """RLIMIT_FSIZE bounds one file, not how many: under bubblewrap /tmp and the work folder are 64 MB
    tmpfs of their own; without it, the work folder and what it left in /tmp are removed after grading."""
    try:
        _, tests = grader.submit("ex01", (HOSTILE / "ex01_fills_the_disk.py").read_text())
        output = tests["forward_difference uses (f(x + h) - f(x)) / h"]["output"]
        if grader.mode == "bwrap-no-hook":   # (the hook refuses the relative path before the kernel is asked)
            assert "No space left on device" in output and "wrote 120 MB" in output   # 60 MB in each
        assert list(Path("/tmp").glob("fill-*")) == []
        assert list(grader.scratch.rglob("fill-*")) == []
    finally:
        for path in Path("/tmp").glob("fill-*"):
            path.unlink()


def test_frames_forged_into_the_grader_pipe_earn_nothing_and_are_blamed_on_the_submission(tmp_path):
    results, table = grade_folder(tmp_path, {"ex01": HOSTILE / "ex01_forges_replies.py"})
    tests = table["ex01"]
    assert "grader error" not in json.dumps(results)
    for name in ("forward_difference uses (f(x + h) - f(x)) / h",
                 "central_difference uses (f(x + h) - f(x - h)) / (2h)",
                 "numerical_gradient matches the exact gradient of f: R^n -> R"):
        assert tests[name]["score"] == 0 and "does not understand" in tests[name]["output"], tests[name]
    best = tests["best_step gives sqrt(eps) for forward and eps**(1/3) for central differences"]
    assert best["score"] == best["max_score"]   # its honest answer, not a stale forged one
