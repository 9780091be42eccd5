"""Fixtures for tests against real Jupyter servers and a real (headless Chromium) browser.

* ``jupyter_env``: os.environ with HOME and the Jupyter, IPython and matplotlib dirs
  (and TMPDIR) in the test's temporary directory.
* ``chromium``: the path of Debian's Chromium (or $ADLIB_CHROMIUM); the test skips,
  saying how to install it, when it is missing.  Playwright never downloads a browser.
* ``browser``: one headless Chromium for the session, driven by Playwright.
* ``open_voila``: serve a notebook with Voila (127.0.0.1, free port, fresh server),
  open it in a new browser context, wait until it has executed.  A stalled execution
  (jupyter/nbclient#312) is retried once with a fresh server; any other failure fails.
  Requests to any host but 127.0.0.1 are aborted and recorded.  Everything is
  stopped at teardown, also when the test fails.
"""
from __future__ import annotations

import os
import shutil
import urllib.parse
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import jupyter_harness as harness

INSTALL_HINT = (
    "Chromium is not installed, so the browser tests are skipped. Install Debian's "
    "package with `sudo apt-get install chromium` (or run .ci/run as root, which does it), "
    "or point ADLIB_CHROMIUM at a Chromium executable; the tests drive it with Playwright "
    "and never download a browser."
)

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-quic", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
]


def chromium_path():
    """ADLIB_CHROMIUM if set, else Debian's chromium on PATH or in /usr/bin; None when missing."""
    override = os.environ.get("ADLIB_CHROMIUM")
    candidates = [override] if override else ["chromium", "/usr/bin/chromium"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        # CI sets ADLIB_REQUIRE_BROWSER=1: there a missing browser is an error, not a skip.
        if os.environ.get("ADLIB_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(INSTALL_HINT.replace("so the browser tests are skipped", "but ADLIB_REQUIRE_BROWSER is set"))
        pytest.skip(INSTALL_HINT)
    return path


@pytest.fixture(scope="session")
def browser(chromium, tmp_path_factory):
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright is not installed: `python3 tasks.py test` installs it with the dev extra")
    with sync_api.sync_playwright() as pw:
        # Playwright gives every launch a fresh temporary profile (--user-data-dir).
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                                     downloads_path=str(tmp_path_factory.mktemp("downloads")))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def jupyter_env(tmp_path):
    return harness.isolated_env(tmp_path / "jupyter")


def is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in ("127.0.0.1", "localhost")


class VoilaStallRetried(UserWarning):
    """Voila stalled once (jupyter/nbclient#312); the test retried with a fresh server."""


@dataclass
class LoadedNotebook:
    page: object
    server: harness.ServerProcess
    remote_requests: list = field(default_factory=list)
    attempts: int = 1


def try_screenshot(page, path: Path) -> None:
    """A screenshot for the record; a page that has already gone must not mask the real error."""
    try:
        page.screenshot(path=str(path))
    except Exception as exc:
        warnings.warn(f"could not save screenshot {path}: {exc!r}")


@pytest.fixture
def open_voila(browser, jupyter_env, tmp_path):
    """open_voila(notebook, ready_selector, **wait_options) -> LoadedNotebook.

    At teardown every page still open is photographed into the test's tmp_path
    (``<notebook>-at-teardown.png``), so a failed test leaves a picture behind.
    """
    cleanups, loaded_pages = [], []

    def open_notebook(notebook, ready_selector, *, timeout=120.0, idle_window=12.0, attempts=2):
        notebook = Path(notebook)

        def attempt(n):
            server = harness.start_voila(notebook, tmp_path / f"voila-{notebook.stem}-{n}", jupyter_env)
            cleanups.append(server.stop)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            cleanups.append(context.close)
            context.set_default_timeout(30_000)
            loaded = LoadedNotebook(page=None, server=server, attempts=n)

            def refuse(route, remote=loaded.remote_requests):
                remote.append(route.request.url)
                route.abort()

            # Nothing may come from outside this machine: not widget JS, not fonts, nothing.
            context.route(lambda url: not is_local(url), refuse)
            page = loaded.page = context.new_page()
            try:
                page.goto(server.url("/"), wait_until="commit")
                harness.wait_for_voila_page(page, server, ready_selector,
                                            timeout=timeout, idle_window=idle_window)
            except harness.VoilaStall:
                try_screenshot(page, tmp_path / f"stall-{notebook.stem}-{n}.png")
                context.close()
                server.stop()       # the retry gets a fresh server
                raise
            except BaseException:
                try_screenshot(page, tmp_path / f"failed-{notebook.stem}-{n}.png")
                raise
            loaded_pages.append((notebook.stem, page))
            return loaded

        def on_stall(n, stall):
            warnings.warn(VoilaStallRetried(f"{notebook.name}: {stall}; retrying with a fresh server"))

        return harness.retry_on_stall(attempt, on_stall, attempts=attempts)

    yield open_notebook
    for stem, page in loaded_pages:
        try_screenshot(page, tmp_path / f"{stem}-at-teardown.png")
    for cleanup in reversed(cleanups):
        try:
            cleanup()
        except Exception as exc:        # keep stopping the rest; a closed context may complain
            warnings.warn(f"cleanup {cleanup!r} failed: {exc!r}")
