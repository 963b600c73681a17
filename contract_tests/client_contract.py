"""The client contract: a Hypothesis state machine that drives a client, through its adapter, against a fresh fake.

Each run opens a fresh account on an in-process fake (no socket: `requests` calls to https://fapi.binance.com are
answered by the fake's app) with a key of a type drawn from `key_types`, builds the client with the project's
factory, then runs random steps while keeping a model of the account: per symbol the margin type, the position and
the open orders; the Multi-Assets flag; the account's clock offset. The steps:

- change a symbol's margin type through the client: the code it reports must be the one Binance's rules give for
  the model (-4046 already so, -4168 ISOLATED under Multi-Assets, -4048 a position, -4047 open orders, else 200);
- switch Multi-Assets mode through the client (-4171 already so, -4167 with an ISOLATED symbol, else 200);
- open or close a position, place or cancel orders (seeded through the fake's control API, as the exchange would
  change them under the client's feet);
- skew the account's clock: up to ten minutes either way for a client that `syncs_time`, else within the window a
  local-clock timestamp survives;
- for a client that `resolves_unknown_outcomes`: fail the next margin-type call (503 -1001, 503 unknown, 408 applied
  or not, a dropped connection applied or not, an answer later than any timeout). The change must still end in the
  model's state; as the client cannot tell "already so" from "it landed", 200 and -4046 count as the same outcome.

After every step the fake's state (margin types, positions, orders, Multi-Assets flag, clock offset) must equal the
model, no other symbol may have been touched, and the client's own read-back must agree.

A downstream project writes, in a test module:

    from contract_tests.client_contract import client_contract
    TestMyClient = client_contract(my_factory)            # my_factory(base_url, api_key, secret, private_key_pem)

Settings come from the active Hypothesis profile (`contract_tests.profiles`); a failing run prints the steps that
reproduce it and the `@reproduce_failure` blob.
"""

from __future__ import annotations

import unittest
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from contract_tests.adapters import ClientAdapter, ClientFactory
from contract_tests.profiles import register_profiles
from mockserver.config import MockConfig
from mockserver.hosting.intercept import BinanceInterceptor
from mockserver.testing.handle import AppControl, MockAccount, open_account
from mockserver.wire.faults import MAX_DELAY_MS

register_profiles()

KEY_TYPES = ("HMAC", "RSA", "ED25519")
# Perpetuals margined in USDT and in USDC, and a quarterly contract.
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDC", "BTCUSDT_261225")
MARGIN_TYPES = ("ISOLATED", "CROSSED")
MARGIN_TYPE_PATH = "/fapi/v1/marginType"

SUCCESS = 200
NO_NEED_TO_CHANGE_MARGIN_TYPE = -4046
OPEN_ORDERS_EXIST = -4047
POSITION_EXISTS = -4048
MULTI_ASSETS_WITH_ISOLATED_SYMBOLS = -4167
ISOLATED_UNDER_MULTI_ASSETS = -4168
ASSET_MODE_ALREADY_SET = -4171
REACHED_TARGET = frozenset({SUCCESS, NO_NEED_TO_CHANGE_MARGIN_TYPE})

# A client that syncs: ten minutes either way. One that stamps with its local clock survives a server running at
# most 1000 ms behind it (check 8) and, under the default recvWindow of 5000 ms, at most 5000 ms ahead (check 9);
# the margins leave room for the time a call takes.
FAR_SKEW_MS = 600_000
NEAR_SKEW_MS = (-900, 4_000)
# Later than any sane client timeout; in process nothing sleeps, the client sees a read timeout at once.
SLOW_ANSWER_MS = (30_000, MAX_DELAY_MS)


@dataclass
class SymbolModel:
    margin_type: str = "CROSSED"
    position: Decimal = Decimal(0)
    open_orders: int = 0


@dataclass
class AccountModel:
    """What the account should hold, by Binance's rules; every symbol starts CROSSED and flat."""

    symbols: dict[str, SymbolModel] = field(default_factory=lambda: {symbol: SymbolModel() for symbol in SYMBOLS})
    multi_assets: bool = False
    clock_offset_ms: int = 0

    def margin_type_answer(self, symbol: str, target: str) -> int:
        """POST /fapi/v1/marginType, its checks in Binance's order."""
        held = self.symbols[symbol]
        if held.margin_type == target:
            return NO_NEED_TO_CHANGE_MARGIN_TYPE
        if target == "ISOLATED" and self.multi_assets:
            return ISOLATED_UNDER_MULTI_ASSETS
        if held.position != 0:
            return POSITION_EXISTS
        if held.open_orders:
            return OPEN_ORDERS_EXIST
        return SUCCESS

    def multi_assets_answer(self, enabled: bool) -> int:
        """POST /fapi/v1/multiAssetsMargin: -4171 first, then -4167."""
        if self.multi_assets == enabled:
            return ASSET_MODE_ALREADY_SET
        if enabled and any(s.margin_type == "ISOLATED" for s in self.symbols.values()):
            return MULTI_ASSETS_WITH_ISOLATED_SYMBOLS
        return SUCCESS


@dataclass(frozen=True)
class FaultPlan:
    """One fault for the next margin-type call, as `MockAccount.add_fault` takes it."""

    kind: str
    applied: bool | None = None
    delay_ms: int | None = None


FAULTS = st.one_of(
    st.builds(FaultPlan, st.just("disconnected")),
    st.builds(FaultPlan, st.just("unknown")),
    st.builds(FaultPlan, st.just("timeout"), applied=st.booleans()),
    st.builds(FaultPlan, st.just("drop"), applied=st.booleans()),
    st.builds(FaultPlan, st.just("delay"), delay_ms=st.integers(*SLOW_ANSWER_MS)),
)
POSITIONS = st.decimals(
    min_value=Decimal("-50"), max_value=Decimal("50"), places=3, allow_nan=False, allow_infinity=False
).filter(lambda amount: amount != 0)


class ClientContract(RuleBasedStateMachine):
    """The contract's rules and invariant. Build a runnable test with `client_contract(factory)`, which adds the
    rule that opens the account (it draws the key type) and builds the client."""

    key_types: ClassVar[tuple[str, ...]] = KEY_TYPES

    def __init__(self) -> None:
        super().__init__()
        self.interceptor = BinanceInterceptor(config=MockConfig(keys=[], weight_limit=None)).start()
        self.model = AccountModel()
        self.pending_fault: FaultPlan | None = None
        self._handle: MockAccount | None = None
        self._adapter: ClientAdapter | None = None

    # --- the account and the client under test ---
    def connect(self, factory: ClientFactory, key_type: str) -> None:
        """Open a fresh account with one key of `key_type` and build the client under test for it."""
        self._handle = open_account(AppControl(self.interceptor.app), self.interceptor.url, key_type=key_type)
        self._adapter = factory(
            self._handle.base_url, self._handle.api_key, self._handle.secret, self._handle.private_key
        )

    @property
    def handle(self) -> MockAccount:
        if self._handle is None:
            raise RuntimeError("no account yet: build the test with client_contract(factory)")
        return self._handle

    @property
    def adapter(self) -> ClientAdapter:
        if self._adapter is None:
            raise RuntimeError("no client yet: build the test with client_contract(factory)")
        return self._adapter

    def can_take_far_skew(self) -> bool:
        return self.adapter.syncs_time

    def can_take_a_fault(self) -> bool:
        return self.adapter.resolves_unknown_outcomes and self.pending_fault is None

    # --- calls through the client ---
    @rule(symbol=st.sampled_from(SYMBOLS), margin_type=st.sampled_from(MARGIN_TYPES))
    def change_margin_type(self, symbol: str, margin_type: str) -> None:
        expected = self.model.margin_type_answer(symbol, margin_type)
        fault, self.pending_fault = self.pending_fault, None
        code = self.adapter.change_margin_type(symbol, margin_type)
        if fault is None:
            assert code == expected, (
                f"change {symbol} to {margin_type}: the client reported {code}, Binance says {expected}"
            )
        else:
            allowed = REACHED_TARGET if expected in REACHED_TARGET else frozenset({expected})
            assert code in allowed, (
                f"change {symbol} to {margin_type} through an injected {fault}: the client reported {code}, "
                f"expected one of {sorted(allowed)}"
            )
            left = [r for r in self.handle.control.call("GET", "/faults") if r["account"] == self.handle.account]
            assert left == [], f"the injected fault was never drawn by a margin-type call: {left}"
        if expected == SUCCESS:
            self.model.symbols[symbol].margin_type = margin_type

    @rule(enabled=st.booleans())
    def set_multi_assets_margin(self, enabled: bool) -> None:
        expected = self.model.multi_assets_answer(enabled)
        code = self.adapter.set_multi_assets_margin(enabled)
        assert code == expected, f"Multi-Assets {enabled}: the client reported {code}, Binance says {expected}"
        if expected == SUCCESS:
            self.model.multi_assets = enabled

    # --- the exchange moving under the client's feet ---
    @rule(symbol=st.sampled_from(SYMBOLS), amount=POSITIONS)
    def open_position(self, symbol: str, amount: Decimal) -> None:
        self.handle.seed_symbol(symbol, position_amt=str(amount))
        self.model.symbols[symbol].position = amount

    @rule(symbol=st.sampled_from(SYMBOLS))
    def close_position(self, symbol: str) -> None:
        self.handle.seed_symbol(symbol, position_amt="0")
        self.model.symbols[symbol].position = Decimal(0)

    @rule(symbol=st.sampled_from(SYMBOLS), orders=st.integers(min_value=1, max_value=5))
    def place_orders(self, symbol: str, orders: int) -> None:
        self.handle.seed_symbol(symbol, open_orders=orders)
        self.model.symbols[symbol].open_orders = orders

    @rule(symbol=st.sampled_from(SYMBOLS))
    def cancel_orders(self, symbol: str) -> None:
        self.handle.seed_symbol(symbol, open_orders=0)
        self.model.symbols[symbol].open_orders = 0

    @precondition(can_take_far_skew)
    @rule(offset_ms=st.integers(min_value=-FAR_SKEW_MS, max_value=FAR_SKEW_MS))
    def skew_clock(self, offset_ms: int) -> None:
        self.handle.set_clock_offset(offset_ms)
        self.model.clock_offset_ms = offset_ms

    @rule(offset_ms=st.integers(*NEAR_SKEW_MS))
    def skew_clock_within_window(self, offset_ms: int) -> None:
        self.handle.set_clock_offset(offset_ms)
        self.model.clock_offset_ms = offset_ms

    @precondition(can_take_a_fault)
    @rule(fault=FAULTS)
    def fail_next_margin_type_call(self, fault: FaultPlan) -> None:
        self.handle.add_fault(
            fault.kind, path=MARGIN_TYPE_PATH, count=1, applied=fault.applied, delay_ms=fault.delay_ms
        )
        self.pending_fault = fault

    # --- after every step ---
    @invariant()
    def fake_and_client_agree_with_the_model(self) -> None:
        state: dict[str, Any] = self.handle.state()
        assert state["multiAssetsMargin"] is self.model.multi_assets, f"Multi-Assets in the fake: {state}"
        assert state["clockOffsetMs"] == self.model.clock_offset_ms, f"clock offset in the fake: {state}"
        touched = set(state["symbols"]) - set(SYMBOLS)
        assert not touched, f"symbols the contract never named were changed: {sorted(touched)}"
        for symbol, expected in self.model.symbols.items():
            held = state["symbols"].get(symbol, {"marginType": "CROSSED", "positionAmt": "0", "openOrders": 0})
            assert (held["marginType"], Decimal(held["positionAmt"]), held["openOrders"]) == (
                expected.margin_type,
                expected.position,
                expected.open_orders,
            ), f"{symbol} in the fake: {held}; in the model: {expected}"
            read_back = self.adapter.margin_type(symbol)
            assert read_back == expected.margin_type, f"{symbol}: the client reads {read_back}, the fake holds it"

    def teardown(self) -> None:
        try:
            close = getattr(self._adapter, "close", None)
            if callable(close):
                close()
        finally:
            self.interceptor.stop()


def client_contract(
    factory: ClientFactory,
    *,
    key_types: Iterable[str] = KEY_TYPES,
    settings: Settings | None = None,
    name: str | None = None,
) -> type[unittest.TestCase]:
    """The client contract as a `unittest.TestCase` class for `factory`; assign it to a `Test*` name in a test
    module and pytest (or unittest) runs it.

    `key_types`: the key types the runs draw from (HMAC, RSA, ED25519). `settings`: Hypothesis settings that replace
    the active profile's for this contract (e.g. `settings(max_examples=10)`, which inherits the rest from the
    profile active when it is built). `name`: how failures name the machine.
    """
    kinds = tuple(dict.fromkeys(k.upper() for k in key_types))
    if not kinds or not set(kinds) <= set(KEY_TYPES):
        raise ValueError(f"key_types must be drawn from {KEY_TYPES}, not {kinds}")

    class Contract(ClientContract):
        key_types = kinds

        @initialize(key_type=st.sampled_from(kinds))
        def open_account(self, key_type: str) -> None:
            self.connect(factory, key_type)

    label = name or f"{getattr(factory, '__name__', type(factory).__name__)}Contract"
    Contract.__name__ = Contract.__qualname__ = label
    test_case: type[unittest.TestCase] = Contract.TestCase
    if settings is not None:
        test_case.settings = settings  # type: ignore[attr-defined]
    return test_case
