#!/usr/bin/env python3
"""Produce the course notebooks the same way every time.

    python notebooks/tools.py run   NOTEBOOK...   # execute top to bottom, then post-process, save
    python notebooks/tools.py fix   NOTEBOOK...   # post-process only (no execution), save
    python notebooks/tools.py check NOTEBOOK...   # exit 1 if `fix` would change a file

Post-processing (:func:`postprocess`) makes a stored notebook show a student the right
thing when JupyterLab opens it, and keeps it deterministic:

* **solutions closed**: the ``## Solutions`` heading is stored collapsed, and every code
  cell in that section has its source and outputs hidden.  JupyterLab re-opens a
  collapsed heading when the active cell moves into it (Shift+Enter through the
  notebook) and un-hides outputs when it runs a cell, but it keeps a code cell's
  hidden source, and an HTML ``<details>`` element in markdown always renders closed:
  so each markdown cell of a solution is one ``<details>`` block, and the notebook ends
  with a section after the solutions (Run All leaves the cursor on the last cell and
  JupyterLab opens the heading above it); both written by the author and checked by
  :func:`solution_problems`;
* **widget placeholders**: a live widget's output (which JupyterLab can only show as
  ``VBox(children=...)`` text or "model not found" before the cell is run) is replaced
  by a sentence saying to run the cell (:data:`PLACEHOLDER` for an interactive widget,
  :data:`LIVE_PLACEHOLDER` for other live output such as a progress bar), and the cell
  is tagged ``nbval-ignore-output``;
* **deterministic metadata**: no execution timestamps, no saved widget state.

The policy test (tests/test_notebook_policy.py) checks that every stored notebook is
already what :func:`postprocess` makes of it.
"""
from __future__ import annotations

import copy
import re
import sys
import time
from pathlib import Path

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IGNORE = "nbval-ignore-output"
PLACEHOLDER = "\u25b6 Run this cell (Shift+Enter) to start the interactive widget."
LIVE_PLACEHOLDER = "\u25b6 Run this cell (Shift+Enter) to see its live output."   # a progress bar, say
PLACEHOLDERS = (PLACEHOLDER, LIVE_PLACEHOLDER)
# The text an ipywidgets control or box gives as its plain-text form: VBox(children=...), FloatSlider(...)
CONTROL_REPR = re.compile(r"^\w*(Box|Slider|Dropdown|Button|Buttons|Output|Tab|Accordion|Text|HTML|Label|Checkbox)\(")
HIDDEN = {"source_hidden": True, "outputs_hidden": True}
DETAILS = re.compile(r"\A<details>\s*<summary>.+?</summary>\n\n.*\n\n</details>\Z", re.DOTALL)
TIME_LIMIT = 30.0      # seconds a notebook may take (notebooks/README.md)


# --------------------------------------------------------------------------- sections

def heading_level(cell) -> int | None:
    """The level of the first heading line of a markdown cell (1 for '#'), or None."""
    if cell.cell_type != "markdown":
        return None
    for line in cell.source.splitlines():
        match = re.match(r"(#{1,6})\s", line)
        if match:
            return len(match.group(1))
    return None


def solutions_range(nb) -> tuple[int, int] | None:
    """(index of the Solutions heading cell, index after its section's last cell), or None."""
    start = None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.match(r"#{1,2}\s+solutions\b", cell.source.strip(), re.I):
            start = i
            break
    if start is None:
        return None
    level = heading_level(nb.cells[start])
    end = len(nb.cells)
    for j in range(start + 1, len(nb.cells)):
        other = heading_level(nb.cells[j])
        if other is not None and other <= level:
            end = j
            break
    return start, end


def is_widget_output(out) -> bool:
    return WIDGET_VIEW in out.get("data", {}) or out.get("data", {}).get("text/plain") in PLACEHOLDERS


def placeholder_for(out) -> str:
    """The sentence that replaces a widget output: an interactive control, or other live output."""
    text = out.get("data", {}).get("text/plain", "")
    return PLACEHOLDER if CONTROL_REPR.match(text) else LIVE_PLACEHOLDER


def is_widget_cell(cell) -> bool:
    return cell.cell_type == "code" and any(is_widget_output(o) for o in cell.get("outputs", []))


# --------------------------------------------------------------------------- post-processing

def postprocess(nb):
    """Apply the course's storage rules to ``nb`` in place and return it (idempotent)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        views = [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
        if views:
            cell.outputs = [nbformat.v4.new_output(
                "display_data", data={"text/plain": placeholder_for(views[0])}, metadata={})]
        if is_widget_cell(cell):
            tags = cell.metadata.setdefault("tags", [])
            if IGNORE not in tags:
                tags.append(IGNORE)
    found = solutions_range(nb)
    if found:
        start, end = found
        nb.cells[start].metadata["jp-MarkdownHeadingCollapsed"] = True
        for cell in nb.cells[start + 1:end]:
            if cell.cell_type == "code":
                cell.metadata.setdefault("jupyter", {}).update(HIDDEN)
    return nb


def solution_problems(nb, name: str) -> list[str]:
    """What in the Solutions section JupyterLab would show before the student opens it."""
    found = solutions_range(nb)
    if not found:
        return [f"{name}: no '## Solutions' heading"]
    start, end = found
    problems = []
    if nb.cells[start].metadata.get("jp-MarkdownHeadingCollapsed") is not True:
        problems.append(f"{name}: the Solutions heading is not stored collapsed")
    for i in range(start + 1, end):
        cell = nb.cells[i]
        if cell.cell_type == "markdown" and not DETAILS.match(cell.source.strip()):
            problems.append(
                f"{name}: cell {i} in the Solutions section is markdown outside a <details> block; "
                "write it as '<details><summary>Solution N: ...</summary>\\n\\n...\\n\\n</details>' "
                "so it stays closed after Run All")
        if cell.cell_type == "code" and not cell.source.lstrip().startswith("# Solution"):
            problems.append(f"{name}: code cell {i} in the Solutions section must start with a comment "
                            "line '# Solution N ...': JupyterLab shows a hidden cell's first line")
        if cell.cell_type == "code" and any(cell.metadata.get("jupyter", {}).get(k) is not True for k in HIDDEN):
            problems.append(f"{name}: code cell {i} in the Solutions section is not hidden "
                            "(run `python notebooks/tools.py fix` on the notebook)")
    if not any(c.cell_type == "code" and c.source.strip() for c in nb.cells[start + 1:end]):
        problems.append(f"{name}: the solutions contain no worked code")
    if end == len(nb.cells):
        problems.append(f"{name}: the notebook ends inside the Solutions section; end it with a section of "
                        "its own after the solutions (e.g. '## Next' pointing to the next notebook): Run All "
                        "leaves the cursor on the last cell, and JupyterLab opens the heading above that cell")
    return problems


def differs_from_postprocessed(nb) -> bool:
    return postprocess(copy.deepcopy(nb)) != nb


# --------------------------------------------------------------------------- commands

def execute(path: Path, timeout: int = 120):
    """Run ``path`` top to bottom in a fresh kernel whose working directory is its folder."""
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2 or argv[0] not in ("run", "fix", "check"):
        print(__doc__)
        return 2
    command, paths, status = argv[0], [Path(p) for p in argv[1:]], 0
    for path in paths:
        if command == "check":
            nb = nbformat.read(path, as_version=4)
            problems = solution_problems(nb, path.name)
            if differs_from_postprocessed(nb):
                problems.append(f"{path.name}: not as `tools.py fix` stores it")
            for problem in problems:
                print(problem)
            status |= bool(problems)
            continue
        began = time.perf_counter()
        nb = execute(path) if command == "run" else nbformat.read(path, as_version=4)
        seconds = time.perf_counter() - began
        nbformat.write(postprocess(nb), path)
        note = f" in {seconds:.1f} s" if command == "run" else ""
        print(f"{path}: {'executed' if command == 'run' else 'fixed'}{note}")
        if command == "run" and seconds > TIME_LIMIT:
            print(f"  warning: {path.name} took longer than the {TIME_LIMIT:.0f} s a notebook may take")
        for problem in solution_problems(nb, path.name):
            print("  " + problem)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
