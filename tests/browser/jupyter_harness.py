"""Start real Jupyter servers for tests, find out when they answer, and stop them for sure.

Used by the browser tests' conftest and test files. Nothing here depends on pytest.

* :func:`isolated_env` points HOME and every Jupyter/IPython/matplotlib directory at a
  temporary folder, so a test neither reads nor writes the developer's own settings.
* :class:`ServerProcess` starts a server in its own process group on 127.0.0.1 with a
  free port, waits until it answers, and :meth:`ServerProcess.stop` ends it by its
  process id together with every process it started (kernels run in sessions of
  their own, so killing the group alone would leave them behind).
* :func:`voila_command` serves one notebook with Voila and a copy of Voila's lab
  template that loads nothing from a CDN (the stock template links Font Awesome
  from cdn.jsdelivr.net; the widget JavaScript comes from the installed
  labextensions either way).
* :func:`wait_for_voila_page` waits for a page to finish executing and tells a stalled
  execution (server and kernel idle while the page still shows Voila's spinner,
  the nbclient hang of jupyter/nbclient#312) apart from every other failure;
  :func:`retry_on_stall` retries a stall once and nothing else.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

OFFLINE_TEMPLATE = "adlib-offline"


class ServerError(RuntimeError):
    """The server did not start or answer; the message carries the end of its log."""


class VoilaStall(RuntimeError):
    """Voila stopped executing the notebook: server and kernel idle, page still loading."""


class PageError(RuntimeError):
    """The page finished in a state that is not a rendered notebook (an error, a timeout)."""


# --------------------------------------------------------------------------- environment

def isolated_env(base: Path) -> dict:
    """A copy of os.environ whose home and Jupyter/IPython/matplotlib dirs live under ``base``."""
    base = Path(base)
    dirs = {
        "HOME": base / "home",
        "JUPYTER_CONFIG_DIR": base / "jupyter-config",
        "JUPYTER_DATA_DIR": base / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": base / "jupyter-runtime",
        "IPYTHONDIR": base / "ipython",
        "MPLCONFIGDIR": base / "matplotlib",
        "TMPDIR": base / "tmp",      # Voila keeps its kernels' connection files in TMPDIR
    }
    env = dict(os.environ)
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    # Never let a developer's own settings (XDG dirs, a JUPYTER_PATH) leak in.
    env["XDG_CONFIG_HOME"] = str(base / "home" / ".config")
    env["XDG_CACHE_HOME"] = str(base / "home" / ".cache")
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_token() -> str:
    return secrets.token_hex(16)


# --------------------------------------------------------------------------- processes

class ServerProcess:
    """A server started in its own process group, stopped by its pid with all its children."""

    def __init__(self, cmd, *, cwd, env, port, token, log_path):
        self.cmd = [str(c) for c in cmd]
        self.port = port
        self.token = token
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            self.cmd, cwd=str(cwd), env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,          # its own process group: pgid == pid
        )
        self.pid = self.proc.pid
        self._ps = psutil.Process(self.pid)
        self._stopped = False
        self._seen = set()

    # -- talking to it
    def url(self, path: str = "/", **query) -> str:
        query = {"token": self.token, **query} if self.token else query
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        return f"{self.base_url}{path}" + (f"?{qs}" if qs else "")

    def request(self, method: str, path: str, body=None, timeout: float = 10.0, token: bool = True):
        """(status, body bytes) of a request to ``path``; HTTP errors are returned, not raised.

        The token goes in the Authorization header, which also exempts API calls
        from Jupyter's XSRF check.
        """
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        if token and self.token:
            req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def get(self, path: str, timeout: float = 10.0, token: bool = True):
        return self.request("GET", path, timeout=timeout, token=token)

    def log_tail(self, lines: int = 40) -> str:
        try:
            if not self._log.closed:
                self._log.flush()
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_until_ready(self, path: str = "/api/status", timeout: float = 60.0) -> int:
        """Poll ``path`` until the server answers with any HTTP status below 500; return it."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise ServerError(f"server exited with code {self.proc.returncode} before answering:\n"
                                  f"$ {' '.join(self.cmd)}\n{self.log_tail()}")
            try:
                status, _ = self.get(path, timeout=2.0)
                if status < 500:
                    return status
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"server did not answer {path} within {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and every process it started (kernels included)."""
        total = 0.0
        for proc in [self._ps] + self.descendants():
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    def listening_addresses(self) -> set:
        """The IP addresses the server (or a process it started) listens on."""
        addresses = set()
        for proc in [self._ps] + self.descendants():
            try:
                conns = proc.net_connections(kind="inet")
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            addresses |= {c.laddr.ip for c in conns if c.status == psutil.CONN_LISTEN}
        return addresses

    def descendants(self):
        """The processes the server started that still run, including any seen earlier.

        Remembering them matters when the server dies first: its kernels are then
        re-parented and no longer show up as its children.
        """
        try:
            self._seen.update(self._ps.children(recursive=True))
        except psutil.NoSuchProcess:
            pass
        return [p for p in self._seen if _running(p)]

    # -- stopping it
    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the server's process group, then SIGKILL whatever of it and its children is left.

        The children (kernels) are collected before signalling, because kernels run in
        sessions of their own and would otherwise outlive a killed server.
        """
        if self._stopped:
            return
        self._stopped = True
        children = self.descendants()
        procs = ([self._ps] if self.proc.poll() is None else []) + children
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        for child in children:       # kernels: their own sessions, so signal them one by one
            try:
                child.terminate()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(procs, timeout=timeout)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)      # anything else left in the group
        except (ProcessLookupError, PermissionError):
            pass
        psutil.wait_procs(alive, timeout=5)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _running(proc: psutil.Process) -> bool:
    """True while ``proc`` runs (a zombie has finished; is_running also guards against pid reuse)."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def still_running(procs) -> list:
    """Of ``procs`` (psutil.Process objects), those still running."""
    return [p for p in procs if _running(p)]


# --------------------------------------------------------------------------- Voila

def _stock_lab_template() -> Path:
    from jupyter_core.paths import jupyter_path
    for base in jupyter_path("voila", "templates"):
        candidate = Path(base) / "lab" / "index.html.j2"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("Voila's lab template (voila/templates/lab/index.html.j2) is not installed")


CDN_LINK = re.compile(r'^\s*<link[^>]+href="https?://[^"]+"[^>]*>\s*$\n?', flags=re.M)


def install_offline_template(env: dict) -> str:
    """Write Voila's lab template minus its CDN stylesheet links into the env's JUPYTER_DATA_DIR.

    Returns the template name to pass as ``--template``.  Everything else is the stock
    template (it extends the same base), so the page is the page Voila users see.
    """
    stock = _stock_lab_template().read_text()
    offline = CDN_LINK.sub("", stock)
    left = re.findall(r'(?:href|src)="https?://[^"]+"', offline)
    if left:
        raise RuntimeError(f"Voila's lab template still loads from outside after stripping: {left}")
    target = Path(env["JUPYTER_DATA_DIR"]) / "voila" / "templates" / OFFLINE_TEMPLATE
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.html.j2").write_text(offline)
    (target / "conf.json").write_text(json.dumps({"base_template": "lab"}))
    return OFFLINE_TEMPLATE


def voila_command(notebook: Path, port: int, token: str, template: str) -> list:
    return [
        sys.executable, "-m", "voila", str(Path(notebook).name),
        "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0",
        f"--Voila.token={token}", f"--template={template}", "--show_tracebacks=True",
    ]


def start_voila(notebook: Path, base: Path, env: dict, ready_timeout: float = 60.0) -> ServerProcess:
    """Serve ``notebook`` with Voila on 127.0.0.1 and a free port; return once it answers."""
    template = install_offline_template(env)
    port, token = free_port(), new_token()
    base.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(voila_command(notebook, port, token, template), cwd=Path(notebook).parent,
                           env=env, port=port, token=token, log_path=base / f"voila-{port}.log")
    try:
        # A static file: asking for "/" would already execute the notebook.
        status = server.wait_until_ready("/voila/static/voila.js", timeout=ready_timeout)
        if status != 200:
            raise ServerError(f"Voila answered {status} for its own voila.js:\n{server.log_tail()}")
    except BaseException:
        server.stop()
        raise
    return server


VOILA_ERROR = "There was an error when executing cell"


def wait_for_voila_page(page, server: ServerProcess, ready_selector: str, *,
                        timeout: float = 120.0, idle_window: float = 12.0, settle: float = 3.0) -> None:
    """Wait until Voila has executed the notebook and ``ready_selector`` is visible.

    Raises :class:`VoilaStall` when the page still shows Voila's spinner while the
    server and its kernel have used (almost) no CPU for ``idle_window`` seconds.
    Raises :class:`PageError` when the spinner has been gone for ``settle`` seconds
    without the selector and the page shows an error (Voila stops at a failing
    cell), when the server exits, or after ``timeout`` seconds.
    """
    start = time.monotonic()
    last_cpu, last_progress = server.cpu_seconds(), start
    finished_at = None
    while True:
        now = time.monotonic()
        spinning = page.locator("#loading").is_visible()
        if not spinning and page.locator(ready_selector).first.is_visible():
            return
        if server.proc.poll() is not None:
            raise PageError(f"the Voila server exited with code {server.proc.returncode}:\n{server.log_tail()}")
        if spinning:
            finished_at = None
            cpu = server.cpu_seconds()
            if cpu - last_cpu > 0.05:        # anything beyond a poll's worth of work is progress
                last_cpu, last_progress = cpu, now
            elif now - last_progress > idle_window:
                raise VoilaStall(f"server and kernel idle for {now - last_progress:.0f} s while the page "
                                 f"still executes ({page_text(page)[:200]!r})")
        else:
            finished_at = finished_at or now
            # Widgets render a moment after the spinner goes; an error seen in that moment may be a
            # traceback a notebook prints on purpose, so only a page that has settled counts.
            if now - finished_at > settle:
                text = page_text(page)
                if VOILA_ERROR in text or "Traceback" in text:
                    raise PageError(f"the notebook raised while Voila executed it:\n{text[-3000:]}")
        if now - start > timeout:
            raise PageError(f"{ready_selector!r} did not appear within {timeout:.0f} s; page text:\n"
                            f"{page_text(page)[-2000:]}\nserver log:\n{server.log_tail()}")
        page.wait_for_timeout(250)


def page_text(page) -> str:
    body = page.locator("body")
    return body.inner_text(timeout=5000) if body.count() else ""


def retry_on_stall(attempt, on_stall=None, attempts: int = 2):
    """Return ``attempt(n)`` for the first n = 1, 2, ... that does not stall.

    Only a :class:`VoilaStall` is retried, and at most ``attempts`` calls are made
    (two: the stall retried once); every other exception is a failure and propagates
    at once.  ``on_stall(n, stall)`` is told about each stall that is retried.
    """
    for n in range(1, attempts + 1):
        try:
            return attempt(n)
        except VoilaStall as stall:
            if n == attempts:
                raise
            if on_stall is not None:
                on_stall(n, stall)
    raise ValueError(f"retry_on_stall: attempts must be at least 1, got {attempts}")
