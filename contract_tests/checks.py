"""Checks of the server contract that are more than one request: the weight walk and the state sequences, as
plain functions, so the kit's tests and its own mutation check (tests/contract_kit) run the same code."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from contract_tests.cases import CaseClass
from contract_tests.report import ParityReport
from contract_tests.runner import call
from contract_tests.sequences import StateSequence
from contract_tests.targets import Target

KEYS_AND_WEIGHTS = CaseClass.KEYS_AND_WEIGHTS.value
# Binance's REQUEST_WEIGHT per call, from its endpoint pages: (method, path, params, weight, signed).
WEIGHTED_CALLS: tuple[tuple[str, str, dict[str, str], int, bool], ...] = (
    ("GET", "/fapi/v1/ping", {}, 1, False),
    ("GET", "/fapi/v1/time", {}, 1, False),
    ("POST", "/fapi/v1/marginType", {"symbol": "BTCUSDT", "marginType": "CROSSED"}, 1, True),
    ("GET", "/fapi/v1/symbolConfig", {}, 5, True),
    ("GET", "/fapi/v2/positionRisk", {}, 5, True),
    ("GET", "/fapi/v1/multiAssetsMargin", {}, 30, True),
    ("GET", "/fapi/v1/positionSide/dual", {}, 30, True),
    ("GET", "/fapi/v1/leverageBracket", {"symbol": "BTCUSDT"}, 1, True),
    ("GET", "/fapi/v1/openOrders", {"symbol": "BTCUSDT"}, 1, True),
    ("GET", "/fapi/v1/openOrders", {}, 40, True),
)

# Few short runs cover the rules' orderings; each step is several calls over the target's wire.
SEQUENCE_SETTINGS = settings(
    deadline=None, max_examples=25, stateful_step_count=12, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def run_state_sequences(target: Target, report: ParityReport, run_settings: settings = SEQUENCE_SETTINGS) -> None:
    """Run the state machine of `contract_tests.sequences` against `target`; raises on the first broken rule."""
    run_state_machine_as_test(StateSequence.bound(target, report), settings=run_settings)


def walk_weights(target: Target, report: ParityReport, now: int | None, exact: bool) -> bool:
    """One walk through WEIGHTED_CALLS; False when the count restarted (a new minute) and the walk must repeat."""
    before = call(target, "GET", "/fapi/v1/ping", signed=False).weight
    assert before is not None, "no integer X-MBX-USED-WEIGHT-1M on /fapi/v1/ping"
    for method, path, params, weight, signed in WEIGHTED_CALLS:
        answer = call(target, method, path, params, signed=signed, server_time_ms=now)
        assert answer.weight is not None, f"{method} {path}: no integer X-MBX-USED-WEIGHT-1M"
        if not exact and answer.weight < before:
            return False
        grew = answer.weight - before
        name = f"{method} {path}{' (' + ', '.join(params) + ')' if params else ''} weighs {weight}"
        ok = grew == weight if exact else grew >= weight
        report.add(name, f"+{weight}", f"+{grew}", ok, KEYS_AND_WEIGHTS)
        assert ok, f"{name}: X-MBX-USED-WEIGHT-1M went from {before} to {answer.weight}"
        before = answer.weight
    return True
