"""Calls into one student file, answered by a probe server in its own process.

The grader (this side) starts ``adlib_probes.serve`` in a fresh interpreter
inside the jail (:mod:`~adlib.grade.jail`), sends it requests and waits for
each answer with a deadline.  A call that hangs, crashes or exits costs only
that call: the process is killed with everything it started
(:mod:`~adlib.grade.reaper`) and the next call starts a fresh one.  Answers
are plain data (:mod:`~adlib.grade.probes.wire`); the verdict is computed by
the tests, in the grader, after the answer has arrived.
"""
from __future__ import annotations

import os
import select
import subprocess
import tempfile
import time

from . import reaper
from .failure import StudentFailure, clear, from_exit, from_reply, read_output
from .jail import Jail
from .probes import wire
from .probes.wire import Opaque  # noqa: F401  (re-exported for the checks)

__all__ = ["Sandbox", "StudentFailure", "Opaque"]


class Sandbox:
    """One student file, graded by probes.

    ``source``    the submission's bytes (already checked to be a regular UTF-8 file);
    ``display``   the file name the student knows (shown in tracebacks);
    ``timeout``   seconds of wall-clock time per call (and per import);
    ``memory_mb`` memory a call may allocate beyond the interpreter and numpy.
    """

    def __init__(self, exercise, source, display, timeout=5.0, memory_mb=1024, scratch=None):
        self.exercise = exercise
        self.source = source
        self.display = display
        self.timeout = float(timeout)
        self.memory_mb = int(memory_mb)
        self.scratch = scratch
        self.proc = None
        self.jail = None
        self.warning = None
        self.started = 0

    @property
    def limits(self):
        # nproc: as root, the student's own user may run 8 processes and threads in all, so that
        # spinning threads cannot take much more than their share of the machine from other students.
        return {"memory": self.memory_mb << 20, "fsize": 16 << 20, "nofile": 256, "nproc": 8,
                "cpu": int(self.timeout * 40) + 10}

    # -- life cycle ---------------------------------------------------------
    def start(self):
        """Start a fresh process (it imports numpy while the grader gets on with other things)."""
        root = tempfile.mkdtemp(prefix=f"{self.exercise}-", dir=self.scratch)
        self.jail = Jail(self.exercise, root, self.source, self.display, self.limits,
                         fake_adlib=(self.exercise == "ex05"))
        self.capture = os.path.join(root, "output")
        out = os.open(self.capture, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self.proc = subprocess.Popen(self.jail.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=out, env=self.jail.env(), cwd=self.jail.work,
                                         start_new_session=True, close_fds=True)
        finally:
            os.close(out)
        reaper.LIVE.add(self.proc.pid)
        self.started += 1
        self._imported = False

    def stop(self):
        """Kill the process and everything it started; remove its folders."""
        proc, jail = self.proc, self.jail
        self.proc = None
        if proc is not None:
            reaper.kill_group(proc.pid)
            reaper.LIVE.discard(proc.pid)
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            proc.wait()
            reaper.kill_user(jail.user[0] if jail.user else None)
            reaper.kill_orphans()
            if not jail.bwrap:
                reaper.remove_files_of(jail.user[0] if jail.user else None)
        if jail is not None:
            import shutil
            shutil.rmtree(jail.root, ignore_errors=True)
            self.jail = None

    def check_import(self):
        """Import the file; return a warning dict when top-level code raised after defining
        things, None when all went well; raise StudentFailure when it cannot be graded."""
        self._ensure()
        return self.warning

    # -- calls --------------------------------------------------------------
    def call(self, probe, *args, timeout=None):
        """``adlib_probes.<exercise>.<probe>(student_module, *args)`` in the student's process."""
        self._ensure()
        reply = self._ask({"op": "call", "probe": probe, "args": [wire.encode(a) for a in args]},
                          self.timeout if timeout is None else float(timeout))
        try:
            return wire.decode(reply.get("value"))
        except (ValueError, TypeError, RecursionError):
            raise StudentFailure("invalid", "the grader received an answer it does not understand") from None

    def _ensure(self):
        if self.proc is None:
            self.start()
        if not self._imported:
            reply = self._ask({"op": "import"}, self.timeout)
            self.warning = reply.get("warning")
            self._imported = True

    def _ask(self, request, timeout):
        clear(self.capture)
        self.asked = getattr(self, "asked", 0) + 1
        request = {**request, "id": self.asked}
        try:
            wire.send(self.proc.stdin.fileno(), request)
        except OSError:
            pass   # the process is already gone: its exit status says why
        reply, timed_out = self._receive(timeout)
        output = read_output(self.capture)
        if reply is None:
            bwrap = bool(self.jail.bwrap)
            if not timed_out:
                try:
                    self.proc.wait(timeout=1.0)
                except subprocess.TimeoutExpired:
                    pass
            code = self.proc.poll()
            self.stop()
            raise from_exit(code, timeout, output, timed_out=timed_out, bwrap=bwrap)
        if reply.get("id") != self.asked:
            # Not the answer to this request: something else wrote to the grader's pipe.
            self.stop()
            raise StudentFailure("invalid", "the grader received an answer it does not understand "
                                 "(did your code write to the grader's pipe?)")
        if reply.get("status") != "ok":
            failure = from_reply(reply, output)
            if reply.get("status") == "import_error":
                self.stop()
            raise failure
        return reply

    def _receive(self, timeout):
        """(message, timed_out): one framed message ({} when it is not one of ours: the id check then
        refuses it), or None when the deadline passed or the process ended."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        data, need = b"", None
        while True:
            if need is None and len(data) >= 8:
                need = 8 + int.from_bytes(data[:8], "big")
                if need > wire.MAX_MESSAGE:
                    return {}, False
            if need is not None and len(data) >= need:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                return None, True
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None, False
            data += chunk
        try:
            import json
            message = json.loads(data[8:need].decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return {}, False
        if not isinstance(message, dict) or message.get("adlib-grade") != 1:
            return {}, False
        return message, False
