"""Starts, with a fresh copy of _posixsubprocess, a process that flees (forks on and on), then sleeps."""
import importlib.util
import os
import sys

FLEE = ("import os, time\n"
        "end = time.time() + 1.5\n"
        "while time.time() < end:\n"
        "    if os.fork():\n"
        "        os._exit(0)\n"
        "os.setsid()\n"
        "os.execv('/bin/sleep', ['/bin/sleep', '987.654'])\n")


def _start():
    import _posixsubprocess as known
    spec = importlib.util.find_spec("_posixsubprocess")
    fresh = importlib.util.module_from_spec(spec) if spec and spec.origin not in (None, "built-in") else known
    if fresh is not known:
        spec.loader.exec_module(fresh)
    exe = sys.executable.encode()
    args = [exe, b"-c", FLEE.encode()]
    r, w = os.pipe()
    fresh.fork_exec(args, [exe], True, (w,), None, None, -1, -1, -1, -1, -1, -1, r, w, True, False,
                    -1, None, None, -1, -1, None, False)


try:
    _start()
except Exception as exc:  # noqa: BLE001
    print("could not start:", exc)


def forward_difference(f, x, h=1e-7):
    return (f(x + h) - f(x)) / h
