"""Run a student's exercise file on fixed inputs, in a child process, and print plain numbers as JSON.

The "your solutions" widget (:mod:`adlib.widgets.my_solutions`) starts this
module in a fresh, isolated interpreter (``python -I -B``), in an empty
temporary directory, with a time limit::

    python -m adlib.widgets.my_solutions_probe FILE      # FILE: e.g. exercises/ex01_finite_differences.py

It imports FILE by its path (without writing a ``__pycache__`` beside it: the
student's folder is left as it was), calls the exercise's functions on the
inputs defined here, and prints one line per finished section::

    @@adlib-probe@@ {"section": "forward", "values": [...], "error": null}

Only numbers, lists of numbers and messages leave this process; the widget
computes adlib's side of each picture itself, in the notebook's kernel, from the
same inputs (:func:`ex03_graph`, :func:`ex04_inputs`, :func:`ex05_inputs`,
:data:`EX02_RULES`, :data:`EX06_SCHEDULE`; ex07's are in :mod:`.my_solutions_probe_costs`, ex08's in
:mod:`.my_solutions_probe_simulation`).
A section that fails carries the student's error as a message; a section that never finishes
(the widget stops a probe that runs too long) is simply missing, and the sections before it
still count.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import sys

import numpy as np

from .my_solutions_probe_costs import probe_ex07
from .my_solutions_probe_simulation import probe_ex08
from .my_solutions_probe_io import STUDENT_ERRORS, _STATE, attempt, curve, describe, emit, plain

#: ex01: the function, the point and the steps of the error curve.
EX01_POINT = 1.0
EX01_STEPS = np.logspace(-16, 0, 65)

#: ex02: one small function per rule, written against a namespace ``m`` that has
#: exp, sin, cos and log (the student's module, or adlib itself for the reference).
EX02_RULES = {
    "x + 2 + x": lambda m: (lambda x: x + 2.0 + x),
    "5 - x - x": lambda m: (lambda x: 5.0 - x - x),
    "3 * x * x": lambda m: (lambda x: 3.0 * x * x),
    "1 / x + x / 2": lambda m: (lambda x: 1.0 / x + x / 2.0),
    "x ** 3": lambda m: (lambda x: x ** 3),
    "exp(x)": lambda m: (lambda x: m.exp(x)),
    "sin(x)": lambda m: (lambda x: m.sin(x)),
    "cos(x)": lambda m: (lambda x: m.cos(x)),
    "log(x)": lambda m: (lambda x: m.log(x)),
}
EX02_POINTS = (0.5, 1.0, 1.5, 2.0, 2.5)

#: ex03: a chain this deep finds a recursive graph walk.
EX03_DEPTH = 3000

#: ex06: the student's ``train`` is called with these step counts (the last is its default).
EX06_SCHEDULE = (1, 3, 10, 30, 100, 300, 1000, 1500)


def ex03_graph(Value):
    """The same small graph for any Value class with ex03's operations: {name: Value}, every node named.

    Built from the student's graded rules (** with a Value exponent, /, tanh, relu, sigmoid, log)
    and the given + and *, between Values (no constants).  x is used three times and b and q twice,
    so a rule that assigns ``=`` instead of adding ``+=`` shows.
    """
    x, w, b, c = Value(0.8), Value(-1.5), Value(0.6), Value(2.0)
    p = x * w
    u = p + b
    a = u.tanh()
    q = x ** c
    l = q.log()
    s = x.sigmoid()
    t = s + b
    r = t.relu()
    d = a / r
    m = d * l
    L = m + q
    return {"x": x, "w": w, "b": b, "c": c, "p": p, "u": u, "a": a, "q": q, "l": l, "s": s, "t": t, "r": r,
            "d": d, "m": m, "L": L}


def ex04_inputs():
    """(W, x, b, dH) for relu_layer_backward: a 3x4 layer, no pre-activation near relu's kink."""
    rng = np.random.default_rng(4)
    W, x, b = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    dH = rng.normal(size=3)
    return W, x, b, dH


#: ex05: each rule of the file, called as adlib would call it: (rule, the student's function, arguments).
EX05_RULES = ("unbroadcast", "matmul, dL/dA", "matmul, dL/dB", "sum_axis", "add, dL/da", "add, dL/db",
              "logsumexp", "softmax")


def ex05_inputs():
    """Fixed inputs and random, non-uniform upstream gradients g for each rule of ex05."""
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    x, a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 1)), rng.normal(size=4)
    return {"A": A, "B": B, "x": x, "a": a, "b": b,
            "g_unbroadcast": rng.normal(size=(2, 3, 4)), "g_matmul": rng.normal(size=(3, 2)),
            "g_sum": rng.normal(size=3), "g_add": rng.normal(size=(3, 4)),
            "g_logsumexp": rng.normal(size=3), "g_softmax": rng.normal(size=(3, 4))}


def ex05_calls(mod, v):
    """{rule: a function of no arguments that calls the student's rule on the fixed inputs}."""
    lse = np.log(np.sum(np.exp(v["x"]), axis=-1))
    soft = np.exp(v["x"]) / np.sum(np.exp(v["x"]), axis=-1, keepdims=True)
    return {
        "unbroadcast": lambda: mod.unbroadcast(v["g_unbroadcast"], (3, 1)),
        "matmul, dL/dA": lambda: mod.matmul_vjp_A(v["g_matmul"], v["A"] @ v["B"], v["A"], v["B"]),
        "matmul, dL/dB": lambda: mod.matmul_vjp_B(v["g_matmul"], v["A"] @ v["B"], v["A"], v["B"]),
        "sum_axis": lambda: mod.sum_axis_vjp(v["g_sum"], v["x"].sum(axis=1), v["x"], 1),
        "add, dL/da": lambda: mod.add_vjp_a(v["g_add"], v["a"] + v["b"], v["a"], v["b"]),
        "add, dL/db": lambda: mod.add_vjp_b(v["g_add"], v["a"] + v["b"], v["a"], v["b"]),
        "logsumexp": lambda: mod.logsumexp_vjp(v["g_logsumexp"], lse, v["x"]),
        "softmax": lambda: mod.softmax_vjp(v["g_softmax"], soft, v["x"]),
    }


def ex06_data():
    """The training set of ex06's own ``__main__``: two moons, 200 points, labels 0/1."""
    from adlib.datasets import make_moons

    X, labels = make_moons(200, noise=0.1, seed=1)
    return X, (labels + 1) // 2


# --------------------------------------------------------------------------- plain numbers out
# --------------------------------------------------------------------------- each exercise

def probe_ex01(mod):
    f = np.sin
    for name in ("forward_difference", "central_difference"):
        fn = getattr(mod, name, None)
        if fn is None:
            emit(name, values=[], error=f"there is no function {name} in your file")
            continue
        values, error = curve(lambda h: fn(f, EX01_POINT, float(h)), EX01_STEPS)
        default, default_error = attempt(lambda: fn(f, EX01_POINT))
        emit(name, values=values, error=error, default=default, default_error=default_error)
    best = getattr(mod, "best_step", None)
    steps = {}
    for method in ("forward", "central"):
        steps[method] = attempt(lambda: best(method))[0] if best is not None else None
    emit("best_step", steps=steps)


def probe_ex02(mod):
    derivative = getattr(mod, "derivative", None)
    for name, make in EX02_RULES.items():
        if derivative is None:
            emit(name, values=[], error="there is no function derivative in your file")
            continue
        f = make(mod)
        values, error = curve(lambda x: derivative(f, x), EX02_POINTS)
        emit(name, values=values, error=error)


def probe_ex03(mod):
    Value = getattr(mod, "Value", None)
    if Value is None:
        emit("graph", nodes={}, error="there is no class Value in your file")
        return
    try:
        nodes = ex03_graph(Value)
        data = {k: plain(v.data) for k, v in nodes.items()}
    except STUDENT_ERRORS as exc:
        emit("graph", nodes={}, error=f"building the graph failed: {describe(exc)}")
        return
    try:
        nodes["L"].backward()
        error = None
    except STUDENT_ERRORS as exc:
        error = f"L.backward() raised {describe(exc)}"
    grads = {}
    for k, v in nodes.items():
        grads[k], problem = attempt(lambda: v.grad)
        error = error or (f"{k}.grad is not a number: {problem}" if problem else None)
    emit("graph", nodes={k: {"data": data[k], "grad": grads[k]} for k in nodes}, error=error)
    try:
        x = v = Value(0.5)
        for _ in range(EX03_DEPTH):
            v = v + 0.001
        v.backward()
        emit("deep", depth=EX03_DEPTH, grad=plain(x.grad), error=None)
    except STUDENT_ERRORS as exc:     # RecursionError, or anything the student's backward raises
        emit("deep", depth=EX03_DEPTH, grad=None, error=describe(exc))


def probe_ex04(mod):
    fn = getattr(mod, "relu_layer_backward", None)
    names = ("dW", "dx", "db")
    if fn is None:
        for name in names:
            emit(name, value=None, error="there is no function relu_layer_backward in your file")
        return
    try:
        result = fn(*ex04_inputs())
        parts = list(result)
        if len(parts) != 3:
            raise TypeError(f"returned {len(parts)} values, expected the tuple (dW, dx, db)")
    except STUDENT_ERRORS as exc:
        for name in names:
            emit(name, value=None, error=describe(exc))
        return
    for name, part in zip(names, parts):
        value, error = attempt(lambda: part)
        emit(name, value=value, error=error)


def probe_ex05(mod):
    calls = ex05_calls(mod, ex05_inputs())
    for name in EX05_RULES:
        value, error = attempt(calls[name])
        emit(name, value=value, error=error)


def probe_ex06(mod):
    train = getattr(mod, "train", None)
    if train is None:
        emit("train", steps=None, params=None, error="there is no function train in your file")
        return
    X, y = ex06_data()
    for steps in EX06_SCHEDULE:
        try:
            params = train(X.copy(), y.copy(), steps=steps)
            out = {k: plain(params[k]) for k in ("W1", "b1", "w2", "b2")}
            emit("train", steps=steps, params=out, error=None)
        except STUDENT_ERRORS as exc:
            emit("train", steps=steps, params=None, error=f"train(X, y, steps={steps}) raised {describe(exc)}")
            return


#: One probe per exercise; a new exercise's probe may live in a module of its own (ex07's and ex08's do).
PROBES = {"ex01": probe_ex01, "ex02": probe_ex02, "ex03": probe_ex03, "ex04": probe_ex04, "ex05": probe_ex05,
          "ex06": probe_ex06, "ex07": probe_ex07, "ex08": probe_ex08}

_KEY = re.compile(r"^(ex\d\d)(?:_|\.py$)")


def exercise_key(path):
    """'ex03' for '.../ex03_backprop_value.py'; None for a name the course does not use."""
    match = _KEY.match(os.path.basename(str(path)))
    return match.group(1) if match else None


def load_student_module(path):
    """Import the student's file by path under a private name; nothing is written beside it."""
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("student_solution", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules["student_solution"] = module
    spec.loader.exec_module(module)
    return module


def limit_memory(megabytes=1024):
    try:
        import resource
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):   # not on every platform; the time limit still holds
        pass


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) != 1:
        print("usage: python -m adlib.widgets.my_solutions_probe EXERCISE_FILE", file=sys.stderr)
        return 2
    path = argv[0]
    key = exercise_key(path)
    if key not in PROBES:
        emit("none", reason=f"no picture for {key or 'this file'}")
        return 0
    limit_memory()
    _STATE["path"], _STATE["out"] = os.path.abspath(path), sys.stdout
    printed = io.StringIO()
    # The student's prints go aside, so they cannot be mistaken for results.
    with contextlib.redirect_stdout(printed):
        try:
            module = load_student_module(path)
        except BaseException as exc:        # a syntax error, an import, even sys.exit() at import
            emit("import", error=f"importing your file raised {describe(exc)}")
            return 0
        PROBES[key](module)
    if printed.getvalue().strip():
        emit("printed", text=printed.getvalue()[-2000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
