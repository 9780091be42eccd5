"""Every derivative is written once, in adlib/rules.py, and every mode reads it (issue 16).

A copy of adlib whose rule table has every derivative tripled (and nothing else
changed) is imported in a fresh process.  If Value's operators, Dual's arithmetic,
adlib.derivative, or the array rules kept a derivative of their own (a hand-inlined
``+``, a float fast path written again), that mode would still give the true
derivative, and the check below would name it.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The one place the table's formulas become functions: wrap every derivative (not the
# function values: ``apply`` has the arguments "a, b") so that it returns 3 times as much.
TRIPLE = '''

_compiled_once = compiled


def compiled(rule, arguments):
    function, source = _compiled_once(rule, arguments)
    if arguments == "a, b":
        return function, source
    if source is not None:
        return _compiled_once(f"3.0 * ({source})", arguments)
    return (lambda *args: 3.0 * function(*args)), None
'''

CHECK = r'''
import json, math
import numpy as np
import adlib, adlib.numpy as anp
from adlib import Dual, Value, rules

report = {}
x0 = 0.7
for name, rule in rules.UNARY.items():
    f = getattr(rules, name)
    v = Value(x0)
    f(v).backward()
    report[f"{name}: Value"] = v.grad
    report[f"{name}: Dual"] = adlib.derivative(f, x0)
    report[f"{name}: array grad"] = float(adlib.grad(lambda x: anp.sum(f(x)))(np.array([x0]))[0])
    report[f"{name}: array jvp"] = float(adlib.jvp(f, (np.array([x0]),), (np.array([1.0]),))[1][0])
ops = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
       "div": lambda a, b: a / b, "pow": lambda a, b: a ** b}
a0, b0 = 1.3, 0.6
for name, op in ops.items():
    for side in (0, 1):
        a, b = Value(a0), Value(b0)
        op(a, b).backward()
        report[f"{name} d{'ab'[side]}: Value and Value"] = (a, b)[side].grad
        v = Value((a0, b0)[side])
        (op(v, b0) if side == 0 else op(a0, v)).backward()
        report[f"{name} d{'ab'[side]}: Value and number"] = v.grad
        report[f"{name} d{'ab'[side]}: Dual"] = adlib.derivative(
            (lambda t: op(t, b0)) if side == 0 else (lambda t: op(a0, t)), (a0, b0)[side])
        report[f"{name} d{'ab'[side]}: array grad"] = float(adlib.grad(
            lambda x, y: anp.sum(op(x, y)), argnum=side)(np.array([a0]), np.array([b0]))[0])
# a neuron's generated weighted sum (adlib.nn): mul's partials over add's (each tripled once)
from adlib.value import weighted_sum
bias, w, x = Value(0.3), Value(a0), Value(b0)
weighted_sum(bias, [w], [x]).backward()
report["mul (over add): weighted_sum, weight"] = w.grad / bias.grad
report["mul (over add): weighted_sum, input"] = x.grad / bias.grad
v = Value(x0)
(-v).backward()
report["neg: Value"] = v.grad
report["neg: Dual"] = adlib.derivative(lambda t: -t, x0)
report["neg: array grad"] = float(adlib.grad(lambda x: anp.sum(-x))(np.array([x0]))[0])
print(json.dumps(report))
'''


def _run(package_root):
    out = subprocess.run([sys.executable, "-c", CHECK], cwd=package_root, capture_output=True, text=True,
                         env={"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tripled = tmp_path_factory.mktemp("tripled")
    shutil.copytree(ROOT / "adlib", tripled / "adlib", ignore=shutil.ignore_patterns("__pycache__", "grade"))
    rules = tripled / "adlib" / "rules.py"
    text = rules.read_text(encoding="utf-8")
    marker = "\n\n# ---------------------------------------------------------------------------\n# Safe arithmetic"
    assert marker in text, "rules.py changed shape: put the tripling hook after compiled()"
    rules.write_text(text.replace(marker, TRIPLE + marker, 1), encoding="utf-8")
    return _run(ROOT), _run(tripled)


def test_every_mode_reads_every_derivative_from_the_table(reports):
    true, tripled = reports
    assert set(true) == set(tripled)
    wrong = {k: (true[k], tripled[k]) for k in true
             if abs(tripled[k] - 3.0 * true[k]) > 1e-9 * max(1.0, abs(true[k]))}
    assert wrong == {}, "these modes did not follow the table: " + ", ".join(wrong)


def test_the_check_covers_every_rule_and_both_scalar_modes(reports):
    true, _ = reports
    from adlib import rules
    for name in rules.UNARY:
        assert {f"{name}: Value", f"{name}: Dual", f"{name}: array grad"} <= set(true) or name == "neg"
    for name in rules.BINARY:
        assert f"{name} da: Value and Value" in true and f"{name} db: Dual" in true
    assert all(v != 0.0 for k, v in true.items() if "relu" not in k), true   # a zero would hide a change
