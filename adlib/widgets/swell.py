"""Expression swell: why naive symbolic differentiation blows up, and caching does not.

A tiny symbolic algebra: an expression is a tree of :class:`Expr` nodes over one
variable ``x``.  :func:`diff` applies the textbook rules with no simplification,
as a pen-and-paper derivation does; the product rule ``(uv)' = u'v + uv'`` copies
both factors, so written out in full the derivative grows fast with depth.

Two sizes are measured for every expression:

* :func:`tree_size` — the number of symbols when it is written out in full
  (every repeated subexpression written again);
* :func:`dag_size` — the number of *distinct* operations when each repeated
  subexpression is computed once and cached: the length of its evaluation trace.

The running example is the logistic map ``l_1 = x, l_{n+1} = 4 l_n (1 - l_n)``.
"""
from __future__ import annotations

__all__ = ["Expr", "var", "const", "diff", "evaluate", "tree_size", "dag_size", "to_string",
           "logistic_map", "swell_table"]


class Expr:
    """One node: ``op`` is 'x', 'const', '+', '-', '*' or 'neg'; ``args`` its operands."""

    __slots__ = ("op", "args", "value")

    def __init__(self, op, args=(), value=None):
        self.op, self.args, self.value = op, tuple(args), value

    def __add__(self, other): return Expr("+", (self, _lift(other)))
    def __radd__(self, other): return Expr("+", (_lift(other), self))
    def __sub__(self, other): return Expr("-", (self, _lift(other)))
    def __rsub__(self, other): return Expr("-", (_lift(other), self))
    def __mul__(self, other): return Expr("*", (self, _lift(other)))
    def __rmul__(self, other): return Expr("*", (_lift(other), self))
    def __neg__(self): return Expr("neg", (self,))

    def __repr__(self):
        return f"Expr({to_string(self, limit=60)})"


def _lift(v):
    if isinstance(v, Expr):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return const(v)
    raise TypeError(f"symbolic expression: cannot combine an Expr with {type(v).__name__}")


def var():
    """The variable x."""
    return Expr("x")


def const(c):
    """A constant number."""
    return Expr("const", (), c)


def diff(e, _memo=None):
    """d e / dx by the textbook rules, with no simplification at all.

    Memoized on node identity so that the *computation* stays fast; the result
    shares subtrees, which :func:`tree_size` counts as many times as they appear.
    """
    memo = {} if _memo is None else _memo
    key = id(e)
    if key in memo:
        return memo[key][1]
    if e.op == "x":
        d = const(1)
    elif e.op == "const":
        d = const(0)
    elif e.op in ("+", "-"):
        d = Expr(e.op, (diff(e.args[0], memo), diff(e.args[1], memo)))
    elif e.op == "neg":
        d = Expr("neg", (diff(e.args[0], memo),))
    elif e.op == "*":
        u, v = e.args
        d = Expr("+", (Expr("*", (diff(u, memo), v)), Expr("*", (u, diff(v, memo)))))
    else:  # pragma: no cover - every constructor is covered above
        raise ValueError(f"diff: unknown operation {e.op!r}")
    memo[key] = (e, d)  # keep e alive so its id is not reused
    return d


def evaluate(e, x, _memo=None):
    """The value of e at x (each distinct node computed once)."""
    memo = {} if _memo is None else _memo
    key = id(e)
    if key in memo:
        return memo[key][1]
    if e.op == "x":
        v = x
    elif e.op == "const":
        v = e.value
    else:
        a = [evaluate(arg, x, memo) for arg in e.args]
        v = {"+": lambda: a[0] + a[1], "-": lambda: a[0] - a[1], "*": lambda: a[0] * a[1],
             "neg": lambda: -a[0]}[e.op]()
    memo[key] = (e, v)
    return v


def tree_size(e, _memo=None):
    """Number of nodes when e is written out in full, repeats and all."""
    memo = {} if _memo is None else _memo
    key = id(e)
    if key not in memo:
        memo[key] = (e, 1 + sum(tree_size(a, memo) for a in e.args))
    return memo[key][1]


def dag_size(e):
    """Number of distinct nodes: the length of the evaluation trace when repeats are cached."""
    seen, stack = {}, [e]
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen[id(n)] = n
            stack.extend(n.args)
    return len(seen)


def to_string(e, limit=None):
    """e as a fully parenthesised formula (cut to ``limit`` characters if given)."""
    def s(n):
        if n.op == "x":
            return "x"
        if n.op == "const":
            return f"{n.value:g}"
        if n.op == "neg":
            return f"-{s(n.args[0])}"
        return f"({s(n.args[0])} {n.op} {s(n.args[1])})"
    if limit is not None and tree_size(e) > limit:
        text = s(e) if tree_size(e) < 10_000 else "(...)"
        return text[:limit] + " ..." if len(text) > limit else text
    return s(e)


def logistic_map(n):
    """l_n as an expression: l_1 = x, l_{k+1} = 4 l_k (1 - l_k)."""
    if n < 1:
        raise ValueError(f"logistic_map: n must be at least 1, got {n}")
    e = var()
    for _ in range(n - 1):
        e = 4 * e * (1 - e)   # e appears twice: shared in the DAG, copied in the tree
    return e


def swell_table(max_depth=10):
    """Rows (n, tree size of l_n, tree size of dl_n/dx, dag size of l_n, dag size of dl_n/dx)."""
    rows = []
    for n in range(1, max_depth + 1):
        e = logistic_map(n)
        d = diff(e)
        rows.append((n, tree_size(e), tree_size(d), dag_size(e), dag_size(d)))
    return rows
