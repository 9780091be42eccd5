"""Hostile submissions: they finish within the time limit with a valid report and
earn no point their code did not earn, without touching other exercises' scores."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from adlib.grade.cli import main
from adlib.grade.exercises import EXERCISES

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
