"""Notebook 05's words section and references, and "reverse mode is forward mode transposed"
and the bridge to PyTorch and JAX (which open notebook 06 since 05 was split into 05 and
05b), agree with the outputs stored beneath them.

Read as stored (nbval re-runs the notebook and checks that the outputs are what the
code prints). The Jacobian the notebook prints is checked against central differences
of the notebook's own function, the bridge's derivative against the formula with the
numbers the prose states, and the adlib half of every correspondence against adlib's
real signatures. PyTorch and JAX are not installed, so their column is text only.
"""
from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from notebook_outputs import cell, load, numbers_after, printed, prose

SOURCE = "def f3to2(x):"
BRIDGE = 'print("by hand, x(1 - y²):'
NUMBER_WORDS = {"two": 2, "three": 3}


@pytest.fixture(scope="module")
def nb():
    return load("05_reverse_mode")


@pytest.fixture(scope="module")
def nb06():
    """Notebook 06 opens with the transposition and the bridge."""
    return load("06_vector_jacobian_products")


def _markdown(nb, part):
    return cell(nb, part, kind="markdown").source


def _index(nb, part, kind="markdown"):
    return nb.cells.index(cell(nb, part, kind=kind))


def _matrices(text):
    """The numpy matrices printed in ``text``, in order, as arrays."""
    blocks = re.findall(r"\[(\[[^\]]*\](?:\s*\[[^\]]*\])*)\]", text)
    return [np.array([[float(x) for x in row.split()] for row in re.findall(r"\[([^\[\]]*)\]", b)])
            for b in blocks]


def test_the_words_section_comes_where_reverse_mode_is_first_named_and_says_what_the_course_uses(nb):
    words = _markdown(nb, "### Words: automatic differentiation, forward and reverse mode")
    assert _index(nb, "### Words:") < _index(nb, "## 2. The pair"), "the words belong to section 1"
    for term in ("**Automatic differentiation**", "**Forward mode**", "**reverse mode**",
                 "**Backpropagation**", "**autograd**"):
        assert term in words, term
    assert "reverse mode applied to a neural network's loss" in words
    assert "HIPS autograd" in words and "torch.autograd" in words
    assert "**In this course**" in words
    goals = nb.cells[0].source
    assert "*backpropagation* and *autograd* mean" in goals


def test_autograd_only_ever_names_a_library_outside_the_words_section(nb):
    words = _markdown(nb, "### Words:")
    for c in nb.cells:
        if c.cell_type != "markdown" or c.source == words or c is nb.cells[0]:
            continue
        for m in re.finditer(r"autograd", c.source):
            before = c.source[max(0, m.start() - 6):m.start()]
            assert before.endswith(("HIPS ", "torch.")), f"'autograd' used as a common noun: {c.source[:80]!r}"


def test_the_jacobian_by_columns_and_by_rows_is_the_true_one(nb06):
    nb = nb06
    src = cell(nb, SOURCE).source
    out = printed(nb, SOURCE)
    by_columns, by_rows = _matrices(out)[:2]
    namespace = {"anp": anp, "np": np}
    exec(src.split("\np = ")[0], namespace)
    point = np.array(eval(re.search(r"\np = np\.array\((\[.*?\])\)", src).group(1)))
    oracle = adlib.numerical_jacobian(namespace["f3to2"], point)
    assert by_columns.shape == oracle.shape == (2, 3)
    # 06 prints 4 decimals (np.set_printoptions(precision=4))
    assert by_columns == pytest.approx(oracle, abs=6e-5) and by_rows == pytest.approx(oracle, abs=6e-5)
    assert "the same matrix: True" in out
    u = np.array(eval(re.search(r"\nu = np\.array\((\[.*?\])\)", src).group(1)))
    vjp_printed = numbers_after(out, "vjp_fn(u) =")
    assert vjp_printed[:3] == pytest.approx(list(oracle.T @ u), abs=6e-5)
    assert vjp_printed[3:] == pytest.approx(vjp_printed[:3])


def test_the_pass_counts_in_the_prose_are_the_printed_ones(nb06):
    nb = nb06
    out = printed(nb, SOURCE)
    after = _markdown(nb, "Both ways build the same $J$")
    jvps = NUMBER_WORDS[re.search(r"(\w+) JVPs \(one per input\)", after).group(1)]
    vjps = NUMBER_WORDS[re.search(r"(\w+) VJPs \(one per output\)", after).group(1)]
    assert (jvps, vjps) == (int(numbers_after(out, "J from")[0]), int(re.search(r"J from (\d+) VJPs", out).group(1)))
    assert (jvps, vjps) == _matrices(out)[0].shape[::-1]
    intro = _markdown(nb, "## 1. Reverse mode is forward mode transposed")
    n, m = map(int, re.search(r"\\mathbb\{R\}\^(\d)\\to\\mathbb\{R\}\^(\d)", intro).groups())
    assert (n, m) == (jvps, vjps)


def test_the_bridge_computes_what_the_prose_says(nb06):
    nb = nb06
    table = _markdown(nb, "## 2. The same gradient in PyTorch and JAX")
    x, w, b = (float(re.search(rf"\${name} = ([0-9.]+)\$", table).group(1)) for name in "xwb")
    expected = x * (1 - math.tanh(w * x + b) ** 2)
    out = printed(nb, BRIDGE)
    values = [numbers_after(out, label)[0] for label in ("Value and backward():", "adlib.grad:", "x(1 - y²):")]
    assert values == pytest.approx([expected] * 3, rel=1e-12)
    # the table's adlib column is the code that ran
    source = cell(nb, BRIDGE).source
    adlib_column = [row.split("|")[2] for row in table.splitlines() if row.startswith("| ") and "`" in row.split("|")[2]]
    for snippet in (s for col in adlib_column for s in re.findall(r"`([^`]*)`", col)):
        if snippet.startswith(("w, b", "y = ", "y.backward")):
            assert snippet in source, snippet
    assert f"w * {x} + b" in source and f"Value({w}), Value({b})" in source


def test_the_correspondence_names_adlibs_real_signatures(nb06):
    table = _markdown(nb06, "## 2. The same gradient in PyTorch and JAX")
    assert "`adlib.grad(f, argnum)` ↔ `jax.grad(f, argnums)`" in table
    assert list(inspect.signature(adlib.grad).parameters) == ["f", "argnum"]
    assert "`adlib.vjp(f, *primals)` → `(out, vjp_fn)`" in table
    assert str(inspect.signature(adlib.vjp)) == "(f, *primals)"
    assert "`adlib.jvp(f, primals, tangents)` ↔ `jax.jvp(f, primals, tangents)`" in table
    assert list(inspect.signature(adlib.jvp).parameters) == ["f", "primals", "tangents"]
    assert "grad_outputs=u" in table and "requires_grad=True" in table
    # vjp really returns (out, vjp_fn) with vjp_fn giving a tuple, as the line says
    out, vjp_fn = adlib.vjp(lambda v: v * v, np.array([1.0, 2.0]))
    assert isinstance(vjp_fn(np.ones(2)), tuple)


@pytest.mark.parametrize("stem,sources,next_stem", [
    ("05_reverse_mode", ("Learning representations by back-propagating errors", "Nature 323 (1986)", "Linnainmaa",
                         "Evaluating Derivatives", "SIAM (2008)", "Baydin", "Machine Learning Research 18 (2018)"),
     "05b_build_the_engine"),
    ("05b_build_the_engine", ("github.com/karpathy/micrograd", "spelled-out intro to neural networks and backpropagation",
                              "Evaluating Derivatives", "Topological sort by depth-first search", "Autograd mechanics"),
     "06_vector_jacobian_products"),
    ("06_vector_jacobian_products", ("Autodidax", "HIPS autograd tutorial", "Evaluating Derivatives"),
     "07_cost_of_gradients"),
])
def test_references_close_the_notebook_before_next(stem, sources, next_stem):
    nb = load(stem)
    refs = _markdown(nb, "## References")
    assert _index(nb, "## Solutions") < _index(nb, "## References") < _index(nb, "## Next")
    assert nb.cells[-1].source.startswith("## Next") and f"({next_stem}.ipynb)" in nb.cells[-1].source
    for source in sources:
        assert source in refs, source


def test_no_stray_numbers_in_the_new_prose(nb, nb06):
    """Every number the new prose states is printed by its cell or is an input the prose sets."""
    after = _markdown(nb06, "Both ways build the same $J$")
    bridge_intro = _markdown(nb06, "## 2. The same gradient in PyTorch and JAX")
    stated = set(re.findall(r"\$\w = ([0-9.]+)\$", bridge_intro))
    assert stated == {"2", "0.5", "0.1"}
    assert "$m = 1$" in after  # a loss has one output: section 1's count
    assert "one forward and one backward pass" in prose(nb)
