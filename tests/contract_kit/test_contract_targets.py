"""The contract suite as a downstream pipeline runs it: `pytest --pyargs contract_tests` against each target."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

FAST = ("-p", "no:cacheprovider")


@pytest.fixture
def cli_server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--weight-limit", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("fapi-mock listening on "), first
    try:
        yield first.rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_server_contract_over_a_socket_against_the_cli_server(
    pytester: pytest.Pytester, cli_server: str, tmp_path: Path
) -> None:
    report = tmp_path / "parity.md"
    result = pytester.runpytest_subprocess(
        *FAST,
        "--pyargs",
        "contract_tests.test_server_contract",
        "--contract-target",
        cli_server,
        "--contract-report",
        str(report),
    )
    result.assert_outcomes(passed=3)
    text = report.read_text()
    assert f"# Server contract parity: the fake at {cli_server}" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| case")]
    assert len(rows) >= 60 and all(row.endswith("| yes |") for row in rows)
    result.stdout.fnmatch_lines(["*contract parity: * cases match; report: *parity.md"])


def test_binance_demo_without_credentials_is_skipped_cleanly(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FAPI_CONTRACT_API_KEY", "FAPI_CONTRACT_API_SECRET", "FAPI_CONTRACT_PRIVATE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    result = pytester.runpytest_subprocess(
        *FAST, "--pyargs", "contract_tests.test_server_contract", "--contract-target", "demo", "-rs"
    )
    result.assert_outcomes(skipped=3)
    result.stdout.fnmatch_lines(["*Binance demo needs FAPI_CONTRACT_API_KEY*"])


def test_unknown_target_is_an_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(
        *FAST, "--pyargs", "contract_tests.test_server_contract", "--contract-target", "mainnet"
    )
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*unknown contract target 'mainnet'*"])
