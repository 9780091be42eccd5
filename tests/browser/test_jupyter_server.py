"""The README's course command starts a real JupyterLab that serves the course notebooks.

No browser: the server is started the way ``python3 tasks.py course`` starts it,
on 127.0.0.1 with a free port, a random token and a temporary home directory,
and asked over HTTP for the first notebook.  It is stopped by its process id,
kernels included, also when the test fails.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

import jupyter_harness as harness

pytestmark = pytest.mark.timeout(240)


def load_tasks():
    spec = importlib.util.spec_from_file_location("adlib_tasks_under_test", harness.ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def recorded_course_command(args, workdir):
    """The server command ``python3 tasks.py course ARGS`` runs once installed, and its working directory.

    Taken from tasks.py itself with its installer and runner replaced, so nothing is
    installed and nothing is started; the working copies go to ``workdir``.
    """
    tasks = load_tasks()
    tasks.WORKDIR = Path(workdir)
    recorded = []
    tasks.install = lambda: tasks.venv_python() if tasks.venv_python().exists() else Path(sys.executable)
    tasks.run = lambda *cmd, **kw: recorded.append(([str(c) for c in cmd], Path(kw.get("cwd", tasks.ROOT)))) or 0
    assert tasks.main(["course", *args]) == 0
    assert len(recorded) == 1, f"tasks.py course ran {len(recorded)} commands: {recorded}"
    return recorded[0]


def course_server_command(args, workdir):
    """What to start for the README's course command, and where.

    When tasks.py's install step has nothing left to do (``.venv`` already set up for
    this pyproject.toml, as after ``python3 tasks.py test`` in CI) this is
    ``tasks.py course`` itself; otherwise the server command tasks.py would run once
    installed (:func:`recorded_course_command`), so the test never installs anything.
    """
    tasks = load_tasks()
    marker = tasks.VENV / ".adlib-installed"
    if (tasks.venv_python().exists() and marker.exists()
            and marker.read_text() == (tasks.ROOT / "pyproject.toml").read_text()):
        return [sys.executable, str(tasks.ROOT / "tasks.py"), "course", *args], tasks.ROOT
    return recorded_course_command(args, workdir)


def cmdline(proc):
    try:
        return proc.cmdline()
    except psutil.NoSuchProcess:
        return []


def course_notebooks():
    return sorted(harness.NOTEBOOKS.glob("[0-9]*.ipynb"))


def test_course_command_runs_jupyterlab_in_the_working_copies(tmp_path):
    cmd, cwd = recorded_course_command(["--no-browser", "--port=9"], tmp_path / "copies")
    assert cwd.resolve() == (tmp_path / "copies").resolve()
    assert {p.name for p in cwd.glob("*.ipynb")} == {p.name for p in harness.NOTEBOOKS.glob("*.ipynb")}
    expected = ["-m", "jupyter", "lab", "--no-browser", "--port=9"]
    if os.geteuid() == 0:
        expected.append("--allow-root")   # JupyterLab refuses to run as root without it
    assert cmd[1:] == expected, cmd
    assert Path(cmd[0]).name.startswith("python")


def test_course_server_serves_the_first_notebook(tmp_path):
    notebooks = course_notebooks()
    if not notebooks:
        pytest.skip("the course has no notebooks yet (notebooks/NN_*.ipynb)")
    first = notebooks[0]
    env = harness.isolated_env(tmp_path)
    env["ADLIB_COURSE_DIR"] = str(tmp_path / "my-notebooks")     # tasks.py course copies the notebooks here
    port, token = harness.free_port(), harness.new_token()
    args = ["--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:       # CI runs as root; Jupyter refuses root without it
        args.append("--allow-root")
    cmd, cwd = course_server_command(args, tmp_path / "my-notebooks")
    seen = []
    with harness.ServerProcess(cmd, cwd=cwd, env=env, port=port, token=token,
                               log_path=tmp_path / "jupyterlab.log") as server:
        assert server.wait_until_ready("/api/status", timeout=120) == 200, server.log_tail()
        assert server.listening_addresses() == {"127.0.0.1"}, server.log_tail()

        status, _ = server.get("/api/contents", token=False)
        assert status == 403, "the server answers without its token"

        # Its root is the student's working folder: it lists a copy of each course notebook.
        status, body = server.get("/api/contents")
        assert status == 200, server.log_tail()
        listed = {item["name"] for item in json.loads(body)["content"] if item["type"] == "notebook"}
        assert listed == {p.name for p in harness.NOTEBOOKS.glob("*.ipynb")}

        # The first notebook's URL serves JupyterLab, and the contents API the notebook itself.
        status, page = server.get(f"/lab/tree/{first.name}")
        assert status == 200 and b"jupyter-config-data" in page, server.log_tail()
        status, body = server.get(f"/api/contents/{first.name}")
        assert status == 200, server.log_tail()
        model = json.loads(body)
        assert model["type"] == "notebook" and model["name"] == first.name
        on_disk = nbformat.read(str(first), as_version=4)
        assert [c["source"] for c in model["content"]["cells"]] == [c.source for c in on_disk.cells]

        # Opening it starts a kernel, which must go when the server goes.
        status, body = server.request("POST", "/api/sessions", {
            "path": first.name, "type": "notebook", "name": first.name, "kernel": {"name": "python3"}})
        assert status == 201, body
        kernel_id = json.loads(body)["kernel"]["id"]
        assert server.get(f"/api/kernels/{kernel_id}")[0] == 200
        deadline = time.monotonic() + 60
        while not (kernels := [p for p in server.descendants() if kernel_id in " ".join(cmdline(p))]):
            assert time.monotonic() < deadline, f"no process for kernel {kernel_id}:\n{server.log_tail()}"
            time.sleep(0.2)
        seen = [psutil.Process(server.pid)] + server.descendants()
    assert harness.still_running(seen) == [], "processes left behind after stopping the server"
