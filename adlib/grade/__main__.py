"""``python -m adlib.grade PATH [--json FILE]``: the same as ``adlib-grade``."""
import sys

from .cli import main

sys.exit(main())
