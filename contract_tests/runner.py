"""Sending a case to a target and judging the answer: the one place the server contract compares.

Status, code and msg are compared by value; volatile parts by rule: JSON with `Content-Type: application/json` and
an integer `X-MBX-USED-WEIGHT-1M` on every answer. A valid request may find the symbol in either margin type (a real
exchange's state is not the kit's to know), so it must answer 200 or -4046, and the same request sent again -4046.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import requests

from contract_tests.cases import NO_NEED, SUCCESS, ContractCase, Expected, build_request
from contract_tests.targets import Credential, Target, stranger_signer


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


@dataclass(frozen=True)
class Verdict:
    """One exchange of a case: what the contract expected, what came back, and how to send it again."""

    case: str
    kind: str
    expected: str
    got: str
    match: bool
    reproduction: str

    def explain(self) -> str:
        return f"{self.case}\nexpected {self.expected}\ngot      {self.got}\nreproduce: {self.reproduction}"


def exchange(target: Target, case: ContractCase, server_time_ms: int | None = None) -> tuple[Expected | str, str]:
    credential = target.credentials[case.key_type]
    now = server_time_ms if server_time_ms is not None else target.server_time_ms(credential.api_key)
    request = build_request(
        case, credential.api_key, credential.signer, now, other_signer=stranger_signer(case.key_type)
    )
    response = target.send(request.method, request.path, request.query, request.body, request.headers)
    return observed(response), request.reproduction(target.base_url)


def judge(target: Target, case: ContractCase, server_time_ms: int | None = None) -> list[Verdict]:
    """Send `case` (twice when it is valid) and judge each answer; the first verdict that fails ends it."""
    got, reproduction = exchange(target, case, server_time_ms)
    expected = case.expected()
    kind = case.kind.value
    if expected is not None:
        return [Verdict(case.name, kind, show(expected), show(got), got == expected, reproduction)]
    first = Verdict(case.name, kind, "200 success or -4046", show(got), got in (SUCCESS, NO_NEED), reproduction)
    if not first.match:
        return [first]
    repeat, reproduction = exchange(target, case, server_time_ms)
    return [
        first,
        Verdict(f"{case.name}, sent again", kind, show(NO_NEED), show(repeat), repeat == NO_NEED, reproduction),
    ]


@dataclass(frozen=True)
class Answer:
    """A plain signed call's answer: status, JSON body (None if not JSON) and the weight header."""

    status: int
    body: object
    weight: int | None

    @property
    def code(self) -> int | None:
        if self.status == 200 and not (isinstance(self.body, dict) and "code" in self.body):
            return 200
        return self.body.get("code") if isinstance(self.body, dict) else None


def call(
    target: Target,
    method: str,
    path: str,
    params: dict[str, str] | None = None,
    *,
    credential: Credential | None = None,
    signed: bool = True,
    server_time_ms: int | None = None,
) -> Answer:
    """One call the way a careful client makes it: parameters in the query, stamped and signed when `signed`."""
    credential = credential or next(iter(target.credentials.values()))
    pairs = list((params or {}).items())
    headers = {"X-MBX-APIKEY": credential.api_key}
    if signed:
        now = server_time_ms if server_time_ms is not None else target.server_time_ms(credential.api_key)
        pairs.append(("timestamp", str(now)))
    query = urlencode(pairs)
    if signed:
        query = f"{query}&signature={quote(credential.signer.sign(query.encode('ascii')), safe='')}"
    response = target.send(method, path, query, "", headers)
    try:
        body: object = response.json()
    except ValueError:
        body = None
    weight = response.headers.get("X-MBX-USED-WEIGHT-1M", "")
    return Answer(response.status_code, body, int(weight) if weight.isdigit() else None)
