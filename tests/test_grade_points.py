"""The points table in adlib/grade/exercises.py matches the public and hidden check files."""
import ast
from pathlib import Path

from adlib.grade.exercises import EXERCISES, max_points

ROOT = Path(__file__).resolve().parents[1]


def _points(path):
    """Sum of @pytest.mark.points(n) over the tests of a check file, parametrized tests counted per case."""
    total = 0.0
    for node in ast.parse(path.read_text()).body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        points, cases = 1.0, 1
        for deco in node.decorator_list:
            text = ast.unparse(deco)
            if text.startswith("pytest.mark.points("):
                points = float(ast.literal_eval(deco.args[0]))
            if text.startswith("pytest.mark.parametrize("):
                cases = len(ast.literal_eval(deco.args[1]))
        total += points * cases
    return total


def test_table_matches_the_check_files():
    for key, exercise in EXERCISES.items():
        assert _points(Path(exercise.checks)) == exercise.public_points, key
        hidden = ROOT / "grading" / "hidden" / f"check_{key}_hidden.py"
        assert (_points(hidden) if hidden.exists() else 0) == exercise.hidden_points, key
        assert max_points(key) == exercise.public_points + exercise.hidden_points
