"""Fixtures of the contract suite; run it with `pytest --pyargs contract_tests` from any project.

Its options (`--contract-target`, `--contract-report`) and Hypothesis profiles come with the kit's own pytest plugin
(`contract_tests.plugin`, entry point `fapi_contract`), so they exist before this conftest is found.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contract_tests.options import report_path, target_spec
from contract_tests.report import ParityReport
from contract_tests.targets import Target, TargetUnavailable, open_target

_REPORT_KEY = pytest.StashKey[ParityReport]()


@pytest.fixture(scope="session")
def contract_target(pytestconfig: pytest.Config) -> Iterator[Target]:
    try:
        target = open_target(target_spec(pytestconfig))
    except TargetUnavailable as exc:
        pytest.skip(str(exc))
    yield target
    target.close()


@pytest.fixture(scope="session")
def parity_report(pytestconfig: pytest.Config, contract_target: Target) -> ParityReport:
    report = ParityReport(contract_target.name)
    pytestconfig.stash[_REPORT_KEY] = report
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    report = session.config.stash.get(_REPORT_KEY, None)
    path = report_path(session.config)
    if report is None or path is None:
        return
    written = report.write(path)
    matched = sum(row.match for row in report.rows)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"contract parity: {matched}/{len(report.rows)} cases match; report: {written}")
