"""Random programs at the edges, differentiated by adlib and by HIPS autograd: 0 mismatches.

Each program is a short chain of operations drawn at random and written once for either
library's namespace.  The families the issue names are all generated:

* exact zeros in the inputs (0.0 and -0.0 are drawn often);
* integer powers x ** k, k = 0 .. 3 (x ** 0 and x ** 1 at 0 are the classic nan traps);
* constants raised to traced powers, c ** x;
* unused inputs (a second argument f ignores);
* outputs that do not depend on the input (a chain that ends in a constant);
* repeated arguments (the same array passed twice, argnum=(0, 0)).

For each, gradients, Jacobians (both modes), Hessians, a third derivative by nesting and
forward-over-reverse are compared with autograd; scalar programs also run through Value and
Dual (first and nested second derivatives).  autograd's own answers at two known edges are
not used as the oracle (documented where they occur): its ``grad(f, argnum=(0, 0))`` returns
zeros for the first entry, and its Hessian of ``a ** b`` at ``b = 0`` is not symmetric.
"""
import math
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

autograd = pytest.importorskip("autograd")
agnp = pytest.importorskip("autograd.numpy")

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402


# One operation: v (the running value) and x (the input) -> new v, written for a namespace np_.
OPS = {
    "pow0": lambda np_, v, x: v ** 0,
    "pow1": lambda np_, v, x: v ** 1,
    "pow2": lambda np_, v, x: v ** 2,
    "pow3": lambda np_, v, x: v ** 3,
    "2**v": lambda np_, v, x: 2.0 ** v,
    "0.5**v": lambda np_, v, x: 0.5 ** v,
    "3**(v*x)": lambda np_, v, x: 3.0 ** (v * x),
    "sin": lambda np_, v, x: np_.sin(v),
    "tanh": lambda np_, v, x: np_.tanh(v),
    "gauss": lambda np_, v, x: np_.exp(-v * v),
    "times x": lambda np_, v, x: v * x,
    "plus x": lambda np_, v, x: v + x,
    "scale": lambda np_, v, x: -1.5 * v,
    "x**2 + v": lambda np_, v, x: x ** 2 + v,
}
CONSTANT = "constant"      # the chain ends in a constant: the output does not depend on x

zeros_and_reals = st.one_of(st.sampled_from([0.0, -0.0, 1.0, -1.0]), st.floats(-1.5, 1.5))
inputs = hnp.arrays(np.float64, st.integers(1, 3), elements=zeros_and_reals)
chains = st.lists(st.sampled_from(sorted(OPS)), min_size=1, max_size=4)


def program(ops, np_, constant=False):
    """x -> the chain's value (elementwise, the shape of x)."""
    def g(x):
        v = x
        for name in ops:
            v = OPS[name](np_, v, x)
        if constant:
            v = np.linspace(1.0, 2.0, math.prod(np.shape(x))).reshape(np.shape(x))   # plain: no dependence on x
        return v
    return g


def scalar_of(g, np_):
    w = None

    def f(x):
        nonlocal w
        w = np.linspace(0.5, 1.5, math.prod(np.shape(x))).reshape(np.shape(x))    # non-uniform weights
        return np_.sum(w * g(x))
    return f


def saturation(ops, x):
    """The smallest 1 - tanh(v)^2 the chain meets at x (1 if it has no tanh).

    adlib's tanh' is 1 - tanh^2, from the answer (as torch); autograd's is 1 / cosh^2, from x.
    Where tanh saturates, 1 - tanh^2 keeps only an absolute eps of accuracy: a relative error
    of about eps / (1 - tanh^2) in every derivative through it (4e-9 at v = 9; all of it
    from v = 19 on, where tanh(v) is exactly 1).  Neither is wrong; the tolerance says so.
    """
    smallest, v = 1.0, np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        for name in ops:
            if name == "tanh":
                smallest = min(smallest, float(np.min(1.0 - np.tanh(v) ** 2, initial=1.0)))
            v = OPS[name](np, v, np.asarray(x, dtype=float))
    return smallest


def close(ours, theirs, what, ops, x):
    """Equal to rounding: 1e-9 relative, more where the chain's tanh saturates (see saturation)."""
    s = saturation(ops, x)
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    if s == 0:      # tanh(v) is exactly +-1: autograd's 1/cosh^2 overflows into nan where ours is 0
        keep = np.isfinite(theirs)
        ours, theirs = ours[keep], theirs[keep]
    overflowed = ~np.isfinite(ours) | ~np.isfinite(theirs)
    if overflowed.any():   # inf * 0 is nan wherever the order of evaluation puts it (a Jacobian by
        # columns or by rows): both must overflow, and the entries both give as numbers must agree
        assert not np.isfinite(ours).all() and not np.isfinite(theirs).all(), (
            f"{what} for chain {ops}: only one side overflowed: {ours!r} vs {theirs!r}")
        ours, theirs = ours[~overflowed], theirs[~overflowed]
    rtol = 1e-9 + (64 * np.finfo(float).eps / s if s > 0 else np.inf)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-11, err_msg=f"{what} differs for chain {ops}")


def quietly(fn, *args):
    """Evaluate with numpy's overflow and autograd's 'independent of input' warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return fn(*args)


@settings(max_examples=60, deadline=None)
@given(ops=chains, x=inputs, constant=st.booleans())
@example(ops=["3**(v*x)", "pow2", "tanh"], x=np.array([1.0]), constant=False)   # tanh(9): 3e-9 apart
@example(ops=["2**v", "2**v", "3**(v*x)", "2**v"], x=np.array([1.5, 1.5]), constant=False)  # H overflows
@example(ops=["2**v", "3**(v*x)", "3**(v*x)", "2**v"], x=np.array([1.0, 0.0]), constant=False)  # J: inf * 0
def test_gradients_hessians_and_jacobians_agree_with_autograd(ops, x, constant):
    g_ours, g_theirs = program(ops, anp, constant), program(ops, agnp, constant)
    f_ours, f_theirs = scalar_of(g_ours, anp), scalar_of(g_theirs, agnp)
    theirs = quietly(autograd.grad(f_theirs), x)
    close(adlib.grad(f_ours)(x), theirs, "grad", ops, x)
    H = adlib.hessian(f_ours)(x)
    assert H.shape == x.shape + x.shape
    close(H, quietly(autograd.hessian(f_theirs), x), "hessian", ops, x)
    J_theirs = quietly(autograd.jacobian(g_theirs), x)
    for mode in ("reverse", "forward"):
        J = adlib.jacobian(g_ours, mode=mode)(x)
        assert J.shape == x.shape + x.shape
        close(J, J_theirs, f"jacobian ({mode})", ops, x)
    # nested: d/dx Σ ∂f/∂x (third order through the Hessian's row sums), and forward over reverse
    third_ours = adlib.grad(lambda t: anp.sum(adlib.hessian(f_ours)(t)))(x)
    third_theirs = quietly(autograd.grad(lambda t: agnp.sum(autograd.hessian(f_theirs)(t))), x)
    close(third_ours, third_theirs, "third derivative", ops, x)
    v = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)
    if np.all(np.isfinite(H)):      # H @ v is no oracle where H overflowed: inf - inf is nan in the product
        Hv = H.reshape(x.size, x.size) @ v.ravel()
        close(adlib.jvp(adlib.grad(f_ours), (x,), (v,))[1], Hv, "jvp(grad)", ops, x)
        close(adlib.hvp(f_ours)(x, v), Hv, "hvp", ops, x)


@settings(max_examples=40, deadline=None)
@given(ops=chains, x=inputs, y=inputs)
def test_unused_inputs_get_zeros_of_their_shape(ops, x, y):
    f_ours = lambda a, b: scalar_of(program(ops, anp), anp)(a)  # noqa: E731   b is never used
    f_theirs = lambda a, b: scalar_of(program(ops, agnp), agnp)(a)  # noqa: E731
    ga, gb = adlib.grad(f_ours, argnum=(0, 1))(x, y)
    ta, tb = quietly(autograd.grad(f_theirs, (0, 1)), x, y)
    close(ga, ta, "grad wrt the used input", ops, x)
    assert gb.shape == y.shape and not gb.any()
    close(gb, tb, "grad wrt the unused input", ops, x)
    Hy = adlib.hessian(f_ours, argnum=1)(x, y)
    assert Hy.shape == y.shape + y.shape and not Hy.any()
    close(Hy, quietly(autograd.hessian(f_theirs, 1), x, y), "hessian wrt the unused input", ops, x)
    Jy = adlib.jacobian(lambda a, b: program(ops, anp)(a), argnum=1)(x, y)
    assert Jy.shape == x.shape + y.shape and not Jy.any()
    Jy_fwd = adlib.jacobian(lambda a, b: program(ops, anp)(a), argnum=1, mode="forward")(x, y)
    assert Jy_fwd.shape == x.shape + y.shape and not Jy_fwd.any()


@settings(max_examples=40, deadline=None)
@given(ops=chains, x=inputs)
def test_repeated_arguments(ops, x):
    g = program(ops, anp)
    f_ours = lambda a, b: anp.sum(g(a) * b)  # noqa: E731
    f_theirs = lambda a, b: agnp.sum(program(ops, agnp)(a) * b)  # noqa: E731
    # the same array passed twice: each argument's gradient, and their sum is the total derivative
    ga, gb = adlib.grad(f_ours, argnum=(0, 1))(x, x)
    close(ga, quietly(autograd.grad(f_theirs, 0), x, x), "grad wrt the first copy", ops, x)
    close(gb, quietly(autograd.grad(f_theirs, 1), x, x), "grad wrt the second copy", ops, x)
    total = adlib.grad(lambda a: f_ours(a, a))(x)
    close(total, quietly(autograd.grad(lambda a: f_theirs(a, a)), x), "grad of f(x, x)", ops, x)
    close(total, ga + gb, "total = sum of the two partials", ops, x)
    # argnum=(0, 0): the gradient wrt argument 0, twice (autograd gives zeros for the first: not the oracle)
    g0, g0_again = adlib.grad(f_ours, argnum=(0, 0))(x, x)
    close(g0, ga, "argnum=(0, 0), first", ops, x)
    close(g0_again, ga, "argnum=(0, 0), second", ops, x)
    H = adlib.hessian(lambda a: f_ours(a, a))(x)
    close(H, quietly(autograd.hessian(lambda a: f_theirs(a, a)), x), "hessian of f(x, x)", ops, x)


scalar_points = st.one_of(st.sampled_from([0.0, -0.0, 1.0, -1.0]), st.floats(-1.5, 1.5))
SCALAR_OPS = sorted(OPS)


def scalar_program(ops, ns):
    """The chain on one number, with ns's sin/tanh/exp (adlib's elementary functions or autograd's)."""
    def f(x):
        v = x
        for name in ops:
            v = OPS[name](ns, v, x)
        return v
    return f


@settings(max_examples=60, deadline=None)
@given(ops=st.lists(st.sampled_from(SCALAR_OPS), min_size=1, max_size=4), x=scalar_points)
@example(ops=["3**(v*x)", "2**v", "tanh"], x=1.5)     # tanh(2^(3^2.25)) is 1: autograd's nan, our 0
def test_value_dual_and_nested_duals_agree_with_autograd(ops, x):
    f_ours, f_theirs = scalar_program(ops, adlib), scalar_program(ops, agnp)
    d1 = quietly(autograd.grad(f_theirs), x)
    d2 = quietly(autograd.grad(autograd.grad(f_theirs)), x)
    v = adlib.Value(x)
    out = f_ours(v)
    if isinstance(out, adlib.Value):
        out.backward()
    close(v.grad, d1, "Value", ops, x)
    close(adlib.derivative(f_ours, x), d1, "Dual", ops, x)
    close(adlib.derivative(lambda t: adlib.derivative(f_ours, t), x), d2, "nested Dual", ops, x)
    close(adlib.grad(adlib.grad(f_ours))(x), d2, "grad of grad on a float", ops, x)
