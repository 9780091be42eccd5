"""Reading a submitted file: a regular UTF-8 Python file, or a clear refusal.

The file is opened once, without following a symbolic link (O_NOFOLLOW) and
without blocking on a FIFO (O_NONBLOCK), and the open file itself is checked
(fstat): there is no moment between a check and the read in which the path
could be swapped.
"""
from __future__ import annotations

import os
import stat

__all__ = ["BadSubmission", "read_submission", "MAX_BYTES"]

MAX_BYTES = 1 << 20


class BadSubmission(Exception):
    """The file cannot be graded (not a regular file, not UTF-8 text, too large)."""


def read_submission(path):
    """The file's bytes, or BadSubmission saying in the student's terms why it cannot be graded."""
    name = os.path.basename(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise BadSubmission(f"{name} is a symbolic link; submit the file itself") from None
        raise BadSubmission(f"{name} cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
                    else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise BadSubmission(f"{name} is {kind}, not a regular file; submit the Python file itself")
        if info.st_size > MAX_BYTES:
            raise BadSubmission(f"{name} is {info.st_size:,} bytes; an exercise file is at most {MAX_BYTES:,}")
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise BadSubmission(f"{name} is larger than {MAX_BYTES:,} bytes")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadSubmission(f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 Python source") from None
    if b"\0" in data:
        raise BadSubmission(f"{name} contains a NUL byte: it is not a Python source file")
    return data
