"""Probes for exercise 3 (a scalar Value).  Graphs are built here; no gradient is known here."""
from .common import own

#: The operations whose backward rule the student writes: z = op(x, w) (w unused by the unary ones).
OPS = {"pow": lambda x, w: x ** w, "div": lambda x, w: x / w, "tanh": lambda x, w: x.tanh(),
       "relu": lambda x, w: x.relu(), "sigmoid": lambda x, w: x.sigmoid(), "log": lambda x, w: x.log()}


def local(m, op, a, b, g, number=False):
    """z = op(x, w) (w a plain number when ``number``); z.grad = g; z._backward() once: (x.grad, w.grad)."""
    V = own(m, "Value")
    x, w = V(a), (b if number else V(b))
    z = OPS[op](x, w)
    z.grad = g
    z._backward()
    return float(x.grad), (0.0 if number else float(w.grad))


def backward_seeds(m, a, b):
    V = own(m, "Value")
    x = V(a)
    y = x * b
    y.backward()
    return float(y.grad), float(x.grad)


#: Graphs in which x is used twice, once by the given * and once by one of the student's rules,
#: whose _backward runs second (so a rule that assigns x.grad = ... wipes the share of *).
TWICE = {"x.tanh() * x": lambda x, w: x.tanh() * x, "x.relu() * x": lambda x, w: x.relu() * x,
         "x.sigmoid() * x": lambda x, w: x.sigmoid() * x, "x.log() * x": lambda x, w: x.log() * x,
         "(x ** w) * x": lambda x, w: (x ** w) * x, "(w ** x) * x": lambda x, w: (w ** x) * x,
         "(x / w) * x": lambda x, w: (x / w) * x, "(w / x) * x": lambda x, w: (w / x) * x}


def used_twice(m, name, a, b):
    """y = TWICE[name](x, w); y.backward(): x.grad."""
    V = own(m, "Value")
    x = V(a)
    TWICE[name](x, V(b)).backward()
    return float(x.grad)


def same_operand(m, op, a):
    """y = x ** x or x / x; y.backward(): x.grad."""
    V = own(m, "Value")
    x = V(a)
    OPS[op](x, x).backward()
    return float(x.grad)


def dag(x, w, b):
    """Values feeding several others; only the given + and *, so a wrong rule of the student's costs only its own test."""
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
