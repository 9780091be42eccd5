"""An audit hook that turns an attempt to leave the sandbox into a clear message.

It is not the boundary: CPython's audit hooks can be bypassed by code running
in the same interpreter.  The boundary is the operating system (a separate
user, resource limits, and bubblewrap's namespaces where installed; see
``adlib/grade/jail.py``).  The hook makes the common attempts fail with a
message that says what the grader does not allow.
"""
import os
import sys

_BLOCKED = {
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.cdata", "ctypes.call_function",
    "ctypes.addressof", "ctypes.string_at", "ctypes.wstring_at", "ctypes.set_errno",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "sqlite3.connect", "sqlite3.connect/handle", "sqlite3.enable_load_extension",
    "os.mkfifo", "os.mknod",
}
_WRITES = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.symlink", "os.link", "os.chmod",
           "os.chown", "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.setxattr",
           "os.removexattr", "shutil.rmtree", "shutil.copyfile", "shutil.move"}
_READS = {"os.listdir", "os.scandir", "glob.glob", "os.chdir", "os.listxattr", "os.getxattr"}


def _inside(path, roots):
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def install(config):
    """Allow reading ``config['readable']`` and the work dir, writing only in the work dir."""
    workdir = os.path.realpath(config["workdir"])
    reads = {os.path.realpath(r) for r in config["readable"]} | {workdir, "/proc/self", "/dev"}
    reads.add(f"/proc/{os.getpid()}")
    writes = {workdir, "/dev/null"}
    try:
        import _posixsubprocess   # its fork_exec raises no audit event of its own

        def _no_fork_exec(*args, **kwargs):
            raise PermissionError("the grader does not let submissions start processes")
        _posixsubprocess.fork_exec = _no_fork_exec
    except ImportError:
        pass
    for name in ("mkfifo", "mknod", "fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
        for module in (os, sys.modules.get("posix")):
            if module is not None and hasattr(module, name):
                try:
                    delattr(module, name)
                except AttributeError:
                    pass
    realpath, fspath, isinstance_ = os.path.realpath, os.fspath, isinstance

    def deny(what):
        raise PermissionError(f"the grader does not let submissions {what}")

    def checked(arg, allowed, verb):
        if isinstance_(arg, int):
            # A directory file descriptor: a relative path would be resolved by the
            # kernel against it, not against the path the hook sees.
            deny(f"{verb} through a file descriptor")
        path = fspath(arg)
        text = path.decode(errors="replace") if isinstance_(path, bytes) else path
        if not text.startswith("/"):
            deny(f"{verb} {text:.80} (give an absolute path: a relative one may be meant for a dir_fd)")
        if not _inside(realpath(path), allowed):
            where = "only your own directory is writable" if allowed is writes else \
                "only your file and the Python installation are readable"
            deny(f"{verb} {text:.80} ({where})")

    def hook(event, args):
        if event in _BLOCKED:
            deny(f"use {event} (processes, signals, sockets, ctypes and the interpreter's internals "
                 "are off limits)")
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            if path is None:
                return
            writing = (isinstance_(mode, str) and any(c in mode for c in "wax+")) or \
                (isinstance_(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
            if isinstance_(path, int) and not writing:
                return   # an fd already open: open(fd) wraps it
            checked(path, writes if writing else reads, "write to" if writing else "read")
        elif event in _WRITES or event in _READS:
            allowed = writes if event in _WRITES else reads
            for arg in args[:2]:
                if isinstance_(arg, (str, bytes, int)) or hasattr(arg, "__fspath__"):
                    checked(arg, allowed, event.split(".")[-1])

    sys.addaudithook(hook)
