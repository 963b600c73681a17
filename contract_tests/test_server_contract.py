"""The server contract: for every generated marginType request, the target answers exactly what Binance answers.

Status, code and msg are compared by value; volatile parts by rule: JSON with `Content-Type: application/json` and
an integer `X-MBX-USED-WEIGHT-1M` on every answer. A valid request may find the symbol in either margin type (the
target's state is not ours to know on a real exchange), so it must answer 200 or -4046, and the same request sent
again must answer -4046. Every case lands in the parity report.
"""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.cases import NO_NEED, SUCCESS, ContractCase, Expected, build_request, contract_cases
from contract_tests.report import ParityReport
from contract_tests.targets import Target, stranger_signer

# No deadline: a case's time is the target's and the network's, never a property of the server under contract.
ANY_TARGET = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def observed(response: requests.Response) -> Expected | str:
    """The answer as (status, code, msg), or a description of why it breaks the contract's shape rules."""
    content_type = response.headers.get("Content-Type", "")
    if not content_type.startswith("application/json"):
        return f"HTTP {response.status_code} with Content-Type {content_type!r}"
    weight = response.headers.get("X-MBX-USED-WEIGHT-1M", "")
    if not weight.isdigit():
        return f"HTTP {response.status_code} without an integer X-MBX-USED-WEIGHT-1M ({weight!r})"
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return f"HTTP {response.status_code} with a body that is not JSON"
    if not isinstance(body, dict) or not isinstance(body.get("code"), int) or not isinstance(body.get("msg"), str):
        return f"HTTP {response.status_code} with body {body!r}"
    return Expected(response.status_code, body["code"], body["msg"])


def show(answer: Expected | str) -> str:
    return answer if isinstance(answer, str) else f"{answer.status} {answer.code} {answer.msg}"


def exchange(target: Target, case: ContractCase) -> tuple[Expected | str, str]:
    credential = target.credentials[case.key_type]
    request = build_request(
        case,
        credential.api_key,
        credential.signer,
        target.server_time_ms(credential.api_key),
        other_signer=stranger_signer(case.key_type),
    )
    response = target.send(request.method, request.path, request.query, request.body, request.headers)
    return observed(response), request.reproduction(target.base_url)


@ANY_TARGET
@given(data=st.data())
def test_server_answers_as_binance(contract_target: Target, parity_report: ParityReport, data: st.DataObject) -> None:
    case = data.draw(contract_cases(contract_target.key_types), label="case")
    got, reproduction = exchange(contract_target, case)
    expected = case.expected()
    if expected is not None:
        parity_report.add(case.name, show(expected), show(got), got == expected)
        assert got == expected, (
            f"{case.name}\nexpected {show(expected)}\ngot      {show(got)}\nreproduce: {reproduction}"
        )
        return
    parity_report.add(case.name, "200 success or -4046", show(got), got in (SUCCESS, NO_NEED))
    assert got in (SUCCESS, NO_NEED), f"{case.name}\ngot {show(got)}\nreproduce: {reproduction}"
    repeat, reproduction = exchange(contract_target, case)
    parity_report.add(f"{case.name}, sent again", show(NO_NEED), show(repeat), repeat == NO_NEED)
    assert repeat == NO_NEED, f"{case.name}, sent again\ngot {show(repeat)}\nreproduce: {reproduction}"


@pytest.mark.parametrize("path", ["/fapi/v1/ping", "/fapi/v1/time"])
def test_public_endpoints_answer_json(contract_target: Target, path: str) -> None:
    response = contract_target.session.get(contract_target.base_url + path, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-MBX-USED-WEIGHT-1M"].isdigit()
