"""How a call into the student's code can fail, in the student's terms."""
from __future__ import annotations

import os
import signal

__all__ = ["StudentFailure", "from_reply", "from_exit"]

_MAX_OUTPUT = 4000   # characters of captured output shown in feedback


class StudentFailure(Exception):
    """The student's code did not return normally; ``kind`` says how.

    kind: ``not_implemented``, ``import_error``, ``error``, ``timeout``,
    ``exit``, ``crash``, ``memory``, ``invalid``.
    """

    def __init__(self, kind, message, details=""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.details = details


def from_reply(reply, output):
    """The StudentFailure for a reply whose status is not ``ok``."""
    kind = str(reply.get("status"))
    text = str(reply.get("message", ""))[:500]
    if kind == "not_implemented":
        where = str(reply.get("where") or "")
        text = "not implemented yet" + (f": {where}() still raises NotImplementedError" if where else "")
    elif kind == "import_error":
        text = f"your file could not be imported: {text}"
    elif kind == "error":
        where = str(reply.get("where") or "")
        text = f"{reply.get('type', 'Error')}: {text}" + (f" (in {where})" if where else "")
    elif kind not in ("exit", "memory", "invalid"):
        kind, text = "invalid", "the grader received an answer it does not understand"
    details = str(reply.get("traceback", ""))[:4000]
    if output and kind != "not_implemented":
        details += f"\nyour code printed:\n{output}"
    return StudentFailure(kind, text, details.strip("\n"))


def from_exit(returncode, timeout, output, timed_out=False, bwrap=False):
    """The StudentFailure for a process that ended (or was stopped) without answering."""
    if timed_out:
        return StudentFailure("timeout", f"timed out after {timeout:g} s (an infinite loop, or far too slow)",
                              output)
    sig = -returncode if returncode is not None and returncode < 0 else None
    if bwrap and returncode is not None and returncode > 128:
        sig = returncode - 128   # bubblewrap reports its child's signal as 128 + n
    if sig is not None:
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return StudentFailure("timeout", f"used more than its CPU time and was stopped ({name})", output)
        return StudentFailure("crash", f"the Python process running your code crashed ({name})", output)
    if returncode is None:
        return StudentFailure("exit", "your code stopped answering the grader (did it close or read the "
                              "grader's pipe?)", output)
    return StudentFailure("exit", f"your code ended the Python process (exit code {returncode}, e.g. os._exit "
                          "or sys.exit) before returning a result", output)


def read_output(path):
    """What the student's code printed (at most a few thousand characters)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_OUTPUT + 1)
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if len(text) > _MAX_OUTPUT:
        text = text[:_MAX_OUTPUT] + "\n[... more output cut]"
    return text.strip()


def clear(path):
    try:
        os.truncate(path, 0)
    except OSError:
        pass
