"""What a student sees in a real JupyterLab: first open, Restart and Run All, Shift+Enter.

A course notebook is copied to a temporary folder (as ``tasks.py course`` copies it),
served by a real JupyterLab and opened in headless Chromium.  The checks read what
JupyterLab shows (rendered DOM) and, where JupyterLab only renders what is on the
screen, its own cell state through ``window.jupyterapp`` (exposed with
``--LabApp.expose_app_in_browser``):

* on first open, before anything runs, a widget cell shows the sentence asking to
  run it, never ``VBox(children=...)`` text nor "Error displaying widget";
* after Restart and Run All, and after Run All Cells (which leaves the cursor on the
  last cell, after the Solutions), the Solutions section is still closed: the heading
  collapsed, its cells hidden, and, opened by hand, each explanation a closed
  ``<details>`` and each code cell's source hidden;
* walking through with Shift+Enter (which makes JupyterLab expand the heading when
  the cursor enters it), the explanations stay closed and the code hidden.
"""
from __future__ import annotations

import os
import shutil
import sys
import time

import pytest

import jupyter_harness as harness

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

sys.path.insert(0, str(harness.NOTEBOOKS))
import tools  # noqa: E402  (notebooks/tools.py)

CELLS = """() => { const nb = window.jupyterapp.shell.currentWidget.content;
  return nb.widgets.map((c, i) => ({i, type: c.model.type, hidden: c.isHidden, inputHidden: c.inputHidden,
    collapsed: c.headingCollapsed === undefined ? null : c.headingCollapsed,
    count: c.model.type === 'code' ? c.model.executionCount : null})); }"""
# window.jupyterapp exists only once JupyterLab has started: until then this is simply "not idle yet"
KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle'; }"""


@pytest.fixture
def lab(browser, jupyter_env, tmp_path):
    """lab(notebook) -> page with the copied notebook open in a fresh JupyterLab."""
    cleanups = []

    def open_notebook(notebook):
        folder = tmp_path / "my-notebooks"
        folder.mkdir(exist_ok=True)
        shutil.copy(notebook, folder)
        port, token = harness.free_port(), harness.new_token()
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               "--LabApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        server = harness.ServerProcess(cmd, cwd=folder, env=jupyter_env, port=port, token=token,
                                       log_path=tmp_path / "lab.log")
        cleanups.append(server.stop)
        server.wait_until_ready(timeout=120)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        cleanups.append(context.close)
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto(server.url(f"/lab/tree/{notebook.name}"))
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        page.wait_for_timeout(1000)
        return page

    yield open_notebook
    for cleanup in reversed(cleanups):
        try:
            cleanup()
        except Exception:
            pass


def cells(page):
    return page.evaluate(CELLS)


def solution_cells(page, notebook):
    nb = tools.nbformat.read(notebook, as_version=4)
    start, end = tools.solutions_range(nb)
    return start, [c for c in cells(page) if start < c["i"] < end]


def shown_text(page, index):
    """The text JupyterLab shows for cell ``index`` once it is scrolled into view."""
    page.evaluate(f"() => window.jupyterapp.shell.currentWidget.content.scrollToItem({index}, 'center')")
    page.wait_for_timeout(400)
    return page.evaluate(f"() => window.jupyterapp.shell.currentWidget.content.widgets[{index}].node.innerText")


def wait_until_all_ran(page, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = cells(page)
        if all(c["count"] is not None for c in state if c["type"] == "code") and page.evaluate(KERNEL_IDLE):
            return state
        page.wait_for_timeout(500)
    raise AssertionError(f"the notebook did not finish running within {timeout} s: {cells(page)}")


def assert_solutions_closed_when_opened(page, notebook, start):
    """Open the Solutions heading by hand: every explanation is a closed <details>, every code cell hidden."""
    if cells(page)[start]["collapsed"]:
        page.evaluate(f"""() => {{ const nb = window.jupyterapp.shell.currentWidget.content;
            nb.widgets[{start}].headingCollapsed = false; }}""")
        page.wait_for_timeout(500)
    _, inside = solution_cells(page, notebook)
    for c in inside:
        text = shown_text(page, c["i"])
        if c["type"] == "code":
            assert c["inputHidden"], f"solution code cell {c['i']} shows its source"
            assert text.strip().splitlines()[0].startswith("# Solution"), text[:200]
        else:
            opened = page.evaluate(f"""() => [...window.jupyterapp.shell.currentWidget.content.widgets[{c['i']}]
                .node.querySelectorAll('details')].map(d => d.open)""")
            assert opened == [False], f"solution cell {c['i']}: details {opened}, text {text[:200]!r}"


NOTEBOOK_01 = harness.NOTEBOOKS / "01_why_gradients.ipynb"
NOTEBOOK_03 = harness.NOTEBOOKS / "03_chain_rule_and_evaluation_trace.ipynb"


def test_first_open_shows_a_sentence_for_each_widget_and_run_all_keeps_solutions_closed(lab, tmp_path):
    page = lab(NOTEBOOK_01)
    nb = tools.nbformat.read(NOTEBOOK_01, as_version=4)
    widget_cells = [i for i, c in enumerate(nb.cells) if tools.is_widget_cell(c)]
    assert widget_cells
    for i in widget_cells:
        text = shown_text(page, i)
        assert tools.PLACEHOLDER in text, f"cell {i} shows {text[-300:]!r}"
        assert "VBox(" not in text and "Error displaying widget" not in text
    page.screenshot(path=str(tmp_path / "first-open.png"))

    start, inside = solution_cells(page, NOTEBOOK_01)
    assert cells(page)[start]["collapsed"] and all(c["hidden"] for c in inside)

    # Kernel -> Restart Kernel and Run All Cells, as a student does it.
    page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="notebook:restart-run-all"]').first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.wait_for_timeout(2000)
    state = wait_until_all_ran(page)
    assert state[start]["collapsed"], "Restart and Run All opened the Solutions heading"
    assert all(state[c["i"]]["hidden"] for c in inside), "Restart and Run All showed solution cells"
    # The widgets now run: the placeholder has made way for the live widget.
    assert tools.PLACEHOLDER not in shown_text(page, widget_cells[0])
    page.screenshot(path=str(tmp_path / "after-restart-run-all.png"))

    # Run -> Run All Cells: it leaves the cursor on the last cell, which is outside the Solutions.
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(2000)
    state = wait_until_all_ran(page)
    assert state[start]["collapsed"], "Run All Cells opened the Solutions heading"
    assert all(state[c["i"]]["hidden"] for c in inside), "Run All Cells showed solution cells"
    assert_solutions_closed_when_opened(page, NOTEBOOK_01, start)


def test_shift_enter_into_the_solutions_keeps_them_closed(lab, tmp_path):
    page = lab(NOTEBOOK_03)
    n_cells = len(cells(page))
    page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = 0; }")
    for _ in range(n_cells):
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-cell-and-select-next')")
        page.wait_for_timeout(150)
        page.wait_for_function(KERNEL_IDLE)
    start, _ = solution_cells(page, NOTEBOOK_03)
    page.screenshot(path=str(tmp_path / "after-shift-enter.png"))
    assert_solutions_closed_when_opened(page, NOTEBOOK_03, start)
