"""The grader run four ways for the escape and attack tests: with and without bubblewrap, with and
without the audit hook (a test-only switch), against a copy of the repository made root-only."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from adlib.grade import jail
from adlib.grade.exercises import EXERCISES
from adlib.grade.lockdown import lock_down, readable_by_student

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parent / "hostile"


def fixture(name, outside, root=ROOT, **more):
    text = (HOSTILE / name).read_text().replace("@ROOT@", str(root)).replace("@TMP@", str(outside))
    for key, value in more.items():
        text = text.replace(f"@{key}@", str(value))
    return text


# Each escape is tried four ways: with and without bubblewrap (the fallback that holds where
# namespaces are not allowed, e.g. on Gradescope's Docker), and with and without the audit hook
# (a test-only switch of the grader): the operating system's boundary must hold on its own.
MODES = ["bwrap", "bwrap-no-hook", "fallback", "fallback-no-hook"]


class Grader:
    """The grader, run as a command from ``root`` (a copy of the repository) in one of MODES."""

    def __init__(self, mode, root, scratch):
        self.mode, self.root, self.scratch = mode, root, scratch
        self.env = dict(os.environ, PYTHONPATH=str(root))
        self.env.pop(jail.NO_BWRAP_ENV, None)
        if mode.startswith("fallback"):
            self.env[jail.NO_BWRAP_ENV] = "1"
        if mode.endswith("no-hook"):
            self.env[jail.NO_HOOK_ENV] = "1"

    def outside(self, name, world_writable=True):
        """A folder outside the sandbox that every user can reach (and, if asked and bubblewrap
        keeps the submission out, write to): only the sandbox can keep the submission out."""
        folder = self.scratch / name
        folder.mkdir()
        # Without bubblewrap, the submission's user can write where any user may; a folder any
        # user may write to is then the sandbox's limit, not a hole (say so, test the rest).
        os.chmod(folder, 0o777 if world_writable and self.mode.startswith("bwrap") else 0o755)
        return folder

    def submit(self, key, text, *extra):
        folder = Path(tempfile.mkdtemp(dir=self.scratch))
        (folder / EXERCISES[key].filename).write_text(text)
        out = folder / "results.json"
        proc = subprocess.run([sys.executable, "-m", "adlib.grade", str(folder / EXERCISES[key].filename),
                               "--json", str(out), "--timeout", "3", *extra], capture_output=True, text=True,
                              env=self.env, cwd=str(self.scratch), timeout=300)
        assert proc.returncode == 0, proc.stderr
        results = json.loads(out.read_text())
        isolation = "in bubblewrap namespaces" if self.mode.startswith("bwrap") else "WITHOUT bubblewrap"
        assert isolation in json.dumps(results)
        assert ("audit hook OFF" in json.dumps(results)) == self.mode.endswith("no-hook")
        return results, {t["name"].split(": ", 1)[1]: t for t in results["tests"]}


@pytest.fixture(scope="module")
def locked_repo():
    """A copy of the repository's adlib/, grading/ and exercises/ in a folder every user can reach,
    made root-only by the grader's own lockdown; None when not root (then no user id of its own)."""
    if os.geteuid() != 0:
        yield None
        return
    scratch = Path(tempfile.mkdtemp(prefix="adlib-escapes-"))
    os.chmod(scratch, 0o755)
    repo = scratch / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("adlib", "grading", "exercises"):
        shutil.copytree(ROOT / part, repo / part, ignore=ignore)
    assert readable_by_student([str(repo)]) == [str(repo)]   # before: any user can read it
    lock_down([str(repo)])
    assert readable_by_student([str(repo)]) == []
    yield repo
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(params=MODES)
def grader(request, locked_repo):
    if request.param.startswith("bwrap") and jail.bwrap_path() is None:
        pytest.skip("bubblewrap is not usable here")
    if request.param.startswith("fallback") and locked_repo is None:
        pytest.skip("without bubblewrap, only root gives the submission a user id of its own")
    scratch = Path(tempfile.mkdtemp(prefix="adlib-escape-", dir=locked_repo.parent if locked_repo else None))
    os.chmod(scratch, 0o755)
    yield Grader(request.param, locked_repo or ROOT, scratch)
    shutil.rmtree(scratch, ignore_errors=True)
