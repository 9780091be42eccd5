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

import numbers

import numpy as np

from .forward import Dual, jvp_named
from .numeric import returned_none
from . import validate
from .numpy import api as anp
from .numpy.backward import backward
from .numpy.tracing import ArrayBox, Node, getval, new_trace
from .value import Value

__all__ = ["grad", "value_and_grad", "vjp", "jacobian", "hessian", "hvp", "checkpoint"]


def _check_input(x, what):
    """Refuse inputs that cannot carry a gradient, in a student's words (adlib.validate)."""
    if type(x) in (ArrayBox, Dual):
        return x
    return validate.differentiable(x, what)


def _argnums(argnum, nargs, what, kwargs=None):
    return validate.argnums(argnum, nargs, what, kwargs)


def _trace(f, args, kwargs, nums, what):
    """Run f with args[nums] boxed in a fresh trace; return (level, output, leaf nodes)."""
    level = new_trace()
    args = list(args)
    leaves = []
    boxed = {}
    for i in nums:
        if i not in boxed:          # argnum=(0, 0): one box, its gradient given twice
            x = _check_input(args[i], f"{what}: argument {i}")
            node = Node(None, (), {}, x, ())
            boxed[i] = node
            args[i] = ArrayBox(x, node, level)
        leaves.append(boxed[i])
    return level, f(*args, **kwargs), leaves


def _unbox(out, level, what):
    """(value, node) of f's output for this trace; node None when it does not depend on the inputs."""
    if type(out) is ArrayBox:
        if out._level == level:
            return out._value, out._node
        return out, None                 # traced by an outer call only: a constant here
    if out is None:
        raise returned_none(what)
    if isinstance(out, (tuple, list, dict)):
        raise TypeError(f"{what}: the function returned a {type(out).__name__}; it must return a single "
                        "array or number")
    if isinstance(out, Value):           # scalar reverse mode has its own backward()
        raise TypeError(f"{what}: the function returned an adlib.Value; {what} differentiates functions "
                        "written with adlib.numpy (for a Value, call out.backward() and read .grad)")
    if isinstance(out, (bool, np.bool_, str, bytes)) or not isinstance(out, (numbers.Number, np.ndarray,
                                                                          np.generic, Dual)):
        raise TypeError(f"{what}: the function returned {type(out).__name__} ({out!r:.40}); "
                        "it must return a number or an array")
    if isinstance(out, (np.ndarray, np.generic)) and not np.issubdtype(out.dtype, np.number):
        raise TypeError(f"{what}: the function returned an array of dtype {out.dtype}; "
                        "it must return numbers")
    return out, None


def _as_gradient(g, x):
    """The gradient in the input's shape, as a writable array (or a number for a number input)."""
    shape = np.shape(x)
    if g is None:                   # f does not depend on x: zeros of x's shape (x may be traced)
        return np.zeros(shape, dtype=_float_dtype(x)) if shape or isinstance(getval(x), np.ndarray) else 0.0
    dtype = _float_dtype(x)
    if dtype != np.float64 and type(g) is np.ndarray and g.dtype != dtype:
        g = g.astype(dtype)         # float32 in, float32 out (as torch and autograd)
    if type(g) is np.ndarray:
        if g.shape != shape:
            g = np.broadcast_to(g, shape)
        if not g.flags.writeable:   # a broadcast view: give the student an array of their own
            g = g.copy()
        if g.ndim == 0 and not isinstance(x, np.ndarray):
            return g[()]
    elif isinstance(g, np.generic) and isinstance(x, np.ndarray):
        return np.asarray(g)          # a 0-d array in, a 0-d array out
    return g


def _float_dtype(x):
    """The dtype of x's gradient: x's own float dtype (float32 stays float32), else float64."""
    dtype = getattr(getval(x), "dtype", None)
    return dtype if dtype is not None and dtype.kind == "f" else np.dtype(np.float64)


def value_and_grad(f, argnum=0):
    """(f(*args), ∇f) for scalar-valued f, by one forward and one backward pass.

    ``argnum`` is the position of the argument to differentiate, or a tuple of them
    (then the gradient is a tuple; a position given twice gets its gradient twice).
    Each gradient has its argument's shape and float dtype (float32 in, float32 out;
    the computation itself follows numpy's type promotion).  A function that does not
    depend on an argument gets zeros of that argument's shape.  Inputs must be real:
    a complex input is refused (adlib differentiates real functions).
    """
    return _value_and_grad(f, argnum, "grad")


def _value_and_grad(f, argnum, what):
    """value_and_grad, with errors naming ``what`` (grad, hessian, hvp: what the student called)."""
    def value_and_grad_f(*args, **kwargs):
        nums, many = _argnums(argnum, len(args), what, kwargs)
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
    """
    return _vjp(f, primals, "vjp")


def _vjp(f, primals, what):
    """vjp, with errors naming ``what`` (the function the student called)."""
    nums = tuple(range(len(primals)))
    # vjp_fn runs later: copy the arrays passed in, so changing them in place afterwards
    # cannot change what vjp_fn computes (the values it differentiates at are these)
    primals = tuple(p.copy() if type(p) is np.ndarray else p for p in primals)
    level, out, leaves = _trace(f, primals, {}, nums, what)
    value, node = _unbox(out, level, what)

    def vjp_fn(cotangent):
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
    """
    if mode not in ("reverse", "forward"):
        raise ValueError(f"jacobian: mode must be 'reverse' or 'forward', got {mode!r}")

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
    """H = ∂²f/∂x², shape x.shape + x.shape: the Jacobian of the gradient (reverse over reverse)."""
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
    """
    def hvp_f(*args):
        *args, v = args
        nums, _ = _argnums(argnum, len(args), "hvp")
        i = nums[0]
        x = _check_input(args[i], f"hvp: argument {i}")
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


from .checkpoint import checkpoint  # noqa: E402  (checkpoint builds on vjp above)
