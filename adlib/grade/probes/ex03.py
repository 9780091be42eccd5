"""Probes for exercise 3 (a scalar Value).  Graphs are built here; no gradient is known here."""
from .common import own

OPS = {"add": lambda x, w, n: x + w, "mul": lambda x, w, n: x * w, "pow": lambda x, w, n: x ** n,
       "exp": lambda x, w, n: x.exp(), "tanh": lambda x, w, n: x.tanh(), "relu": lambda x, w, n: x.relu()}


def local(m, op, a, b, g, n=None):
    """z = op(x, w); z.grad = g; z._backward() once: (x.grad, w.grad)."""
    V = own(m, "Value")
    x, w = V(a), V(b)
    z = OPS[op](x, w, n)
    z.grad = g
    z._backward()
    return float(x.grad), float(w.grad)


def backward_seeds(m, a, b):
    V = own(m, "Value")
    x = V(a)
    y = x * b
    y.backward()
    return float(y.grad), float(x.grad)


def used_twice(m, x0):
    """u = x + 1, y = x·u; y.backward(): x.grad."""
    V = own(m, "Value")
    x = V(x0)
    y = x * (x + 1)
    y.backward()
    return float(x.grad)


def same_operand(m, x0):
    V = own(m, "Value")
    x = V(x0)
    (x * x).backward()
    x2 = V(x0)
    (x2 + x2).backward()
    return float(x.grad), float(x2.grad)


def dag(x, w, b):
    """Values feeding several others; only + and *, so a wrong exp, tanh or ** rule costs only its own test."""
    a = x * w + b
    c = a * a + x * 2
    d = c * a + w
    return d * c + a * b * 3 + d


def graph(m, x0, w0, b0):
    V = own(m, "Value")
    x, w, b = V(x0), V(w0), V(b0)
    dag(x, w, b).backward()
    return [float(x.grad), float(w.grad), float(b.grad)]


def deep_chain(m, ks):
    V = own(m, "Value")
    x = V(1.5)
    v = x
    for k in ks:
        v = v * float(k)
    v.backward()
    return float(x.grad)


def chain(m, x0, a, b, c):
    """y = (x·a + b)·c, each value used once: only the order of backward() matters here."""
    V = own(m, "Value")
    x = V(x0)
    y = (x * a + b) * c
    y.backward()
    return float(x.grad)
