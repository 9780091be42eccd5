"""Rules every course notebook in notebooks/ follows (see notebooks/README.md).

Checked on the stored .ipynb files, without running them (nbval runs them):

* stored executed: every non-empty code cell has an execution count, the counts run
  1, 2, 3, ... in order (one clean top-to-bottom run), and no output is an error;
* ``nbval-ignore-output`` only where outputs legitimately differ between runs: on a
  cell whose stored outputs contain a widget view, or whose source has a comment
  line with the word "timing" in it, e.g. ``# timing: seconds differ on every
  machine``, or that calls a timing helper (``%timeit``, ``%%time``,
  ``time.perf_counter``, ``timeit``, ``best_time(...)``, ``measure_*(...)``): it
  prints measured times or memory.  No other tags
  that skip or loosen checks (``nbval-skip``, ``raises-exception`` ...);
* the first cell is markdown saying what the student "will be able to" do;
* there is an "Exercises" heading followed later by a "Solutions" heading whose
  section stays closed in JupyterLab, also after Run All: the heading stored
  collapsed (``jp-MarkdownHeadingCollapsed``), each code cell with hidden source and
  outputs and a first line ``# Solution ...``, each markdown cell one ``<details>``
  block, at least one code cell, and a section after it, so that the notebook does
  not end inside it (notebooks/tools.py, ``solution_problems``);
* stored as ``notebooks/tools.py`` stores it: a widget's output is a sentence saying
  to run the cell (no ``VBox(children=...)`` text, no "model not found"), no
  execution timestamps, no saved widget state;
* randomness is seeded: a notebook that mentions ``random`` creates its generators
  with an explicit integer seed (``default_rng(<int>)`` / ``seed(<int>)``), and never
  calls ``default_rng()`` without one;
* it uses adlib (imports it).
"""
import re
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
sys.path.insert(0, str(NOTEBOOK_DIR))
import tools  # noqa: E402  (notebooks/tools.py: the one way notebooks are stored)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IGNORE = "nbval-ignore-output"
FORBIDDEN_TAGS = {"nbval-skip", "skip-execution", "raises-exception", "nbval-raises-exception"}
TIMING_MARKER = re.compile(r"^\s*#.*\btimings?\b", re.MULTILINE | re.IGNORECASE)
TIMING_CALL = re.compile(r"%%?timeit\b|%%time\b|\btime\.perf_counter\(|\btimeit\.|\bbest_time\(|\bmeasure_\w+\(")


def _read(path):
    return nbformat.read(path, as_version=4)


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _headings(cell):
    return [line.lstrip("#").strip().lower() for line in cell.source.splitlines() if line.startswith("#")]


def _has_widget_view(cell):
    """A live widget's output, as stored: the run-me placeholder (or a raw widget view)."""
    return tools.is_widget_cell(cell)


def executed_problems(nb, name):
    """Stored executed, in order, with no error outputs."""
    problems, counts = [], []
    for i, cell in enumerate(_code_cells(nb)):
        if not cell.source.strip():
            continue
        if cell.execution_count is None:
            problems.append(f"{name}: code cell {i} was never executed")
            continue
        counts.append(cell.execution_count)
        for out in cell.outputs:
            if out.output_type == "error":
                problems.append(f"{name}: code cell {i} stores an error: {out.get('ename')}: {out.get('evalue')}")
            if out.output_type == "stream" and out.get("name") == "stderr" and "Traceback" in out.text:
                problems.append(f"{name}: code cell {i} stores a traceback on stderr")
    if not problems and counts != list(range(1, len(counts) + 1)):
        problems.append(f"{name}: execution counts {counts} are not 1, 2, 3, ...; re-run the notebook top to bottom")
    return problems


def tag_problems(nb, name):
    """nbval-ignore-output only on widget and timing cells; widgets always tagged; no skip tags."""
    problems = []
    for i, cell in enumerate(_code_cells(nb)):
        tags = set(cell.metadata.get("tags", []))
        bad = tags & FORBIDDEN_TAGS
        if bad:
            problems.append(f"{name}: code cell {i} has tag(s) {sorted(bad)}; the policy allows none")
        if IGNORE in tags:
            timing = TIMING_MARKER.search(cell.source) or TIMING_CALL.search(cell.source)
            if not (_has_widget_view(cell) or timing):
                problems.append(
                    f"{name}: code cell {i} is tagged {IGNORE} but shows no widget and has no "
                    "timing helper call nor a comment line mentioning 'timing' (e.g. '# timing: seconds vary "
                    "by machine'); only widget and timing cells may skip output comparison")
        if _has_widget_view(cell) and IGNORE not in tags:
            problems.append(f"{name}: code cell {i} shows a widget but is not tagged {IGNORE}")
    return problems


def structure_problems(nb, name):
    """Learning goals first; Exercises, then a Solutions section that stays closed."""
    problems = []
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.lstrip().startswith("# "):
        problems.append(f"{name}: the first cell must be markdown starting with a title")
    elif "you will be able to" not in first.source.lower():
        problems.append(f"{name}: the first cell must say what the student will be able to do")
    exercises = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                 and any(h.startswith("exercises") for h in _headings(c))]
    if not exercises:
        problems.append(f"{name}: no '## Exercises' heading")
    problems += tools.solution_problems(nb, name)
    found = tools.solutions_range(nb)
    if exercises and found and exercises[0] > found[0]:
        problems.append(f"{name}: the solutions come before the exercises")
    return problems


def storage_problems(nb, name):
    """Stored as notebooks/tools.py stores it (widget placeholders, no timestamps, no widget state)."""
    problems = []
    for i, cell in enumerate(_code_cells(nb)):
        if any(WIDGET_VIEW in out.get("data", {}) for out in cell.outputs):
            problems.append(f"{name}: code cell {i} stores a live widget view, which JupyterLab shows as "
                            "raw text or 'model not found' before it runs; store the run-me sentence")
    if tools.differs_from_postprocessed(nb):
        problems.append(f"{name}: not stored as the tool stores it; run "
                        f"`python notebooks/tools.py run notebooks/{name}`")
    return problems


def seed_problems(nb, name):
    """Random numbers come from generators with explicit integer seeds."""
    source = "\n".join(c.source for c in _code_cells(nb))
    problems = []
    if re.search(r"default_rng\(\s*\)", source):
        problems.append(f"{name}: default_rng() without a seed")
    if re.search(r"np\.random\.(rand|randn|normal|uniform|randint|choice|random)\(", source):
        problems.append(f"{name}: use a seeded generator (rng = np.random.default_rng(<int>)), "
                        "not numpy's global one")
    if "random" in source and not re.search(r"(default_rng|seed)\(\s*\d+", source):
        problems.append(f"{name}: mentions random numbers but never seeds a generator with an integer")
    if not re.search(r"^\s*(import adlib|from adlib)", source, re.MULTILINE):
        problems.append(f"{name}: does not use adlib")
    return problems


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


CHECKS = [executed_problems, tag_problems, structure_problems, storage_problems, seed_problems]


@pytest.mark.parametrize("check", CHECKS,
                         ids=lambda c: c.__name__)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_policy(path, check):
    problems = check(_read(path), path.name)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# The checks themselves catch what they should (on small hand-made notebooks).

def _good_notebook():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    cells = [
        new_markdown_cell("# Title\n\nYou will be able to differentiate."),
        new_code_cell("import adlib\nrng = np.random.default_rng(0)", execution_count=1),
        new_code_cell("make_widget()", execution_count=2, metadata={"tags": [IGNORE]},
                      outputs=[new_output("display_data", data={"text/plain": tools.PLACEHOLDER})]),
        new_code_cell("# timing: varies\nprint(1)", execution_count=3, metadata={"tags": [IGNORE]}),
        new_markdown_cell("## Exercises\n\n1. Try."),
        new_markdown_cell("## Solutions", metadata={"jp-MarkdownHeadingCollapsed": True}),
        new_markdown_cell("<details><summary>Solution 1: try</summary>\n\nTwo.\n\n</details>"),
        new_code_cell("# Solution 1\nprint(2)", execution_count=4,
                      metadata={"jupyter": {"source_hidden": True, "outputs_hidden": True}}),
        new_markdown_cell("## Next\n\nNotebook 02."),
    ]
    return new_notebook(cells=cells)


def test_policy_accepts_a_good_notebook():
    nb = _good_notebook()
    for check in CHECKS:
        assert check(nb, "good") == []


def test_policy_catches_bad_notebooks():
    nb = _good_notebook()
    nb.cells[7].execution_count = None
    assert executed_problems(nb, "bad")
    nb = _good_notebook()
    nb.cells[7].execution_count = 7
    assert "not 1, 2, 3" in executed_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells[3].source = "print(1)"                       # tagged, but neither widget nor timing
    assert tag_problems(nb, "bad")
    nb = _good_notebook()
    nb.cells[2].metadata["tags"] = []                     # a widget without the tag
    assert tag_problems(nb, "bad")
    nb = _good_notebook()
    nb.cells[5].metadata = {}                             # solutions not collapsed
    assert "collapsed" in structure_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells[6].source = "Two."                           # solution prose outside <details>
    assert "<details>" in structure_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells[7].metadata = {}                             # solution code shown
    assert "not hidden" in structure_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells[7].source = "print(2)"                       # its first line would show
    assert "# Solution" in structure_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells.pop()                                        # ends inside the Solutions: Run All would open them
    assert "ends inside the Solutions" in structure_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells[2].outputs[0]["data"] = {WIDGET_VIEW: {"model_id": "x"}, "text/plain": "VBox()"}
    assert "live widget view" in storage_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells[1].metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    assert "tool" in storage_problems(nb, "bad")[0]
    nb = _good_notebook()
    nb.cells[0].source = "# Title"
    assert structure_problems(nb, "bad")
    nb = _good_notebook()
    nb.cells[1].source = "import adlib\nrng = np.random.default_rng()"
    assert seed_problems(nb, "bad")


# ---------------------------------------------------------------------------
# The notebook tool (notebooks/tools.py) stores what the policy asks for.

def test_the_tool_closes_solutions_replaces_widgets_and_drops_timestamps(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    nb = new_notebook(cells=[
        new_markdown_cell("# T\n\nYou will be able to."),
        new_code_cell("make_widget()", execution_count=1, metadata={"execution": {"iopub.status.idle": "x"}},
                      outputs=[new_output("display_data", data={WIDGET_VIEW: {"model_id": "a"},
                                                                 "text/plain": "VBox(children=(FloatSlider(...),))"})]),
        new_code_cell("for k in tqdm(range(3)): pass", execution_count=2,
                      outputs=[new_output("display_data", data={WIDGET_VIEW: {"model_id": "b"},
                                                                 "text/plain": "  0%|          | 0/3"})]),
        new_markdown_cell("## Exercises"),
        new_markdown_cell("## Solutions"),
        new_markdown_cell("<details><summary>Solution 1</summary>\n\nWhy.\n\n</details>"),
        new_code_cell("# Solution 1\nprint(1)", execution_count=3),
        new_markdown_cell("## After the solutions"),
        new_code_cell("print('not a solution')", execution_count=4),
    ], metadata={"widgets": {"state": {}}})
    tools.postprocess(nb)
    assert nb.cells[1].outputs[0]["data"] == {"text/plain": tools.PLACEHOLDER}
    assert nb.cells[2].outputs[0]["data"] == {"text/plain": tools.LIVE_PLACEHOLDER}
    assert all(IGNORE in nb.cells[i].metadata["tags"] for i in (1, 2))
    assert "execution" not in nb.cells[1].metadata and "widgets" not in nb.metadata
    assert nb.cells[4].metadata["jp-MarkdownHeadingCollapsed"] is True
    assert nb.cells[6].metadata["jupyter"] == tools.HIDDEN
    assert "jupyter" not in nb.cells[8].metadata            # the section ends at the next ## heading
    assert tools.solution_problems(nb, "t") == []
    assert not tools.differs_from_postprocessed(nb)         # idempotent
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    assert tools.main(["check", str(path)]) == 0
    nb.cells[5].source = "Why, outside details."
    nbformat.write(nb, path)
    assert tools.main(["check", str(path)]) == 1
    assert tools.main([]) == 2


def test_the_tool_runs_a_notebook_top_to_bottom(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    nb = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("x = 6 * 7"), new_code_cell("print(x)"),
                             new_markdown_cell("## Solutions"), new_code_cell("# Solution 1\nprint(x + 1)"),
                             new_markdown_cell("## Next")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    assert tools.main(["run", str(path)]) == 0
    done = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in done.cells if c.cell_type == "code"] == [1, 2, 3]
    assert done.cells[2].outputs[0]["text"] == "42\n"
    assert done.cells[4].metadata["jupyter"] == tools.HIDDEN
    assert not any("execution" in c.metadata for c in done.cells)
