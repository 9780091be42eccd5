"""The points table in adlib/grade/exercises.py matches the public and hidden check files."""
import importlib.util
from pathlib import Path

import pytest

from adlib.grade.exercises import EXERCISES, max_points

ROOT = Path(__file__).resolve().parents[1]


def _points(path):
    """Sum of @pytest.mark.points(n) over the tests of a check file (as pytest collects them: every
    module attribute named test_*), parametrized tests counted per case."""
    spec = importlib.util.spec_from_file_location(f"_points_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    total = 0.0
    for name, fn in vars(module).items():
        if not (name.startswith("test_") and callable(fn)):
            continue
        points, cases = 1.0, 1
        for mark in getattr(fn, "pytestmark", []):
            if mark.name == "points":
                points = float(mark.args[0])
            if mark.name == "parametrize":
                cases *= len(mark.args[1])
        total += points * cases
    return total


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")
def test_table_matches_the_check_files():
    for key, exercise in EXERCISES.items():
        assert _points(Path(exercise.checks)) == exercise.public_points, key
        hidden = ROOT / "grading" / "hidden" / f"check_{key}_hidden.py"
        assert (_points(hidden) if hidden.exists() else 0) == exercise.hidden_points, key
        assert max_points(key) == exercise.public_points + exercise.hidden_points
