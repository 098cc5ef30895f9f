"""pyproject.toml and environment.yml describe the same pinned environment."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(d.split("==") for d in deps)


def _conda_pins():
    text = (ROOT / "environment.yml").read_text()
    pins = dict(re.findall(r"^\s+-\s+([A-Za-z0-9_.-]+)==(\S+)\s*$", text, re.M))
    python = re.search(r"^\s+-\s+python=(\S+)\s*$", text, re.M).group(1)
    return pins, python


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"] + project["optional-dependencies"]["dev"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.+]*", dep), dep


def test_torch_is_the_cpu_build_pin():
    assert _pyproject_pins()["torch"] == "2.13.0"


def test_environment_yml_matches_pyproject():
    pins, python = _conda_pins()
    assert pins == _pyproject_pins()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == "3.11" and ">=3.11" in requires


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    for name, pin in _pyproject_pins().items():
        assert version(name).split("+")[0] == pin, name
