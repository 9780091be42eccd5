"""Exercise 4: backprop by hand through H = relu(W x + b)."""
import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.grade import oracle
from adlib.grade.expect import Mistake, close

pytestmark = pytest.mark.ex04

IGNORED = "it ignores the upstream gradient dH: multiply by it (the chain rule)"


def _layer(rng):
    c, d = int(rng.integers(3, 6)), int(rng.integers(2, 5))
    while True:
        W, x, b = rng.normal(size=(c, d)), rng.normal(size=d), rng.normal(size=c)
        U2 = W @ x + b
        if (U2 > 0.05).any() and (U2 < -0.05).any() and np.all(np.abs(U2) > 1e-3):
            break   # some units active and some not, none at the kink
    dH = rng.normal(size=c) * rng.uniform(0.5, 2, c)   # non-uniform upstream gradient
    return W, x, b, dH


def _relu_layer(W, x, b):
    return anp.relu(anp.matmul(W, x) + b)


def _linear_layer(W, x, b):
    return anp.matmul(W, x) + b


GRADS = ("dW", "dx", "db")
SHAPE_HINT = {"dW": "dW must have W's shape (c, d): dW = outer(dU2, x)", "dx": "dx must have x's shape (d,)",
              "db": "db must have b's shape (c,)"}


def _check_grad(student, rng, which):
    """One of (dW, dx, db) from the student, against adlib.vjp of H = relu(W x + b)."""
    W, x, b, dH = _layer(rng)
    got = student.call("layer_backward", W, x, b, dH)
    if not isinstance(got, list) or len(got) != 3:
        raise Mistake("relu_layer_backward must return a tuple (dW, dx, db)")
    i = GRADS.index(which)
    want = oracle.vjp(_relu_layer, (W, x, b), dH)[i]
    no_relu = oracle.vjp(_linear_layer, (W, x, b), dH)[i]
    ignored = oracle.vjp(_relu_layer, (W, x, b), np.ones_like(dH))[i]
    mistakes = [(no_relu, "the relu derivative is missing: multiply dH by (W x + b > 0) first"),
                (ignored, IGNORED)]
    if which == "dW":
        mistakes.insert(0, (want.T, "dW is transposed: it must have W's shape (c, d), dW = outer(dU2, x)"))
    shape = {"dW": W.shape, "dx": x.shape, "db": b.shape}[which]
    close(got[i], want, f"{which} for {which[1]} of shape {shape}", mistakes=mistakes,
          shape_hint=SHAPE_HINT[which])


def _grad_test(which, points, doc):
    """One graded test of relu_layer_backward's ``which`` (its pytest name: test_<which>)."""
    @pytest.mark.points(points)
    def test(student, rng):
        _check_grad(student, rng, which)
    test.__name__, test.__doc__ = f"test_{which}", doc
    return test


test_dW = _grad_test("dW", 3, "dW = (dH ⊙ relu'(W x + b)) xᵀ, shaped like W")
test_dx = _grad_test("dx", 2, "dx = Wᵀ (dH ⊙ relu'(W x + b))")
test_db = _grad_test("db", 1, "db = dH ⊙ relu'(W x + b)")


NAMES = ["U1", "U2", "H", "dH/dH", "dH/dU2", "dH/db", "dH/dU1", "dH/dW", "dH/dx"]
BEFORE = [("U1", "U2"), ("U2", "H"), ("H", "dH/dH"), ("dH/dH", "dH/dU2"), ("dH/dU2", "dH/db"),
          ("dH/dU2", "dH/dU1"), ("dH/dU1", "dH/dW"), ("dH/dU1", "dH/dx")]


def _steps(student, W, x, b):
    got = student.call("steps", W, x, b)
    names = [name for name, _ in got]
    if sorted(names) != sorted(NAMES):
        raise Mistake(f"backprop_steps returned the steps {names}; expected exactly {NAMES} in a valid order")
    return names, dict(got)


def _reference(W, x, b):
    """Every step's value, by adlib.Value: U1 = W·x, U2 = U1 + b, H = relu(U2), then H.backward()."""
    w, xv, bv = adlib.Value(W), adlib.Value(x), adlib.Value(b)
    U1 = w * xv
    U2 = U1 + bv
    H = U2.relu()
    H.backward()
    return {"U1": U1.data, "U2": U2.data, "H": H.data, "dH/dH": H.grad, "dH/dU2": U2.grad, "dH/db": bv.grad,
            "dH/dU1": U1.grad, "dH/dW": w.grad, "dH/dx": xv.grad}


@pytest.mark.points(2)
def test_steps_values(student, rng):
    """the scalar backprop steps have the right values (active and inactive relu)"""
    for sign in (1, -1):
        W, x = rng.uniform(0.5, 3) * rng.choice([-1, 1]), rng.uniform(0.5, 3) * rng.choice([-1, 1])
        b = sign * (abs(W * x) + rng.uniform(0.5, 2)) - 0.0   # U2 > 0, then U2 < 0
        W, x, b = float(W), float(x), float(b)
        _, got = _steps(student, W, x, b)
        want = _reference(W, x, b)
        for name in NAMES:
            hint = []
            if name in ("dH/dW", "dH/dx"):
                other = want["dH/dx"] if name == "dH/dW" else want["dH/dW"]
                hint = [(other, "dH/dW and dH/dx are swapped: dH/dW = dH/dU1 · x and dH/dx = dH/dU1 · W")]
            if name in ("dH/dU2", "dH/db", "dH/dU1", "dH/dW", "dH/dx") and want["U2"] < 0:
                wrong = _reference(W, x, abs(b) + abs(W * x))[name]
                hint.append((wrong, "relu'(U2) is 0 where U2 < 0: no gradient flows back"))
            close(got[name], want[name], f"the step {name} for W = {W:.4g}, x = {x:.4g}, b = {b:.4g}",
                  mistakes=hint)


@pytest.mark.points(2)
def test_steps_order(student, rng):
    """the scalar backprop steps come in an order backprop can take them"""
    W, x, b = (float(v) for v in rng.uniform(0.5, 2, 3))
    names, _ = _steps(student, W, x, b)
    position = {name: i for i, name in enumerate(names)}
    for first, then in BEFORE:
        if position[first] > position[then]:
            raise Mistake(f"{then} comes before {first}; backprop needs {first} first "
                          "(forward values first, then gradients from H back to the inputs)")
