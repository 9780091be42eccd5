"""Class mode: a folder of students graded in parallel into a CSV gradebook with the same
maximum for everyone, a seed column and notes on missing and misnamed files."""
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
        "erin": {"ex03_backprop.py": SOURCE / "ex03_backprop_value.py",
                 "ex02_dual_numbers.py": SOURCE / "ex02_dual_numbers.py"},
        "=frank": {"=HYPERLINK(1).py": SOURCE / "ex01_finite_differences.py"},
    }
    for name, files in students.items():
        (klass / name).mkdir(parents=True)
        for filename, src in files.items():
            shutil.copyfile(src, klass / name / filename)
    out = tmp_path / "gradebook"
    assert main([str(klass), "--class", "--out", str(out), "--timeout", "2"]) == 0
    with open(out / "gradebook.csv", newline="") as fh:
        rows = {row["student"]: row for row in csv.DictReader(fh)}
    assert set(rows) == {"alice", "bob", "carol", "dave", "erin", "'=frank"}   # never a formula
    alice, bob, carol, dave, erin = (rows[n] for n in ("alice", "bob", "carol", "dave", "erin"))
    assert len({row["max"] for row in rows.values()}) == 1 and float(alice["max"]) > 0   # the same for all
    assert len({row["seed"] for row in rows.values()}) == 1 and alice["seed"].isdigit()
    assert float(alice["ex01"]) > 0 and float(alice["ex02"]) > 0 and alice["ex03"] == "0"
    assert float(alice["total"]) == float(alice["ex01"]) + float(alice["ex02"])
    assert "no file named ex03_backprop_value.py" in alice["notes"]
    assert float(bob["ex01"]) == 0 and float(bob["ex02"]) == float(alice["ex02"]) > 0   # the hang cost only ex01
    assert "could not be imported" in bob["notes"]
    assert float(carol["total"]) == 0
    assert dave["total"] == "0" and "'notes.txt'" in dave["notes"]
    assert erin["ex03"] == "0" and "'ex03_backprop.py' is probably meant for exercise 3" in erin["notes"]
    assert float(erin["ex02"]) == float(alice["ex02"])
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows.values() for cell in row.values())
    for name in ("alice", "bob", "carol", "dave", "erin"):
        results = json.loads((out / name / "results.json").read_text())
        assert results["score"] == float(rows[name]["total"])
        assert results["extra_data"]["max_score"] == float(rows[name]["max"])
        assert all({"name", "score", "max_score", "output", "visibility"} <= set(t) for t in results["tests"])
    assert "gradebook written" in capsys.readouterr().out
