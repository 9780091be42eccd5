"""Grading as root works whatever TMPDIR is: student code (a user of its own) must reach its folder."""
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from adlib.grade import grader
from adlib.grade.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"


def test_a_folder_inside_a_private_one_is_not_reachable(tmp_path):
    private = tmp_path / "private"
    (private / "inner").mkdir(parents=True)
    private.chmod(0o700)
    assert not grader._others_can_enter(str(private / "inner"))
    private.chmod(0o755)
    tmp_path.chmod(tmp_path.stat().st_mode | stat.S_IXOTH)
    reachable = all(os.stat(p).st_mode & 0o001 for p in [private / "inner", *(private / "inner").parents])
    assert grader._others_can_enter(str(private / "inner")) == reachable


@pytest.mark.skipif(os.geteuid() != 0, reason="student code runs as a user of its own only when grading as root")
@pytest.mark.parametrize("bwrap", ["1", ""], ids=["without-bwrap", "with-bwrap-if-usable"])
def test_grading_as_root_with_tmpdir_inside_a_root_only_folder(tmp_path, bwrap):
    locked = tmp_path / "locked"
    (locked / "tmp").mkdir(parents=True)
    locked.chmod(0o700)
    submission = tmp_path / "submission"
    submission.mkdir()
    key = "ex01"
    shutil.copyfile(SOURCE / EXERCISES[key].filename, submission / EXERCISES[key].filename)
    out = tmp_path / "results.json"
    env = dict(os.environ, TMPDIR=str(locked / "tmp"), PYTHONPATH=str(ROOT))
    env.pop("ADLIB_GRADE_NO_BWRAP", None)
    if bwrap:
        env["ADLIB_GRADE_NO_BWRAP"] = bwrap
    proc = subprocess.run([sys.executable, "-m", "adlib.grade", str(submission / EXERCISES[key].filename),
                           "--json", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    assert results["score"] == EXERCISES[key].public_points + EXERCISES[key].hidden_points, proc.stdout
    assert "Permission denied" not in proc.stdout
    assert not any(locked.joinpath("tmp").iterdir())     # nothing was left in (or put in) TMPDIR
