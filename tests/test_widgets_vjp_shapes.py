"""Notebook 06's Jacobian and VJP shapes (adlib/widgets/vjp_shapes.py) and its widget, driven from Python.

adlib's Jacobian of the layer u = tanh(y W^T + b) is checked against the formula
written by hand (block k is diag(1 - u_k^2) W) and against central differences; the
VJP against the same formula; the counts against the arrays' own sizes, and the
claim "n VJP calls or m JVP calls build the Jacobian" by building it both ways.
The widget is driven by moving its sliders, as the browser test does through Voila.
"""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
from adlib.widgets import vjp_shapes as v
from widget_lookup import by_class as _by_class, one as _one

sizes = st.integers(*v.SIZE_RANGE)
batches = st.integers(*v.BATCH_RANGE)


def jacobian_by_hand(W, b, y):
    """The layer's Jacobian as a (batch*n, batch*m) matrix: block k is diag(1 - u_k^2) W, zeros elsewhere."""
    batch, (n, m) = y.shape[0], W.shape
    u = np.tanh(y @ W.T + b)
    J = np.zeros((batch * n, batch * m))
    for k in range(batch):
        J[k * n:(k + 1) * n, k * m:(k + 1) * m] = (1 - u[k] ** 2)[:, None] * W
    return J


# --------------------------------------------------------------------------- the numbers

@settings(max_examples=25, deadline=None)
@given(sizes, sizes, batches, st.integers(0, 3))
def test_adlibs_jacobian_and_vjp_are_the_hand_formula(m, n, batch, seed):
    W, b, y, u_bar = v.example(m, n, batch, seed)
    data = v.jacobian_and_vjp(m, n, batch, seed)
    J = jacobian_by_hand(W, b, y)
    assert data["J"].shape == (batch * n, batch * m)
    np.testing.assert_allclose(data["J"], J, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(data["u"], np.tanh(y @ W.T + b), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(data["vjp"], (u_bar * (1 - data["u"] ** 2)) @ W, rtol=1e-12, atol=1e-14)
    assert data["vjp"].shape == y.shape and data["u_bar"].shape == (batch, n)
    assert 0 <= data["difference"] < 1e-12


def test_the_jacobian_agrees_with_central_differences():
    W, b, y, _ = v.example(4, 3, 2)
    f = lambda flat: np.tanh(flat.reshape(y.shape) @ W.T + b).ravel()   # noqa: E731
    numeric = adlib.numerical_jacobian(f, y.ravel())
    np.testing.assert_allclose(v.jacobian_and_vjp(4, 3, 2)["J"], numeric, atol=1e-8)


@settings(max_examples=15, deadline=None)
@given(sizes, sizes, batches)
def test_the_counts_are_the_arrays_sizes_and_the_calls_build_the_jacobian(m, n, batch):
    data, c = v.jacobian_and_vjp(m, n, batch), v.counts(m, n, batch)
    J = data["J"]
    assert c["jacobian"] == J.size and c["jacobian_bytes"] == J.nbytes
    assert c["vjp"] == data["vjp"].size and c["vjp_bytes"] == data["vjp"].nbytes
    assert c["cotangent"] == data["u_bar"].size and c["cotangent_bytes"] == data["u_bar"].nbytes
    assert np.count_nonzero(J) <= c["nonzero_blocks"] <= c["jacobian"]
    assert c["nonzero_blocks"] * batch == c["jacobian"]          # the blocks are 1/batch of the matrix

    # vjp_calls VJPs, one per output number, give the rows; jvp_calls JVPs, one per input, the columns.
    W, b, y, _ = v.example(m, n, batch)
    f = v.layer_function(W, b)
    _, vjp_fn = adlib.vjp(f, y)
    rows = [vjp_fn(e.reshape(batch, n))[0].ravel() for e in np.eye(c["vjp_calls"])]
    np.testing.assert_allclose(np.array(rows), J, atol=1e-14)
    columns = [np.asarray(adlib.jvp(f, (y,), (e.reshape(y.shape),))[1]).ravel() for e in np.eye(c["jvp_calls"])]
    np.testing.assert_allclose(np.array(columns).T, J, atol=1e-14)


def test_the_example_is_fixed_by_its_sizes_and_seed():
    first = v.example(3, 4, 2, seed=1)
    np.random.default_rng(5).normal(size=10)                   # other draws in between change nothing
    again = v.example(3, 4, 2, seed=1)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(v.example(3, 4, 2, seed=2)[0], first[0])


def test_the_readout_prints_the_counts():
    text = v.readout_html(3, 4, 2, 1e-17)
    c = v.counts(3, 4, 2)
    assert f"8 &times; 6 = {c['jacobian']} numbers, {c['jacobian_bytes']} bytes" in text
    assert f"VJP y_bar = u_bar<sup>T</sup> J: {c['vjp']} numbers, {c['vjp_bytes']} bytes" in text
    assert f"{c['vjp_calls']} VJP calls" in text and f"{c['jvp_calls']} JVP calls" in text
    assert "largest difference 1.0e-17" in text


@pytest.mark.parametrize("call", [v.counts, v.example, v.jacobian_and_vjp, v.make_vjp_shapes_widget])
@pytest.mark.parametrize("args, error, words", [
    ((0, 3, 1), ValueError, "inputs m must be between 1 and 10"),
    ((3, 11, 1), ValueError, "outputs n must be between 1 and 10"),
    ((3, 3, 5), ValueError, "batch must be between 1 and 4"),
    ((2.5, 3, 1), TypeError, "inputs m must be a whole number, got float"),
    ((3, "4", 1), TypeError, "outputs n must be a whole number, got str"),
    ((3, 4, True), TypeError, "batch must be a whole number, got bool"),
])
def test_bad_sizes_are_refused_with_the_operand_named(call, args, error, words):
    with pytest.raises(error, match=words):
        call(*args)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_a_bad_seed_is_refused(seed):
    with pytest.raises(ValueError, match="example: the seed must be a whole number >= 0"):
        v.example(3, 4, 1, seed=seed)


def test_the_picture_refuses_data_of_other_sizes():
    with pytest.raises(ValueError, match=r"plot_shapes: the data's Jacobian has shape \(4, 3\), not \(8, 6\)"):
        v.plot_shapes(3, 4, 2, data=v.jacobian_and_vjp(3, 4, 1))


# --------------------------------------------------------------------------- the picture and the widget

def test_the_picture_has_the_three_arrays_at_their_shapes():
    import matplotlib.pyplot as plt
    fig = v.plot_shapes(3, 4, 2)
    images = [im.get_array().shape for ax in fig.axes for im in ax.get_images()]
    assert sorted(images) == sorted([(8, 6), (8, 1), (1, 6)])
    assert fig.axes[1].get_title() == "Jacobian J: 8 x 6"
    plt.close(fig)


def _readout_numbers(text):
    match = re.search(r"J: (\d+) &times; (\d+) = (\d+) numbers, (\d+) bytes.*?J: (\d+) numbers, (\d+) bytes.*?"
                      r"takes (\d+) VJP calls.*?or (\d+) JVP calls.*?largest difference (\S+)", text, re.S)
    assert match, text
    return [float(x) for x in match.groups()]


def test_widget_driven_from_python():
    box = v.make_vjp_shapes_widget(m=3, n=4, batch=1)
    m, n, batch = (_one(box, f"adlib-slider-{name}") for name in ("inputs", "outputs", "batch"))
    readout, plot = _one(box, "adlib-vjp-readout"), _one(box, "adlib-vjp-plot")
    assert _readout_numbers(readout.value)[:-1] == [4, 3, 12, 96, 3, 24, 4, 3]
    first_png = plot.outputs[0]["data"]["image/png"]

    n.value = 7
    assert _readout_numbers(readout.value)[:-1] == [7, 3, 21, 168, 3, 24, 7, 3]
    batch.value = 4
    m.value = 10
    numbers = _readout_numbers(readout.value)
    assert numbers[:-1] == [28, 40, 1120, 8960, 40, 320, 28, 40]
    assert numbers[-1] < 1e-12
    assert plot.outputs[0]["data"]["image/png"] != first_png
    assert (m.min, m.max, batch.max) == (1, 10, 4)         # the sliders cannot ask for what is refused
