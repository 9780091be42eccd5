"""adlib: automatic differentiation and backpropagation, for learning and for homework.

One function written with adlib's elementary functions can be evaluated,
finite-differenced, and differentiated in forward and reverse mode::

    import adlib
    f = lambda x: x * adlib.exp(x)
    adlib.central_difference(f, 1.0)      # numerical
    adlib.derivative(f, 1.0)              # forward mode (dual numbers)
    v = adlib.Value(1.0); f(v).backward(); v.grad   # reverse mode
"""
from .rules import exp, log, sin, cos, tan, tanh, sigmoid, relu, sqrt, abs, square  # noqa: A004
from .rules import log1p, expm1, softplus  # the stable forms of log(1 + x), exp(x) - 1, log(1 + exp(x))
from .numeric import (forward_difference, backward_difference, central_difference, complex_step,
                      numerical_grad, numerical_jacobian, error_model, optimal_step)
from .forward import Dual, derivative, jvp

# --- issue 3: scalar reverse mode (Value, graphs, nn) ---
from .value import Value, zero_grad
from .graph import draw_graph, draw_dot, backward_steps, topological_order
from .datasets import make_moons
from . import nn  # noqa: E402  (adlib.nn.MLP after `import adlib`)

# --- issue 4: array reverse mode (adlib.numpy, functional API, gradcheck) ---
from .functional import grad, value_and_grad, vjp, jacobian, hessian, hvp
from .checkpoint import checkpoint
from .numpy.primitive import primitive, defvjp, defjvp
from .numpy.rules import unbroadcast
from .check import gradcheck, GradcheckError

__version__ = "0.1.0"
