"""The way one call of ``adlib.grad`` takes through the library, measured (issue 16).

``adlib.grad(f)(x)`` for ``f = sum(tanh(x) * x)`` should visit few files, each for
a reason, and not bounce between them.  A profiler hook records every call of a
Python function defined in adlib/; a *hop* is a call whose file differs from the
previous call's.  The bounds below are today's numbers: they may only go down.

Measured before this test existed: 90 calls, 12 files, 52 hops (each primitive
passed between numpy/primitive.py, traced.py and numpy/tracing.py six times).
Now a primitive calls into the tracer once, the tracer calls the primitive once
on plain values, and the backward pass calls only the rules.
"""
import os
import sys

import numpy as np

import adlib
import adlib.numpy as anp

ROOT = os.path.dirname(os.path.abspath(adlib.__file__))

MAX_CALLS, MAX_FILES, MAX_HOPS = 54, 11, 29


def call_path(fn):
    """[(file relative to adlib/, function name)] for every call of adlib's Python code during fn()."""
    calls = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(ROOT):
            calls.append((os.path.relpath(frame.f_code.co_filename, ROOT), frame.f_code.co_name))

    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(old)
    return calls


def hops(calls):
    return sum(1 for (a, _), (b, _) in zip(calls, calls[1:]) if a != b)


def _grad_call():
    x = np.array([0.5, -1.0, 2.0])
    g = adlib.grad(lambda x: anp.sum(anp.tanh(x) * x))
    g(x)                                  # a first call may import or cache; measure the second
    return lambda: g(x)


def test_grad_visits_few_files_with_few_hops():
    calls = call_path(_grad_call())
    files = {f for f, _ in calls}
    report = f"{len(calls)} calls, {len(files)} files ({sorted(files)}), {hops(calls)} hops"
    assert len(calls) <= MAX_CALLS, report
    assert len(files) <= MAX_FILES, report
    assert hops(calls) <= MAX_HOPS, report


def test_a_primitive_calls_into_the_tracer_once():
    """One traced primitive: primitive -> tracer -> the primitive on plain values -> its numpy code
    -> the tracer records the node.  traced.py (the shared base class) is no stop on the way."""
    from adlib.numpy.tracing import ArrayBox, Node
    from adlib.traced import new_level
    x = ArrayBox(np.array([0.5, 2.0]), Node(None, (), {}, None, ()), new_level())
    calls = call_path(lambda: anp.tanh(x))
    files = [f for f, _ in calls]
    assert files == ["numpy/primitive.py", "numpy/tracing.py", "numpy/primitive.py", "rules.py",
                     "numpy/tracing.py", "numpy/tracing.py"], calls
    assert [name for _, name in calls][:2] == ["__call__", "_apply_primitive"]


def test_the_backward_pass_calls_only_the_rules():
    calls = call_path(_grad_call())
    start = next(i for i, (f, name) in enumerate(calls) if name == "backward")
    during = {f for f, _ in calls[start:]} - {"functional.py", "trace_call.py"}
    # the backward pass itself, the VJP rules, and what the rules are written with (adlib.numpy)
    assert during <= {"numpy/backward.py", "numpy/rules.py", "numpy/primitive.py", "numpy/shapes.py",
                      "validate.py"}, during
    assert sum(1 for f, _ in calls[start:] if f == "numpy/backward.py") <= 4   # a call, not one per node


def test_the_measure_sees_a_hop():
    """The measurement can fail: an extra call through another file is counted."""
    from adlib import traced
    calls = call_path(lambda: (traced.primal(np.ones(2)), adlib.numeric.default_step("central", 1.0)))
    assert [f for f, _ in calls][:2] == ["traced.py", "numeric.py"] and hops(calls) >= 1
