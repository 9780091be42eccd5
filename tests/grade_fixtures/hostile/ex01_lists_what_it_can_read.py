"""Says which instructor files it can open (as its feedback), with open() and with os.open."""
import os

ROOT = "@ROOT@"
PLACES = ["adlib/value.py", "adlib/grade/checks/check_ex06.py", "grading/hidden/check_ex01_hidden.py",
          "exercises/source/ex01_finite_differences.py"]


def forward_difference(f, x, h=1e-7):
    found = []
    for place in PLACES:
        try:
            os.close(os.open(os.path.join(ROOT, place), os.O_RDONLY))
            found.append(place)
        except OSError as exc:
            found.append(f"refused {place}: {exc.strerror}")
    raise ValueError("; ".join(found))
