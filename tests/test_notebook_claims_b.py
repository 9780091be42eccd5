"""The prose of notebooks 05, 05b, 06, 07 and 09 agrees with the outputs stored beneath it.

Each test reads a notebook as stored (nbformat, no kernel), finds the code cell by
a piece of its source and the sentence by a phrase of the prose, parses the
numbers the cell printed and fails when the sentence no longer describes them:
a fitted slope that is not what the text says, a count, a comparison, a value.
Measured times change from run to run, so their claims are checked as ranges
that any reasonable run satisfies (and the notebooks word them that way); what
does not depend on the machine (counts, exact values) is checked exactly.

When a test here fails after re-executing a notebook, either the run was
unusual (run it again on a quieter machine) or the text says something the
computation does not show: fix the text or the computation, not the test.
"""
import math
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NUMBER = r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:e[-+]?\d+)?|[-+]?inf|nan"


def _notebook(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _cell(nb, snippet):
    """The one code cell whose source contains ``snippet``."""
    cells = [c for c in nb.cells if c.cell_type == "code" and snippet in c.source]
    assert len(cells) == 1, f"expected one code cell containing {snippet!r}, found {len(cells)}"
    return cells[0]


def _printed(nb, snippet):
    """Everything the cell containing ``snippet`` printed (its stdout and text results)."""
    cell = _cell(nb, snippet)
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream" and out.name == "stdout":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
            parts.append(out.data["text/plain"])
    text = "".join(parts)
    assert text, f"the cell containing {snippet!r} stores no output: run the notebook"
    return text


def _prose(nb, phrase):
    """The markdown cell that says ``phrase`` (so that a test follows its sentence)."""
    cells = [c.source for c in nb.cells if c.cell_type == "markdown" and phrase in c.source]
    assert cells, f"no markdown cell says {phrase!r}: the claim this test checks has moved or changed"
    return cells[0]


def _num(text):
    return float(text.replace(",", ""))


def _after(text, label):
    """The first number printed after ``label``."""
    match = re.search(re.escape(label) + r"\s*(" + NUMBER + ")", text)
    assert match, f"no number after {label!r} in:\n{text}"
    return _num(match.group(1))


def _svg_widths(cell):
    widths = []
    for out in cell.outputs:
        svg = out.get("data", {}).get("image/svg+xml")
        if svg:
            svg = "".join(svg) if isinstance(svg, list) else svg
            widths.append(float(re.search(r'<svg\b[^>]*?\swidth="([0-9.]+)', svg).group(1)))
    return widths


# --------------------------------------------------------------------------- 05 reverse mode

NB05 = "05_reverse_mode.ipynb"
NB05B = "05b_build_the_engine.ipynb"


def test_05_the_running_total_is_the_sum_over_consumers():
    nb = _notebook(NB05)
    _prose(nb, "The running total after the last step is their sum, the derivative $\\cos y + 2y$")
    out = _printed(nb, "sum over consumers: cos(y) + 2y")
    running = [_num(v) for v in re.findall(r"-> dloss/dy = (" + NUMBER + ")", out)]
    assert running, out
    assert running[-1] == pytest.approx(_after(out, "cos(y) + 2y ="), rel=1e-5)
    assert re.search(r"^\s*1\. dloss/dloss = 1", out, re.MULTILINE), "print(steps) numbers its steps from 1"


def test_05_step_numbers_in_the_prose_are_the_printed_ones():
    nb = _notebook(NB05)
    prose = _prose(nb, "Watch $x$'s gradient after each step")
    holds_18 = int(re.search(r"after step (\d+) it holds 18", prose).group(1))
    arrives = int(re.search(r"arrives at step (\d+)", prose).group(1))
    out = _printed(nb, "steps.grads_after(k)")
    rows = [(int(k), _num(dx)) for k, dx in re.findall(r"after step (\d+) \(.*?\): dy/dx = (" + NUMBER + ")", out)]
    assert [k for k, _ in rows] == list(range(1, len(rows) + 1)), "steps are printed from 1, as print(steps) does"
    first_18 = next(k for k, dx in rows if dx == 18)
    first_35 = next(k for k, dx in rows if dx == 35)
    assert (holds_18, arrives) == (first_18, first_35), rows
    assert rows[-1][1] == 35


def test_05_the_exp_step_numbers_are_the_printed_gradients():
    nb = _notebook(NB05)
    prose = _prose(nb, "At `t4 = exp(t3)` the local derivative")
    t4_bar, local, t3_bar = (float(v) for v in re.search(
        r"\\bar t_3 = ([0-9.]+) \\times ([0-9.]+) = ([0-9.]+)", prose).groups())
    assert "$e^{-2} \\approx " + f"{local}$" in prose and local == round(math.exp(-2), 4)
    last = _printed(nb, "for node in (t8, t7, t6, t5, t4, t3, t2, t1):").splitlines()[-1]
    assert t4_bar == pytest.approx(_after(last, "t4="), abs=1e-3)
    assert t3_bar == pytest.approx(_after(last, "t3="), abs=1e-4)
    assert t3_bar == pytest.approx(t4_bar * local, abs=1e-3)


def test_05_backward_gives_the_hand_computed_gradient_and_two_checks_agree():
    nb = _notebook(NB05)
    _prose(nb, "It gives the same $\\partial t_8/\\partial w$")
    by_hand = _after(_printed(nb, "print(w.grad)"), "")
    out = _printed(nb, 'print("t8.backward():     ", w.grad)')
    assert _after(out, "t8.backward():") == by_hand
    assert _after(out, "forward mode:") == pytest.approx(by_hand, rel=1e-12)
    assert _after(out, "central difference:") == pytest.approx(by_hand, rel=1e-8)


def test_05_solution_3_two_consumers_add_up():
    nb = _notebook(NB05)
    prose = _prose(nb, "**3.** $x$ has two consumers")
    out = _printed(nb, 'print("y + cos(x) =", 2.0 + adlib.cos(1.0))')
    running = [_num(v) for v in re.findall(r"-> df/dx = (" + NUMBER + ")", out)]
    assert len(running) == 2 and running[0] == 2, "two messages: y = 2 first"
    stated = float(re.search(r"y \+ \\cos x \\approx ([0-9.]+)", prose).group(1))
    assert running[-1] == pytest.approx(stated, abs=1e-4) == pytest.approx(_after(out, "y + cos(x) ="), abs=1e-4)


def test_05_graph_drawings_fit_a_notebook_page():
    nb = _notebook(NB05)
    widths = [w for c in nb.cells if c.cell_type == "code" for w in _svg_widths(c)]
    assert widths, "05 stores no graph drawing"
    assert max(widths) <= 1000, f"a graph drawing {max(widths):.0f} units wide shrinks to unreadable text"


def test_05_relu_layer_graph_counts():
    nb = _notebook(NB05)
    prose = _prose(nb, "**1.** Three operations, six nodes.")
    listed = re.search(r"Edges: (.*?)\. ", prose).group(1)
    assert listed.count("\\to") == 5 and "its 5 arrows between values become 8: 5 into the ovals, 3 out" in prose
    assert "<GraphDrawing: 8 edges" in _printed(nb, 'draw_graph(H, rankdir="TB")')


# --------------------------------------------------------------------------- 05b the engine on the page

ENGINE_CELLS = ("class Value:", "def add(self, other):", "def power(self, k):", "def topological_order(root):")


def test_05b_the_engine_is_about_sixty_lines_and_built_cell_by_cell():
    nb = _notebook(NB05B)
    _prose(nb, "in about sixty lines")
    lines = sum(len([line for line in _cell(nb, part).source.splitlines() if line.strip()]) for part in ENGINE_CELLS)
    assert 50 <= lines <= 70, f"the engine has {lines} lines"
    order = [nb.cells.index(_cell(nb, part)) for part in ENGINE_CELLS]
    assert order == sorted(order), "data, then + and *, then the other ops, then backward()"
    assert "self.grad += out.grad" in _cell(nb, "def add(self, other):").source
    # notebook 05's Next announces the same size
    assert "on the page, about sixty lines" in _notebook(NB05).cells[-1].source


def test_05b_the_page_engine_agrees_with_adlib_on_the_lecture_examples():
    nb = _notebook(NB05B)
    prose = _prose(nb, "Every gradient matches: 35 for $x$ used twice")
    out = _printed(nb, "page, library = gradients(Value), gradients(adlib.Value)")
    assert "the page engine and adlib.Value agree" in out
    rows = {line.split("  page engine")[0].strip(): [_num(v) for v in re.findall(NUMBER, line.split("page engine")[1])]
            for line in out.splitlines() if "page engine" in line}
    assert rows["x = 17: dy/dx"] == [35, 35] and rows["x·x at 3: d/dx"] == [6, 6]
    page_w, adlib_w = rows["chain: dt8/dw"]
    assert page_w == pytest.approx(adlib_w, rel=1e-12)
    assert f"{page_w:.4f}" in prose.replace("\\ldots", "")


def test_05b_overwrite_bug_numbers():
    nb = _notebook(NB05B)
    prose = _prose(nb, "With `=`, $x$ keeps only the **last** message it receives, the 17")
    assert "$x = 3$ instead of $2x = 6$" in prose and "$35 = 18 + 17$" in prose
    out = _printed(nb, "class Overwriting(Value):")
    right = next(line for line in out.splitlines() if line.startswith("Value "))
    buggy = next(line for line in out.splitlines() if line.startswith("Overwriting "))
    assert _after(right, "dy/dx =") == 35 and _after(buggy, "dy/dx =") == 17
    assert _after(right, "x·x at x = 3:") == 6 and _after(buggy, "x·x at x = 3:") == 3
    bug = _prose(nb, "## 6. The bug: `=` instead of `+=`")
    assert "Some lecture notes and tutorials write the closures with `=`" in bug and "**That is a bug.**" in bug


def test_05b_second_backward_doubles_a_leaf_and_the_page_engine_gives_20():
    nb = _notebook(NB05B)
    prose = _prose(nb, "adlib's leaf $x$ holds $7 + 7 = 14$")
    assert "$1 + 1 = 2$" in prose and "$x$ ends with $7 + 1 + 12 = 20$" in prose
    out = _printed(nb, "two backward() calls:")
    assert _after(out, "adlib.Value, two backward() calls:  x.grad =") == 14
    assert re.search(r"adlib\.Value, two backward\(\) calls:.*u\.grad = 1\b", out)
    assert _after(out, "page engine, two backward() calls:  x.grad =") == 20
    assert re.search(r"page engine, two backward\(\) calls:.*u\.grad = 2\b", out)
    assert _after(out, "after zero_grad(y) and one backward():  x.grad =") == 7
    # no sentence may say that micrograd resets inner nodes (it does not)
    assert "The page engine, like micrograd, resets nothing." in _prose(nb, "like micrograd, resets nothing")


def test_05b_micrograd_really_gives_what_the_page_engine_gives():
    micrograd = pytest.importorskip("micrograd.engine")
    x = micrograd.Value(3.0)
    u = x * x
    y = u + x
    y.backward()
    y.backward()
    line = next(l for l in _printed(_notebook(NB05B), "two backward() calls:").splitlines() if l.startswith("page engine"))
    assert (x.grad, u.grad) == (_after(line, "x.grad ="), _after(line, "u.grad ="))


def test_05b_training_without_zero_grad_stops_falling():
    nb = _notebook(NB05B)
    _prose(nb, "With `zero_grad` the printed loss goes down from each printed step to the next")
    out = _printed(nb, "with_reset, without = train(reset=True), train(reset=False)")
    rows = [(_num(a), _num(b)) for a, b in re.findall(r"^\s*\d+\s+(" + NUMBER + r")\s+(" + NUMBER + ")$", out,
                                                          re.MULTILINE)]
    assert len(rows) >= 5, out
    with_reset, without = zip(*rows)
    assert all(b < a for a, b in zip(with_reset, with_reset[1:])), with_reset
    assert any(b > a for a, b in zip(without, without[1:])), "the loop without zero_grad should bounce"
    assert all(w < wo for w, wo in zip(with_reset[1:], without[1:]))


def test_05b_how_adlib_differs_is_what_the_cells_show():
    nb = _notebook(NB05B)
    prose = _prose(nb, "## 9. How `adlib.Value` differs, and why")
    assert "`adlib/rules.py`" in prose and "`adlib/value_operators.py`" in prose
    out = _printed(nb, "a dropped graph left for the garbage collector")
    assert "page engine: a dropped graph left for the garbage collector: True" in out
    assert "adlib.Value: a dropped graph left for the garbage collector: False" in out
    assert re.search(r"page engine: a chain of \d+ additions, RecursionError", out)
    assert re.search(r"adlib\.Value: a chain of \d+ additions, dy/dx = 1$", out, re.MULTILINE)
    assert "d/da = b   d/db = a" in out and "1.0 - ans * ans" in out


def test_05b_speed_cites_the_benchmark_results_and_measures():
    nb = _notebook(NB05B)
    prose = _prose(nb, "Speed follows from the first two differences.")
    results = (Path(__file__).resolve().parent.parent / "benchmarks" / "RESULTS.md").read_text()
    row = next(line for line in results.splitlines() if line.startswith("| demo training step"))
    adlib_ms, micrograd_ms, ratio = re.search(r"\| ([0-9.]+) ms \| ([0-9.]+) ms \| ([0-9.]+)x", row).groups()
    assert f"{adlib_ms} ms per step with adlib and {micrograd_ms} ms with micrograd" in prose
    assert f"{ratio} times faster" in prose
    assert "micrograd's own demo" in prose and "trained step by step" in prose and "training step" in row
    assert "100 moons" in row and "100 points" in prose
    assert _after(_printed(nb, "t_page, t_adlib = gradient_time(Value)"), "adlib is") > 1.5


def test_05b_solutions():
    nb = _notebook(NB05B)
    _prose(nb, "**1.** Never on that chain.")
    assert "the same gradients: True" in _printed(nb, "t8_bug, buggy = sigmoid_chain(value=Overwriting)")
    _prose(nb, "only the last, 4, survives")
    out = _printed(nb, "x_bug = Overwriting(2.0)")
    assert _after(out, "with = :") == 4 and re.findall(r"-> dy/dx = (" + NUMBER + ")", out)[-1] == "12"
    out = _printed(nb, "L1.backward()\nL2.backward()")
    assert _after(out, "a.grad =") == 7 and _after(out.splitlines()[1], "a.grad =") == 7


# --------------------------------------------------------------------------- 06 VJPs

NB06 = "06_vector_jacobian_products.ipynb"


def test_06_claims():
    nb = _notebook(NB06)
    out = _printed(nb, "J.nbytes")
    assert re.search(r"300 of 90,000 entries nonzero", out)
    _prose(nb, "the last line says whether `logaddexp` is one")
    assert re.search(r"adlib\.numpy has a logaddexp: (True|False)", _printed(nb, "adlib.numpy has a logaddexp:"))
    _prose(nb, "its chained gradient is useless there")
    out = _printed(nb, "naive, chained rules:")
    assert "nan" in out.splitlines()[0] and "nan" not in out.splitlines()[1]


def test_06_introduces_few_library_functions_and_leaves_jacobian_to_07():
    """06 builds its Jacobians from VJP rows; adlib.jacobian is introduced in 07, where its cost is counted."""
    nb = _notebook(NB06)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "adlib.jacobian(" not in code and "defjvp" not in code
    assert "np.vstack([vjp_tanh(e)[0] for e in np.eye(n)])" in code
    assert "notebook 07 counts what it costs" in _prose(nb, "`adlib.jacobian` does the same")
    assert "`adlib.jacobian` (which builds $J$ from $m$ VJPs" in _prose(_notebook(NB07), "### Both at once")


# --------------------------------------------------------------------------- 07 cost

NB07 = "07_cost_of_gradients.ipynb"


def test_07_forward_mode_slope_is_what_the_text_says():
    nb = _notebook(NB07)
    prose = _prose(nb, "the fitted slope printed lies **between 1 and 2**")
    assert "fitted slope well below 1" in prose
    out = _printed(nb, "grad_times = costs.gradient_costs(")
    fwd = _after(out, "gradient forward")
    rev = _after(out, ", reverse")
    jac_fwd = _after(out, "Jacobian forward")
    jac_rev = _after(out.split("Jacobian forward")[1], "reverse")
    assert 0.9 <= fwd <= 2.1, f"forward mode's fitted slope {fwd} is not between 1 and 2"
    assert 0.9 <= jac_rev <= 2.1, f"reverse mode's Jacobian slope {jac_rev} is not between 1 and 2"
    assert rev < 0.7 and jac_fwd < 0.7, f"one-pass slopes {rev}, {jac_fwd} are not well below 1"
    # the evaluations of f are counted: n for forward mode, 1 for reverse mode
    rows = re.findall(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+" + NUMBER, out, re.MULTILINE)
    assert rows and all(int(n) == int(e_fwd) and int(e_rev) == 1 for n, e_fwd, e_rev in rows), rows
    assert _after(out, "forward / reverse time for the gradient at n = 3000:") > 10
    assert _after(out, "reverse / forward time for the Jacobian at m = 3000:") > 10


def test_07_backward_costs_about_twice_the_forward_pass():
    nb = _notebook(NB07)
    _prose(nb, "The measured ratio is near the counted one")
    _prose(nb, "**A training step costs about three forward passes.**")
    out = _printed(nb, "costs.forward_backward_times(widths")
    measured, counted = _after(out, "backward / forward time:"), _after(out, "(counted multiply-adds:")
    assert counted == pytest.approx(1.75, abs=0.01)
    assert 0.8 * counted <= measured <= 1.8 * counted, f"measured {measured} is not near the count {counted}"


def test_07_linear_in_depth_quadratic_in_width():
    nb = _notebook(NB07)
    prose = _prose(nb, "The times against depth lie close to a straight line")
    assert "near 2" in prose and "exponent 2.00" in prose
    out = _printed(nb, "costs.depth_width_costs(")
    assert _after(out, "R^2 of the fit =") >= 0.95
    exponent_time = _after(out, "measured time")
    exponent_count = _after(out, "counted multiply-adds")
    assert exponent_count == pytest.approx(2.0, abs=0.02)
    assert 1.5 <= exponent_time <= 2.5, f"the fitted width exponent {exponent_time} is not near 2"


def test_07_memory_and_checkpointing():
    nb = _notebook(NB07)
    prose = _prose(nb, "four times deeper, about four times the memory")
    assert "the printed time ratio is above 1" in prose and "$2L$ layers against $L$" in prose
    out = _printed(nb, "costs.backprop_memory(")
    assert "same gradients with and without checkpointing: True" in out
    plain = [int(v) for v in re.search(r"layers computed, backpropagation:\s*\[([\d ]+)\]", out).group(1).split()]
    ckpt = [int(v) for v in re.search(r"layers computed, with checkpoints:\s*\[([\d ]+)\]", out).group(1).split()]
    depth = [int(v) for v in re.search(r"depth L:\s*\[([\d ]+)\]", out).group(1).split()]
    assert plain == depth and ckpt == [2 * d for d in depth]
    assert 3.0 <= _after(out, "backpropagation's peak memory grows") <= 4.5
    assert 1.4 <= _after(out, "with checkpoints") <= 2.6
    assert 1.0 < _after(out, "time with / without checkpoints at depth 64:") < 2.5


def test_07_four_ways_table():
    nb = _notebook(NB07)
    prose = _prose(nb, "reverse mode is the fastest by far")
    assert "grows several-fold" in prose and "hardly change" in prose
    out = _printed(nb, "programs = {")
    rows = {}
    for name in ("numerical (central differences)", "forward mode (n JVPs)", "reverse mode (1 VJP)"):
        line = next(line for line in out.splitlines() if line.startswith(name))
        rows[name.split()[0]] = [_num(v) for v in re.findall(NUMBER, line[len(name):])]
    (t_num, d_num, m3_num, m40_num), (t_fwd, d_fwd, m3_fwd, m40_fwd), (t_rev, d_rev, m3_rev, m40_rev) = (
        rows["numerical"], rows["forward"], rows["reverse"])
    assert t_rev < t_fwd and t_rev < t_num
    assert m40_rev >= 3 * m3_rev, "reverse mode's memory should grow several-fold with the program"
    assert m40_num <= 1.5 * m3_num and m40_fwd <= 1.5 * m3_fwd
    assert m40_rev > m40_num and m40_rev > m40_fwd
    assert d_fwd < 1e-13 and d_rev == 0, "the two autodiff modes agree to rounding"
    assert 1e-11 < d_num < 1e-7, "central differences are off by about 1e-9"


def test_07_symbolic_formula_grows_like_2_to_the_k_while_the_graph_grows_like_3k():
    nb = _notebook(NB07)
    assert "has about $3k$ nodes" in _prose(nb, "`costs.nested` builds")
    assert "$3k$ graph nodes vs $\\approx 2^{k+2}$ formula nodes" in _prose(nb, "| method | cost for")
    out = _printed(nb, "f_k = costs.nested(adlib.Value(0.3), depth)")
    rows = [[_num(v) for v in re.findall(NUMBER, line)] for line in out.splitlines() if line.startswith("depth")]
    assert [int(r[0]) for r in rows] == [5, 10, 20]
    for k, graph, formula in rows:
        assert graph == 3 * k + 1, f"depth {k}: the graph has {graph} nodes, not about 3k"
        assert abs(formula - 2 ** (k + 2)) <= 0.05 * 2 ** (k + 2), f"depth {k}: {formula} is not about 2^(k+2)"


def test_07_uses_the_words_as_notebook_05_defines_them():
    """backpropagation: reverse mode applied to a network's loss; never the loose short form."""
    nb = _notebook(NB07)
    for c in nb.cells:
        assert not re.search(r"\bbackprop\b|backprop's", c.source), f"'backprop' used loosely: {c.source[:80]!r}"
    assert "reverse mode's memory grows with the depth of a network" in nb.cells[0].source
    assert "that backward pass is backpropagation (notebook 05's word)" in _prose(nb, "## 5. Memory: reverse mode keeps")


def test_07_exercises():
    nb = _notebook(NB07)
    _prose(nb, "they are equal at $d_3 = 100$")
    out = _printed(nb, "for d3 in (1, 10, 50, 99, 100, 101, 200)")
    assert re.search(r"outputs 100: .*-> equal", out) and re.search(r"outputs  99: .*-> reverse", out)
    assert re.search(r"outputs 101: .*-> forward", out)
    prose = _prose(nb, "Segments of 8 ($=\\sqrt{64}$) give the smallest peak")
    assert "about half of its memory" in prose and "plain backpropagation's memory again" in prose
    out = _printed(nb, "g_plain = adlib.grad(")
    plain = _after(out, "plain backpropagation: peak")
    seg = {int(s): _num(v) for s, v in re.findall(r"segment\s+(\d+):\s+peak (" + NUMBER + ")", out)}
    assert seg[8] < seg[1] < plain and seg[8] < seg[64]
    assert 0.35 <= seg[1] / plain <= 0.7
    assert abs(seg[64] - plain) <= 0.15 * plain


# --------------------------------------------------------------------------- 09 limits

NB09 = "09_limits_of_autodiff.ipynb"


def _convention_table(nb):
    prose = _prose(nb, "| function | point | adlib | PyTorch | JAX | HIPS autograd |")
    rows = {}
    for line in prose.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    return rows


def _as_value(cell):
    cell = cell.replace("$", "").replace("*", "").strip()
    return {"+\\infty": math.inf, "\\frac12": 0.5}.get(cell, None) if not re.fullmatch(NUMBER, cell) else _num(cell)


def test_09_the_conventions_table_is_what_adlib_prints():
    nb = _notebook(NB09)
    table = _convention_table(nb)
    assert set(table) == {"relu", "abs", "sqrt"}
    out = _printed(nb, 'for name in ("relu", "abs", "sqrt"):')
    for name, cells in table.items():
        printed = _after(out, f"{name:5s} at 0: autodiff")
        assert printed == _as_value(cells[2]), f"{name}: the table says {cells[2]}, adlib prints {printed}"
    assert _as_value(table["abs"][4]) == 1, "JAX's abs'(0) is 1: select(x >= 0, g, -g)"


def test_09_hips_autograd_column():
    np = pytest.importorskip("numpy")
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    table = _convention_table(_notebook(NB09))
    assert autograd.grad(anp.abs)(0.0) == _as_value(table["abs"][5])
    with np.errstate(divide="ignore"):
        assert autograd.grad(lambda x: anp.sum(anp.sqrt(x)))(np.array([0.0]))[0] == _as_value(table["sqrt"][5])
    assert autograd.grad(lambda x: anp.maximum(x, 0.0))(0.0) == 0.5
    assert "`np.maximum(x, 0)` gives $\\frac12$" in table["relu"][5]


def test_09_solution_1_shows_minus_zero_and_nan():
    nb = _notebook(NB09)
    _prose(nb, "the VJP there is $0\\cdot\\frac{1}{-1} = -0$")
    out = _printed(nb, "trap = lambda x: anp.sum(anp.where(x > 0, anp.log(x), 0.0))")
    trap = re.search(r"trap: \[(.*?)\]", out).group(1).split()
    assert trap[0] == "-0." and trap[1] == "nan"


def test_09_cross_entropy_naive_breaks_stable_does_not():
    nb = _notebook(NB09)
    _prose(nb, "so its value and its gradient stay finite")
    out = _printed(nb, "def cross_entropy_naive(z, c):")
    big = out.split("logits [ 800.")[1]
    naive, stable = big.splitlines()[1], big.splitlines()[2]
    assert "log(softmax(z))" in naive and ("nan" in naive or "inf" in naive)
    assert "log_softmax(z)" in stable and "nan" not in stable and "inf" not in stable
    small = out.split("logits [ 800.")[0]
    assert "nan" not in small and "inf" not in small, "for moderate logits both forms are fine"


def test_09_other_claims():
    nb = _notebook(NB09)
    out = _printed(nb, "exact_path = descend(")
    assert abs(_after(out, "exact gradient:           stops at x =")) < 0.1
    assert abs(_after(out, "slope at scale h = 2pi/50: stops at x =") - 2) < 0.1
    _prose(nb, "reports a value close to the average slope, 1")
    wiggle = next(line for line in _printed(nb, "cases = {").splitlines() if line.startswith("x + 1e-6"))
    autodiff, central = [_num(v) for v in re.findall(NUMBER, wiggle.split("(tiny wiggles)")[1])]
    assert 0 <= autodiff <= 2 and abs(central - 1) < 0.1
    _prose(nb, "adlib splits the gradient evenly at a tie, $\\frac12$ to each argument")
    out = _printed(nb, "anp.maximum(a, b)")
    assert "autodiff: [0.5] [0.5]" in out and _after(out, "central difference in a:") == 0.5
    out = _printed(nb, "def babylonian_sqrt(a, iterations):")
    truth = _after(out, "true derivative 1/(2 sqrt 2) =")
    assert _after(out.splitlines()[-1], "derivative") == pytest.approx(truth, abs=1e-6)
