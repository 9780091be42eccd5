"""Plain data between the grader and the student's process: length-prefixed JSON.

No pickle: nothing the student's process sends can run code in the grader.
Numbers, strings, lists, dicts and numpy arrays (dtype and shape kept) cross;
anything else arrives as an :class:`Opaque` naming its type.
"""
import json
import math
import os

import numpy as np

MAX_MESSAGE = 64 * 1024 * 1024   # bytes of JSON one message may hold


def encode(obj, _depth=0):
    """Turn a value into JSON-safe data; numpy arrays keep their shape."""
    if _depth > 50:
        raise ValueError("result nested too deeply")
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, bool):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _float(float(obj))
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biuf":
            return {"__object__": type(obj).__name__, "repr": f"array of dtype {obj.dtype}"}
        flat = [_float(float(v)) for v in obj.astype(float).ravel()]
        return {"__ndarray__": flat, "shape": list(obj.shape)}
    if isinstance(obj, (list, tuple)):
        return [encode(v, _depth + 1) for v in obj]
    if isinstance(obj, dict):
        return {str(k): encode(v, _depth + 1) for k, v in obj.items()}
    return {"__object__": type(obj).__name__, "repr": _safe_repr(obj)}


def _float(x):
    # JSON has no nan/inf; spell them out so that they come back exactly.
    return x if math.isfinite(x) else {"__float__": repr(x)}


def _safe_repr(obj):
    try:
        return repr(obj)[:200]
    except BaseException:  # noqa: BLE001 - a student's __repr__ may do anything
        return "<unprintable>"


class Opaque:
    """Something the student's code returned that is not plain data."""

    def __init__(self, type_name, text):
        self.type_name = type_name
        self.text = text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"


def decode(data):
    """Inverse of :func:`encode` (lists stay lists; arrays become float arrays)."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if isinstance(data, dict):
        if "__ndarray__" in data:
            shape = tuple(int(s) for s in data["shape"])
            values = [decode(v) for v in data["__ndarray__"]]
            if any(s < 0 for s in shape) or math.prod(shape) != len(values):
                raise ValueError(f"an array of {len(values)} numbers cannot have the shape {shape}")
            return np.array(values, dtype=float).reshape(shape)
        if "__float__" in data:
            return float(data["__float__"])
        if "__object__" in data:
            return Opaque(str(data["__object__"]), str(data.get("repr", "")))
        return {k: decode(v) for k, v in data.items()}
    return data


def send(fd, message):
    """Write one message (a JSON-able dict) to fd."""
    body = json.dumps(message, allow_nan=False).encode("utf-8")
    view = memoryview(len(body).to_bytes(8, "big") + body)
    while view:
        view = view[os.write(fd, view):]


def receive(fd):
    """Read one message from fd (blocking); None at end of file."""
    head = _exactly(fd, 8)
    if head is None:
        return None
    size = int.from_bytes(head, "big")
    if size > MAX_MESSAGE:
        raise ValueError("message too large")
    body = _exactly(fd, size)
    return None if body is None else json.loads(body.decode("utf-8"))


def _exactly(fd, n):
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            return None
        data += chunk
    return data
