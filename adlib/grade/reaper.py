"""Ending every process a submission started, however it tried to get away.

* each student process leads a new session and process group, killed as a whole;
* the runner is a child subreaper (Linux), so descendants that double-fork and
  call setsid are re-parented to it, and :func:`kill_orphans` ends them;
* as root, every process of the submission's own user id is killed
  (:func:`kill_user`), which also reaches processes that left the group;
* under bubblewrap, the pid namespace dies with its first process;
* without it, as root, what the user id left in /tmp, /var/tmp and /dev/shm is removed.
"""
from __future__ import annotations

import ctypes
import os
import signal
import time

__all__ = ["set_dumpable", "become_subreaper", "kill_group", "kill_orphans", "kill_user", "remove_files_of"]


def _prctl(option, value):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass   # not Linux: the other defences still hold


def set_dumpable(flag):
    """PR_SET_DUMPABLE: when off, same-user processes cannot read /proc/<pid>/environ, fd or mem."""
    _prctl(4, 1 if flag else 0)


def become_subreaper():
    """Adopt orphaned descendants (Linux), so that a child that detaches can still be killed."""
    _prctl(36, 1)   # PR_SET_CHILD_SUBREAPER
    set_dumpable(False)


def kill_group(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def kill_user(uid):
    """SIGKILL every process of ``uid`` (root only): kill(-1) from a helper running as that user."""
    if uid is None or os.geteuid() != 0:
        return
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the helper
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)   # every process this user may signal: its own
        except OSError:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


# Folders any user may write to: without bubblewrap (which gives the student a /tmp of its own)
# a submission's user can leave files there, which outlive it unless removed.
SHARED = ("/tmp", "/var/tmp", "/dev/shm")


def remove_files_of(uid, roots=SHARED):
    """Remove everything ``uid`` (a submission's own user id) owns in the folders any user may write
    to (root only).  Only world-writable folders are searched: nowhere else could it create a file."""
    if uid is None or os.geteuid() != 0:
        return
    import shutil
    import stat

    def sweep(folder, depth):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if info.st_uid == uid:
                if stat.S_ISDIR(info.st_mode):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass
            elif stat.S_ISDIR(info.st_mode) and info.st_mode & 0o002 and depth < 20:
                sweep(entry.path, depth + 1)
    for root in roots:
        sweep(root, 0)


LIVE = set()   # pids of the student processes still in use: not orphans


def kill_orphans():
    """SIGKILL and reap every process whose parent is this one (adopted escapees), except LIVE ones."""
    me = os.getpid()
    for _ in range(5):
        killed = []
        try:
            entries = os.listdir("/proc")
        except OSError:
            return
        for entry in entries:
            if not entry.isdigit() or int(entry) in LIVE:
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read().decode(errors="replace")
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me:
                try:
                    os.kill(int(entry), signal.SIGKILL)
                    killed.append(int(entry))
                except OSError:
                    pass
        for pid in killed:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        if not killed:
            return
        time.sleep(0.01)
