"""The package's promises about itself: dependencies, extras, public names."""
import tomllib
from pathlib import Path

import adlib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_runtime_dependencies_are_only_numpy_matplotlib_ipywidgets():
    names = {dep.split(">")[0].split("=")[0].split("<")[0].strip().lower()
             for dep in PYPROJECT["project"]["dependencies"]}
    assert names == {"numpy", "matplotlib", "ipywidgets"}


def test_extras_for_course_development_and_peers():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"course", "dev", "peers"} <= set(extras)
    assert any(d.startswith("jupyterlab") for d in extras["course"])
    for needed in ("pytest", "hypothesis", "nbval"):
        assert any(d.startswith(needed) for d in extras["dev"])
    assert any(d.startswith("autograd") for d in extras["peers"])
    assert any(d.startswith("micrograd") for d in extras["peers"])


def test_python_version_floor():
    assert PYPROJECT["project"]["requires-python"] == ">=3.10"


def test_contract_names_of_the_foundation():
    for name in ["forward_difference", "backward_difference", "central_difference", "complex_step",
                 "numerical_grad", "numerical_jacobian", "Dual", "derivative", "jvp",
                 "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt"]:
        assert callable(getattr(adlib, name)), name


def test_browser_marker_is_registered():
    assert any(m.startswith("browser:") for m in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"])
