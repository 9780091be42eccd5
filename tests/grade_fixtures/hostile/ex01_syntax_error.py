import numpy as np


def forward_difference(f, x, h=1e-7):
    return (f(x + h) - f(x) / h


def central_difference(f, x, h=1e-5):
    return 0.0
