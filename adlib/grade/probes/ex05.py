"""Probes for exercise 5 (VJP rules).  The sandbox's adlib is a stand-in (``fake_adlib``)."""
import numpy as np

from .common import InvalidSubmission, own

PRIMITIVES = ("matmul", "add", "sum_axis", "logsumexp", "softmax")


def unbroadcast(m, gs, shapes):
    fn = own(m, "unbroadcast")
    return [fn(g.copy(), tuple(int(s) for s in shape)) for g, shape in zip(gs, shapes)]


def _copy(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def rule(m, name, g, ans, *inputs):
    """The student's rule on (g, ans, *inputs) and on (ones, ans, *inputs)."""
    fn = own(m, name)
    if isinstance(inputs[-1], float) and name == "sum_axis_vjp":
        inputs = inputs[:-1] + (int(inputs[-1]),)
    return (fn(_copy(g), _copy(ans), *[_copy(i) for i in inputs]),
            fn(np.ones_like(g), _copy(ans), *[_copy(i) for i in inputs]))


def _registered(m, name, arity):
    prim = getattr(m, name, None)
    vjps = getattr(prim, "vjps", None)
    if not callable(prim) or vjps is None or not callable(getattr(prim, "fn", None)):
        raise InvalidSubmission(f"{name} must stay an adlib.primitive with its rules registered by adlib.defvjp")
    if len(vjps) != arity:
        raise InvalidSubmission(f"adlib.defvjp({name}, ...) must register {arity} rule(s), one per argument; "
                                f"it registered {len(vjps)}")
    for rule_fn in vjps:
        if rule_fn is None or getattr(rule_fn, "__module__", None) != m.__name__:
            raise InvalidSubmission(f"the rules registered for {name} must be your own functions")
    return prim.fn, vjps


def chained(m, A, B, b, w0, w1, w2):
    """The gradient of L = Σ lse(Z)·w0 + Σ sum_axis(softmax(Z)·w1, 0)·w2, Z = add(matmul(A, B), b),
    by chaining the registered rules (what adlib.grad does with them)."""
    (mm, mm_v), (ad, ad_v) = _registered(m, "matmul", 2), _registered(m, "add", 2)
    (sa, sa_v), (ls, ls_v) = _registered(m, "sum_axis", 1), _registered(m, "logsumexp", 1)
    sm, sm_v = _registered(m, "softmax", 1)
    P = mm(A, B)
    Z = ad(P, b)
    lse, s = ls(Z), sm(Z)
    S = sa(s * w1, 0)
    gZ = ls_v[0](w0, lse, Z) + sm_v[0](sa_v[0](w2, S, s * w1, 0) * w1, s, Z)
    gP, gb = ad_v[0](gZ, Z, P, b), ad_v[1](gZ, Z, P, b)
    return [mm_v[0](gP, P, A, B), mm_v[1](gP, P, A, B), gb]
