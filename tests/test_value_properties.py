"""Random expression DAGs: Value's gradients == forward mode == central differences.

A program is a list of instructions over a few inputs.  Each instruction reads
earlier results (so subexpressions are shared), sometimes a constant on either
side, sometimes one node many times; every unary function appears, each kept on
its safe domain (away from relu's kink, log and sqrt of positives, bounded exp)
by checking the float value while the program is drawn.  One interpreter runs
the program on floats, Duals and Values alike, through operators and adlib's
generic elementary functions.
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import adlib
from adlib import Dual, Value, backward_steps

UNARY = ["exp", "log", "tanh", "relu", "sigmoid", "sin", "cos", "sqrt"]
BINARY = ["+", "-", "*", "/", "**"]


def _safe(name, x):
    """Is the unary function `name` smooth and tame around x (for central differences)?"""
    if name in ("log", "sqrt"):
        return x > 0.2
    if name == "relu":
        return abs(x) > 0.05
    if name == "exp":
        return x < 4.0
    return abs(x) < 50.0


def _apply(instr, vals):
    """Run one instruction on values of any kind (float, Dual, Value)."""
    kind = instr[0]
    if kind == "unary":
        _, name, i = instr
        return getattr(adlib, name)(vals[i])
    if kind == "method":            # the Value method spelling: v.exp(); floats go through adlib
        _, name, i = instr
        v = vals[i]
        return getattr(v, name)() if isinstance(v, Value) else getattr(adlib, name)(v)
    if kind == "reuse":             # one node used k times: v + v + ... (k terms) times v
        _, i, k = instr
        acc = vals[i]
        for _ in range(k - 1):
            acc = acc + vals[i]
        return acc * vals[i]
    _, op, left, right = instr     # operands: ("node", i) or ("const", c)
    a = vals[left[1]] if left[0] == "node" else left[1]
    b = vals[right[1]] if right[0] == "node" else right[1]
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    return a ** b


def run(program, inputs):
    vals = list(inputs)
    for instr in program:
        vals.append(_apply(instr, vals))
    # the output uses the last node and, for good measure, the first computed one
    out = vals[-1]
    if len(vals) > len(inputs) + 1:
        out = out + 0.5 * vals[len(inputs)]
    return out


@st.composite
def programs(draw, max_inputs=3, max_len=12):
    n = draw(st.integers(1, max_inputs))
    inputs = [draw(st.floats(-2.0, 2.0).filter(lambda t: abs(t) > 0.05)) for _ in range(n)]
    vals = list(inputs)
    program = []
    for _ in range(draw(st.integers(1, max_len))):
        kind = draw(st.sampled_from(["unary", "method", "binary", "binary", "binary", "reuse"]))
        i = draw(st.integers(0, len(vals) - 1))
        x = vals[i]
        if kind in ("unary", "method"):
            name = draw(st.sampled_from(UNARY))
            if not _safe(name, x):
                name = "tanh"
            instr = (kind, name, i)
        elif kind == "reuse":
            instr = ("reuse", i, draw(st.integers(2, 6)))
        else:
            op = draw(st.sampled_from(BINARY))
            j = draw(st.integers(0, len(vals) - 1))
            const = draw(st.floats(-3.0, 3.0).filter(lambda t: abs(t) > 0.1))
            side = draw(st.sampled_from(["both", "const_left", "const_right"]))
            left, right = ("node", i), ("node", j)
            a, b = x, vals[j]
            if side == "const_left":
                left, a = ("const", const), const
            elif side == "const_right":
                right, b = ("const", const), const
            if op == "/" and abs(b) < 0.2:
                op = "*"
            if op == "**":
                if right[0] == "const":
                    # integer powers anywhere; fractional ones of a positive base only
                    exponent = draw(st.sampled_from([2, 3, -1, 0.5, 1.5]))
                    right, b = ("const", exponent), exponent
                    if (a <= 0.2 and exponent in (0.5, 1.5)) or (abs(a) < 0.2 and exponent == -1):
                        op = "+"
                elif not (a > 0.2 and abs(b) < 3.0):   # a Value exponent needs a positive base
                    op = "+"
            instr = ("binary", op, left, right)
        r = _apply(instr, vals)
        if not math.isfinite(r) or abs(r) > 1e3:
            continue                 # keep values tame: drop the instruction
        program.append(instr)
        vals.append(r)
    return inputs, program


def value_grad(program, inputs):
    xs = [Value(x) for x in inputs]
    out = run(program, xs)
    if not isinstance(out, Value):      # the output does not depend on the inputs
        return out, [0.0] * len(inputs), None
    out.backward()
    return out.data, [x.grad for x in xs], out


def forward_grad(program, inputs):
    grads = []
    for k in range(len(inputs)):
        def f(t, k=k):
            args = list(inputs)
            args[k] = t
            return run(program, args)
        grads.append(adlib.derivative(f, inputs[k]))
    return grads


def central_grad(program, inputs):
    return adlib.numerical_grad(lambda arr: float(run(program, [float(t) for t in arr])), np.array(inputs))


@given(programs())
def test_value_grad_matches_forward_mode_and_central_differences(case):
    inputs, program = case
    value, g_rev, _ = value_grad(program, inputs)
    assert value == pytest.approx(run(program, inputs), rel=1e-12, abs=1e-12)
    g_fwd = forward_grad(program, inputs)
    g_num = central_grad(program, inputs)
    for k in range(len(inputs)):
        assert g_rev[k] == pytest.approx(g_fwd[k], rel=1e-9, abs=1e-9), (k, program)
        scale = 1.0 + abs(g_fwd[k])
        assert abs(g_rev[k] - g_num[k]) <= 2e-5 * scale, (k, g_rev[k], g_num[k], program)


@given(programs())
def test_backward_steps_reproduce_backward_exactly(case):
    inputs, program = case
    _, g_rev, out = value_grad(program, inputs)
    if out is None:
        return
    before = {v: v.grad for v in adlib.topological_order(out)}
    steps = backward_steps(out)
    # the explanation leaves the user's grads alone ...
    assert {v: v.grad for v in adlib.topological_order(out)} == before
    # ... and its gradients are backward()'s floats, bit for bit (same additions, same order)
    for v, g in steps.grads.items():
        assert g == v.grad or (math.isnan(g) and math.isnan(v.grad))
    # every step's node is finished after all the nodes that used it
    position = {v: i for i, v in enumerate(reversed(steps.nodes))}
    for s in steps[1:]:
        assert position[s.consumer] < position[s.node]


@given(programs(max_len=6), st.integers(2, 4))
def test_repeated_backward_adds_to_leaves_only(case, times):
    inputs, program = case
    xs = [Value(x) for x in inputs]
    out = run(program, xs)
    if not isinstance(out, Value) or not out._prev:
        return
    out.backward()
    once = [x.grad for x in xs]
    inner = [v for v in adlib.topological_order(out) if v._prev]
    inner_grads = [v.grad for v in inner]
    for _ in range(times - 1):
        out.backward()
    # leaves accumulate: `times` passes give `times` times the gradient (as in PyTorch) ...
    for x, g in zip(xs, once):
        assert x.grad == pytest.approx(times * g, rel=1e-12, abs=1e-300)
    # ... while inner nodes hold the latest pass only, like PyTorch's retained grads
    assert [v.grad for v in inner] == inner_grads
    adlib.zero_grad(out)
    assert all(v.grad == 0.0 for v in adlib.topological_order(out))


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_every_binary_operator_against_forward_mode(a, b):
    """Each operator with a Value on the left, on the right and on both sides."""
    cases = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}
    if abs(b) > 0.1:
        cases["/"] = lambda x, y: x / y
    if a > 0.1:
        cases["**"] = lambda x, y: x ** y
    for name, f in cases.items():
        for left_value, right_value in ((True, True), (True, False), (False, True)):
            x = Value(a) if left_value else a
            y = Value(b) if right_value else b
            out = f(x, y)
            out.backward()
            assert out.data == pytest.approx(f(a, b), rel=1e-12)
            if left_value:
                assert x.grad == pytest.approx(adlib.derivative(lambda t: f(t, b), a), rel=1e-12, abs=1e-12), name
            if right_value:
                assert y.grad == pytest.approx(adlib.derivative(lambda t: f(a, t), b), rel=1e-12, abs=1e-12), name
