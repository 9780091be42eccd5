"""The examples in adlib's docstrings run, and give what they show (doctest).

Every module of the library outside grade/ and widgets/ is collected; each public
function and class of adlib, adlib.numpy and adlib.nn has an example (tested below).
"""
import doctest
import importlib
import inspect
import pkgutil
import sys

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.numpy import api

SKIP = ("adlib.grade", "adlib.widgets")

# Public functions whose docstring has no example yet (issue 16: every one should have one).
# Empty: every public function and class has an example.  A new one without an example fails.
MISSING_EXAMPLES = []

MODULES = sorted(m.name for m in pkgutil.walk_packages(adlib.__path__, "adlib.")
                 if not m.name.startswith(SKIP))


@pytest.mark.parametrize("name", ["adlib"] + MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (run with -s to see them)"


def _public(namespace, names):
    for name in names:
        obj = getattr(namespace, name)
        if callable(obj) and not isinstance(obj, type(np.add)):
            yield f"{namespace.__name__}.{name}", obj


def _has_example(obj):
    return ">>>" in (inspect.getdoc(obj) or "")


def public_objects():
    """{qualified name: object} for adlib's public functions and classes, adlib.nn's classes and
    adlib.numpy's differentiable functions."""
    from adlib import nn
    names = [n for n in dir(adlib) if not n.startswith("_") and callable(getattr(adlib, n))
             and not inspect.ismodule(getattr(adlib, n))]
    found = dict(_public(adlib, names))
    found.update(_public(nn, [n for n in nn.__all__ if inspect.isclass(getattr(nn, n))]))
    found.update(_public(anp, [n for n in api.__all__ if n not in api.NONDIFFERENTIABLE]))
    return found


def test_every_public_function_has_an_example():
    missing = sorted(q for q, obj in public_objects().items() if not _has_example(obj))
    gained = sorted(set(MISSING_EXAMPLES) - set(missing))
    assert gained == [], f"these have an example now: remove them from MISSING_EXAMPLES: {gained}"
    assert sorted(set(missing) - set(MISSING_EXAMPLES)) == []


@pytest.mark.parametrize("name", sorted(public_objects()))
def test_public_examples_run(name):
    """Also the examples doctest.testmod does not collect (generated docstrings of primitives)."""
    obj = public_objects()[name]
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    globs = dict(vars(module) if module is not None else {}, np=np)     # as doctest.testmod would
    for test in doctest.DocTestFinder(recurse=False).find(obj, name, globs=globs):
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} example(s) in the docstring of {name} failed"
