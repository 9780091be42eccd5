"""Class mode: a folder of students graded in parallel into a CSV gradebook."""
import csv
import json
import shutil
from pathlib import Path

from adlib.grade.cli import main

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"
FIXTURES = Path(__file__).resolve().parent / "grade_fixtures"


def test_class_mode_gradebook(tmp_path, capsys):
    klass = tmp_path / "submissions"
    students = {
        "alice": {"ex01_finite_differences.py": SOURCE / "ex01_finite_differences.py",
                  "ex02_dual_numbers.py": SOURCE / "ex02_dual_numbers.py"},
        "bob": {"ex01_finite_differences.py": FIXTURES / "hostile" / "ex01_loop_at_import.py",
                "ex02_dual_numbers.py": SOURCE / "ex02_dual_numbers.py"},
        "carol": {"ex01_finite_differences.py": ROOT / "exercises" / "ex01_finite_differences.py"},
        "dave": {"notes.txt": SOURCE / "ex01_finite_differences.py"},
    }
    for name, files in students.items():
        (klass / name).mkdir(parents=True)
        for filename, src in files.items():
            shutil.copyfile(src, klass / name / filename)
    out = tmp_path / "gradebook"
    assert main([str(klass), "--class", "--out", str(out), "--timeout", "2"]) == 0
    with open(out / "gradebook.csv", newline="") as fh:
        rows = {row["student"]: row for row in csv.DictReader(fh)}
    assert set(rows) == {"alice", "bob", "carol", "dave"}
    alice, bob, carol, dave = rows["alice"], rows["bob"], rows["carol"], rows["dave"]
    assert float(alice["total"]) == float(alice["max"]) > 0
    assert alice["ex01"] and alice["ex02"] and alice["ex03"] == ""
    assert float(bob["ex01"]) == 0 and float(bob["ex02"]) == float(alice["ex02"]) > 0   # the hang cost only ex01
    assert "could not be imported" in bob["notes"]
    assert float(carol["total"]) == 0
    assert dave["total"] == "0" and "no exercise files" in dave["notes"]
    for name in ("alice", "bob", "carol"):
        results = json.loads((out / name / "results.json").read_text())
        assert results["score"] == float(rows[name]["total"])
        assert all({"name", "score", "max_score", "output", "visibility"} <= set(t) for t in results["tests"])
    assert "gradebook written" in capsys.readouterr().out
