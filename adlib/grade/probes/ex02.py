"""Probes for exercise 2 (dual numbers)."""
import operator

from .common import InvalidSubmission, own

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _pair(m, d, what):
    Dual = own(m, "Dual")
    if type(d) is not Dual:
        raise InvalidSubmission(f"{what} returned a {type(d).__name__}, expected a Dual")
    return float(d.real), float(d.dual)


def arithmetic(m, op, a, b, c, d, k):
    """[Dual op Dual, Dual op k, k op Dual] as (real, dual) pairs (and -Dual for "-")."""
    Dual, fn = own(m, "Dual"), OPS[op]
    out = [_pair(m, fn(Dual(a, b), Dual(c, d)), f"Dual {op} Dual"),
           _pair(m, fn(Dual(a, b), k), f"Dual {op} number"),
           _pair(m, fn(k, Dual(a, b)), f"number {op} Dual")]
    if op == "-":
        out.append(_pair(m, -Dual(a, b), "-Dual"))
    return out


def power(m, a, b, n):
    return _pair(m, own(m, "Dual")(a, b) ** n, "Dual ** n")


def elementary(m, name, a, b):
    fn = own(m, name)
    return _pair(m, fn(own(m, "Dual")(a, b)), f"{name}(Dual)"), float(fn(a))


def rational(c):
    """c0 t³ - c1 / t + (t - c2) t / (1 + t²): arithmetic only, so a wrong exp/sin/cos/log rule
    loses only its own test."""
    return lambda t: c[0] * t ** 3 - c[1] / t + (t - c[2]) * t / (1 + t * t)


def derivative(m, c, x):
    return float(own(m, "derivative")(rational(c), x))
