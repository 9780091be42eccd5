"""The test harness itself: servers stop for sure, stalls are retried once, other failures fail.

A Voila stall (jupyter/nbclient#312: execution hangs with server and kernel idle
while the page still shows the spinner) is rare and cannot be ordered up, so
these tests make one: a notebook whose kernel goes quiet for its first N runs.
"""
from __future__ import annotations

import os
import sys
import textwrap
import time

import nbformat
import psutil
import pytest

import jupyter_harness as harness

READY = ".adlib-ready"


def quiet_notebook(path, stalls: int, fail: bool = False):
    """A notebook that sleeps (idle kernel, spinner still up) on its first ``stalls`` runs.

    Each run leaves a file in $ADLIB_TEST_RUNS, so a test can count the runs.  Once
    past the stalls it shows a label with the kernel's HOME and config dirs.
    """
    code = textwrap.dedent(f"""\
        import os, pathlib, time
        import ipywidgets as widgets
        import matplotlib
        runs = pathlib.Path(os.environ["ADLIB_TEST_RUNS"])
        runs.mkdir(exist_ok=True)
        run = len(list(runs.iterdir())) + 1
        (runs / str(run)).touch()
        if {fail!r}:
            raise RuntimeError("this notebook fails on purpose")
        if run <= {stalls}:
            time.sleep(600)          # the kernel goes quiet while the page waits
        label = widgets.Label(f"run={{run}} HOME={{os.environ['HOME']}} MPL={{matplotlib.get_configdir()}}")
        label.add_class("{READY[1:]}")
        label""")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def runs(tmp_path):
    folder = tmp_path / "runs"
    return len(list(folder.iterdir())) if folder.exists() else 0


# --------------------------------------------------------------------------- processes (no browser)

def test_stop_ends_the_server_and_children_in_their_own_sessions_also_on_failure(tmp_path):
    # A stand-in server that, like Jupyter, starts a "kernel" in a session of its own.
    script = ("import subprocess, sys, time\n"
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'], start_new_session=True)\n"
              "time.sleep(300)\n")
    seen = []
    with pytest.raises(RuntimeError, match="the test failed"):
        with harness.ServerProcess([sys.executable, "-c", script], cwd=tmp_path, env=harness.isolated_env(tmp_path),
                                   port=harness.free_port(), token="", log_path=tmp_path / "server.log") as server:
            deadline = time.monotonic() + 30
            while not server.descendants():
                assert time.monotonic() < deadline, "the stand-in server started no child"
                time.sleep(0.05)
            child = server.descendants()[0]
            assert os.getsid(child.pid) != os.getsid(server.pid)     # out of the server's group
            seen = [psutil.Process(server.pid), child]
            raise RuntimeError("the test failed")
    assert harness.still_running(seen) == []


def test_a_server_that_exits_early_is_reported_with_its_log(tmp_path):
    script = "print('cannot start: port taken'); raise SystemExit(3)"
    with harness.ServerProcess([sys.executable, "-c", script], cwd=tmp_path, env=harness.isolated_env(tmp_path),
                               port=harness.free_port(), token="t", log_path=tmp_path / "server.log") as server:
        with pytest.raises(harness.ServerError, match=r"(?s)code 3.*cannot start: port taken"):
            server.wait_until_ready(timeout=30)


def test_isolated_env_moves_every_config_dir_into_the_temporary_folder(tmp_path):
    env = harness.isolated_env(tmp_path)
    for key in ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                "IPYTHONDIR", "MPLCONFIGDIR", "TMPDIR"):
        assert env[key].startswith(str(tmp_path)), key


# --------------------------------------------------------------------------- retry policy (no browser)

def flaky(outcomes):
    """An attempt function that raises or returns ``outcomes`` in turn, recording its calls."""
    calls = []

    def attempt(n):
        calls.append(n)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return attempt, calls


def test_one_stall_is_retried():
    attempt, calls = flaky([harness.VoilaStall("idle"), "page"])
    told = []
    assert harness.retry_on_stall(attempt, lambda n, s: told.append(n)) == "page"
    assert calls == [1, 2] and told == [1]


def test_a_second_stall_is_a_failure():
    attempt, calls = flaky([harness.VoilaStall("idle"), harness.VoilaStall("idle again"), "page"])
    with pytest.raises(harness.VoilaStall, match="idle again"):
        harness.retry_on_stall(attempt)
    assert calls == [1, 2]


@pytest.mark.parametrize("error", [harness.PageError("Traceback ..."), harness.ServerError("exited"),
                                   AssertionError("loss differs"), TimeoutError("slow")])
def test_any_other_failure_is_not_retried(error):
    attempt, calls = flaky([error, "page"])
    with pytest.raises(type(error)):
        harness.retry_on_stall(attempt)
    assert calls == [1]


# --------------------------------------------------------------------------- Voila stalls (browser)

@pytest.mark.browser
@pytest.mark.timeout(180)
def test_a_stall_is_retried_once_with_a_fresh_server(open_voila, jupyter_env, tmp_path):
    jupyter_env["ADLIB_TEST_RUNS"] = str(tmp_path / "runs")
    notebook = quiet_notebook(tmp_path / "stalls_once.ipynb", stalls=1)
    with pytest.warns(UserWarning, match="retrying with a fresh server"):
        loaded = open_voila(notebook, READY, idle_window=4)
    assert loaded.attempts == 2 and runs(tmp_path) == 2
    text = loaded.page.locator(READY).inner_text()
    # The kernel ran with the temporary home and matplotlib dir, not the developer's.
    assert f"HOME={jupyter_env['HOME']}" in text and f"MPL={jupyter_env['MPLCONFIGDIR']}" in text, text
    assert not loaded.remote_requests, loaded.remote_requests
    loaded.page.screenshot(path=str(tmp_path / "after-retry.png"))


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_an_execution_error_fails_without_retry(open_voila, jupyter_env, tmp_path):
    jupyter_env["ADLIB_TEST_RUNS"] = str(tmp_path / "runs")
    notebook = quiet_notebook(tmp_path / "fails.ipynb", stalls=0, fail=True)
    with pytest.raises(harness.PageError, match="fails on purpose"):
        open_voila(notebook, READY, idle_window=4)
    assert runs(tmp_path) == 1
