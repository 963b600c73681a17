"""The contract suite as a downstream pipeline runs it: `pytest --pyargs contract_tests` against each target."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver import DEMO_API_KEY, DEMO_SECRET

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
        "contract_tests",
        "--contract-target",
        cli_server,
        "--contract-report",
        str(report),
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, outcomes
    assert outcomes["passed"] >= 300 and "skipped" not in outcomes, outcomes  # a fake over a socket can do it all
    text = report.read_text()
    assert f"# Server contract parity: the fake at {cli_server}" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| class")]
    assert len(rows) >= 300 and all(row.endswith("| yes |") for row in rows)
    for kind in ("valid", "single fault", "pair of faults", "boundary", "sequence", "keys and weights"):
        assert any(row.startswith(f"| {kind} |") for row in rows), kind
    result.stdout.fnmatch_lines(["*contract parity: * cases match; report: *parity.md*"])


def test_server_contract_through_the_api_alone(
    pytester: pytest.Pytester, cli_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With credentials in the environment a URL is any server: no clock to pin, nothing to seed, no keys to mint.
    Against the fake's demo account that runs the API-only cases over a socket, and must pass, not flake."""
    monkeypatch.setenv("FAPI_CONTRACT_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("FAPI_CONTRACT_API_SECRET", DEMO_SECRET)
    report = tmp_path / "parity.md"
    result = pytester.runpytest_subprocess(
        *FAST, "--pyargs", "contract_tests", "--contract-target", cli_server, "--contract-report", str(report), "-rs"
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, outcomes
    assert outcomes["passed"] >= 50 and outcomes["skipped"] >= 10, outcomes
    result.stdout.fnmatch_lines(["*no RSA credentials*", "*has no clock to pin*", "*cannot mint keys*"])
    text = report.read_text()
    assert "(API only)" in text and "| sequence |" in text and "| boundary |" in text


def test_binance_demo_without_credentials_is_skipped_cleanly(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FAPI_CONTRACT_API_KEY", "FAPI_CONTRACT_API_SECRET", "FAPI_CONTRACT_PRIVATE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    result = pytester.runpytest_subprocess(
        *FAST, "--pyargs", "contract_tests.test_server_contract", "--contract-target", "demo", "-rs"
    )
    outcomes = result.parseoutcomes()
    assert set(outcomes) == {"skipped"} and outcomes["skipped"] >= 300, outcomes
    result.stdout.fnmatch_lines(["*Binance demo needs FAPI_CONTRACT_API_KEY*"])


def test_unknown_target_is_an_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(
        *FAST, "--pyargs", "contract_tests.test_server_contract", "--contract-target", "mainnet"
    )
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*unknown contract target 'mainnet'*"])


def test_the_kit_runs_under_its_own_hypothesis_profile(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a profile chosen, the kit loads fapi-default (no deadline), never Hypothesis' 200 ms default."""
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)  # CI chooses one for this project's own run
    report = str(tmp_path / "parity.md")
    result = pytester.runpytest_subprocess(
        *FAST, "--pyargs", "contract_tests.test_server_contract", "-k", "drawn", "--contract-report", report
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*contract parity: * cases match; report: *; Hypothesis profile fapi-default"])


def test_a_client_module_of_the_projects_own_is_named_as_the_shadow(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.machinery
    import importlib.util

    from contract_tests import reference

    theirs = tmp_path / "client.py"
    theirs.write_text("def connect():\n    pass\n")
    found = importlib.machinery.ModuleSpec("client", None, origin=str(theirs))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: found if name == "client" else None)
    with pytest.raises(ImportError, match=r"is not fapi-mock's reference client.*shadows it.*--import-mode=importlib"):
        reference._check_reference_client()


def test_the_in_process_target_patches_nothing_process_wide() -> None:
    """It lives for a whole session: a patched `requests` would switch off other tests' network guards."""
    import responses
    from requests.adapters import HTTPAdapter

    from contract_tests.targets import inprocess_target

    target = inprocess_target()
    try:
        assert HTTPAdapter.send is responses._real_send
        answer = target.session.get(target.base_url + "/fapi/v1/ping", timeout=5)
        assert (answer.status_code, answer.json()) == (200, {})
    finally:
        target.close()
