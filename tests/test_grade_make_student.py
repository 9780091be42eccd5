"""One source per exercise: the student files come from it and must be up to date."""
import ast
from pathlib import Path

import pytest

from adlib.grade.exercises import EXERCISES, identify
from adlib.grade.make_student import main, make_student, student_files

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"


def test_committed_student_files_are_up_to_date():
    files = student_files(SOURCE)
    assert set(files) == {e.filename for e in EXERCISES.values()}
    stale = [name for name, text in files.items() if (ROOT / "exercises" / name).read_text() != text]
    assert not stale, (f"out of date: {stale}; run "
                       "python -m adlib.grade.make_student exercises/source exercises")
    assert main([str(SOURCE), str(ROOT / "exercises"), "--check"]) == 0


def test_student_files_have_stubs_and_no_solutions():
    for name, text in student_files(SOURCE).items():
        ast.parse(text)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        assert 'raise NotImplementedError("your code here")' in text
        assert identify(name) is not None


def test_make_student_replaces_blocks_at_their_indentation():
    source = ("def f(x):\n    '''doc'''\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\n"
              "class A:\n    def g(self):\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n")
    out = make_student(source)
    assert "return 2 * x" not in out and "return 1" not in out
    assert '    # YOUR CODE HERE\n    raise NotImplementedError("your code here")\n' in out
    assert '        raise NotImplementedError("your code here")\n' in out
    namespace = {}
    exec(compile(out, "student", "exec"), namespace)
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


@pytest.mark.parametrize("bad", ["### BEGIN SOLUTION\nx = 1\n",
                                 "x = 1\n### END SOLUTION\n",
                                 "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n"])
def test_unbalanced_markers_are_refused(bad):
    with pytest.raises(ValueError, match="SOLUTION"):
        make_student(bad, "broken.py")


def test_check_mode_reports_stale_files(tmp_path, capsys):
    (tmp_path / "ex01_finite_differences.py").write_text("old\n")
    assert main([str(SOURCE), str(tmp_path), "--check"]) == 1
    assert "ex01_finite_differences.py" in capsys.readouterr().out
    assert (tmp_path / "ex01_finite_differences.py").read_text() == "old\n"
    assert main([str(SOURCE), str(tmp_path)]) == 0
    assert main([str(SOURCE), str(tmp_path), "--check"]) == 0
