"""The array rules: one VJP and one JVP per argument of each primitive, registered as data.

Elementwise rules are generated from the shared table :mod:`adlib.rules`
(``UNARY``, ``BINARY``): no derivative formula is restated here.  The structural
rules (sums, reshapes, indexing, matmul) are the adjoints of linear maps.

Every rule is written with adlib.numpy functions, so the backward pass can
itself be traced: that is what makes ``grad(grad(f))`` and ``jvp`` of ``grad`` work.
"""
from __future__ import annotations

import numpy as np

from .. import validate
from ..rules import BINARY, NUMPY_NAME, UNARY
from ..traced import primal as getval
from . import api as anp
from .primitive import defjvp, defvjp

__all__ = ["unbroadcast"]


def unbroadcast(g, target):
    """Sum g over the axes along which numpy broadcast ``target``, giving g the shape of target.

    If y = a + b broadcasts a of shape (3, 1) to (3, 4), each a[i, 0] fed four outputs,
    so ā[i, 0] = Σ_j ȳ[i, j]: sum over the new leading axes and over the size-1 axes.

    >>> import adlib, numpy as np
    >>> adlib.unbroadcast(np.ones((3, 4)), np.zeros((3, 1)))
    array([[4.],
           [4.],
           [4.]])
    """
    if type(g) is not np.ndarray or g.dtype.kind not in "fc":   # the common case costs one check
        validate.array_operand(g, "unbroadcast", "the gradient g")
    if type(target) is not np.ndarray or target.dtype.kind not in "fciub":
        validate.array_operand(target, "unbroadcast", "the target")
    shape = np.shape(target)
    gshape = np.shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead < 0 or any(n != 1 and n != m for n, m in zip(shape, gshape[lead:])):
        try:
            fits = np.broadcast_shapes(gshape, shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"unbroadcast: a gradient of shape {gshape} cannot be summed back to the target's "
                             f"shape {shape}: numpy could not have broadcast one to the other")
        return anp.broadcast_to(g, shape)   # g is smaller (a constant derivative): spread it
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1)
    if axes:
        g = anp.sum(g, axis=axes, keepdims=True)
    if lead:
        g = anp.reshape(g, shape)
    return g


def _times(g, d, inputs):
    """g · d, writing into d when d is a temporary the rule just made (one allocation fewer per op).

    Safe only for the rules generated here: d is then either fresh (owns its data, is
    none of the inputs or the answer) or is left alone.
    """
    if (type(d) is np.ndarray and type(g) is np.ndarray and d.base is None and d.flags.writeable
            and id(d) not in map(id, inputs)                          # (map: no Python frame per input)
            and ((d.shape == g.shape and d.dtype == g.dtype)          # the common case, checked cheaply
                 or (d.shape == np.broadcast_shapes(d.shape, g.shape) and d.dtype == np.result_type(d, g)))):
        d *= g
        return d
    return g * d


def _scale(g, d, inputs):
    """g · d, skipping the multiplication when the partial derivative is the constant ±1."""
    if type(d) is float:
        if d == 1.0:
            return g
        if d == -1.0:
            return anp.negative(g)
    return _times(g, d, inputs)


# ---------------------------------------------------------------------------
# Elementwise, from the shared table

def _unary_rules(rule):
    d = rule.derivative
    return (lambda g, ans, x: _scale(g, d(x, ans), (x, ans))), (lambda t, ans, x: _scale(t, d(x, ans), (x, ans)))


for _name, _rule in UNARY.items():
    _vjp, _jvp = _unary_rules(_rule)
    defvjp(anp.UNARY_PRIMITIVES[_name], _vjp)
    defjvp(anp.UNARY_PRIMITIVES[_name], _jvp)


def _binary_rules(rule):
    d_a, d_b = rule.partials
    vjps = (lambda g, ans, a, b: unbroadcast(_scale(g, d_a(a, b, ans), (a, b, ans)), a),
            lambda g, ans, a, b: unbroadcast(_scale(g, d_b(a, b, ans), (a, b, ans)), b))
    jvps = (lambda t, ans, a, b: _scale(t, d_a(a, b, ans), (a, b, ans)),
            lambda t, ans, a, b: _scale(t, d_b(a, b, ans), (a, b, ans)))
    return vjps, jvps


for _name, _rule in BINARY.items():
    _vjps, _jvps = _binary_rules(_rule)
    defvjp(anp.BINARY_PRIMITIVES[NUMPY_NAME[_name]], *_vjps)
    defjvp(anp.BINARY_PRIMITIVES[NUMPY_NAME[_name]], *_jvps)



def _balanced_eq(x, z, y):
    """1 where x is the selected value z, 1/2 where x and y tie (a constant mask)."""
    x, z, y = getval(x), getval(z), getval(y)
    return (x == z) / (1.0 + (x == y))


for _prim in (anp.maximum, anp.minimum):     # the same rules: the gradient follows the selected operand
    defvjp(_prim,
           lambda g, ans, a, b: unbroadcast(g * _balanced_eq(a, ans, b), a),
           lambda g, ans, a, b: unbroadcast(g * _balanced_eq(b, ans, a), b))
    defjvp(_prim,
           lambda t, ans, a, b: t * _balanced_eq(a, ans, b),
           lambda t, ans, a, b: t * _balanced_eq(b, ans, a))


def _inside(x, lo, hi):
    x = getval(x)
    return ((x >= getval(lo)) & (x <= getval(hi))) * 1.0


defvjp(anp.clip, lambda g, ans, x, lo, hi: g * _inside(x, lo, hi))
defjvp(anp.clip, lambda t, ans, x, lo, hi: t * _inside(x, lo, hi))

defvjp(anp.where_args, None,
       lambda g, ans, c, x, y: unbroadcast(anp.where(c, g, 0.0), x),
       lambda g, ans, c, x, y: unbroadcast(anp.where(c, 0.0, g), y))
defjvp(anp.where_args, None,
       lambda t, ans, c, x, y: anp.where(c, t, 0.0),
       lambda t, ans, c, x, y: anp.where(c, 0.0, t))


# ---------------------------------------------------------------------------
# matmul and dot: ā = ȳ bᵀ, b̄ = aᵀ ȳ (with numpy's promotion of 1-D operands)

def _mT(x):
    return anp.swapaxes(x, -1, -2)


def _matmul_vjp_a(g, ans, a, b):
    if np.ndim(b) == 1:                       # y[..., i] = Σ_k a[..., i, k] b[k]
        return unbroadcast(anp.reshape(g, np.shape(g) + (1,)) * b, a)
    if np.ndim(a) == 1:                       # y[..., j] = Σ_k a[k] b[..., k, j]
        gb = anp.matmul(b, anp.reshape(g, np.shape(g) + (1,)))       # (..., k, 1)
        return unbroadcast(anp.reshape(gb, np.shape(gb)[:-1]), a)
    return unbroadcast(anp.matmul(g, _mT(b)), a)


def _matmul_vjp_b(g, ans, a, b):
    if np.ndim(a) == 1:
        return unbroadcast(a[:, None] * anp.reshape(g, np.shape(g)[:-1] + (1,) + np.shape(g)[-1:]), b) \
            if np.ndim(b) > 1 else g * a
    if np.ndim(b) == 1:                       # b̄[k] = Σ_{..., i} a[..., i, k] ȳ[..., i]
        gb = anp.matmul(_mT(a), anp.reshape(g, np.shape(g) + (1,)))
        return unbroadcast(anp.reshape(gb, np.shape(gb)[:-1]), b)
    return unbroadcast(anp.matmul(_mT(a), g), b)


defvjp(anp.matmul, _matmul_vjp_a, _matmul_vjp_b)
defjvp(anp.matmul, lambda t, ans, a, b: anp.matmul(t, b), lambda t, ans, a, b: anp.matmul(a, t))


def _dot_vjp(i):
    def vjp(g, ans, a, b):
        if np.ndim(a) == 0 or np.ndim(b) == 0:       # dot of a scalar is a product
            return unbroadcast(g * (b if i == 0 else a), (a, b)[i])
        if np.ndim(a) == 2 and np.ndim(b) == 2:      # the MLP's case: no reshapes
            return anp.dot(g, anp.transpose(b)) if i == 0 else anp.dot(anp.transpose(a), g)
        return (_matmul_vjp_a if i == 0 else _matmul_vjp_b)(g, ans, a, b)
    return vjp


defvjp(anp.dot, _dot_vjp(0), _dot_vjp(1))
defjvp(anp.dot, lambda t, ans, a, b: anp.dot(t, b), lambda t, ans, a, b: anp.dot(a, t))


# ---------------------------------------------------------------------------
# einsum: y = einsum('ij,jk->ik', a, b) is linear in each operand, so its adjoint is an einsum too:
# ā = einsum('ik,jk->ij', ȳ, b).  The subscripts reaching the primitive are explicit (see api.einsum).

def _einsum_split(subscripts):
    lhs, out = subscripts.split("->")
    return lhs.split(","), out


def _einsum_vjp(g, ins, out, operands, k):
    """x̄_k = einsum('out,others->in_k', ȳ, *others), spread back over what only x_k had."""
    others = [s for j, s in enumerate(ins) if j != k]
    seen = set(out).union(*others)
    # an index of x_k alone was summed away: ∂y/∂x_k is constant along it, so x̄_k is broadcast there
    kept = "".join(c for c in ins[k] if c in seen)
    r = anp.einsum_args(",".join([out] + others) + "->" + kept, g, *[x for j, x in enumerate(operands) if j != k])
    shape = np.shape(operands[k])
    sizes = dict(zip(kept, np.shape(r)))
    full = tuple(sizes.get(c, 1) for c in ins[k])
    if np.shape(r) != full:
        r = anp.reshape(r, full)
    # a size-1 axis of x_k that numpy broadcast against a longer one elsewhere: sum back
    axes = tuple(p for p, (n, m) in enumerate(zip(shape, full)) if n == 1 and m != 1)
    if axes:
        r = anp.sum(r, axis=axes, keepdims=True)
    if np.shape(r) != shape:
        r = anp.broadcast_to(r, shape)
    return r


def _einsum_vjp_all(g, ans, args, kwargs, argnums):
    ins, out = _einsum_split(args[0])
    return [_einsum_vjp(g, ins, out, args[1:], i - 1) for i in argnums]


def _einsum_jvp_all(tangents, ans, args, kwargs):
    """ẏ = Σ_k einsum(subscripts, ..., ẋ_k in place of x_k, ...) (the product rule)."""
    tangent = None
    for i, t in tangents:
        operands = list(args[1:])
        operands[i - 1] = t
        term = anp.einsum_args(args[0], *operands)
        tangent = term if tangent is None else anp.add(tangent, term)
    return tangent


anp.einsum_args.vjp_all = _einsum_vjp_all
anp.einsum_args.jvp_all = _einsum_jvp_all


# ---------------------------------------------------------------------------
# Reductions: spread ȳ back over the reduced axes

def _restore(g, x, axis, keepdims):
    """ȳ (reduced over axis) reshaped to broadcast against x, then broadcast to x's shape."""
    shape = np.shape(x)
    if axis is not None and not keepdims:
        axes = axis if isinstance(axis, tuple) else (axis,)
        axes = {a % len(shape) for a in axes}
        g = anp.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return g


def _restore_full(g, x, axis, keepdims):
    return anp.broadcast_to(_restore(g, x, axis, keepdims), np.shape(x))


defvjp(anp.sum, lambda g, ans, x, axis=None, keepdims=False: _restore_full(g, x, axis, keepdims))
defjvp(anp.sum, lambda t, ans, x, axis=None, keepdims=False: anp.sum(t, axis, keepdims))


def _extremum_mask(ans, x, axis, keepdims):
    """1/count at the entries equal to the extremum (ties share), 0 elsewhere; a constant."""
    xv = getval(x)
    eq = xv == getval(_restore(ans, x, axis, keepdims))
    return eq / np.sum(eq, axis=axis, keepdims=True)


def _extremum_rules(prim):
    defvjp(prim, lambda g, ans, x, axis=None, keepdims=False:
           _restore(g, x, axis, keepdims) * _extremum_mask(ans, x, axis, keepdims))
    defjvp(prim, lambda t, ans, x, axis=None, keepdims=False:
           anp.sum(t * _extremum_mask(ans, x, axis, keepdims), axis, keepdims))


_extremum_rules(anp.max)
_extremum_rules(anp.min)


def _softmax_weights(ans, x, axis, keepdims):
    return anp.exp(x - _restore(ans, x, axis, keepdims))     # ∂ logsumexp / ∂x = softmax(x)


defvjp(anp.logsumexp, lambda g, ans, x, axis=None, keepdims=False:
       _restore(g, x, axis, keepdims) * _softmax_weights(ans, x, axis, keepdims))
defjvp(anp.logsumexp, lambda t, ans, x, axis=None, keepdims=False:
       anp.sum(t * _softmax_weights(ans, x, axis, keepdims), axis, keepdims))


# ---------------------------------------------------------------------------
# Shapes and indexing: adjoints of linear maps

defvjp(anp.reshape, lambda g, ans, x, shape: anp.reshape(g, np.shape(x)))
defjvp(anp.reshape, lambda t, ans, x, shape: anp.reshape(t, shape))


def _inverse_axes(axes, ndim):
    return None if axes is None else tuple(np.argsort([a % ndim for a in axes]))


defvjp(anp.transpose, lambda g, ans, x, axes=None: anp.transpose(g, _inverse_axes(axes, np.ndim(x))))
defjvp(anp.transpose, lambda t, ans, x, axes=None: anp.transpose(t, axes))
defvjp(anp.swapaxes, lambda g, ans, x, a1, a2: anp.swapaxes(g, a1, a2))
defjvp(anp.swapaxes, lambda t, ans, x, a1, a2: anp.swapaxes(t, a1, a2))
defvjp(anp.broadcast_to, lambda g, ans, x, shape: unbroadcast(g, x))
defjvp(anp.broadcast_to, lambda t, ans, x, shape: anp.broadcast_to(t, shape))

defvjp(anp.getitem, lambda g, ans, x, index: anp.untake(g, index, np.shape(x)))
defjvp(anp.getitem, lambda t, ans, x, index: anp.getitem(t, index))
defvjp(anp.untake, lambda g, ans, gx, index, shape: anp.getitem(g, index))
defjvp(anp.untake, lambda t, ans, gx, index, shape: anp.untake(t, index, shape))


def _concatenate_vjp_all(g, ans, args, kwargs, argnums):
    axis, arrays = args[0], args[1:]
    sizes = np.cumsum([np.shape(a)[axis] for a in arrays])[:-1]
    pieces = []
    for i in argnums:
        k = i - 1
        start = 0 if k == 0 else int(sizes[k - 1])
        stop = start + np.shape(arrays[k])[axis]
        index = [slice(None)] * np.ndim(ans)
        index[axis] = slice(start, stop)
        pieces.append(anp.getitem(g, tuple(index)))
    return pieces


def _concatenate_jvp_all(tangents, ans, args, kwargs):
    axis, arrays = args[0], list(args[1:])
    parts = [np.zeros(np.shape(a)) for a in arrays]
    for i, t in tangents:
        parts[i - 1] = t
    return anp.concatenate_args(axis, *parts)


anp.concatenate_args.vjp_all = _concatenate_vjp_all
anp.concatenate_args.jvp_all = _concatenate_jvp_all
