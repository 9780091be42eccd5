"""The examples in adlib's docstrings run, and give what they show (doctest).

Every module of the library outside grade/ and widgets/ is collected; each public
function and class of adlib, adlib.numpy and adlib.nn has an example (tested below).
"""
import doctest
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.numpy import api

SKIP = ("adlib.grade", "adlib.widgets")

# Public functions whose docstring has no example yet (issue 16: every one should have one).
# This list only shrinks: a new public function without an example fails, and so does one
# listed here that has gained an example (remove it from the list).
MISSING_EXAMPLES = [
    'adlib.GradcheckError', 'adlib.abs', 'adlib.backward_difference', 'adlib.central_difference',
    'adlib.checkpoint', 'adlib.complex_step', 'adlib.cos', 'adlib.draw_dot', 'adlib.draw_graph',
    'adlib.error_model', 'adlib.exp', 'adlib.forward_difference', 'adlib.gradcheck',
    'adlib.hessian', 'adlib.hvp', 'adlib.jacobian', 'adlib.jvp', 'adlib.log', 'adlib.make_moons',
    'adlib.nn.Layer', 'adlib.nn.MLP', 'adlib.nn.Module', 'adlib.nn.Neuron', 'adlib.nn.SGD',
    'adlib.numerical_grad', 'adlib.numerical_jacobian', 'adlib.numpy.abs', 'adlib.numpy.absolute',
    'adlib.numpy.add', 'adlib.numpy.amax', 'adlib.numpy.amin', 'adlib.numpy.array',
    'adlib.numpy.broadcast_to', 'adlib.numpy.clip', 'adlib.numpy.concatenate', 'adlib.numpy.cos',
    'adlib.numpy.divide', 'adlib.numpy.dot', 'adlib.numpy.einsum', 'adlib.numpy.exp',
    'adlib.numpy.expand_dims', 'adlib.numpy.getitem', 'adlib.numpy.log', 'adlib.numpy.log_softmax',
    'adlib.numpy.logsumexp', 'adlib.numpy.matmul', 'adlib.numpy.max', 'adlib.numpy.maximum',
    'adlib.numpy.mean', 'adlib.numpy.min', 'adlib.numpy.minimum', 'adlib.numpy.multiply',
    'adlib.numpy.negative', 'adlib.numpy.outer', 'adlib.numpy.power', 'adlib.numpy.ravel',
    'adlib.numpy.relu', 'adlib.numpy.reshape', 'adlib.numpy.sigmoid', 'adlib.numpy.sin',
    'adlib.numpy.softmax', 'adlib.numpy.sqrt', 'adlib.numpy.square', 'adlib.numpy.squeeze',
    'adlib.numpy.stack', 'adlib.numpy.std', 'adlib.numpy.subtract', 'adlib.numpy.sum',
    'adlib.numpy.swapaxes', 'adlib.numpy.tan', 'adlib.numpy.tanh', 'adlib.numpy.transpose',
    'adlib.numpy.true_divide', 'adlib.numpy.untake', 'adlib.numpy.var', 'adlib.numpy.where',
    'adlib.optimal_step', 'adlib.relu', 'adlib.sigmoid', 'adlib.sin', 'adlib.sqrt', 'adlib.square',
    'adlib.tan', 'adlib.tanh', 'adlib.unbroadcast', 'adlib.value_and_grad', 'adlib.vjp',
    'adlib.zero_grad',
]

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


def test_every_public_function_has_an_example():
    from adlib import nn
    names = [n for n in dir(adlib) if not n.startswith("_") and callable(getattr(adlib, n))
             and not inspect.ismodule(getattr(adlib, n))]
    missing = [q for q, obj in _public(adlib, names) if not _has_example(obj)]
    missing += [q for q, obj in _public(nn, [n for n in nn.__all__ if inspect.isclass(getattr(nn, n))])
                if not _has_example(obj)]
    assert sorted(missing) == sorted(m for m in MISSING_EXAMPLES if not m.startswith("adlib.numpy."))


def test_every_adlib_numpy_function_has_an_example():
    names = [n for n in api.__all__ if n not in api.NONDIFFERENTIABLE]
    missing = [q for q, obj in _public(anp, names) if not _has_example(obj)]
    assert sorted(missing) == sorted(m for m in MISSING_EXAMPLES if m.startswith("adlib.numpy."))
