"""Build what the instructor hands out: the students' course folder and Gradescope's autograder.

    python3 tasks.py release OUT

* ``OUT/student/``: the course as students get it -- README, tasks.py,
  pyproject.toml, the library with the public checks, the notebooks, the
  exercise stubs, the tests that run without instructor material.  No solution
  of a graded exercise: no ``exercises/source/``, no ``grading/`` (hidden checks
  and their reference code), no test fixtures built from the reference, no
  solution markers anywhere.
* ``OUT/autograder.zip``: Gradescope's autograder format -- ``setup.sh`` and
  ``run_autograder`` at the root, with adlib's source (``pyproject.toml``,
  ``adlib/``) and ``grading/`` beside them.

Only what is committed is released (``git archive HEAD``): a local ``.venv``,
caches, notes or half-done edits never ship, and the release is the same on any
clone of the same commit.  OUT must be outside the repository and empty or
new: nothing is ever deleted or overwritten.  Standard library only, so it runs
on a bare ``python3`` from a fresh clone.
"""
from __future__ import annotations

import fnmatch
import io
import json
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What only the instructor keeps: (glob over the repository path, why).
INSTRUCTOR_ONLY = [
    ("exercises/source/*", "the reference solutions"),
    ("grading/*", "hidden checks and their reference code"),
    ("tools/*", "the instructor's release tooling"),
    ("tests/grade_fixtures/*", "test submissions, some written as edits of the reference solutions"),
    ("adlib/grade/make_student.py", "turns reference solutions into stubs (holds the solution markers)"),
    ("NOTES*", "notes between developers"),
]
# A test needs instructor material when it names it; a test may also say so itself.
INSTRUCTOR_TEST = re.compile(r"exercises\W{1,8}source|grade_fixtures|\bgrading\W{1,8}hidden|"
                             r"find_hidden|make_student|tools\W{1,8}release|release: instructor-only")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
# The autograder carries what grading needs, nothing a student could reuse.
AUTOGRADER = ["pyproject.toml", "README.md", "adlib/*", "grading/*"]


class ReleaseError(Exception):
    """The release cannot be built; the message says why and what to do."""


def _git(*args, root=ROOT):
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ReleaseError(f"release needs git and a git repository at {root} (git {args[0]}: {exc})") from None


def snapshot(dest, root=ROOT):
    """Extract the committed tree (HEAD) into ``dest``; return its regular files as posix paths."""
    data = _git("archive", "--format=tar", "HEAD", root=root)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]   # no links, devices or folders
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(dest, members=members, **kwargs)
    return sorted(m.name for m in members)


def instructor_only(path, root):
    """Why ``path`` stays with the instructor, or None if students get it."""
    for pattern, why in INSTRUCTOR_ONLY:
        if fnmatch.fnmatch(path, pattern):
            return why
    if path.startswith("tests/") and path.endswith(".py"):
        if INSTRUCTOR_TEST.search((root / path).read_text(encoding="utf-8", errors="replace")):
            return "a test that needs instructor material"
    return None


def solution_blocks(root):
    """{exercise file: [[distinctive solution line, ...] per block]} from exercises/source/.

    A distinctive line is a solution line (comments and spacing aside) of at least 20
    characters that the student's stub does not contain.
    """
    blocks = {}
    for src in sorted((root / "exercises" / "source").glob("ex*.py")):
        stub_path = root / "exercises" / src.name
        stub = {_norm(line) for line in stub_path.read_text(encoding="utf-8").splitlines()} if stub_path.exists() else set()
        current = None
        for line in src.read_text(encoding="utf-8").splitlines():
            if "### BEGIN SOLUTION" in line:
                current = []
            elif "### END SOLUTION" in line:
                blocks.setdefault(src.name, []).append(current)
                current = None
            elif current is not None:
                text = _norm(line)
                if len(text) >= 20 and text not in stub:
                    current.append(text)
    return blocks


def _norm(line):
    return re.sub(r"\s+", " ", line.split("#", 1)[0]).strip()


def _text_of(path):
    """The text a reader sees in a file: a notebook's cell sources, else the file's text (or None)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(raw).get("cells", [])
            return raw + "\n" + "\n".join("".join(c.get("source", "")) for c in cells)
        except ValueError:
            return raw
    return raw


def solutions_in(path, blocks):
    """What in ``path`` gives a graded exercise away: markers, or a solution block's code.

    A file gives a block away when it holds 3 of its distinctive lines, or all of a block
    of 2.  One formula the course itself teaches (``(f(x + h) - f(x - h)) / (2 * h)``
    in adlib.numeric) is not a solution; a block's worth of its lines is.
    """
    text = _text_of(path)
    if text is None:
        return []
    found = [f"the marker {m!r}" for m in MARKERS if m in text]
    lines = {_norm(line) for line in text.splitlines()}
    for name, file_blocks in blocks.items():
        for number, block in enumerate(file_blocks, 1):
            hits = [line for line in block if line in lines]
            if len(hits) >= 3 or (len(block) == 2 and len(hits) == 2):
                found.append(f"{len(hits)} lines of solution block {number} of {name} ({hits[0]!r}, ...)")
    return found


def _check_out(out):
    out = Path(out).resolve()
    root = ROOT.resolve()
    if out == root or root in out.parents:
        raise ReleaseError(f"{out} is inside the repository; choose a folder outside it")
    if out in root.parents:
        raise ReleaseError(f"{out} contains the repository; choose a new, empty folder")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder; release never overwrites, "
                           "so choose a new folder")
    return out


def _copy(root, rel, dest):
    target = dest / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / rel, target)


def build_student(root, files, dest):
    """Copy the students' files from the snapshot ``root`` to ``dest``; return {dropped path: why}."""
    dropped = {}
    for rel in files:
        why = instructor_only(rel, root)
        if why:
            dropped[rel] = why
        else:
            _copy(root, rel, dest)
    blocks = solution_blocks(root)
    leaks = {str(p.relative_to(dest)): found for p in sorted(dest.rglob("*"))
             if p.is_file() and (found := solutions_in(p, blocks))}
    if leaks:
        raise ReleaseError("the student copy would give graded solutions away:\n  " + "\n  ".join(
            f"{path}: {'; '.join(found)}" for path, found in leaks.items()))
    return dropped


SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# Everything is installed with the python3 on PATH, from this zip and the package index.
set -euo pipefail
cd "$(dirname "$0")"
export PIP_BREAK_SYSTEM_PACKAGES=1        # Debian/Ubuntu images whose python3 refuses pip otherwise
export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install ".[grader]"
# adlib is installed in site-packages; this folder (hidden checks included) is read by the grader
# only, which runs as root: student code, run as a user of its own, cannot read it.
chmod -R go-rwx .
python3 -c "import adlib.grade, pytest; print('adlib', adlib.grade.__name__, 'installed')"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission; the files are in $AUTOGRADER_ROOT/submission
# (default /autograder), the results go to $AUTOGRADER_ROOT/results/results.json.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
chmod -R go-rwx "$ROOT/source" 2>/dev/null || true   # the hidden checks stay the grader's own
# Without bubblewrap (Docker usually has no user namespaces) the OS boundary is file permissions:
# make adlib's installed source, the hidden checks and any differentiation library root-only.
python3 -m adlib.grade.lockdown --hidden "$ROOT/source/grading/hidden" >&2 || true
python3 -m adlib.grade "$ROOT/submission" --hidden "$ROOT/source/grading/hidden" --json "$RESULTS"
status=$?
if [ ! -s "$RESULTS" ]; then
  # Never leave Gradescope without results: a visible 0 with a message beats an autograder failure.
  printf '%s\\n' '{"score": 0.0, "output": "The autograder could not grade this submission (exit code '"$status"'); please tell your instructor.", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}' > "$RESULTS"
fi
exit 0
"""


def build_autograder(root, files, zip_path):
    """Write Gradescope's autograder zip; return the names it holds."""
    names = sorted(rel for rel in files if any(fnmatch.fnmatch(rel, g) for g in AUTOGRADER)
                   and not fnmatch.fnmatch(rel, "adlib/grade/make_student.py"))
    if not any(n.startswith("grading/hidden/") for n in names):
        raise ReleaseError("no hidden checks under grading/hidden/ are tracked by git; "
                           "the autograder would grade with the public checks only")
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        for name in names:
            z.write(root / name, arcname=name)
    return ["setup.sh", "run_autograder", *names]


def _uncommitted(root=ROOT):
    """Paths whose working-tree state differs from HEAD (changed, or new and not ignored)."""
    out = _git("status", "--porcelain", "-z", root=root).decode("utf-8", "replace")
    return [entry[3:] for entry in out.split("\0") if len(entry) > 3]


def release(out):
    """Build OUT/student/ and OUT/autograder.zip from HEAD; return a short summary."""
    out = _check_out(out)
    created = not out.exists()
    student, zip_path = out / "student", out / "autograder.zip"
    with tempfile.TemporaryDirectory(prefix="adlib-release-") as tmp:
        root = Path(tmp)
        files = snapshot(root)
        out.mkdir(parents=True, exist_ok=True)
        try:
            dropped = build_student(root, files, student)
            shipped = build_autograder(root, files, zip_path)
        except BaseException:
            # OUT was new or empty: what is in it now is only this failed build's.
            shutil.rmtree(student, ignore_errors=True)
            zip_path.unlink(missing_ok=True)
            if created:
                out.rmdir()
            raise
    lines = [f"{student}: {len(files) - len(dropped)} files for students",
             f"  kept back: {len(dropped)} files (" + ", ".join(sorted({w for w in dropped.values()})) + ")",
             f"{out / 'autograder.zip'}: {len(shipped)} files; upload it as the assignment's autograder "
             "(Gradescope: Configure Autograder -> Zip file upload)"]
    pending = _uncommitted()
    if pending:
        lines.append(f"note: released the last commit; {len(pending)} uncommitted changes were left out "
                     "(commit them to release them): " + ", ".join(pending[:5]) + (" ..." if len(pending) > 5 else ""))
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python3 tasks.py release OUT   (OUT: a new or empty folder outside the repository)")
        return 2
    try:
        print(release(argv[0]))
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
