"""Creates files outside its folder with mknod, mkfifo and sqlite3."""
import os

OUTSIDE = "@TMP@"
for name, make in [("fifo", lambda p: os.mkfifo(p)), ("node", lambda p: os.mknod(p)),
                   ("db", lambda p: __import__("sqlite3").connect(p).execute("create table t (x)"))]:
    try:
        make(os.path.join(OUTSIDE, "escaped-" + name))
    except Exception as exc:  # noqa: BLE001
        print(name, exc)


def forward_difference(f, x, h=1e-7):
    return (f(x + h) - f(x)) / h
