"""Fixtures of the contract suite; run it with `pytest --pyargs contract_tests` from any project.

Its options (`--contract-target`, `--contract-report`) and Hypothesis profiles come with the kit's own pytest plugin
(`contract_tests.plugin`, entry point `fapi_contract`), so they exist before this conftest is found.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from contract_tests.options import report_path, target_spec
from contract_tests.report import ParityReport
from contract_tests.targets import Target, TargetUnavailable, open_target

_REPORT_KEY = pytest.StashKey[ParityReport]()
_PROFILE_KEY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """The kit runs under its own Hypothesis profile unless one was chosen: Hypothesis' `default` (a 200 ms
    deadline) fails a correct server whenever the machine or the network is slow."""
    from hypothesis import settings

    from contract_tests.profiles import DEFAULT_PROFILE, PROFILE_ENV, register_profiles

    register_profiles()
    chosen = getattr(config.option, "hypothesis_profile", None) or os.environ.get(PROFILE_ENV)
    if not chosen:
        settings.load_profile(DEFAULT_PROFILE)
    config.stash[_PROFILE_KEY] = chosen or DEFAULT_PROFILE


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
        profile = session.config.stash.get(_PROFILE_KEY, "?")
        summary = f"contract parity: {matched}/{len(report.rows)} cases match; report: {written}"
        reporter.write_line(f"{summary}; Hypothesis profile {profile}")
