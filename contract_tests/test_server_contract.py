"""The server contract: every request below gets exactly the answer Binance gives it (see `contract_tests.runner`).

Tables run in full on every run (every mistake × placement × key type, every compatible pair of mistakes, the timing
boundaries, valid shapes); a Hypothesis test draws more shapes at random; state sequences, keys and weights follow.
Every case lands in the parity report with its class. Cases a target cannot run (no clock to pin, no control API,
a key type without credentials) are skipped with the reason.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.cases import CaseClass, ContractCase
from contract_tests.probes import boundary_cases, contract_cases, pair_cases, single_fault_cases, valid_cases
from contract_tests.report import ParityReport
from contract_tests.runner import judge
from contract_tests.targets import Target

# No deadline: a case's time is the target's and the network's, never a property of the server under contract.
ANY_TARGET = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(target: Target, report: ParityReport, case: ContractCase, server_time_ms: int | None = None) -> None:
    if case.key_type not in target.credentials:
        report.skip(case.name, case.kind.value, f"no {case.key_type} credentials for {target.name}")
        pytest.skip(f"no {case.key_type} credentials for {target.name}")
    for verdict in judge(target, case, server_time_ms):
        report.add(verdict.case, verdict.expected, verdict.got, verdict.match, verdict.kind)
        assert verdict.match, verdict.explain()


def ids(cases: list[ContractCase]) -> list[str]:
    return [case.name for case in cases]


SINGLE, PAIRS, VALID = single_fault_cases(), pair_cases(), valid_cases()
EXACT_BOUNDARIES, MARGIN_BOUNDARIES = boundary_cases(exact=True), boundary_cases(exact=False)


@pytest.mark.parametrize("case", SINGLE, ids=ids(SINGLE))
def test_single_fault(contract_target: Target, parity_report: ParityReport, case: ContractCase) -> None:
    check(contract_target, parity_report, case)


@pytest.mark.parametrize("case", PAIRS, ids=ids(PAIRS))
def test_pair_of_faults_answers_the_earlier_check(
    contract_target: Target, parity_report: ParityReport, case: ContractCase
) -> None:
    check(contract_target, parity_report, case)


@pytest.mark.parametrize("case", VALID, ids=ids(VALID))
def test_valid_request(contract_target: Target, parity_report: ParityReport, case: ContractCase) -> None:
    check(contract_target, parity_report, case)


@pytest.mark.parametrize("case", EXACT_BOUNDARIES, ids=ids(EXACT_BOUNDARIES))
def test_timing_boundary_on_a_pinned_clock(
    contract_target: Target, parity_report: ParityReport, case: ContractCase
) -> None:
    if not contract_target.can_pin_clock:
        why = f"{contract_target.name} has no clock to pin; the margin cases run instead"
        parity_report.skip(case.name, CaseClass.BOUNDARY.value, why)
        pytest.skip(why)
    with contract_target.pinned_clock() as now:
        check(contract_target, parity_report, case, server_time_ms=now)


@pytest.mark.parametrize("case", MARGIN_BOUNDARIES, ids=ids(MARGIN_BOUNDARIES))
def test_timing_rule_with_a_safety_margin(
    contract_target: Target, parity_report: ParityReport, case: ContractCase
) -> None:
    check(contract_target, parity_report, case)


@ANY_TARGET
@given(data=st.data())
def test_drawn_requests_answer_as_binance(
    contract_target: Target, parity_report: ParityReport, data: st.DataObject
) -> None:
    case = data.draw(contract_cases(contract_target.key_types), label="case")
    check(contract_target, parity_report, case)


@pytest.mark.parametrize("path", ["/fapi/v1/ping", "/fapi/v1/time"])
def test_public_endpoints_answer_json(contract_target: Target, path: str) -> None:
    response = contract_target.session.get(contract_target.base_url + path, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-MBX-USED-WEIGHT-1M"].isdigit()
