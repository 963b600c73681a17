"""The server contract bites: each deliberately broken fake below carries ONE realistic bug, and the kit's own
cases (the same tables, boundaries, sequences, keys and weights `pytest --pyargs contract_tests` runs) must fail it,
for the right reason. The unbroken fake must pass the same sweep.

A sweep runs the kit's stages cheapest first and stops after the first stage that finds a failure, so a mutant costs
about a second.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from contract_tests.checks import run_state_sequences, walk_weights
from contract_tests.probes import boundary_cases, pair_cases, single_fault_cases, valid_cases
from contract_tests.report import ParityReport
from contract_tests.runner import call, judge
from contract_tests.sequences import SCRIPTS
from contract_tests.targets import Target, fake_target
from mockserver import BinanceInterceptor, MockConfig
from mockserver.domain import keys as domain_keys
from mockserver.domain.accounts import MarginType
from mockserver.domain.exchange import Exchange
from mockserver.domain.keys import Permission
from mockserver.errors import OPEN_ORDERS_EXIST, BinanceRejection
from mockserver.testing.handle import AppControl
from mockserver.wire import edge, gate, params
from mockserver.wire.ratelimit import RateLimiter
from mockserver.wire.routing import Security

SWEEP_SEQUENCES = settings(
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],  # a mutant only has to fail: shrinking its failure would cost most of the time
    database=None,
    max_examples=30,
    stateful_step_count=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def target(config: MockConfig | None = None) -> Iterator[Target]:
    fake = BinanceInterceptor(config=config or MockConfig(keys=[], weight_limit=None)).start()
    built = fake_target("a mutant", fake.url, AppControl(fake.app), fake.stop)
    built.raw_wire = False
    try:
        yield built
    finally:
        built.close()


def sweep(target: Target) -> list[str]:
    """The names of the kit's checks the target fails, from the first stage that fails any."""
    report = ParityReport(target.name)

    def cases(stage: list[Any], now: int | None = None) -> list[str]:
        return [v.case for case in stage for v in judge(target, case, now) if not v.match]

    stages: list[Callable[[], list[str]]] = [
        lambda: cases(valid_cases()),
        lambda: cases(single_fault_cases()),
        lambda: cases(pair_cases()),
    ]

    def boundaries() -> list[str]:
        with target.pinned_clock() as now:
            return cases(boundary_cases(exact=True), now)

    def keys_and_weights() -> list[str]:
        failures = []
        limited = target.mint_key("HMAC", ["USER_DATA"])
        answer = call(
            target, "POST", "/fapi/v1/marginType", {"symbol": "BTCUSDT", "marginType": "ISOLATED"}, credential=limited
        )
        if (answer.status, answer.code) != (401, -2015):
            failures.append("marginType with a key allowed only USER_DATA")
        with target.pinned_clock() as now:
            try:
                walk_weights(target, report, now, exact=True)
            except AssertionError as exc:
                failures.append(str(exc).splitlines()[0])
        return failures

    def scripted() -> list[str]:
        return [
            f"scripted {script.__name__}: {step}"
            for script in SCRIPTS
            for step, expected, got in script(target)
            if got != expected
        ]

    def sequences() -> list[str]:
        try:
            run_state_sequences(target, report, SWEEP_SEQUENCES)
        except AssertionError as exc:
            return [f"sequence: {str(exc).splitlines()[0]}"]
        return []

    for stage in [*stages, boundaries, keys_and_weights, scripted, sequences]:
        failures = stage()
        if failures:
            return failures
    return []


# --- the mutants: one bug each ---
@dataclass(frozen=True)
class Mutant:
    name: str
    apply: Callable[[pytest.MonkeyPatch], None]
    caught_by: str  # a piece of the failing check's name
    config: MockConfig | None = None


def key_checked_after_parameters(mp: pytest.MonkeyPatch) -> None:
    original = gate.pass_gate

    def broken(request: Any, *args: Any, **kwargs: Any) -> Any:
        gate.check_parameter_format(request)  # duplicates and illegal characters before the key
        return original(request, *args, **kwargs)

    mp.setattr(edge, "pass_gate", broken)


def ahead_rule_off_by_one(mp: pytest.MonkeyPatch) -> None:
    original = gate.check_timing
    mp.setattr(gate, "check_timing", lambda ts, window, now: original(ts - 1 if ts == now + 1000 else ts, window, now))


def lenient_timestamp_sign(mp: pytest.MonkeyPatch) -> None:
    original = gate.parse_long
    mp.setattr(gate, "parse_long", lambda text: original(text.removeprefix("+")))


def signature_anywhere(mp: pytest.MonkeyPatch) -> None:
    def broken(request: gate.SignedRequest, signature: params.WireParam) -> bytes:
        raw = request.raw_query if signature.origin is params.ParamOrigin.QUERY else request.raw_body
        cut = (raw[: signature.start] + raw[signature.end + 1 :]).rstrip(b"&")
        if signature.origin is params.ParamOrigin.QUERY:
            return cut + request.raw_body
        return request.raw_query + cut

    mp.setattr(gate, "signed_payload", broken)


def body_wins_over_query(mp: pytest.MonkeyPatch) -> None:
    def merged(self: gate.SignedRequest) -> dict[str, params.WireParam]:
        out = {p.key: p for p in self.query_params}
        out.update((p.key, p) for p in self.body_params)
        return out

    mp.setattr(gate.SignedRequest, "merged", merged)


def open_orders_before_position(mp: pytest.MonkeyPatch) -> None:
    original = Exchange.change_margin_type

    def broken(self: Exchange, account_id: str, symbol: str, target_type: MarginType) -> None:
        [(_, held)] = self.symbol_settings(account_id, [symbol])
        multi = self.multi_assets_margin(account_id)
        if held.margin_type is not target_type and held.orders and not (target_type is MarginType.ISOLATED and multi):
            raise BinanceRejection(OPEN_ORDERS_EXIST)
        original(self, account_id, symbol, target_type)

    mp.setattr(Exchange, "change_margin_type", broken)


def margin_change_resets_leverage(mp: pytest.MonkeyPatch) -> None:
    original = Exchange.change_margin_type

    def broken(self: Exchange, account_id: str, symbol: str, target_type: MarginType) -> None:
        original(self, account_id, symbol, target_type)
        self.seed_symbol(account_id, symbol, {"leverage": 20})

    mp.setattr(Exchange, "change_margin_type", broken)


def trade_permission_not_checked(mp: pytest.MonkeyPatch) -> None:
    # The gate still runs for TRADE routes, but asks only for USER_DATA.
    mp.setattr(Security, "permission", property(lambda self: None if self is Security.NONE else Permission.USER_DATA))


def weight_not_counted(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(RateLimiter, "admit", lambda self, ip, weight: 1)


def uppercase_hex_refused(mp: pytest.MonkeyPatch) -> None:
    def broken(secret: str, payload: bytes, signature: bytes) -> bool:
        expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest().encode()
        return hmac.compare_digest(expected, signature)

    mp.setattr(domain_keys, "verify_hmac", broken)


def only_spaces_are_illegal(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(gate, "has_illegal_characters", lambda text: " " in text)


def isolated_allowed_under_multi_assets(mp: pytest.MonkeyPatch) -> None:
    original = Exchange.change_margin_type

    def broken(self: Exchange, account_id: str, symbol: str, target_type: MarginType) -> None:
        with self._lock:
            account = self._require(account_id)
            multi, account.multi_assets_margin = account.multi_assets_margin, False
            try:
                original(self, account_id, symbol, target_type)
            finally:
                account.multi_assets_margin = multi

    mp.setattr(Exchange, "change_margin_type", broken)


MUTANTS = [
    Mutant("the key is checked after duplicates and characters", key_checked_after_parameters, "no X-MBX-APIKEY +"),
    Mutant("timestamp 1000 ms ahead is accepted", ahead_rule_off_by_one, "serverTime+1000"),
    Mutant("a '+' sign in the timestamp is accepted", lenient_timestamp_sign, "timestamp not a LONG (+)"),
    Mutant("the signature may stand anywhere", signature_anywhere, "signature not last"),
    Mutant("the body wins over the query", body_wins_over_query, "bad symbol in the query"),
    Mutant("-4047 is checked before -4048", open_orders_before_position, "with a position and orders"),
    Mutant("a margin-type change resets leverage", margin_change_resets_leverage, "symbolConfig after"),
    Mutant("TRADE is not required", trade_permission_not_checked, "allowed only USER_DATA"),
    Mutant("weight is never counted", weight_not_counted, "weighs"),
    Mutant("upper-case HMAC hex is refused", uppercase_hex_refused, "HMAC hex in upper case"),
    Mutant("a tab is not an illegal character", only_spaces_are_illegal, "BTCUSDT\t"),
    Mutant("ISOLATED is allowed under Multi-Assets", isolated_allowed_under_multi_assets, "under Multi-Assets"),
    Mutant(
        "recvWindow up to 65000 is accepted",
        lambda mp: None,
        "recvWindow out of range (60001)",
        MockConfig(keys=[], weight_limit=None, recv_window_max=65_000),
    ),
]


def test_the_unbroken_fake_passes_the_sweep() -> None:
    with target() as fake:
        assert sweep(fake) == []


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_kit_fails_a_broken_fake(monkeypatch: pytest.MonkeyPatch, mutant: Mutant) -> None:
    mutant.apply(monkeypatch)
    with target(mutant.config) as broken:
        failures = sweep(broken)
    assert failures, f"the kit let '{mutant.name}' through"
    assert any(mutant.caught_by in failure for failure in failures), (
        f"'{mutant.name}' failed the kit, but not where expected ({mutant.caught_by!r}): {failures[:5]}"
    )
