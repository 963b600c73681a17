"""The distributions a user installs: the wheel and the sdist, built once per session, as they come out of the build.

The build runs without isolation (`python -m build --no-isolation`, with the `build` and `setuptools` of the test
extra), so it needs no network, on a copy of the tree, so the work tree gets no `build/` or egg-info from it. The
sdist is built first and the wheel from the sdist, as a user's `python -m build` does: a file the sdist forgets
fails the wheel's checks too. `make wheel-smoke` (scripts/wheel_smoke.sh) goes further: a fresh venv, the wheel
installed from PyPI's dependencies, a downstream project's tests and the contract suite.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("mockserver", "client", "contract_tests")
DATA_FILES = ("mockserver/data/exchange_info.json", "mockserver/data/leverage_brackets.json")
REPOSITORY = "https://github.com/fapi-mock/fapi-mock"
# Left out of the copy the build runs on: caches, environments and what earlier builds left behind.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".*_cache", ".hypothesis", "results"
)


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path
    output: str  # what the build printed, stdout and stderr together

    def wheel_names(self) -> set[str]:
        with zipfile.ZipFile(self.wheel) as wheel:
            return set(wheel.namelist())

    def wheel_text(self, name: str) -> str:
        with zipfile.ZipFile(self.wheel) as wheel:
            return wheel.read(name).decode("utf-8")

    def sdist_names(self) -> set[str]:
        """The sdist's members, relative to its top folder (`fapi_mock-0.1.0/`)."""
        with tarfile.open(self.sdist) as sdist:
            return {name.partition("/")[2] for name in sdist.getnames()}

    def sdist_text(self, name: str) -> str:
        with tarfile.open(self.sdist) as sdist:
            member = sdist.extractfile(f"{sdist.getnames()[0].partition('/')[0]}/{name}")
            assert member is not None, name
            return member.read().decode("utf-8")

    def dist_info(self) -> str:
        [folder] = {name.split("/")[0] for name in self.wheel_names() if name.split("/")[0].endswith(".dist-info")}
        return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    source = tmp_path_factory.mktemp("source") / "fapi-mock"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    outdir = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    [wheel] = outdir.glob("*.whl")
    [sdist] = outdir.glob("*.tar.gz")
    return Built(wheel, sdist, output)


def python_files(folder: str) -> set[str]:
    """The .py files under `folder` of the tree, as paths relative to its root."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts}


def metadata(text: str) -> Message:
    return Parser().parsestr(text)


def wheel_metadata(built: Built) -> Message:
    return metadata(built.wheel_text(f"{built.dist_info()}/METADATA"))


# --- the build itself ---
def test_the_build_warns_about_nothing(built: Built) -> None:
    assert "mockserver.data" not in built.output
    assert "absent from the `packages` configuration" not in built.output
    # build repeats every warning the backend raised as a WARNING line at the end; MANIFEST.in misses are lower case
    warnings = [line for line in built.output.splitlines() if line.startswith("WARNING") or "Warning:" in line]
    assert warnings == []
    misses = [line for line in built.output.splitlines() if re.match(r"warning: no (files|directories) found", line)]
    assert misses == []


# --- the wheel ---
def test_the_wheel_holds_the_three_packages_and_nothing_else(built: Built) -> None:
    names = built.wheel_names()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == set(PACKAGES)
    assert built.wheel_text(f"{built.dist_info()}/top_level.txt").split() == sorted(PACKAGES)
    for package in PACKAGES:
        modules = python_files(package)
        assert modules <= names, f"modules of {package} missing from the wheel: {sorted(modules - names)}"


def test_the_wheel_holds_the_data_files_and_the_typing_markers(built: Built) -> None:
    names = built.wheel_names()
    assert set(DATA_FILES) <= names
    assert "mockserver/data/__init__.py" in names  # a package of its own, so the data are its package data
    assert {f"{package}/py.typed" for package in PACKAGES} <= names


def test_the_wheel_declares_the_plugins_and_the_script(built: Built) -> None:
    entry_points = configparser.ConfigParser()
    entry_points.read_string(built.wheel_text(f"{built.dist_info()}/entry_points.txt"))
    assert dict(entry_points["pytest11"]) == {
        "fapi_mock": "mockserver.testing.plugin",
        "fapi_contract": "contract_tests.plugin",
    }
    assert dict(entry_points["console_scripts"]) == {"fapi-mock": "mockserver.hosting.cli:main"}


def test_the_wheel_carries_the_licence(built: Built) -> None:
    licence = built.wheel_text(f"{built.dist_info()}/licenses/LICENSE")
    assert licence.startswith("MIT License") and "Copyright (c) 2026 the fapi-mock authors" in licence


# --- the metadata, the same in both ---
@pytest.fixture(params=["wheel", "sdist"])
def meta(request: pytest.FixtureRequest, built: Built) -> Message:
    return wheel_metadata(built) if request.param == "wheel" else metadata(built.sdist_text("PKG-INFO"))


def test_metadata_classifiers(meta: Message) -> None:
    classifiers = meta.get_all("Classifier") or []
    for wanted in ("Framework :: Pytest", "Programming Language :: Python :: 3.11", "Typing :: Typed"):
        assert wanted in classifiers
    # PEP 639: the licence is an SPDX expression, and setuptools>=77 refuses a licence classifier beside it.
    assert not [c for c in classifiers if c.startswith("License ::")]
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.11"


def test_metadata_project_urls(meta: Message) -> None:
    urls = dict(line.split(", ", 1) for line in meta.get_all("Project-URL") or [])
    assert urls["Source"] == REPOSITORY
    assert urls["Documentation"] == f"{REPOSITORY}#readme"


def test_metadata_extras(meta: Message) -> None:
    assert {"contract", "test"} <= set(meta.get_all("Provides-Extra") or [])
    requirements = [Requirement(line) for line in meta.get_all("Requires-Dist") or []]

    def extra(name: str) -> set[str]:
        return {
            f"{r.name}{''.join(f'[{e}]' for e in sorted(r.extras))}"
            for r in requirements
            if r.marker is not None and r.marker.evaluate({"extra": name})
        }

    base = {r.name for r in requirements if r.marker is None}
    assert base == {"flask", "waitress", "cryptography", "requests", "responses"}
    assert extra("contract") == {"pytest", "hypothesis"}  # what `pytest --pyargs contract_tests` needs beyond base
    assert "fapi-mock[contract]" in extra("test")


# --- the sdist ---
def test_the_sdist_ships_runnable_tests(built: Built) -> None:
    names = built.sdist_names()
    assert {"LICENSE", "README.md", "pyproject.toml", "Makefile", "tests/conftest.py", "tests/helpers.py"} <= names
    examples = {f"tests/examples/{p.name}" for p in (ROOT / "tests" / "examples").glob("*.py")}
    assert "tests/examples/signing.py" in examples and examples <= names
    tests = python_files("tests")
    assert tests <= names, f"missing from the sdist: {sorted(tests - names)}"
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    for linked in re.findall(r"\]\((docs/[^)#]+)\)", (ROOT / "README.md").read_text("utf-8")):
        assert linked in names  # the README's links resolve inside the sdist too


def test_the_sdist_carries_the_packages_and_their_data(built: Built) -> None:
    names = built.sdist_names()
    assert set(DATA_FILES) <= names
    assert {f"{package}/py.typed" for package in PACKAGES} <= names
