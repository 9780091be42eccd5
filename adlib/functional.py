"""The functional API of array reverse mode: grad, value_and_grad, vjp, jacobian, hessian, hvp.

Each takes a function written with :mod:`adlib.numpy` and returns a function (or
values), as in HIPS autograd and JAX.  For f: R^n -> R^m with Jacobian J:

* ``vjp``       ū ↦ ūᵀJ, one backward pass for any ū (reverse mode);
* ``jvp``       v ↦ Jv, one forward pass (:func:`adlib.jvp`, dual numbers);
* ``grad``      ∇f = Jᵀ·1 for scalar f (one reverse pass, whatever n);
* ``jacobian``  J row by row (reverse) or column by column (forward);
* ``hessian``   the Jacobian of the gradient;
* ``hvp``       Hv = d/dε ∇f(x + εv), forward-over-reverse, never forming H.
"""
from __future__ import annotations

import numpy as np

from . import validate
from .forward import jvp_named
from .numpy import api as anp
from .numpy.backward import backward
from .trace_call import as_gradient as _as_gradient
from .trace_call import check_input as _check_input
from .trace_call import trace as _trace
from .trace_call import unbox as _unbox

__all__ = ["grad", "value_and_grad", "vjp", "jacobian", "hessian", "hvp"]


def _argnums(argnum, nargs, what, kwargs=None):
    return validate.argnums(argnum, nargs, what, kwargs)


def value_and_grad(f, argnum=0):
    """(f(*args), ∇f) for scalar-valued f, by one forward and one backward pass.

    ``argnum`` is the position of the argument to differentiate, or a tuple of them
    (then the gradient is a tuple; a position given twice gets its gradient twice).
    Each gradient has its argument's shape and float dtype (float32 in, float32 out;
    the computation itself follows numpy's type promotion).  A function that does not
    depend on an argument gets zeros of that argument's shape.  Inputs must be real:
    a complex input is refused (adlib differentiates real functions).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.value_and_grad(lambda x: anp.sum(x ** 3))(np.array([1.0, 2.0]))
    (np.float64(9.0), array([ 3., 12.]))
    """
    return _value_and_grad(f, argnum, "grad")


def _value_and_grad(f, argnum, what):
    """value_and_grad, with errors naming ``what`` (grad, hessian, hvp: what the student called)."""
    validate.function(f, what)
    validate.argnum_kinds(argnum, what)
    positions = {}      # number of arguments -> (argnum's positions, whether a tuple), checked once

    def value_and_grad_f(*args, **kwargs):
        checked = positions.get(len(args))
        if checked is None:
            checked = positions[len(args)] = _argnums(argnum, len(args), what, kwargs)
        nums, many = checked
        level, out, leaves = _trace(f, args, kwargs, nums, what)
        value, node = _unbox(out, level, what)
        if np.ndim(value) != 0:
            raise TypeError(f"{what}: the function must return a scalar, but it returned an array of shape "
                            f"{np.shape(value)}; reduce it (e.g. anp.sum) or use adlib.jacobian or adlib.vjp")
        if node is None:
            grads = [None] * len(leaves)
        else:
            grads = backward(node, _one_like(value), leaves)
        grads = tuple(_as_gradient(g, args[i]) for g, i in zip(grads, nums))
        return value, grads if many else grads[0]
    value_and_grad_f.__name__ = f"value_and_grad_{getattr(f, '__name__', 'f')}"
    return value_and_grad_f


def _one_like(value):
    return np.ones(np.shape(value)) if isinstance(value, np.ndarray) else 1.0


def grad(f, argnum=0):
    """∇f: a function returning the gradient of scalar-valued f with respect to argument ``argnum``.

    >>> import adlib.numpy as anp
    >>> grad(lambda x: anp.sum(x ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return _grad(f, argnum, "grad")


def _grad(f, argnum, what):
    vg = _value_and_grad(f, argnum, what)

    def grad_f(*args, **kwargs):
        return vg(*args, **kwargs)[1]
    grad_f.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    return grad_f


def vjp(f, *primals):
    """(f(*primals), vjp_fn) with ``vjp_fn(ū) = (ūᵀ ∂f/∂x_0, ūᵀ ∂f/∂x_1, ...)``.

    One forward pass records the trace; each call of ``vjp_fn`` is one backward pass.
    The primals are copied when ``vjp`` is called, so changing them in place afterwards
    does not change ``vjp_fn``; other arrays f reads (from a closure) are not copied:
    do not change them before calling ``vjp_fn``.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> out, vjp_fn = adlib.vjp(lambda x: x * x, np.array([1.0, 2.0]))
    >>> vjp_fn(np.array([1.0, 10.0]))          # ūᵀ J with J = diag(2x)
    (array([ 2., 40.]),)
    """
    return _vjp(f, primals, "vjp")


def _vjp(f, primals, what):
    """vjp, with errors naming ``what`` (the function the student called)."""
    validate.function(f, what)
    nums = tuple(range(len(primals)))
    # vjp_fn runs later: copy the arrays passed in, so changing them in place afterwards
    # cannot change what vjp_fn computes (the values it differentiates at are these)
    primals = tuple(p.copy() if type(p) is np.ndarray else p for p in primals)
    level, out, leaves = _trace(f, primals, {}, nums, what)
    value, node = _unbox(out, level, what)

    def vjp_fn(cotangent):
        validate.array_operand(cotangent, what, "the cotangent")
        if np.shape(cotangent) != np.shape(value):
            raise ValueError(f"{what}: the cotangent has shape {np.shape(cotangent)} but f's output has shape "
                             f"{np.shape(value)}; they must match")
        grads = [None] * len(leaves) if node is None else backward(node, cotangent, leaves)
        return tuple(_as_gradient(g, x) for g, x in zip(grads, primals))
    return value, vjp_fn


def jacobian(f, argnum=0, mode="reverse"):
    """J[i..., j...] = ∂f(x)[i...] / ∂x[j...], of shape out.shape + in.shape.

    ``mode="reverse"``: one backward pass per output entry (best when outputs are few);
    ``mode="forward"``: one forward pass per input entry (best when inputs are few).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.jacobian(lambda x: anp.stack([x[0] * x[1], x[0] + x[1]]))(np.array([2.0, 3.0]))
    array([[3., 2.],
           [1., 1.]])
    """
    validate.function(f, "jacobian")
    validate.argnum_kinds(argnum, "jacobian")
    validate.choice(mode, ("reverse", "forward"), "jacobian", "mode")

    def jacobian_f(*args, **kwargs):
        nums, many = _argnums(argnum, len(args), "jacobian", kwargs)
        jacs = tuple(_jacobian_one(f, args, kwargs, i, mode) for i in nums)
        return jacs if many else jacs[0]
    jacobian_f.__name__ = f"jacobian_{getattr(f, '__name__', 'f')}"
    return jacobian_f


def _jacobian_one(f, args, kwargs, i, mode):
    x = _check_input(args[i], f"jacobian: argument {i}")
    in_shape = np.shape(x)

    def f_i(xi):
        a = list(args)
        a[i] = xi
        return f(*a, **kwargs)

    if mode == "reverse":
        value, vjp_fn = _vjp(f_i, (x,), "jacobian")
        out_shape = np.shape(value)
        rows = []
        for k in range(int(np.prod(out_shape))):
            e = np.zeros(int(np.prod(out_shape)))
            e[k] = 1.0
            rows.append(anp.reshape(vjp_fn(e.reshape(out_shape))[0], (-1,)))
        n_in = int(np.prod(in_shape))
        J = anp.stack(rows) if rows else np.zeros((0, n_in))
        return anp.reshape(J, out_shape + in_shape)
    n_in = int(np.prod(in_shape))
    cols = []
    out_shape = None
    for k in range(n_in):
        e = np.zeros(n_in)
        e[k] = 1.0
        value, col = jvp_named(f_i, (x,), (e.reshape(in_shape),), "jacobian")
        out_shape = np.shape(value)
        cols.append(anp.reshape(col, (-1,)))
    if not cols:
        out_shape = np.shape(f_i(x))
        return np.zeros(out_shape + in_shape)
    J = anp.stack(cols, axis=-1)
    return anp.reshape(J, out_shape + in_shape)


def hessian(f, argnum=0):
    """H = ∂²f/∂x², shape x.shape + x.shape: the Jacobian of the gradient (reverse over reverse).

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]))   # [[2 x1, 2 x0], [2 x0, 0]]
    array([[4., 2.],
           [2., 0.]])
    """
    validate.function(f, "hessian")
    if isinstance(argnum, (tuple, list)):
        raise TypeError("hessian: argnum must be a single int")
    validate.argnum_kinds(argnum, "hessian")

    def hessian_f(*args, **kwargs):
        if isinstance(argnum, (tuple, list)):
            raise TypeError("hessian: argnum must be a single int")
        (i,), _ = _argnums(argnum, len(args), "hessian", kwargs)
        _check_input(args[i], f"hessian: argument {i}")      # errors name hessian, not jacobian
        return jacobian(_grad(f, argnum, "hessian"), argnum)(*args, **kwargs)
    hessian_f.__name__ = f"hessian_{getattr(f, '__name__', 'f')}"
    return hessian_f


def hvp(f, argnum=0):
    """hvp(f)(*args, v) = H v, by forward mode over reverse mode: the jvp of grad f along v.

    Costs about one gradient evaluation (a few passes), never forming the n×n Hessian.

    >>> import adlib, adlib.numpy as anp, numpy as np
    >>> adlib.hvp(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]), np.array([1.0, 0.0]))   # H's first column
    array([4., 2.])
    """
    validate.function(f, "hvp")
    validate.argnum_kinds(argnum, "hvp")

    def hvp_f(*args):
        *args, v = args
        nums, _ = _argnums(argnum, len(args), "hvp")
        i = nums[0]
        x = _check_input(args[i], f"hvp: argument {i}")
        validate.array_operand(v, "hvp", "the direction v")
        if np.shape(v) != np.shape(x):
            raise ValueError(f"hvp: the direction v has shape {np.shape(v)} but argument {i} has shape "
                             f"{np.shape(x)}; they must match")
        g = _grad(f, i, "hvp")

        def g_i(xi):
            a = list(args)
            a[i] = xi
            return g(*a)
        return jvp_named(g_i, (x,), (v,), "hvp")[1]
    hvp_f.__name__ = f"hvp_{getattr(f, '__name__', 'f')}"
    return hvp_f
