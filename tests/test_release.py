"""`python3 tasks.py release OUT`: the students' course folder holds no graded solution and
passes its own tests; the Gradescope autograder installs in a fresh environment and grades
a correct submission with full marks, the stubs with 0 and an empty one with a report."""
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from adlib.grade.exercises import EXERCISES, max_points

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import release  # noqa: E402

NAMES = [e.filename for e in EXERCISES.values()]
FULL = sum(max_points().values())
PUBLIC = sum(e.public_points for e in EXERCISES.values())


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "ADLIB_GRADE_HIDDEN", "PYTEST_ADDOPTS")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """A release of this repository's last commit, built the way an instructor builds it."""
    folder = tmp_path_factory.mktemp("release") / "out"
    proc = subprocess.run([sys.executable, "-I", str(ROOT / "tasks.py"), "release", str(folder)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "autograder.zip" in proc.stdout
    return folder


def student_files(out):
    student = out / "student"
    return {p.relative_to(student).as_posix(): p for p in student.rglob("*") if p.is_file()}


# -- the student copy -----------------------------------------------------------------

def test_student_copy_has_the_course(out):
    files = student_files(out)
    for name in ("README.md", "tasks.py", "pyproject.toml", "exercises/README.md", "adlib/__init__.py",
                 "adlib/grade/cli.py", "adlib/grade/submit.py", "notebooks/README.md"):
        assert name in files, name
    for e in EXERCISES.values():
        assert files[f"exercises/{e.filename}"].read_bytes() == (ROOT / "exercises" / e.filename).read_bytes()
        assert f"adlib/grade/checks/check_{e.key}.py" in files            # the public checks
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks and sorted(Path(n).name for n in files if n.endswith(".ipynb")) == notebooks
    assert any(n.startswith("tests/test_") for n in files)


def test_student_copy_holds_no_solution_and_no_instructor_material(out):
    files = student_files(out)
    for prefix in ("exercises/source/", "grading/", "tools/", "tests/grade_fixtures/", ".venv/", ".git/"):
        assert not any(n.startswith(prefix) for n in files), prefix
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in files)
    for name, path in files.items():                  # every byte of every file, notebooks included
        data = path.read_bytes()
        assert b"BEGIN SOLUTION" not in data and b"END SOLUTION" not in data, name
    blocks = release.solution_blocks(ROOT)
    assert sum(map(len, blocks.values())) >= 6
    leaks = {name: found for name, path in files.items() if (found := release.solutions_in(path, blocks))}
    assert not leaks, leaks
    # Nothing left in the copy names a hidden check or needs one.
    for name, path in files.items():
        if name.startswith("tests/") and name.endswith(".py"):
            assert not release.INSTRUCTOR_TEST.search(path.read_text()), name


def test_the_solution_scan_finds_solutions_where_they_are():
    """The check above can fail: it flags the reference solutions and fixtures built from them,
    and leaves the library's own formulas (course material) alone."""
    blocks = release.solution_blocks(ROOT)
    for e in EXERCISES.values():
        assert release.solutions_in(ROOT / "exercises" / "source" / e.filename, blocks), e.filename
        assert not release.solutions_in(ROOT / "exercises" / e.filename, blocks), e.filename
    assert release.solutions_in(ROOT / "tests" / "grade_fixtures" / "mistakes.py", blocks)
    for module in ("numeric.py", "forward.py", "value.py", "nn.py"):
        assert not release.solutions_in(ROOT / "adlib" / module, blocks), module


def load_tasks(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_students_get_no_peer_library(out):
    student = load_tasks(out / "student" / "tasks.py", "student_tasks")
    assert not student.INSTRUCTOR and "peers" not in student.EXTRAS.split(",")
    assert set(student.EXTRAS.split(",")) == {"course", "dev"}
    instructor = load_tasks(ROOT / "tasks.py", "instructor_tasks")
    assert instructor.INSTRUCTOR == (ROOT / "grading").is_dir()
    assert ("peers" in instructor.EXTRAS.split(",")) == instructor.INSTRUCTOR
    assert student.main(["release", str(out / "again")]) == 2           # students cannot release


def test_student_copy_grades_with_public_checks_only(out, tmp_path):
    student = out / "student"
    env = clean_env(PYTHONPATH=str(student))
    target = tmp_path / "ex01_finite_differences.py"
    shutil.copyfile(student / "exercises" / "ex01_finite_differences.py", target)
    proc = subprocess.run([sys.executable, "-m", "adlib.grade", str(target), "--json", str(tmp_path / "r.json")],
                          capture_output=True, text=True, env=env, cwd=student, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "public checks only" in proc.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["extra_data"]["public_only"] and report["score"] == 0
    assert report["extra_data"]["max_score"] == EXERCISES["ex01"].public_points
    assert not any(t["visibility"] == "after_due_date" for t in report["tests"])
    where = subprocess.run([sys.executable, "-c", "import adlib; print(adlib.__file__)"], capture_output=True,
                           text=True, env=env, cwd=student).stdout
    assert where.startswith(str(student))


@pytest.mark.slow
def test_student_copy_passes_its_own_tests(out):
    """The copy's tests without browser and notebooks, with this interpreter and the copy's adlib
    (`python3 tasks.py test` there runs these plus the notebooks and the browser tests)."""
    student = out / "student"
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-x", "-p", "no:cacheprovider",
                           "--ignore=tests/browser", "-m", "not browser", "-o", "addopts=-ra"],
                          capture_output=True, text=True, cwd=student, timeout=1200,
                          env=clean_env(PYTHONPATH=str(student), CI="1"))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout


# -- the autograder ---------------------------------------------------------------------

def test_autograder_zip_layout(out):
    with zipfile.ZipFile(out / "autograder.zip") as z:
        names = z.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup = z.read("setup.sh").decode()
        run = z.read("run_autograder").decode()
    assert {"setup.sh", "run_autograder", "pyproject.toml", "adlib/grade/cli.py"} <= set(names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert any(n.startswith("grading/hidden/check_") for n in names)
    for prefix in ("exercises/", "tests/", "notebooks/", "tools/", ".venv/"):
        assert not any(n.startswith(prefix) for n in names), prefix
    # setup.sh installs with python3 -m pip from the zip's files, and nothing else
    commands = [line.strip() for line in setup.splitlines() if line.strip() and not line.strip().startswith("#")]
    installs = [c for c in commands if "pip" in c and "install" in c]
    assert installs == ['python3 -m pip install ".[grader]"'], installs
    for tool in ("apt", "curl", "wget", "git ", "sudo", "conda"):
        assert tool not in setup, tool
    assert "AUTOGRADER_ROOT:-/autograder" in run and "results/results.json" in run
    # without bubblewrap the boundary is file permissions: run_autograder locks adlib and peers down first
    lock = run.index("python3 -m adlib.grade.lockdown")
    assert lock < run.index("python3 -m adlib.grade \"$ROOT/submission\"")


def run_autograder(ag, env, files):
    """Put ``files`` ({name: source path}) in ag/submission, run ag/run_autograder, return results.json."""
    submission = ag / "submission"
    if submission.exists():
        shutil.rmtree(submission)
    submission.mkdir()
    for name, src in files.items():
        shutil.copyfile(src, submission / name)
    results = ag / "results" / "results.json"
    if results.exists():
        results.unlink()
    proc = subprocess.run(["bash", str(ag / "run_autograder")], capture_output=True, text=True, cwd=ag,
                          env=dict(env, AUTOGRADER_ROOT=str(ag)), timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(results.read_text())


@pytest.mark.slow
def test_gradescope_simulation_in_a_fresh_environment(out, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = clean_env(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    ag = tmp_path / "autograder"                  # Gradescope's /autograder
    with zipfile.ZipFile(out / "autograder.zip") as z:
        z.extractall(ag / "source")
    setup = subprocess.run(["bash", str(ag / "source" / "setup.sh")], capture_output=True, text=True,
                           cwd=ag / "source", env=env, timeout=1200)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    where = subprocess.run(["python3", "-c", "import adlib, sys; print(adlib.__file__); print(sys.prefix)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path).stdout.split()
    assert where[0].startswith(str(venv)) and where[1] == str(venv)      # installed into the fresh venv
    shutil.copyfile(ag / "source" / "run_autograder", ag / "run_autograder")

    reference = run_autograder(ag, env, {n: ROOT / "exercises" / "source" / n for n in NAMES})
    assert not reference["extra_data"]["public_only"]
    assert reference["extra_data"]["max_score"] == FULL
    assert reference["score"] == FULL, [t for t in reference["tests"] if t["score"] < t["max_score"]]
    assert any(t["visibility"] == "after_due_date" for t in reference["tests"])
    assert "Total" not in reference["output"] and f"/{FULL:g}" not in reference["output"]
    if os.geteuid() == 0:        # run_autograder's lockdown made adlib's installed source root-only
        mode = os.stat(os.path.dirname(where[0])).st_mode
        assert not mode & (stat.S_IROTH | stat.S_IXOTH), oct(mode)

    stubs = run_autograder(ag, env, {n: ROOT / "exercises" / n for n in NAMES})
    assert stubs["score"] == 0 and stubs["extra_data"]["max_score"] == FULL

    nothing = run_autograder(ag, env, {"notes.txt": ROOT / "exercises" / "README.md"})
    assert nothing["score"] == 0 and nothing["extra_data"]["max_score"] == FULL
    assert all(any(n in t["output"] for t in nothing["tests"]) for n in NAMES)

    misnamed = run_autograder(ag, env, {"ex02_dual.py": ROOT / "exercises" / "source" / NAMES[1]})
    assert misnamed["score"] == 0 and "probably meant for exercise 2" in misnamed["output"]


def test_release_refuses_an_unsafe_out(tmp_path, capsys):
    assert release.main([str(ROOT / "build-here")]) == 1
    assert "inside the repository" in capsys.readouterr().err
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("precious\n")
    assert release.main([str(full)]) == 1
    assert "not an empty folder" in capsys.readouterr().err
    assert (full / "keep.txt").read_text() == "precious\n" and len(list(full.iterdir())) == 1
    assert release.main([str(ROOT.parent)]) == 1
    assert not (ROOT / "build-here").exists()
    assert release.main([]) == 2


def test_a_leaking_file_stops_the_build(tmp_path):
    """A file that carries a reference solution's code (here a note pasted from it) is refused,
    however it is named; a notebook carrying a solution marker too."""
    root = tmp_path / "repo"
    for name in ("exercises/source/ex03_backprop_value.py", "exercises/ex03_backprop_value.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, root / name)
    (_, block), = [(i, b) for i, b in enumerate(release.solution_blocks(root)["ex03_backprop_value.py"])
                   if len(b) >= 3][:1]
    (root / "docs").mkdir()
    (root / "docs" / "hints.md").write_text("Try this:\n" + "\n".join("    " + line for line in block[:3]) + "\n")
    files = ["exercises/source/ex03_backprop_value.py", "exercises/ex03_backprop_value.py", "docs/hints.md"]
    with pytest.raises(release.ReleaseError, match="docs/hints.md: 3 lines of solution block"):
        release.build_student(root, files, tmp_path / "student")
    (root / "docs" / "hints.md").write_text("nothing here\n")
    (root / "nb.ipynb").write_text(json.dumps({"cells": [{"source": ["### BEGIN ", "SOLUTION\n"]}]}))
    with pytest.raises(release.ReleaseError, match="nb.ipynb: the marker 'BEGIN SOLUTION'"):
        release.build_student(root, files + ["nb.ipynb"], tmp_path / "student2")
    assert release.build_student(root, files, tmp_path / "student3") == {
        "exercises/source/ex03_backprop_value.py": "the reference solutions"}


def test_run_autograder_writes_results_even_when_the_grader_fails(out, tmp_path):
    """A broken installation still gives Gradescope a results.json: 0 points and a message."""
    ag = tmp_path / "ag"
    (ag / "submission").mkdir(parents=True)
    with zipfile.ZipFile(out / "autograder.zip") as z:
        (ag / "run_autograder").write_bytes(z.read("run_autograder"))
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python3").write_text("#!/bin/sh\necho 'Traceback: no module adlib' >&2\nexit 1\n")
    (fake / "python3").chmod(0o755)
    proc = subprocess.run(["bash", str(ag / "run_autograder")], capture_output=True, text=True, cwd=ag,
                          env=clean_env(AUTOGRADER_ROOT=str(ag), PATH=f"{fake}{os.pathsep}{os.environ['PATH']}"),
                          timeout=60)
    assert proc.returncode == 0
    report = json.loads((ag / "results" / "results.json").read_text())
    assert report["score"] == 0 and "could not grade this submission (exit code 1)" in report["output"]
    assert report["visibility"] == "visible"
