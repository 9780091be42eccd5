"""Notebook 05b's engine stepper, driven from Python on the engine the notebook writes.

The engine is not copied here: the tests run the notebook's own engine cells
(``class Value``, ``+`` and ``*``, the other operations, ``backward``, and the
``Overwriting`` engine with the ``=`` bug), so a change there is tested too.
The expected numbers are worked out by hand from the lecture's examples.
"""
from __future__ import annotations

import contextlib
import io
import math

import pytest

import adlib
from adlib.widgets import engine_stepper as es
from notebook_outputs import load
from widget_lookup import one

ENGINE_CELLS = ("class Value:", "def add(self, other):", "def power(self, k):", "def topological_order(root):",
                "class Overwriting(Value):")


@pytest.fixture(scope="module")
def page():
    """The namespace after running 05b's engine cells: Value, Overwriting, topological_order."""
    nb = load("05b_build_the_engine")
    namespace = {}
    for part in ENGINE_CELLS:
        (source,) = [c.source for c in nb.cells if c.cell_type == "code" and part in c.source]
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"05b: {part}", "exec"), namespace)
    return namespace


@pytest.fixture
def engines(page):
    return {"+=": page["Value"], "=": page["Overwriting"]}


def test_the_schedule_is_the_engines_reverse_topological_order_without_leaves(page):
    y = es.EXAMPLES["u = x + 1, y = x·u at x = 17"](page["Value"])
    nodes, steps = es.schedule(y, page["topological_order"])
    named = es.names(nodes)
    assert [named[v] for v in nodes] == ["x", "1", "u", "y"]
    assert [named[v] for v in steps] == ["y", "u"]
    # adlib's own walk gives a topological order of the same nodes
    default_nodes, default_steps = es.schedule(y)
    assert set(default_nodes) == set(nodes) and [named[v] for v in default_steps] == ["y", "u"]


@pytest.mark.parametrize("engine,final", [("+=", 35.0), ("=", 17.0)])
def test_x_used_twice_gets_18_then_35_or_17(engines, engine, final):
    stepper = es.EngineStepper(engines)
    assert stepper.example.startswith("u = x + 1") and stepper.engine == "+="
    stepper.build(engine=engine)
    assert stepper.grads() == {"x": 0.0, "1": 0.0, "u": 0.0, "y": 1.0}
    stepper.next()
    assert stepper.grads() == {"x": 18.0, "1": 0.0, "u": 17.0, "y": 1.0}
    assert "x.grad 0 → 18" in stepper.text() and "u.grad 0 → 17" in stepper.text()
    stepper.next()
    assert stepper.done and stepper.grads()["x"] == final
    assert f"x.grad 18 → {final:g}" in stepper.text()
    stepper.next()                                   # no-op at the end
    assert stepper.k == 2


@pytest.mark.parametrize("engine,final", [("+=", 6.0), ("=", 3.0)])
def test_x_times_x_one_closure_two_messages(engines, engine, final):
    stepper = es.EngineStepper(engines)
    stepper.build(engine=engine, example="y = x·x at x = 3")
    stepper.next()
    assert stepper.done and stepper.grads()["x"] == final


def test_the_sigmoid_chain_ends_with_the_true_gradients_in_both_engines(engines):
    s = 1 / (1 + math.exp(-2.0))
    dz = 2 * (s - 10.0) * s * (1 - s)
    for engine in engines:
        stepper = es.EngineStepper(engines)
        stepper.build(engine=engine, example="the sigmoid chain t1..t8")
        while not stepper.done:
            stepper.next()
        grads = stepper.grads()
        assert grads["w"] == pytest.approx(dz) and grads["x"] == pytest.approx(2 * dz)
        assert grads["target"] == pytest.approx(-2 * (s - 10.0))


def test_the_table_marks_the_closure_that_ran_and_what_it_changed(engines):
    stepper = es.EngineStepper(engines)
    stepper.next()
    table = stepper.table_html()
    assert '<tr data-name="y" class="current"' in table
    assert '<tr data-name="x" class="changed"' in table and '<tr data-name="u" class="changed"' in table
    assert '<tr data-name="1" class=""' in table and "0 → 18" in table
    assert stepper.reset() == 0 and "current" not in stepper.table_html()


def test_names_are_unique_and_inner_nodes_without_a_label_are_numbered(page):
    V = page["Value"]
    x = V(2.0, label="x")
    y = (x + 1) * (x + 1)
    nodes, _ = es.schedule(y, page["topological_order"])
    named = es.names(nodes)
    assert sorted(named.values()) == sorted(["x", "1", "v1", "1′", "v2", "v3"])
    assert len(set(named.values())) == len(nodes)


def test_it_works_on_adlib_values_too():
    y = es.EXAMPLES["u = x + 1, y = x·u at x = 17"](adlib.Value)
    nodes, steps = es.schedule(y)
    grads = es.grads_after(y, nodes, steps, len(steps))
    assert sorted(grads.values()) == [1.0, 17.0, 35.0]          # adlib keeps no node for the constant 1


def test_bad_arguments_are_refused_in_words(engines):
    with pytest.raises(ValueError, match="at least one engine"):
        es.EngineStepper({})
    stepper = es.EngineStepper(engines)
    with pytest.raises(ValueError, match="unknown engine 'pytorch'"):
        stepper.build(engine="pytorch")
    with pytest.raises(ValueError, match="unknown example"):
        stepper.build(example="nothing")
    with pytest.raises(ValueError, match="k must be between 0 and 2"):
        es.grads_after(stepper.root, stepper.nodes, stepper.steps, 3)


def test_the_widget_follows_its_controls(engines):
    box = es.make_engine_stepper_widget(engines)
    next_button, reset = one(box, "adlib-engine-next"), one(box, "adlib-engine-reset")
    text, table = one(box, "adlib-engine-text"), one(box, "adlib-engine-table")
    assert "the seed" in text.value and not next_button.disabled
    next_button.click()
    next_button.click()
    assert next_button.disabled and "x.grad 18 → 35" in text.value
    one(box, "adlib-engine-kind").value = "="            # rebuilds with the buggy engine, back to step 0
    assert "the seed" in text.value and not next_button.disabled
    next_button.click()
    next_button.click()
    assert "x.grad 18 → 17" in text.value and box.stepper.grads()["x"] == 17.0
    one(box, "adlib-engine-example").value = "y = x·x at x = 3"
    next_button.click()
    assert box.stepper.grads()["x"] == 3.0 and 'data-name="x"' in table.value
    reset.click()
    assert box.stepper.k == 0 and "the seed" in text.value


def test_the_notebook_uses_the_widget_on_its_engines():
    nb = load("05b_build_the_engine")
    cells = [c for c in nb.cells if c.cell_type == "code" and "make_engine_stepper_widget(" in c.source]
    assert len(cells) == 1
    source = cells[0].source
    assert '"+= (Value)": Value' in source and "Overwriting" in source and "order=topological_order" in source
