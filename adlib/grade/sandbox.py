"""Run a student's code in a throw-away child process and bring back plain data.

The grader never runs student code in its own process.  For every call, the
trusted grading process forks a child that

* starts a new session (so the whole process group can be killed afterwards),
* closes every file descriptor except one result pipe, sends stdout/stderr to a
  small capture file and works in an empty temporary directory,
* sets resource limits (CPU time, address space, file size, no core dumps) and,
  when the grader runs as root, drops to the unprivileged user ``nobody``,
* installs an audit hook (:func:`install_guard`) that lets student code read only
  the Python installation and its own file, write only in its directory, and
  start no process, send no signal, load no C code with ctypes,
* imports the submission from a private copy and runs a trusted *probe*
  ``probe(module, *args)`` against it,
* sends the probe's result back as JSON (numbers, strings, lists, dicts and
  numpy arrays only) and exits.

The parent compares that data with a reference it computes itself, *after* the
child is gone.  Whatever the child does to numpy, adlib, pytest or the tests in
its own memory, prints, or writes to disk cannot change a verdict: only the
numbers it returns count, and they must match fresh random inputs.

Forking from a process that has already imported numpy and adlib makes each
call cost milliseconds instead of a fresh interpreter's start-up, while the
student module itself is imported anew in every child.
"""
from __future__ import annotations

import ctypes
import json
import math
import os
import resource
import select
import signal
import sys
import sysconfig
import tempfile
import time
import traceback

import numpy as np

__all__ = ["Sandbox", "StudentFailure", "encode", "decode", "become_subreaper", "kill_orphans"]

_MAX_RESULT = 64 * 1024 * 1024   # bytes of JSON a probe may send back
_MAX_OUTPUT = 4000               # characters of captured output shown in feedback


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


# ---------------------------------------------------------------------------
# Plain-data encoding (no pickle: nothing the child sends can run code here)

def encode(obj, _depth=0):
    """Turn a probe result into JSON-safe data; numpy arrays keep dtype and shape."""
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
    # JSON has no nan/inf; spell them out so the parent gets them back exactly.
    if math.isfinite(x):
        return x
    return {"__float__": repr(x)}


def _safe_repr(obj):
    try:
        return repr(obj)[:200]
    except BaseException:  # noqa: BLE001 - student __repr__ may do anything
        return "<unprintable>"


def decode(data):
    """Inverse of :func:`encode` (lists stay lists; arrays become float arrays)."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if isinstance(data, dict):
        if "__ndarray__" in data:
            shape = tuple(int(s) for s in data["shape"])
            flat = [decode(v) for v in data["__ndarray__"]]
            return np.array(flat, dtype=float).reshape(shape)
        if "__float__" in data:
            return float(data["__float__"])
        if "__object__" in data:
            return Opaque(str(data["__object__"]), str(data.get("repr", "")))
        return {k: decode(v) for k, v in data.items()}
    return data


class Opaque:
    """Something the student's code returned that is not plain data."""

    def __init__(self, type_name, text):
        self.type_name = type_name
        self.text = text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"


# ---------------------------------------------------------------------------
# Process hygiene for the trusted grading process

def _prctl(option, value):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass   # not Linux: the other defences still hold


def set_dumpable(flag):
    """PR_SET_DUMPABLE: when off, same-user processes cannot open /proc/<pid>/fd or /mem."""
    _prctl(4, 1 if flag else 0)


def become_subreaper():
    """Adopt orphaned descendants (Linux), so a child that detaches can still be killed."""
    _prctl(36, 1)   # PR_SET_CHILD_SUBREAPER
    set_dumpable(False)


def kill_orphans():
    """SIGKILL and reap every process whose parent is this one (escaped grandchildren)."""
    me = os.getpid()
    for _ in range(3):
        found = False
        try:
            entries = os.listdir("/proc")
        except OSError:
            return
        for entry in entries:
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read().decode(errors="replace")
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me:
                found = True
                try:
                    os.kill(int(entry), signal.SIGKILL)
                except OSError:
                    pass
        _reap_all()
        if not found:
            return
        time.sleep(0.01)


def _reap_all():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _nobody():
    """(uid, gid) of ``nobody`` when we are root and may drop privileges, else None."""
    if os.geteuid() != 0 or os.environ.get("ADLIB_GRADE_KEEP_ROOT"):
        return None
    try:
        import pwd
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except (KeyError, ImportError):
        return None


def _vm_size():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# ---------------------------------------------------------------------------

class Sandbox:
    """Calls into one student file, each call in a fresh forked child.

    ``path``      the private copy of the submission to import;
    ``display``   the file name the student knows (shown in tracebacks);
    ``timeout``   seconds of wall-clock (and CPU) time per call;
    ``memory_mb`` extra address space a call may allocate.
    """

    def __init__(self, path, display=None, timeout=5.0, memory_mb=1024, module_name="submission",
                 scratch=None, forbid=()):
        self.scratch = scratch   # where each call's empty working directory is made
        self.forbid = tuple(forbid)   # adlib names that answer the exercise (see exercises.py)
        self.path = os.path.abspath(path)
        self.display = display or os.path.basename(path)
        self.timeout = float(timeout)
        self.memory_mb = int(memory_mb)
        self.module_name = module_name
        self.user = _nobody()
        self.roots = _allowed_roots()   # computed here: the child may not be able to import sysconfig

    # -- parent side -------------------------------------------------------
    def call(self, probe, *args, timeout=None):
        """Run ``probe(student_module, *args)`` in a child; return its decoded result.

        Raises :class:`StudentFailure` when the student's code raised, hung,
        exited or crashed.
        """
        timeout = self.timeout if timeout is None else float(timeout)
        workdir = tempfile.mkdtemp(prefix="call-", dir=self.scratch)
        capture = os.path.join(workdir, ".output")
        if self.user is not None:
            os.chown(workdir, *self.user)
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                os.close(read_fd)
                self._child(probe, args, write_fd, workdir, capture, timeout)
            finally:
                os._exit(70)
        os.close(write_fd)
        try:
            raw, status, timed_out = self._collect(pid, read_fd, timeout)
        finally:
            os.close(read_fd)
            try:
                os.killpg(pid, signal.SIGKILL)   # whatever the student left running
            except OSError:
                pass
            kill_orphans()
        output = _read_capture(capture)
        _rmtree(workdir)
        return self._verdict(raw, status, timed_out, timeout, output)

    def _collect(self, pid, read_fd, timeout):
        """Read one length-prefixed message; stop at the deadline or when the child is gone.

        The child's own descendants may hold the pipe open, so EOF is not awaited:
        the message carries its length, and the direct child's exit ends the wait.
        """
        deadline = time.monotonic() + timeout
        data, status, timed_out, need = b"", None, False, None
        while True:
            if need is None and len(data) >= 8:
                need = 8 + int.from_bytes(data[:8], "big")
                if need > _MAX_RESULT:
                    break
            if need is not None and len(data) >= need:
                break
            if status is not None:
                # The child is gone: take what is already in the pipe, then stop.
                ready, _, _ = select.select([read_fd], [], [], 0.05)
                chunk = os.read(read_fd, 1 << 16) if ready else b""
                if not chunk:
                    break
                data += chunk
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], min(left, 0.05))
            if ready:
                chunk = os.read(read_fd, 1 << 16)
                if chunk:
                    data += chunk
                    continue
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid:
                status = st
        if status is None:
            # Message complete (the child is about to exit) or time is up: make sure it ends.
            end = time.monotonic() + (0 if timed_out else 1.0)
            while status is None:
                wpid, st = os.waitpid(pid, os.WNOHANG)
                if wpid:
                    status = st
                elif time.monotonic() >= end:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                    _, status = os.waitpid(pid, 0)
                else:
                    time.sleep(0.002)
        raw = data[8:need] if need is not None and len(data) >= need else b""
        return raw, status, timed_out

    def _verdict(self, raw, status, timed_out, timeout, output):
        if timed_out:
            raise StudentFailure("timeout", f"timed out after {timeout:g} s (an infinite loop, or far too slow)",
                                 output)
        message = None
        if raw:
            try:
                message = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                message = None
        if isinstance(message, dict) and message.get("adlib-grade") == 1:
            kind = message.get("status")
            if kind == "ok":
                return decode(message.get("value"))
            if kind in {"not_implemented", "import_error", "error", "exit", "memory", "invalid"}:
                return _raise(kind, message, output)
        # No (valid) message: the process ended some other way.
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            if sig == signal.SIGXCPU or sig == signal.SIGKILL:
                raise StudentFailure("timeout", f"used more than {timeout:g} s of CPU time and was stopped "
                                     f"({name})", output)
            raise StudentFailure("crash", f"the Python process running your code crashed ({name})", output)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        raise StudentFailure("exit", f"your code ended the Python process (exit code {code}, e.g. os._exit or "
                             "sys.exit) before returning a result", output)

    # -- child side --------------------------------------------------------
    def _child(self, probe, args, write_fd, workdir, capture, timeout):  # pragma: no cover
        os.setsid()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGPIPE, signal.SIGCHLD):
            try:
                signal.signal(sig, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
        signal.setitimer(signal.ITIMER_REAL, 0)
        devnull = os.open(os.devnull, os.O_RDONLY)
        out = os.open(capture, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if self.user is not None:
            os.fchown(out, *self.user)
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, 65536)
        os.chdir(workdir)
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        sys.stdin = open(os.devnull)
        cpu = int(math.ceil(timeout)) + 1
        limits = [(resource.RLIMIT_CPU, (cpu, cpu + 1)),
                  (resource.RLIMIT_CORE, (0, 0)),
                  (resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))]
        vm = _vm_size()
        if vm:
            cap = vm + self.memory_mb * (1 << 20)
            limits.append((resource.RLIMIT_AS, (cap, cap)))
        for which, value in limits:
            try:
                resource.setrlimit(which, value)
            except (ValueError, OSError):
                pass
        if self.user is not None:
            self._preload()
            try:
                os.setgroups([])
                os.setgid(self.user[1])
                os.setuid(self.user[0])
                resource.setrlimit(resource.RLIMIT_NPROC, (64, 64))
            except OSError:
                pass
        sys.dont_write_bytecode = True
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        install_guard(workdir, self.path, self.roots)
        _forbid(self.forbid)
        payload = self._run(probe, args)
        body = json.dumps(payload, allow_nan=False).encode("utf-8")
        data = len(body).to_bytes(8, "big") + body
        view = memoryview(data)
        while view:
            n = os.write(write_fd, view)
            view = view[n:]
        os.close(write_fd)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass
        os._exit(0)

    def _preload(self):  # pragma: no cover - child, still privileged
        """Import the installed modules the submission names, before dropping privileges.

        The unprivileged user may be unable to read the Python installation (for
        example a Python under /root); modules already in memory need no reading.
        Only installed modules are imported here, never the student's file.
        """
        import ast
        import importlib
        try:
            with open(self.path, encoding="utf-8") as fh:
                tree = ast.parse(fh.read())
        except (SyntaxError, ValueError, OSError):
            return
        names = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names[:200]:
            if name in sys.modules:
                continue
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: BLE001 - a missing module fails later, in the student's terms
                pass

    def _run(self, probe, args):  # pragma: no cover - child
        payload = self._run_probe(probe, args)
        # Speak of the student's file, not of the grader's private copy.
        for key in ("message", "traceback"):
            if isinstance(payload.get(key), str):
                text = payload[key].replace(self.path, self.display)
                text = text.replace(os.path.basename(self.path), self.display)
                text = text.replace(f"module '{self.module_name}' has no attribute", "your file defines no")
                payload[key] = text
        return payload

    def _run_probe(self, probe, args):  # pragma: no cover - child
        base = {"adlib-grade": 1}
        try:
            module = self._import()
        except SystemExit as exc:
            return {**base, "status": "import_error", "message": f"it called sys.exit({exc.code!r})",
                    "traceback": self._trimmed(exc)}
        except BaseException as exc:  # noqa: BLE001 - anything the student's import does
            return {**base, "status": "import_error", "message": _one_line(exc),
                    "traceback": self._trimmed(exc)}
        try:
            value = probe(module, *args)
            return {**base, "status": "ok", "value": encode(value)}
        except NotImplementedError as exc:
            return {**base, "status": "not_implemented", "message": _one_line(exc),
                    "where": self._where(exc), "traceback": self._trimmed(exc)}
        except MemoryError as exc:
            return {**base, "status": "memory", "message": f"ran out of memory (limit {self.memory_mb} MB)",
                    "traceback": self._trimmed(exc)}
        except SystemExit as exc:
            return {**base, "status": "exit", "message": f"your code called sys.exit({exc.code!r})",
                    "traceback": self._trimmed(exc)}
        except InvalidSubmission as exc:
            return {**base, "status": "invalid", "message": str(exc)}
        except BaseException as exc:  # noqa: BLE001
            return {**base, "status": "error", "message": _one_line(exc), "type": type(exc).__name__,
                    "where": self._where(exc), "traceback": self._trimmed(exc)}

    def _import(self):  # pragma: no cover - child
        import importlib.util
        spec = importlib.util.spec_from_file_location(self.module_name, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.module_name] = module
        spec.loader.exec_module(module)
        return module

    def _frames(self, exc):
        return [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == self.path]

    def _where(self, exc):
        frames = self._frames(exc)
        return frames[-1].name if frames else ""

    def _trimmed(self, exc):
        """The traceback, keeping only lines in the student's own file ("" when none are: the message says it all)."""
        try:
            frames = self._frames(exc)
            if not frames and not (isinstance(exc, SyntaxError) and exc.filename == self.path):
                return ""
            lines = ["Traceback (only lines in your file):"]
            for f in frames[-8:]:
                lines.append(f'  File "{self.display}", line {f.lineno}, in {f.name}')
                if f.line:
                    lines.append(f"    {f.line.strip()}")
            if isinstance(exc, SyntaxError) and exc.filename == self.path:
                lines.append(f'  File "{self.display}", line {exc.lineno}')
                if exc.text:
                    lines.append(f"    {exc.text.strip()}")
            lines.append(f"{type(exc).__name__}: {_one_line(exc)}")
            return "\n".join(lines)
        except BaseException:  # noqa: BLE001
            return f"{type(exc).__name__}"


# ---------------------------------------------------------------------------
# The guard: an audit hook in the child (it cannot be removed once installed).
# Student code may read the Python installation and its own file, and write only
# in its working directory; it may not start processes, send signals, load C
# code with ctypes, or walk the interpreter's objects.  This keeps a submission
# from reading reference solutions or other students' files, and from reaching
# the grader, even where no separate user account is available.

_BLOCKED = {
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.cdata", "ctypes.call_function",
    "ctypes.addressof", "ctypes.string_at", "ctypes.wstring_at", "ctypes.set_errno",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
}
_WRITES = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.symlink", "os.link", "os.chmod",
           "os.chown", "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.setxattr",
           "os.removexattr", "shutil.rmtree", "shutil.copyfile", "shutil.move"}
_READS = {"os.listdir", "os.scandir", "glob.glob", "os.chdir", "os.listxattr", "os.getxattr"}


def _allowed_roots():
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(path)
    for name in ("numpy", "adlib"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            roots.add(os.path.dirname(module.__file__))
    return {os.path.realpath(r) for r in roots if r}


def _inside(path, roots):
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def install_guard(workdir, submission, roots):  # pragma: no cover - child
    """Install the audit hook that confines student code (see above)."""
    workdir = os.path.realpath(workdir)
    submission = os.path.realpath(submission)
    own = f"/proc/{os.getpid()}"
    reads = set(roots) | {workdir, submission, own, "/proc/self", "/dev", "/sys", "/etc"}
    writes = {workdir, "/dev/null"}
    try:
        import _posixsubprocess   # its fork_exec raises no audit event of its own

        def _no_fork_exec(*args, **kwargs):
            raise PermissionError("the grader does not let submissions start processes")
        _posixsubprocess.fork_exec = _no_fork_exec
    except ImportError:
        pass
    realpath, fspath, isinstance_ = os.path.realpath, os.fspath, isinstance

    def deny(what):
        raise PermissionError(f"the grader does not let submissions {what}")

    def hook(event, args):
        if event in _BLOCKED:
            deny(f"use {event} (processes, signals, ctypes and the interpreter's internals are off limits)")
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            if path is None or isinstance_(path, int):
                return
            full = realpath(fspath(path))
            writing = (isinstance_(mode, str) and any(c in mode for c in "wax+")) or \
                (isinstance_(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
            if writing and not _inside(full, writes):
                deny(f"write to {path!s:.80} (only the current directory is writable)")
            if not writing and not _inside(full, reads):
                deny(f"read {path!s:.80} (only your file and the Python installation are readable)")
        elif event in _WRITES or event in _READS:
            for arg in args[:2]:
                if isinstance_(arg, (str, bytes)) or hasattr(arg, "__fspath__"):
                    full = realpath(fspath(arg))
                    allowed = writes if event in _WRITES else reads
                    if not _inside(full, allowed):
                        deny(f"{event.split('.')[-1]} {arg!s:.80} (outside the current directory)")

    sys.addaudithook(hook)


def _forbid(names):  # pragma: no cover - child
    """Replace adlib's own answers (e.g. ``central_difference`` in exercise 1) with a refusal.

    Done before the submission is imported, so ``from adlib import X`` binds the refusal.
    Only the child's copy of adlib changes; the grader's is untouched.
    """
    if not names:
        return
    originals = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "adlib" or module_name.startswith("adlib.")):
            continue
        if module_name.startswith("adlib.grade"):
            continue
        for name in names:
            value = module.__dict__.get(name)
            if value is not None:
                originals.setdefault(id(value), (name, value))
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "adlib" or module_name.startswith("adlib.")):
            continue
        if module_name.startswith("adlib.grade"):
            continue
        for attr, value in list(module.__dict__.items()):
            if id(value) in originals:
                setattr(module, attr, _refusal(originals[id(value)][0], value))


def _refusal(name, value):
    message = (f"adlib.{name} is adlib's own answer to this exercise; write it yourself "
               "(adlib's version is off limits while this exercise is graded)")
    if isinstance(value, type):
        def __new__(cls, *args, **kwargs):
            raise InvalidSubmission(message)
        return type(value.__name__, (), {"__new__": __new__, "__init_subclass__":
                                           classmethod(lambda cls, **kw: (_ for _ in ()).throw(
                                               InvalidSubmission(message)))})

    def refused(*args, **kwargs):
        raise InvalidSubmission(message)
    refused.__name__ = getattr(value, "__name__", name)
    return refused


class InvalidSubmission(Exception):
    """Raised by a probe when the submission breaks the exercise's rules (e.g. imports the answer)."""


def _one_line(exc):
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001
        text = ""
    text = text.strip().splitlines()[0] if text.strip() else ""
    return text[:300]


def _raise(kind, message, output):
    text = str(message.get("message", ""))[:500]
    if kind == "not_implemented":
        where = str(message.get("where") or "")
        text = "not implemented yet" + (f": {where}() still raises NotImplementedError" if where else "")
    elif kind == "import_error":
        text = f"your file could not be imported: {text}"
    elif kind == "error":
        where = str(message.get("where") or "")
        text = f"{message.get('type', 'Error')}: {text}" + (f" (in {where})" if where else "")
    raise StudentFailure(kind, text, str(message.get("traceback", ""))[:4000] + (
        f"\nyour code printed:\n{output}" if output and kind not in ("not_implemented",) else ""))


def _read_capture(path):
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_OUTPUT + 1)
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if len(text) > _MAX_OUTPUT:
        text = text[:_MAX_OUTPUT] + "\n[... more output cut]"
    return text.strip()


def _rmtree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)
