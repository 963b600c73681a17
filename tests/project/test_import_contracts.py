"""The import contracts in pyproject.toml bite: an import that runs the wrong way makes `lint-imports` fail.

Each case copies the three packages and the contracts to a temporary directory, adds one wrong-way import, and runs
import-linter there, so the real tree is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, so import-linter analyses it rather than the installed packages.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for package in ("mockserver", "client", "contract_tests"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tree)
    return tree


def test_the_tree_as_it_is_keeps_every_contract(pristine: Path) -> None:
    result = lint_imports(pristine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "contract"),
    [
        ("mockserver/domain/clock.py", "import flask", "the domain imports no web framework"),
        ("mockserver/domain/exchange.py", "import mockserver.wire.journal", "mockserver layers"),
        ("mockserver/wire/gate.py", "import mockserver.control.api", "mockserver layers"),
        ("mockserver/control/api.py", "import mockserver.hosting.server", "mockserver layers"),
        ("mockserver/wire/edge.py", "import client.signing", "the fake depends on neither"),
        ("mockserver/testing/plugin.py", "import contract_tests.profiles", "the fake depends on neither"),
        ("mockserver/config.py", "import mockserver.wire.gate", "know nothing of the wire"),
        ("client/signing.py", "import mockserver.domain.signing", "the reference client signs with its own code"),
    ],
)
def test_a_wrong_way_import_fails_lint(
    pristine: Path, tmp_path: Path, module: str, wrong_import: str, contract: str
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    source = tree / module
    source.write_text(source.read_text() + f"\n{wrong_import}  # deliberately the wrong way\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), result.stdout
