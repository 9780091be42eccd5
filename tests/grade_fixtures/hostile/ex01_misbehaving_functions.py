"""Each function misbehaves in its own way; forward_difference alone is correct."""
import faulthandler
import os
import sys


def forward_difference(f, x, h=1e-7):
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h=1e-5):
    while True:   # an infinite loop
        pass


def numerical_gradient(f, x, h=1e-5):
    os._exit(3)


def best_step(method):
    if method == "sideways":
        sys.exit("bye")
    faulthandler._sigsegv()   # a segfault
