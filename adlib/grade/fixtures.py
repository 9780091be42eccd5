"""pytest plugin for the graded tests (public and hidden): the student's sandbox and a fresh generator."""
import pytest

from . import session


@pytest.fixture
def student(request):
    """The submission, reachable only through ``student.call(probe_name, *args)``."""
    key = request.module.__name__.rsplit(".", 1)[-1].replace("check_", "", 1).split("_")[0]
    if key in session.import_errors:
        pytest.fail("not graded: your file could not be imported (see the error above)", pytrace=False)
    return session.sandboxes[key]


@pytest.fixture
def rng(request):
    """Random inputs, fresh on every run; the run's seed reproduces them."""
    return session.rng_for(request.node.nodeid)
