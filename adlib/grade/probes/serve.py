"""The probe server: the only program that runs in the student's process.

The grader starts it in a fresh interpreter (``python -I -S launch.py CONFIG``).
Still trusted, it imports what the exercise needs, sets its resource limits,
drops to an unprivileged user when started as root and installs the audit
hook; only then does it import the student's private copy, and afterwards it
answers requests, one at a time, over a pipe:

    {"op": "import"}                       -> whether the file imported
    {"op": "call", "probe": NAME, "args"}  -> the probe's result, as plain data

Probes come from ``adlib_probes.exNN`` and hold no expected value, so
nothing in this process knows what the right answer is.
"""
import importlib
import os
import resource
import sys
import traceback

from . import guard, wire
from .common import InvalidSubmission


def main(config):
    requests, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)          # the student's output goes to the capture file on fd 2
    os.close(null)
    os.set_inheritable(requests, False)
    os.set_inheritable(replies, False)
    probes = importlib.import_module(f"adlib_probes.{config['exercise']}")
    for name in config.get("preload", ()):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module fails later, in the student's terms
            pass
    _limit(config)
    os.chdir(config["workdir"])
    if config.get("unshare_net") and config.get("uid") is not None:
        _no_network()
    if config.get("uid") is not None:
        os.setgroups([])
        os.setgid(config["gid"])
        os.setuid(config["uid"])
        _set(resource.RLIMIT_NPROC, config["limits"]["nproc"])
    sys.dont_write_bytecode = True
    if config.get("audit_hook", True):
        guard.install(config)
    student = _Student(config)
    while True:
        request = wire.receive(requests)
        if request is None:
            os._exit(0)
        reply = student.handle(request, probes)
        sys.stdout.flush()
        sys.stderr.flush()
        wire.send(replies, {"adlib-grade": 1, **reply, "id": request.get("id")})


def _no_network():
    """As root without bubblewrap: a network namespace of its own (no interface but a down loopback),
    when the kernel allows it (it does not in a container without CAP_SYS_ADMIN)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).unshare(0x40000000)   # CLONE_NEWNET
    except (OSError, AttributeError):
        pass


def _set(which, value):
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _limit(config):
    limits = config["limits"]
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_FSIZE, limits["fsize"])
    _set(resource.RLIMIT_NOFILE, limits["nofile"])
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu"], limits["cpu"] + 1))
    except (ValueError, OSError):
        pass
    with open("/proc/self/status") as fh:
        vm = next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:")), 0)
    if vm:
        _set(resource.RLIMIT_AS, vm + limits["memory"])


class _Student:
    def __init__(self, config):
        self.path = config["path"]
        self.display = config["display"]
        self.module_name = config["module"]
        self.memory_mb = config["limits"]["memory"] >> 20
        self.module = None
        self.failure = None     # the import's failure, when nothing usable was defined
        self.warning = None     # top-level code that raised after defining things

    def handle(self, request, probes):
        if self.module is None and self.failure is None:
            self._import()
        if self.failure is not None:
            return self.failure
        if request.get("op") == "import":
            return {"status": "ok", "value": None, "warning": self.warning}
        name = str(request.get("probe", ""))
        probe = getattr(probes, name, None) if not name.startswith("_") else None
        if probe is None:
            return {"status": "invalid", "message": f"the grader has no probe {name!r}"}
        args = [wire.decode(a) for a in request.get("args", [])]
        return self._clean(self._run(probe, args))

    def _import(self):
        import importlib.util
        try:
            with open(self.path, "rb") as fh:
                code = compile(fh.read(), self.path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, OSError) as exc:
            self.failure = self._clean({"status": "import_error", "message": _one_line(exc),
                                        "traceback": self._trimmed(exc)})
            return
        spec = importlib.util.spec_from_file_location(self.module_name, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.module_name] = module
        try:
            exec(code, module.__dict__)   # noqa: S102 - the student's file, in the student's process
        except BaseException as exc:  # noqa: BLE001 - anything the top-level code does
            defined = [k for k, v in vars(module).items() if not k.startswith("__") and callable(v)]
            what = f"it called sys.exit({exc.code!r})" if isinstance(exc, SystemExit) else _one_line(exc)
            report = self._clean({"status": "import_error", "message": what, "traceback": self._trimmed(exc)})
            if not defined:
                self.failure = report
                return
            # A self-check at the bottom of the file failed: grade what was defined before it.
            self.warning = {"message": report["message"], "traceback": report.get("traceback", "")}
        self.module = module

    def _run(self, probe, args):
        try:
            return {"status": "ok", "value": wire.encode(probe(self.module, *args))}
        except NotImplementedError as exc:
            return {"status": "not_implemented", "message": _one_line(exc), "where": self._where(exc),
                    "traceback": self._trimmed(exc)}
        except MemoryError as exc:
            return {"status": "memory", "message": f"ran out of memory (limit {self.memory_mb} MB)",
                    "traceback": self._trimmed(exc)}
        except SystemExit as exc:
            return {"status": "exit", "message": f"your code called sys.exit({exc.code!r})",
                    "traceback": self._trimmed(exc)}
        except InvalidSubmission as exc:
            return {"status": "invalid", "message": str(exc)}
        except BaseException as exc:  # noqa: BLE001
            return {"status": "error", "message": _one_line(exc), "type": type(exc).__name__,
                    "where": self._where(exc), "traceback": self._trimmed(exc)}

    def _clean(self, payload):
        """Speak of the student's file, not of the sandbox's paths."""
        for key in ("message", "traceback"):
            if isinstance(payload.get(key), str):
                text = payload[key].replace(self.path, self.display)
                text = text.replace(f"module '{self.module_name}' has no attribute", "your file defines no")
                payload[key] = text
        return payload

    def _frames(self, exc):
        return [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == self.path]

    def _where(self, exc):
        frames = self._frames(exc)
        return frames[-1].name if frames else ""

    def _trimmed(self, exc):
        """The traceback, only lines in the student's own file ("" when none are)."""
        try:
            frames = self._frames(exc)
            syntax = isinstance(exc, SyntaxError) and exc.filename == self.path
            if not frames and not syntax:
                return ""
            lines = ["Traceback (only lines in your file):"]
            for f in frames[-8:]:
                lines.append(f'  File "{self.display}", line {f.lineno}, in {f.name}')
                if f.line:
                    lines.append(f"    {f.line.strip()}")
            if syntax:
                lines.append(f'  File "{self.display}", line {exc.lineno}')
                if exc.text:
                    lines.append(f"    {exc.text.strip()}")
            lines.append(f"{type(exc).__name__}: {_one_line(exc)}")
            return "\n".join(lines)
        except BaseException:  # noqa: BLE001
            return type(exc).__name__


UNAVAILABLE = {"adlib": "adlib", "autograd": "autograd", "torch": "torch", "jax": "jax", "jaxlib": "jax",
               "micrograd": "micrograd", "tensorflow": "tensorflow", "scipy": "scipy", "sympy": "sympy"}


def _one_line(exc):
    name = (getattr(exc, "name", None) or "").split(".")[0] if isinstance(exc, ImportError) else ""
    if name in UNAVAILABLE:
        return (f"{UNAVAILABLE[name]} is not available to your code while this exercise is graded: "
                "it would answer the exercise for you; write it with Python and numpy")
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001
        text = ""
    return text.strip().splitlines()[0][:300] if text.strip() else ""
