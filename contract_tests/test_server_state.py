"""The server contract, continued: state sequences, key permissions and request weights.

Permissions need keys the kit can mint (a fake); exact weights need a pinned clock (a fake), else the kit checks
that the header grows by at least each endpoint's weight and starts again if a minute boundary passes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contract_tests.cases import CaseClass
from contract_tests.checks import KEYS_AND_WEIGHTS, run_state_sequences, walk_weights
from contract_tests.report import ParityReport
from contract_tests.runner import call
from contract_tests.sequences import SCRIPTS
from contract_tests.targets import Target


def test_state_sequences_follow_binances_rules(contract_target: Target, parity_report: ParityReport) -> None:
    run_state_sequences(contract_target, parity_report)


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.__name__ for s in SCRIPTS])
def test_scripted_sequence(
    contract_target: Target, parity_report: ParityReport, script: Callable[[Target], list[tuple[str, object, object]]]
) -> None:
    """The orderings the rules depend on, run every time; they seed positions and orders, so fakes only."""
    name = f"{script.__name__.replace('_', ' ')}"
    if not contract_target.can_seed:
        parity_report.skip(name, CaseClass.SEQUENCE.value, f"{contract_target.name} cannot be seeded")
        pytest.skip(f"{contract_target.name} cannot be seeded")
    for step, expected, got in script(contract_target):
        parity_report.add(f"{name}: {step}", str(expected), str(got), got == expected, CaseClass.SEQUENCE.value)
        assert got == expected, f"{name}: {step}: expected {expected}, got {got}"


@pytest.mark.parametrize(
    ("permissions", "method", "path", "params"),
    [
        (["USER_DATA"], "POST", "/fapi/v1/marginType", {"symbol": "BTCUSDT", "marginType": "ISOLATED"}),
        (["TRADE"], "GET", "/fapi/v1/symbolConfig", {"symbol": "BTCUSDT"}),
        (["TRADE"], "GET", "/fapi/v2/positionRisk", {"symbol": "BTCUSDT"}),
        (["USER_DATA"], "POST", "/fapi/v1/multiAssetsMargin", {"multiAssetsMargin": "true"}),
    ],
    ids=[
        "marginType without TRADE",
        "symbolConfig without USER_DATA",
        "positionRisk without USER_DATA",
        "multiAssetsMargin without TRADE",
    ],
)
def test_a_key_without_the_permission_is_refused(
    contract_target: Target,
    parity_report: ParityReport,
    permissions: list[str],
    method: str,
    path: str,
    params: dict[str, str],
) -> None:
    name = f"{method} {path} with a key allowed only {permissions[0]}"
    if not contract_target.can_mint_keys:
        parity_report.skip(name, KEYS_AND_WEIGHTS, f"{contract_target.name} cannot mint keys")
        pytest.skip(f"{contract_target.name} cannot mint keys")
    limited = contract_target.mint_key("HMAC", permissions)
    answer = call(contract_target, method, path, params, credential=limited)
    got = (answer.status, answer.code)
    parity_report.add(name, "401 -2015", f"{got[0]} {got[1]}", got == (401, -2015), KEYS_AND_WEIGHTS)
    assert got == (401, -2015), f"{name}: {answer.status} {answer.body}"
    # The same key passes where its permission is enough.
    other = ("GET", "/fapi/v1/symbolConfig") if permissions == ["USER_DATA"] else ("POST", "/fapi/v1/marginType")
    allowed = call(contract_target, *other, {"symbol": "BTCUSDT", "marginType": "CROSSED"}, credential=limited)
    assert allowed.code in (200, -4046), f"{other}: {allowed.status} {allowed.body}"


def test_the_weight_header_grows_by_each_endpoints_weight(contract_target: Target, parity_report: ParityReport) -> None:
    if contract_target.can_pin_clock:
        with contract_target.pinned_clock() as now:
            walk_weights(contract_target, parity_report, now, exact=True)
        return
    for _attempt in range(3):  # a minute boundary resets the count: walk again
        if walk_weights(contract_target, parity_report, None, exact=False):
            return
    pytest.fail("the weight header went down on three walks: it does not count per minute")
