"""Where and as whom the student's process runs: the operating system's boundary.

* a fresh interpreter (``python -I -S``), never a fork of the grader, whose
  ``sys.path`` holds only the standard library, numpy and the probes;
* a private work directory holding a copy of the submission, the only
  writable place;
* as root, a user id of its own (no files, no other processes), so that it can
  read only what any user may read and signal no grader process;
* with bubblewrap (``/usr/bin/bwrap``, Debian package ``bubblewrap``) when it is
  installed and works: new pid, network, IPC and mount namespaces in which the
  file system holds only the system's libraries, the Python installation
  without its site-packages, numpy, the probes and the work directory.
  adlib, autograd, torch, jax, the hidden checks and the reference solutions are
  simply not there, and the whole namespace dies with its first process.

:func:`describe` says which of these hold; the report prints it.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig

__all__ = ["Jail", "describe", "bwrap_path"]

PROBES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "probes")
SANDBOX_SITE = "/sandbox/site"
SANDBOX_WORK = "/sandbox/work"
NO_BWRAP_ENV = "ADLIB_GRADE_NO_BWRAP"   # set to 1 to grade without bubblewrap (tests of the fallback)
# Test switch: 1 = no audit hook in the student's process, so that the grader's tests prove
# that the operating system's boundary holds on its own.  Read here, in the trusted grader,
# from the grader's own environment; the student's process never sees it.
NO_HOOK_ENV = "ADLIB_GRADE_TEST_NO_AUDIT_HOOK"


def audit_hook():
    """Whether the student's process gets the audit hook (always, except in the grader's own tests)."""
    return not os.environ.get(NO_HOOK_ENV)


def _python():
    """The real interpreter behind this one (a venv's python is a link or a copy of it)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(base)


def _module_dir(name):
    spec = __import__(name)
    return os.path.dirname(os.path.realpath(spec.__file__))


def _numpy_parts():
    """numpy's package folder and, for a wheel, its bundled libraries (numpy.libs)."""
    numpy_dir = _module_dir("numpy")
    parts = [numpy_dir]
    libs = numpy_dir + ".libs"
    if os.path.isdir(libs):
        parts.append(libs)
    return parts


def _site_dirs():
    """Every site-packages folder Python knows of: hidden inside the sandbox."""
    dirs = set()
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:
        pass
    try:
        dirs.add(site.getusersitepackages())
    except AttributeError:
        pass
    for key in ("purelib", "platlib"):
        dirs.add(sysconfig.get_paths()[key])
        dirs.add(sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})[key])
    dirs.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    return sorted({os.path.realpath(d) for d in dirs if d and os.path.isdir(d)})


def _stdlib_dirs():
    paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix,
                                      "installed_base": sys.base_prefix,
                                      "installed_platbase": sys.base_exec_prefix})
    return sorted({os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib") if paths.get(k)})


@functools.lru_cache(maxsize=1)
def bwrap_path():
    """The bubblewrap binary when it is installed and works here, else None."""
    if os.environ.get(NO_BWRAP_ENV):
        return None
    path = shutil.which("bwrap") or ("/usr/bin/bwrap" if os.path.exists("/usr/bin/bwrap") else None)
    if path is None:
        return None
    try:
        probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--proc", "/proc",
                                "--dev", "/dev", "--die-with-parent", "/bin/true"],
                               capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


def describe():
    """One line for the report: what isolates the submission on this machine."""
    parts = ["each file in a fresh Python process", "CPU, memory, process and file-size limits"]
    parts.append("as a user of its own" if os.geteuid() == 0 else
                 "as the grading user (run as root to give it a user of its own)")
    if bwrap_path():
        parts.append("in bubblewrap namespaces (no network, read-only system, only numpy and its own folder)")
    else:
        if os.geteuid() == 0:
            parts.append("WITHOUT bubblewrap (not installed or not usable here): no namespaces, so the "
                         "submission can read what any user can read (instructor files must be root-only: "
                         "python -m adlib.grade.lockdown), and use the network unless the kernel gives it "
                         "a network namespace of its own")
        else:
            parts.append("WITHOUT bubblewrap (not installed or not usable here) and not as root: the "
                         "submission runs as you and could read and write what you can; only the audit "
                         "hook stands in its way, and it is not a sandbox")
    if not audit_hook():
        parts.append("audit hook OFF (a test of the grader)")
    return "isolation: " + "; ".join(parts)


class Jail:
    """The command line and folders of one student process."""

    def __init__(self, exercise, root, source_bytes, display, limits, fake_adlib=False):
        self.exercise = exercise
        self.display = display
        self.bwrap = bwrap_path()
        self.user = _fresh_user() if os.geteuid() == 0 else None
        self.root = root                        # a fresh folder of ours for this process
        self.work = os.path.join(root, "work")  # the only writable place, holding the private copy
        self.site = os.path.join(root, "site")  # without bwrap: links to numpy and the probes only
        os.makedirs(self.work)
        os.makedirs(self.site)
        os.chmod(root, 0o755)
        copy = os.path.join(self.work, display)
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o444)
        with os.fdopen(fd, "wb") as fh:
            fh.write(source_bytes)
        if self.user is not None:
            os.chown(self.work, *self.user)
        os.chmod(self.work, 0o700)
        self.links = {os.path.basename(p): p for p in _numpy_parts()}
        self.links["adlib_probes"] = PROBES
        if fake_adlib:
            self.links["adlib"] = os.path.join(PROBES, "fake_adlib")
        self.limits = limits

    def command(self):
        inside_site = SANDBOX_SITE if self.bwrap else self.site
        inside_work = SANDBOX_WORK if self.bwrap else self.work
        if not self.bwrap:
            # Copies of the probes (small), so that adlib's own folder can be root-only; numpy is linked.
            for name, target in self.links.items():
                if name in PRIVATE_COPIES:
                    shutil.copytree(target, os.path.join(self.site, name), symlinks=False,
                                    ignore=shutil.ignore_patterns("__pycache__"))
                    _readable_tree(os.path.join(self.site, name))
                else:
                    os.symlink(target, os.path.join(self.site, name))
        readable = _stdlib_dirs() + [inside_site] + ([] if self.bwrap else [
            t for n, t in self.links.items() if n not in PRIVATE_COPIES])
        config = {"exercise": self.exercise, "site": inside_site, "workdir": inside_work,
                  "path": os.path.join(inside_work, self.display), "display": self.display,
                  "module": "submission", "limits": self.limits, "readable": readable,
                  "uid": self.user[0] if self.user else None, "gid": self.user[1] if self.user else None,
                  "preload": PRELOAD, "audit_hook": audit_hook(), "unshare_net": not self.bwrap}
        argv = [_python(), "-I", "-S", os.path.join(inside_site, "adlib_probes", "launch.py"),
                json.dumps(config)]
        return (self._bwrap_args() + argv) if self.bwrap else argv

    def env(self):
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
               "HOME": SANDBOX_WORK if self.bwrap else self.work, "TMPDIR": "/tmp" if self.bwrap else self.work}
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = "1"
        return env

    def _bwrap_args(self):
        args = [self.bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
        for var, value in self.env().items():
            args += ["--setenv", var, value]
        for path in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/sbin", "/etc/ld.so.cache",
                     "/etc/ld.so.conf", "/etc/localtime"):
            args += ["--ro-bind-try", path, path]
        prefixes = {os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix)}
        prefixes.add(os.path.dirname(os.path.dirname(_python())))
        made = set()
        for prefix in sorted(prefixes):
            if not prefix.startswith(("/usr/", "/bin", "/lib")) and prefix != "/usr":
                # bubblewrap creates missing parents (e.g. /root for a Python under /root/.pyenv) as
                # 0700, which the student's user cannot cross: create them 0755 first.
                parents = []
                parent = os.path.dirname(prefix)
                while parent not in ("/", "") and parent not in made:
                    parents.insert(0, parent)
                    parent = os.path.dirname(parent)
                for folder in parents:
                    args += ["--dir", folder]
                    made.add(folder)
                args += ["--ro-bind", prefix, prefix]
        for folder in _site_dirs():   # every site-packages: empty inside (adlib, autograd, torch, jax, ...)
            args += ["--tmpfs", folder]
        # /tmp and the work folder are small tmpfs of their own: a submission cannot fill the
        # machine's memory or disk with files (RLIMIT_FSIZE bounds one file, not how many).
        size = str(WRITABLE_MB << 20)
        args += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--perms", "01777", "--tmpfs", "/tmp",
                 "--dir", "/sandbox", "--ro-bind", self.site, SANDBOX_SITE]
        for name, target in self.links.items():
            os.mkdir(os.path.join(self.site, name), 0o755)   # a mount point, readable by the student's user
            args += ["--ro-bind", target, os.path.join(SANDBOX_SITE, name)]
        args += ["--size", size, "--perms", "01777", "--tmpfs", SANDBOX_WORK,
                 "--ro-bind", os.path.join(self.work, self.display), os.path.join(SANDBOX_WORK, self.display),
                 "--chdir", SANDBOX_WORK]
        return args


# Modules imported before the student's code, while the installation is still
# readable (a Python under /root is not readable for the unprivileged user).
PRELOAD = ["numpy", "numpy.linalg", "numpy.random", "numpy.fft", "math", "cmath", "random", "statistics",
           "fractions", "decimal", "functools", "itertools", "collections", "copy", "operator", "numbers",
           "warnings", "traceback", "linecache", "tokenize", "importlib.util", "dataclasses", "typing",
           "abc", "string", "re", "heapq", "bisect", "json", "time", "threading", "signal", "contextlib",
           "enum", "struct", "textwrap", "pprint", "pathlib"]


WRITABLE_MB = 64   # size of the student's /tmp and work folder under bubblewrap

PRIVATE_COPIES = ("adlib_probes", "adlib")   # copied into the student's folder without bubblewrap


def _readable_tree(top):
    for folder, dirs, files in os.walk(top):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def _fresh_user():
    """A user and group id nobody else uses (no account needed): this process's alone."""
    number = 1_000_000 + int.from_bytes(os.urandom(4), "big") % 1_000_000_000
    return number, number
