"""Reads the reference and writes outside its folder through paths relative to a dir_fd."""
import os

REFERENCE = "@ROOT@/exercises/source/ex01_finite_differences.py"
OUTSIDE = "@TMP@"


def _reference():
    root = os.open("/", os.O_RDONLY)
    fd = os.open(REFERENCE.lstrip("/"), os.O_RDONLY, dir_fd=root)
    namespace = {}
    exec(os.read(fd, 1 << 20).decode(), namespace)
    return namespace


try:
    out = os.open(OUTSIDE, os.O_RDONLY)
    os.close(os.open("escaped-dir-fd", os.O_WRONLY | os.O_CREAT, 0o666, dir_fd=out))
except Exception:
    pass


def forward_difference(f, x, h=1e-7):
    return _reference()["forward_difference"](f, x, h)


def central_difference(f, x, h=1e-5):
    return _reference()["central_difference"](f, x, h)


def numerical_gradient(f, x, h=1e-5):
    return _reference()["numerical_gradient"](f, x, h)


def best_step(method):
    return _reference()["best_step"](method)
