"""Fixtures of the contract suite; run it with `pytest --pyargs contract_tests` from any project.

Its options come with the package's pytest plugin, so they exist before this conftest is found:
`--contract-target inprocess | URL | demo | testnet` ($FAPI_CONTRACT_TARGET; default inprocess) and
`--contract-report PATH` ($FAPI_CONTRACT_REPORT; default: pytest's cache directory).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.profiles import register_profiles
from contract_tests.report import REPORT_ENV, ParityReport
from contract_tests.targets import TARGET_ENV, Target, TargetUnavailable, open_target

_REPORT_KEY = pytest.StashKey[ParityReport]()

register_profiles()


@pytest.fixture(scope="session")
def contract_target(pytestconfig: pytest.Config) -> Iterator[Target]:
    spec = pytestconfig.getoption("contract_target") or os.environ.get(TARGET_ENV) or "inprocess"
    try:
        target = open_target(spec)
    except TargetUnavailable as exc:
        pytest.skip(str(exc))
    yield target
    target.close()


@pytest.fixture(scope="session")
def parity_report(pytestconfig: pytest.Config, contract_target: Target) -> ParityReport:
    report = ParityReport(contract_target.name)
    pytestconfig.stash[_REPORT_KEY] = report
    return report


def _report_path(config: pytest.Config) -> Path | None:
    """Where the parity report goes: the option, the environment, else pytest's cache directory (when enabled)."""
    chosen = config.getoption("contract_report", None) or os.environ.get(REPORT_ENV)
    if chosen:
        return Path(chosen)
    cache = getattr(config, "cache", None)
    return cache.mkdir("fapi-contract") / "parity.md" if cache is not None else None


def pytest_sessionfinish(session: pytest.Session) -> None:
    report = session.config.stash.get(_REPORT_KEY, None)
    path = _report_path(session.config)
    if report is None or path is None:
        return
    written = report.write(path)
    matched = sum(row.match for row in report.rows)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"contract parity: {matched}/{len(report.rows)} cases match; report: {written}")
