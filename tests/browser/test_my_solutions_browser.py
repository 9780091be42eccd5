"""The "your solutions" widget in a real browser: pick an exercise file, see its feedback and picture.

Voila serves notebooks/explore_your_solutions.ipynb unchanged; its kernel grades the first
exercise file (the ex01 stub in the repository) when the widget is built.  The test picks
ex03 in the file menu as a student would and waits for the grader's feedback and the picture
to appear.  A copy with its widget callbacks disabled must fail the same check, so a widget
that never reacts to the menu cannot pass.
"""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

import jupyter_harness as harness
import widget_checks as checks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOK = harness.NOTEBOOKS / "explore_your_solutions.ipynb"
READY = ".adlib-mysol-feedback table"
BOX = ".adlib-my-solutions"


@pytest.fixture
def jupyter_env(jupyter_env):
    """The shared isolated environment, with a TMPDIR the grader's sandbox user can enter.

    The grader, run as root (as here and in CI), runs the student's code as the user
    ``nobody`` in a temporary directory under TMPDIR; the shared fixture puts TMPDIR in
    pytest's own folder, which only root may enter, and every import then fails with
    "Permission denied".
    """
    tmp = tempfile.mkdtemp(prefix="adlib-voila-tmp-")
    os.chmod(tmp, 0o755)
    env = dict(jupyter_env, TMPDIR=tmp)
    yield env
    shutil.rmtree(tmp, ignore_errors=True)


def text_of(page, selector):
    found = page.locator(selector)
    return found.first.inner_text() if found.count() else ""


def picture_source(page):
    img = page.locator(".adlib-mysol-picture img")
    return img.first.get_attribute("src") if img.count() else ""


def check_pick_a_file(page, screenshot=None, wait=60.0):
    """Pick ex03 in the file menu; its feedback and picture must replace ex01's."""
    first = checks.wait_until(lambda: "ex01_finite_differences.py" in text_of(page, ".adlib-mysol-feedback"),
                              30, page)
    assert first, f"before any pick the feedback reads {text_of(page, '.adlib-mysol-feedback')[:200]!r}"
    assert "not implemented yet" in text_of(page, ".adlib-mysol-feedback")
    before = picture_source(page)
    assert before.startswith("data:image/png"), "the ex01 picture is not shown"
    select = page.locator(".adlib-mysol-file select")
    labels = select.locator("option").all_inner_texts()
    assert "ex03_backprop_value.py" in labels, f"the file menu offers {labels}"
    select.select_option(label="ex03_backprop_value.py")

    seen_grading = []

    def ex03_shown():
        if "grading ex03_backprop_value.py" in text_of(page, ".adlib-mysol-status"):
            seen_grading.append(True)       # the state shown while the grader runs (a second or more)
        feedback = text_of(page, ".adlib-mysol-feedback")
        return ("ex03_backprop_value.py" in feedback and "not implemented yet" in feedback
                and "backward() raised NotImplementedError" in text_of(page, ".adlib-mysol-note")
                and picture_source(page) not in ("", before))
    shown = checks.wait_until(ex03_shown, wait, page, interval_ms=50)
    assert shown, ("picking ex03_backprop_value.py did not show its feedback and picture; the page shows "
                   f"{text_of(page, '.adlib-mysol-feedback')[:200]!r} and {text_of(page, '.adlib-mysol-note')[:200]!r}")
    assert seen_grading, "while ex03 was graded the status never said 'grading ex03_backprop_value.py…'"
    assert "graded ex03_backprop_value.py" in text_of(page, ".adlib-mysol-status")
    if screenshot is not None:
        checks.save_screenshot(page, BOX, screenshot)


def test_picking_a_file_shows_its_feedback_and_picture(open_voila, tmp_path):
    if not NOTEBOOK.exists():
        pytest.skip("notebooks/explore_your_solutions.ipynb does not exist")
    checks.passes_served(open_voila, NOTEBOOK, READY, check_pick_a_file, tmp_path / "my_solutions.png")


def test_a_broken_callback_fails_the_check(open_voila, tmp_path):
    # the copy still renders and grades ex01: only picking another file is dead
    checks.fails_when_broken(open_voila, NOTEBOOK, tmp_path, "make_my_solutions_widget", READY, check_pick_a_file,
                             "did not show its feedback", wait=15.0)
