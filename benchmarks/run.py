"""Run every benchmark in one process and write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py            # all suites
    .venv/bin/python benchmarks/run.py value      # one suite

Each suite is a module ``bench_<name>.py`` beside this file with a ``run() -> str``
that measures adlib against its peers (micrograd, HIPS autograd: optional) and the
plain-numpy floor, and returns a markdown section.  Timings are ratios measured in
this one process, so they compare like with like on whatever machine runs them.
"""
from __future__ import annotations

import datetime
import importlib
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

SUITES = ["value", "arrays", "memory"]


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or SUITES
    sections = []
    for name in names:
        try:
            module = importlib.import_module(f"bench_{name}")
        except ModuleNotFoundError as e:
            sections.append(f"## {name}\n\nnot available: {e}\n")
            continue
        print(f"running bench_{name} ...", flush=True)
        sections.append(module.run())
    import numpy
    header = (f"# adlib benchmarks\n\nMeasured {datetime.date.today()} on {platform.machine()}, "
              f"Python {platform.python_version()}, numpy {numpy.__version__}, "
              "in one process per suite run. Ratios are what matter; absolute times depend on the machine.\n")
    text = header + "\n" + "\n".join(sections)
    (HERE / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
