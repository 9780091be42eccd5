"""Notebook 03's evaluation trace in plain Python floats: the oracle the trace-stepper tests
(unit and browser) compare the widget against."""
import math

def plain_trace(w, x, b, target, lam=None):
    """The trace of notebook 03 in plain floats, computed independently of adlib and of the widget."""
    t = {"w": w, "x": x, "b": b, "target": target}
    t["t1"] = w * x
    t["t2"] = t["t1"] + b
    t["t3"] = -t["t2"]
    t["t4"] = math.exp(t["t3"])
    t["t5"] = 1 + t["t4"]
    t["t6"] = 1 / t["t5"]
    t["t7"] = t["t6"] - target
    t["t8"] = t["t7"] ** 2
    if lam is not None:
        t["lam"] = lam
        t["t9"] = w ** 2
        t["t10"] = lam * t["t9"]
        t["t11"] = t["t8"] + t["t10"]
    return t
