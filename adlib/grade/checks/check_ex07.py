"""Exercise 7: forward against reverse, with every JVP and VJP counted."""
import numpy as np
import pytest

import adlib.numpy as anp
from adlib.grade import oracle
from adlib.grade.expect import Mistake, as_array, close, matches

pytestmark = pytest.mark.ex07

NONLINEAR = ("tanh", "product")
GROUPINGS = ("forward", "reverse")


class Mode:
    """How one mode's function is called and counted: ``step`` is the call made once per pass
    (a ``product``, one per ``per`` of f: a ``part`` of the Jacobian), ``at`` the call that takes x."""

    def __init__(self, name, function, step, at, product, per, part, stack, rule):
        self.name, self.function, self.step, self.at, self.product = name, function, step, at, product
        self.per, self.part, self.stack, self.rule = per, part, stack, rule
        self.other = "output" if per == "input" else "input"


MODES = {
    "forward": Mode("forward", "jacobian_by_jvps", "jvp", "jvp", "JVP", "input", "column",
                    "in forward mode each JVP J e_i is a column: np.stack(columns, axis=1)",
                    "jvp(x, v) takes the point x first, then the tangent v"),
    "reverse": Mode("reverse", "jacobian_by_vjps", "back", "vjp", "VJP", "output", "row",
                    "in reverse mode each VJP e_jᵀ J is a row: np.stack(rows, axis=0)",
                    "vjp(x) records f at the point x"),
}


def _count(k, thing):
    """'1 input', '3 inputs'."""
    return f"{k} {thing}" + ("" if k == 1 else "s")


def draw_map(rng, n, m, kind=None):
    """(kind, A, B, x): a random map f: R^n -> R^m (see adlib_probes.ex07) and a point."""
    kind = kind or str(rng.choice(NONLINEAR))
    A, B = rng.normal(size=(m, n)) / np.sqrt(n), rng.normal(size=(m, n)) / np.sqrt(n)
    return kind, A, B, rng.normal(size=n)


def _f(kind, A, B):
    """The same map, in adlib.numpy, for adlib.jacobian."""
    def f(x):
        a, b = anp.dot(A, x), anp.dot(B, x)
        if kind == "linear":
            return a
        return anp.tanh(a) + b if kind == "tanh" else a * b
    return f


def call(student, mode, kind, A, B, x):
    """The student's Jacobian in ``mode`` and the counts of its calls, with the expected Jacobian."""
    got = student.call("jacobian", mode, kind, A, B, x)
    return got, oracle.jacobian(_f(kind, A, B), x)


def _at_x(got, mo):
    away = got["elsewhere"]
    if away:
        raise Mistake(f"{away} of your {_count(got[mo.at], 'call')} of {mo.at} {'was' if away == 1 else 'were'} "
                      f"at a point other than x: the Jacobian is taken at x, and {mo.rule}")


def check_values(got, want, mode):
    mo = MODES[mode]
    m, n = want.shape
    _at_x(got, mo)
    first = want[:, [0] * n] if mode == "forward" else want[[0] * m]
    mistakes = [(want.T, f"your Jacobian is transposed (shape ({n}, {m}), expected ({m}, {n})): {mo.stack}"),
                (want[:, ::-1] if mode == "forward" else want[::-1],
                 f"the {mo.part}s are in reverse order: {mo.part} i comes from the unit vector e_i, "
                 "with its 1 at position i"),
                (first, f"every {mo.part} is the first one: the unit vector for {mo.part} i must have its 1 "
                        "at position i, not always at position 0")]
    hint = f"the Jacobian of f: R^{n} -> R^{m} has shape (m, n) = ({m}, {n}): a row per output, a column per input"
    if mode == "forward":
        hint += "; jvp(x, v) returns the pair (f(x), J v), and a column is its second part, J v"
    close(got["J"], want, f"{mo.function}'s Jacobian of f: R^{n} -> R^{m}", mistakes=mistakes, shape_hint=hint)


def check_count(got, want, mode):
    mo = MODES[mode]
    m, n = want.shape
    arr = as_array(got["J"], mo.function)
    if arr.size != want.size or not matches(np.sort(arr.ravel()), np.sort(want.ravel())):
        raise Mistake(f"the passes are counted only for a result that holds the Jacobian's numbers (in any "
                      f"arrangement), and the result of {mo.function} does not: fix its values first")
    _at_x(got, mo)
    if mode == "reverse" and got["vjp"] != 1:
        raise Mistake(f"you called vjp {_count(got['vjp'], 'time')} (f has {_count(m, 'output')}): reverse "
                      "mode records f once, y, back = vjp(x), before the loop, and then calls back once per output")
    (size, other), calls = ((n, m) if mode == "forward" else (m, n)), got[mo.step]
    why = f" (as many as the {mo.other}s: {mo.name} mode's passes go with the {mo.per}s)" if calls == other else ""
    if calls != size:
        raise Mistake(f"you called {mo.step} {_count(calls, 'time')} for a function of {_count(size, mo.per)}{why}; "
                      f"{mo.name} mode needs exactly one {mo.product} per {mo.per} (one per {mo.part} of the "
                      "Jacobian)")


def _sizes(rng):
    n, m = rng.choice(np.arange(2, 7), size=2, replace=False)
    return int(n), int(m)


def _jacobian_test(name, mode, checks, points, doc):
    @pytest.mark.points(points)
    def test(student, rng):
        n, m = _sizes(rng)
        got, want = call(student, mode, *draw_map(rng, n, m))
        for check in checks:
            check(got, want, mode)
    test.__name__, test.__doc__ = name, doc
    return test


test_forward_jacobian = _jacobian_test("test_forward_jacobian", "forward", [check_values], 2,
                                       "jacobian_by_jvps builds the (m, n) Jacobian from JVPs")
test_forward_count = _jacobian_test("test_forward_count", "forward", [check_count], 1,
                                    "jacobian_by_jvps makes exactly n JVPs, one per input")
test_reverse_jacobian = _jacobian_test("test_reverse_jacobian", "reverse", [check_values], 2,
                                       "jacobian_by_vjps builds the (m, n) Jacobian from VJPs")
test_reverse_count = _jacobian_test("test_reverse_count", "reverse", [check_count], 1,
                                    "jacobian_by_vjps records f once and makes exactly m VJPs, one per output")


def check_modes(student, cases):
    """cheaper_mode on each (n, m) of ``cases``, against notebook 07's predicted winner."""
    got = student.call("cheaper_mode", [list(c) for c in cases])
    for (n, m), answer in zip(cases, got):
        want = oracle.cheaper_mode(n, m)
        if answer not in ("forward", "reverse", "tie"):
            raise Mistake(f"cheaper_mode({n}, {m}) returned {answer!r}; return one of the strings "
                          "'forward', 'reverse' or 'tie'")
        if answer == want:
            continue
        text = (f"cheaper_mode({n}, {m}) is {answer!r}, expected {want!r}: forward mode makes n = {n} passes "
                f"(a JVP per input), reverse mode m = {m} (a VJP per output)")
        if want == "tie":
            text += "; with as many inputs as outputs, neither makes fewer"
        elif answer != "tie":
            text += "; you chose the mode with more passes"
        raise Mistake(text)


@pytest.mark.points(1)
def test_cheaper_mode(student, rng):
    """cheaper_mode picks the mode with fewer passes"""
    cases = []
    for _ in range(2):
        small, large = sorted(int(v) for v in rng.choice(np.arange(1, 100), size=2, replace=False))
        cases += [(small, large), (large, small)]
    check_modes(student, [cases[i] for i in rng.permutation(len(cases))])


def cost_mistakes(dims, grouping):
    """[(count, explanation)] of the counting slips of one grouping."""
    other = "reverse" if grouping == "forward" else "forward"
    k, d = len(dims) - 1, dims
    seed = d[1] * d[0] * d[0] if grouping == "forward" else d[k] * d[k] * d[k - 1]
    terms = ([d[i] * d[i - 1] * d[0] for i in range(2, k + 1)] if grouping == "forward"
             else [d[k] * d[i] * d[i - 1] for i in range(1, k)])
    want = oracle.chain_cost(dims, grouping)
    mistakes = [(oracle.chain_cost(dims, other),
                 f"you counted the {other} grouping: forward multiplies from the input end, J_k (... (J_2 J_1)), "
                 "carrying d_0 columns; reverse from the output end, ((J_k J_{k-1}) ...) J_1, carrying d_k rows"),
                (want + seed, "you also counted multiplying the first Jacobian by an identity matrix: in the "
                              "chain J_k ... J_1 the first factor needs no product")]
    mistakes += [(want - t, f"one product is missing: a chain of {_count(k, 'Jacobian')} takes "
                            f"{_count(k - 1, 'product')} (check your loop's range)") for t in terms]
    return want, mistakes


def check_cost(student, dims, grouping):
    want, mistakes = cost_mistakes(dims, grouping)
    got = student.call("chain_cost", list(dims), grouping)
    close(got, want, f"chain_cost({list(dims)}, {grouping!r})", rtol=0, atol=1e-6,
          mistakes=[(float(w), text) for w, text in mistakes])


def _distinct_dims(rng):
    """Dims of 3 to 5 Jacobians for which every slip of either grouping gives a count of its own."""
    while True:
        dims = [int(d) for d in rng.integers(1, 40, size=int(rng.integers(4, 7)))]
        counts = [[want] + [w for w, _ in mistakes] for want, mistakes in (cost_mistakes(dims, g) for g in GROUPINGS)]
        if all(len(set(c)) == len(c) for c in counts):
            return dims


@pytest.mark.points(1)
@pytest.mark.parametrize("grouping", GROUPINGS)
def test_chain_cost(student, rng, grouping):
    """chain_cost counts the multiply-adds of one grouping"""
    check_cost(student, _distinct_dims(rng), grouping)
