"""The client contract: a Hypothesis state machine that drives a client, through its adapter, against a fresh fake.

Each run opens a fresh account on an in-process fake (no socket: `requests` calls to https://fapi.binance.com are
answered by the fake's app) with a key of a type drawn from `key_types`, builds the client with the project's
factory, then runs random steps while keeping a model of the account: per symbol the margin type, the position and
the open orders; the Multi-Assets flag; the account's clock offset. The fake runs on the contract's own clock (the
wall clock plus every wait the client asked of the contract's `sleep`; see `contract_tests.adapters`). The steps:

- change a symbol's margin type through the client: the code it reports must be the one Binance's rules give for
  the model (-4046 already so, -4168 ISOLATED under Multi-Assets, -4048 a position, -4047 open orders, else 200);
- if the adapter has `ensure_margin_type`: the same change through it, which returns True (changed) or False
  (already so, -4046: never an error) and raises on any other refusal;
- switch Multi-Assets mode through the client (-4171 already so, -4167 with an ISOLATED symbol, else 200);
- open or close a position, place or cancel orders (seeded through the fake's control API, as the exchange would
  change them under the client's feet);
- skew the account's clock: up to ten minutes either way for a client that `syncs_time`, else within the window a
  local-clock timestamp survives;
- for a client that `resolves_unknown_outcomes`: a change (any of the three verbs) whose first send fails (503
  -1001, 503 unknown, 408 applied or not, a dropped connection applied or not, an answer later than any timeout).
  The change must still end in the model's state; as the client cannot tell "already so" from "it landed", 200 and
  "already so" count as the same outcome;
- for a client that `honours_retry_after`: a change whose first one or two sends are answered 429 -1003 with a
  Retry-After of a few seconds (the `ratelimited` fault, not executed); the client must wait that long each time,
  then report the real answer;
- for a client that `gives_up` (the default): a change whose sends keep failing (503 -1001, 408 or a dropped
  connection, never applied, or 429), thirty times over: the client must surface an error (raise, or report a code
  that is neither success nor "already so") and the account must stay as it was;
- a change with the client's key broken (re-registered through POST /__mock__/keys with another secret or public
  key: -1022; or disabled: -2015): the client must report exactly that code, change nothing, and not send the
  change again; then the key is restored.

Every change is also judged by the requests the fake journaled for it (`ContractViolation.rule` names the rule):

- `bounded-retries`: at most `MAX_SENDS_PER_CHANGE` sends of the change;
- `read-before-resend`: after a send whose outcome is unknown (503 unknown, 408, a dropped connection, an answer
  30 s or more late, past any sane read timeout) the change is sent again only after a successful read of what it
  changes (symbolConfig, positionRisk or account for a symbol, with no symbol or the same symbol; multiAssetsMargin
  or accountConfig for Multi-Assets);
- `settle-by-read`: a change whose last send had an unknown outcome is reported done (or already so) only after
  such a read;
- `retry-after`: the first request after a 429 comes at least Retry-After seconds later on the fake's clock;
- `refusal-is-final`: a change Binance refused (any 4xx but -1021, which a re-sync heals) is not sent again.

After every step the fake's state (margin types, positions, orders, Multi-Assets flag, clock offset) must equal the
model (`state`), no other symbol may have been touched, and the client's own read-back must agree (`read-back`).

A downstream project writes, in a test module:

    from contract_tests.client_contract import client_contract
    TestMyClient = client_contract(my_factory)            # my_factory(base_url, api_key, secret, private_key_pem)

Settings come from the active Hypothesis profile (`contract_tests.profiles`); a failing run prints the steps that
reproduce it and the `@reproduce_failure` blob.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import math
import threading
import time
import unittest
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, ClassVar, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from contract_tests.adapters import ClientAdapter, ClientFactory
from contract_tests.profiles import register_profiles
from mockserver.config import MockConfig
from mockserver.domain.clock import Clock
from mockserver.hosting.intercept import BinanceInterceptor
from mockserver.testing.handle import AppControl, MockAccount, describe_rejection, open_account
from mockserver.wire.faults import MAX_DELAY_MS

register_profiles()

KEY_TYPES = ("HMAC", "RSA", "ED25519")
# Perpetuals margined in USDT and in USDC, and a quarterly contract.
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDC", "BTCUSDT_261225")
MARGIN_TYPES = ("ISOLATED", "CROSSED")
MARGIN_TYPE_PATH = "/fapi/v1/marginType"
MULTI_ASSETS_PATH = "/fapi/v1/multiAssetsMargin"
# The reads that tell whether a change landed: a symbol's margin type, or the account's Multi-Assets mode.
SYMBOL_READS = frozenset(
    {"/fapi/v1/symbolConfig", "/fapi/v2/positionRisk", "/fapi/v3/positionRisk", "/fapi/v2/account", "/fapi/v3/account"}
)
MULTI_ASSETS_READS = frozenset({"/fapi/v1/multiAssetsMargin", "/fapi/v1/accountConfig"})

SUCCESS = 200
TIMESTAMP_OUTSIDE_WINDOW = -1021
INVALID_SIGNATURE = -1022
REJECTED_API_KEY = -2015
NO_NEED_TO_CHANGE_MARGIN_TYPE = -4046
OPEN_ORDERS_EXIST = -4047
POSITION_EXISTS = -4048
MULTI_ASSETS_WITH_ISOLATED_SYMBOLS = -4167
ISOLATED_UNDER_MULTI_ASSETS = -4168
ASSET_MODE_ALREADY_SET = -4171
REACHED_TARGET = frozenset({SUCCESS, NO_NEED_TO_CHANGE_MARGIN_TYPE})
MULTI_ASSETS_REACHED = frozenset({SUCCESS, ASSET_MODE_ALREADY_SET})

# A client that syncs: ten minutes either way. One that stamps with its local clock survives a server running at
# most 1000 ms behind it (check 8) and, under the default recvWindow of 5000 ms, at most 5000 ms ahead (check 9);
# the margins leave room for the time a call takes.
FAR_SKEW_MS = 600_000
NEAR_SKEW_MS = (-900, 4_000)
# Later than any sane client timeout; in process nothing sleeps, the client sees a read timeout at once.
SLOW_ANSWER_MS = (30_000, MAX_DELAY_MS)
# A 429's Retry-After: a few seconds, so that a client that really sleeps does not slow the run down much.
RETRY_AFTER_S = (1, 3)
# How often a persistent fault answers: more than any client should try.
PERSISTENT_COUNT = 30
# The sends one change may take: a first try, re-sends after unknown outcomes, retries after 503 -1001 and 429.
MAX_SENDS_PER_CHANGE = 6
# Faults after which the caller cannot know whether the change landed (a delay is past the client's timeout).
UNKNOWN_OUTCOME_FAULTS = frozenset({"unknown", "timeout", "drop", "delay"})


class ContractViolation(AssertionError):
    """A rule of the client contract broken; `rule` names it (see the module docstring for the list)."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"[{rule}] {message}")
        self.rule = rule


class ContractClock:
    """The fake's clock in a contract run: the wall clock (read monotonically) plus every wait the client asked of
    `sleep`, which advances it instead of sleeping. A client that sleeps for real moves it too, through the wall
    clock; either way the journal's times show how long the client waited."""

    def __init__(self) -> None:
        self._wall_start_ms = time.time_ns() // 1_000_000
        self._monotonic_start_ns = time.monotonic_ns()
        self._waited_ms = 0
        self._lock = threading.Lock()
        self.waits: list[float] = []

    def now_ms(self) -> int:
        elapsed_ms = (time.monotonic_ns() - self._monotonic_start_ns) // 1_000_000
        return self._wall_start_ms + elapsed_ms + self._waited_ms

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` on this clock, at once."""
        with self._lock:
            self.waits.append(seconds)
            if seconds > 0 and math.isfinite(seconds):
                self._waited_ms += math.ceil(seconds * 1000)


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
    """A fault on the sends of one change (POST only), for the next `count` of them."""

    kind: str
    applied: bool | None = None
    delay_ms: int | None = None
    retry_after_s: int | None = None
    count: int = 1

    @property
    def persistent(self) -> bool:
        return self.count >= PERSISTENT_COUNT

    def spec(self, path: str, account: str) -> dict[str, Any]:
        """The fault as POST /__mock__/faults takes it, on every POST to `path` by `account`."""
        spec = {
            "kind": self.kind,
            "path": path,
            "method": "POST",
            "account": account,
            "count": self.count,
            "applied": self.applied,
            "delayMs": self.delay_ms,
            "retryAfterS": self.retry_after_s,
        }
        return {name: value for name, value in spec.items() if value is not None}


@dataclass(frozen=True)
class ChangeCall:
    """One change to make through the adapter: `verb` is change_margin_type, ensure_margin_type (change_margin_type
    for an adapter without it) or set_multi_assets_margin; `target` a margin type, or the Multi-Assets flag."""

    verb: str
    symbol: str | None
    target: str | bool

    @property
    def path(self) -> str:
        return MULTI_ASSETS_PATH if self.symbol is None else MARGIN_TYPE_PATH

    def describe(self) -> str:
        if self.symbol is None:
            return f"{self.verb}({self.target})"
        return f"{self.verb}({self.symbol}, {self.target})"


@dataclass(frozen=True)
class Change:
    """One change made through the client: what it changes (`path`, `symbol`), and what the fake journaled."""

    label: str
    path: str
    symbol: str | None
    fault: FaultPlan | None
    entries: list[dict[str, Any]]

    def sends(self) -> list[int]:
        return [i for i, e in enumerate(self.entries) if e["method"] == "POST" and e["path"] == self.path]

    def covers(self, entry: Mapping[str, Any]) -> bool:
        """Whether `entry` is a successful read of what this change changes."""
        if entry["method"] != "GET" or entry["status"] != 200 or entry.get("fault"):
            return False
        if self.symbol is None:
            return entry["path"] in MULTI_ASSETS_READS
        asked = {p["name"]: p["value"] for p in entry.get("params", [])}.get("symbol")
        return entry["path"] in SYMBOL_READS and asked in (None, self.symbol)

    def trace(self) -> str:
        if not self.entries:
            return "  (no request)"
        start = self.entries[0]["time"]
        return "\n".join(f"  +{e['time'] - start} ms  {_describe(e)}" for e in self.entries)


def _describe(entry: Mapping[str, Any]) -> str:
    line = describe_rejection(entry)
    params = {p["name"]: p["value"] for p in entry.get("params", []) if p["name"] in ("symbol", "multiAssetsMargin")}
    return f"{line} {params}" if params else line


def _unknown_outcome(entry: Mapping[str, Any]) -> bool:
    fault: Mapping[str, Any] = entry.get("fault") or {}
    return fault.get("kind") in UNKNOWN_OUTCOME_FAULTS


def _refused(entry: Mapping[str, Any]) -> bool:
    """A definite refusal by Binance's rules (not a fault, not a rate limit, not a clock skew a re-sync heals)."""
    code = entry.get("code")
    return (
        not entry.get("fault")
        and 400 <= entry["status"] < 500
        and entry["status"] not in (408, 418, 429)
        and code != TIMESTAMP_OUTSIDE_WINDOW
    )


# An unknown outcome that did not land tells a client that reads back from one that assumes: it has a branch of its
# own.
TRANSIENT_FAULTS = st.one_of(
    st.builds(FaultPlan, st.sampled_from(("timeout", "drop")), applied=st.just(False)),
    st.builds(FaultPlan, st.sampled_from(("timeout", "drop")), applied=st.just(True)),
    st.builds(FaultPlan, st.just("disconnected")),
    st.builds(FaultPlan, st.just("unknown")),
    st.builds(FaultPlan, st.just("delay"), delay_ms=st.integers(*SLOW_ANSWER_MS)),
)
RATE_LIMITS = st.builds(
    FaultPlan, st.just("ratelimited"), retry_after_s=st.integers(*RETRY_AFTER_S), count=st.integers(1, 2)
)
PERSISTENT_FAULTS = st.one_of(
    st.builds(FaultPlan, st.sampled_from(("disconnected", "timeout", "drop")), count=st.just(PERSISTENT_COUNT)),
    st.builds(
        FaultPlan, st.just("ratelimited"), retry_after_s=st.integers(*RETRY_AFTER_S), count=st.just(PERSISTENT_COUNT)
    ),
)
MARGIN_TYPE_CHANGES = st.builds(
    ChangeCall, st.just("change_margin_type"), st.sampled_from(SYMBOLS), st.sampled_from(MARGIN_TYPES)
)
MULTI_ASSETS_CHANGES = st.builds(ChangeCall, st.just("set_multi_assets_margin"), st.none(), st.booleans())
ENSURES = st.builds(ChangeCall, st.just("ensure_margin_type"), st.sampled_from(SYMBOLS), st.sampled_from(MARGIN_TYPES))
CHANGES = st.one_of(MARGIN_TYPE_CHANGES, ENSURES, MULTI_ASSETS_CHANGES)
AUTH_CHANGES = st.one_of(MARGIN_TYPE_CHANGES, MULTI_ASSETS_CHANGES)
POSITIONS = st.one_of(
    st.just(Decimal(0)),
    st.decimals(
        min_value=Decimal("-50"), max_value=Decimal("50"), places=3, allow_nan=False, allow_infinity=False
    ).filter(lambda amount: amount != 0),
)
KEY_BREAKS = st.sampled_from(("another key", "disabled"))

_FACTORY_OPTIONS = ("sleep", "clock_ms")


def factory_options(factory: Callable[..., Any]) -> frozenset[str]:
    """The optional keywords (`sleep`, `clock_ms`) a factory takes: those it names, or all with `**kwargs`."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return frozenset()
    names = set()
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            return frozenset(_FACTORY_OPTIONS)
        if parameter.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            names.add(parameter.name)
    return frozenset(names & set(_FACTORY_OPTIONS))


@functools.cache
def _another_public_key(key_type: str) -> str:
    """A public key of `key_type` that no client of the run holds (one per process: RSA key generation is slow)."""
    private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    if key_type == "RSA":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private = ed25519.Ed25519PrivateKey.generate()
    return _public_pem(private.public_key())


def _public_pem(public: Any) -> str:
    return str(
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    )


@functools.lru_cache(maxsize=16)
def _public_key_of(private_pem: str) -> str:
    # The fake minted this key: no need for the (slow) RSA key validation.
    private = serialization.load_pem_private_key(
        private_pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    return _public_pem(private.public_key())


class ClientContract(RuleBasedStateMachine):
    """The contract's rules and invariant. Build a runnable test with `client_contract(factory)`, which adds the
    rule that opens the account (it draws the key type) and builds the client."""

    key_types: ClassVar[tuple[str, ...]] = KEY_TYPES

    def __init__(self) -> None:
        super().__init__()
        self.clock = ContractClock()
        config = MockConfig(keys=[], weight_limit=None, clock=Clock(source=self.clock.now_ms))
        self.interceptor = BinanceInterceptor(config=config).start()
        self.model = AccountModel()
        self._handle: MockAccount | None = None
        self._adapter: ClientAdapter | None = None

    # --- the account and the client under test ---
    def connect(self, factory: ClientFactory, key_type: str) -> None:
        """Open a fresh account with one key of `key_type` and build the client under test for it."""
        self._handle = open_account(AppControl(self.interceptor.app), self.interceptor.url, key_type=key_type)
        offered: dict[str, Any] = {"sleep": self.clock.sleep, "clock_ms": self.clock.now_ms}
        options = {name: offered[name] for name in factory_options(factory)}
        build = cast(Callable[..., ClientAdapter], factory)
        self._adapter = build(
            self._handle.base_url, self._handle.api_key, self._handle.secret, self._handle.private_key, **options
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

    # --- what the client claims (the optional flags default to what a plain client does) ---
    def can_take_far_skew(self) -> bool:
        return self.adapter.syncs_time

    def can_take_a_fault(self) -> bool:
        return self.adapter.resolves_unknown_outcomes

    def can_take_a_rate_limit(self) -> bool:
        return bool(getattr(self.adapter, "honours_retry_after", False))

    def can_take_a_persistent_fault(self) -> bool:
        return bool(getattr(self.adapter, "gives_up", True))

    def has_ensure_margin_type(self) -> bool:
        return callable(getattr(self.adapter, "ensure_margin_type", None))

    # --- one change through the client, and the rules every change obeys ---
    def _invoke(self, call: ChangeCall) -> Any:
        adapter = self.adapter
        if call.verb == "set_multi_assets_margin":
            return adapter.set_multi_assets_margin(bool(call.target))
        assert call.symbol is not None
        if call.verb == "ensure_margin_type":
            ensure: Callable[[str, str], Any] = getattr(adapter, "ensure_margin_type")  # noqa: B009 (optional verb)
            return ensure(call.symbol, str(call.target))
        return adapter.change_margin_type(call.symbol, str(call.target))

    def _run(self, call: ChangeCall, fault: FaultPlan | None) -> tuple[Any, Change]:
        """Make one change through the client, with `fault` on every send of it, the journal cleared first; (what
        the client reported or the exception it raised, the change with what the fake journaled). The requests are
        judged here; the answer is the caller's to judge."""
        # The contract's own fake, in process: its fault book and journal are used directly (only this run's calls
        # are in the journal), which spares two control calls per change.
        fake = self.interceptor.state
        if fault is not None:
            fake.faults.add(fault.spec(call.path, self.handle.account))
        fake.journal.clear()
        try:
            reported = self._invoke(call)
        except AssertionError:
            raise
        except Exception as exc:  # judged by the caller: surfacing an error is right when the change cannot be made
            reported = exc
        entries = fake.journal.entries(account=self.handle.account)
        if fault is not None:
            fake.faults.clear(self.handle.account)
            if not any(e.get("fault") for e in entries):
                fault = None  # the client never sent the change: it is judged as it answered
        change = Change(call.describe(), call.path, call.symbol, fault, entries)
        self._check_requests(change, reported)
        return reported, change

    def _check_requests(self, change: Change, reported: Any) -> None:
        """The rules every change obeys, read from the requests the fake journaled for it."""
        entries, sends = change.entries, change.sends()

        def fail(rule_name: str, why: str) -> ContractViolation:
            return ContractViolation(rule_name, f"{change.label}: {why}; reported {reported!r}\n{change.trace()}")

        if len(sends) > MAX_SENDS_PER_CHANGE:
            raise fail("bounded-retries", f"sent {len(sends)} times, more than {MAX_SENDS_PER_CHANGE}")
        for here, following in itertools.pairwise(sends):
            sent = entries[here]
            if _unknown_outcome(sent) and not any(change.covers(e) for e in entries[here + 1 : following]):
                raise fail("read-before-resend", "sent again after an unknown outcome without reading it back first")
            if _refused(sent):
                raise fail("refusal-is-final", f"sent again after Binance refused it with {sent.get('code')}")
        for index, entry in enumerate(entries[:-1]):
            fault = entry.get("fault") or {}
            if fault.get("kind") == "ratelimited":
                wait_ms = entries[index + 1]["time"] - entry["time"]
                if wait_ms < fault["retryAfterS"] * 1000:
                    raise fail(
                        "retry-after",
                        f"the next request came {wait_ms} ms after a 429 with Retry-After: {fault['retryAfterS']}",
                    )
        # Done, or already so (a change verb's code, or ensure's bool): a claim about the change's outcome.
        claims_outcome = isinstance(reported, bool) or (
            isinstance(reported, int) and reported in REACHED_TARGET | MULTI_ASSETS_REACHED
        )
        last = sends[-1] if sends else None
        settled = last is None or not _unknown_outcome(entries[last]) or any(map(change.covers, entries[last + 1 :]))
        if claims_outcome and not settled:
            raise fail("settle-by-read", "reported an outcome after an unknown one without reading it back")

    def _make(self, call: ChangeCall, fault: FaultPlan | None = None) -> None:
        """Make `call` through the client (with `fault`), judge its answer against the model, update the model."""
        if call.verb == "ensure_margin_type" and not self.has_ensure_margin_type():
            call = replace(call, verb="change_margin_type")
        if call.symbol is None:
            expected = self.model.multi_assets_answer(bool(call.target))
        else:
            expected = self.model.margin_type_answer(call.symbol, str(call.target))
        reported, change = self._run(call, fault)
        if call.verb == "ensure_margin_type":
            made = self._judge_ensure(change, reported, expected)
        else:
            reached = MULTI_ASSETS_REACHED if call.symbol is None else REACHED_TARGET
            made = self._judge_code(change, reported, expected, reached)
        if made:
            if call.symbol is None:
                self.model.multi_assets = bool(call.target)
            else:
                self.model.symbols[call.symbol].margin_type = str(call.target)

    @staticmethod
    def _judge_code(change: Change, reported: Any, expected: int, reached: frozenset[int]) -> bool:
        """Judge a change verb's reported code; True when the change was made (the model follows)."""
        what, fault = change.label, change.fault
        if fault is not None and fault.persistent:
            if expected in reached - {SUCCESS}:
                return False  # already so: whatever the client makes of it, nothing changes
            if not isinstance(reported, BaseException) and reported in reached:
                raise ContractViolation(
                    "gives-up",
                    f"{what} with a {fault.kind} fault on every send: the client reported {reported}, but the "
                    f"change never landed (Binance says {expected} once it gets through)\n{change.trace()}",
                )
            return False
        if isinstance(reported, BaseException):
            raise ContractViolation(
                "answer", f"{what}: the client raised {reported!r}, Binance says {expected}\n{change.trace()}"
            ) from reported
        if fault is None or fault.kind == "ratelimited":
            allowed = frozenset({expected})
        else:
            allowed = reached if expected in reached else frozenset({expected})
        if reported not in allowed:
            through = "" if fault is None else f" through an injected {fault}"
            raise ContractViolation(
                "answer",
                f"{what}{through}: the client reported {reported!r}, Binance says {expected} "
                f"(allowed: {sorted(allowed)})\n{change.trace()}",
            )
        return expected == SUCCESS

    @staticmethod
    def _judge_ensure(change: Change, reported: Any, expected: int) -> bool:
        """Judge ensure_margin_type: True (changed) for 200, False for -4046, an exception for any other refusal."""
        what, fault = change.label, change.fault
        raised = isinstance(reported, BaseException)
        if not raised and not isinstance(reported, bool):
            raise ContractViolation("ensure", f"{what}: ensure_margin_type returned {reported!r}, not a bool")
        if fault is not None and fault.persistent:
            if expected != NO_NEED_TO_CHANGE_MARGIN_TYPE and not raised:
                raise ContractViolation(
                    "gives-up",
                    f"{what} with a {fault.kind} fault on every send: ensure_margin_type returned {reported}, "
                    f"but the change never landed\n{change.trace()}",
                )
            return False
        if expected not in REACHED_TARGET:
            if not raised:
                raise ContractViolation(
                    "ensure",
                    f"{what}: Binance refuses it with {expected}, yet ensure_margin_type returned {reported}\n"
                    f"{change.trace()}",
                )
            return False
        if raised:
            raise ContractViolation(
                "ensure",
                f"{what}: ensure_margin_type raised {reported!r}; Binance says {expected}, which it returns as "
                f"{expected == SUCCESS}\n{change.trace()}",
            ) from reported
        unknown = fault is not None and fault.kind != "ratelimited"
        allowed = {True, False} if unknown else {expected == SUCCESS}
        if reported not in allowed:
            raise ContractViolation(
                "ensure",
                f"{what}: ensure_margin_type returned {reported}, Binance says {expected} "
                f"(so {expected == SUCCESS})\n{change.trace()}",
            )
        return expected == SUCCESS

    # --- changes through the client ---
    @rule(symbol=st.sampled_from(SYMBOLS), margin_type=st.sampled_from(MARGIN_TYPES))
    def change_margin_type(self, symbol: str, margin_type: str) -> None:
        self._make(ChangeCall("change_margin_type", symbol, margin_type))

    @precondition(has_ensure_margin_type)
    @rule(symbol=st.sampled_from(SYMBOLS), margin_type=st.sampled_from(MARGIN_TYPES))
    def ensure_margin_type(self, symbol: str, margin_type: str) -> None:
        self._make(ChangeCall("ensure_margin_type", symbol, margin_type))

    @rule(enabled=st.booleans())
    def set_multi_assets_margin(self, enabled: bool) -> None:
        self._make(ChangeCall("set_multi_assets_margin", None, enabled))

    @precondition(can_take_a_fault)
    @rule(change=CHANGES, fault=TRANSIENT_FAULTS)
    def change_through_a_fault(self, change: ChangeCall, fault: FaultPlan) -> None:
        self._make(change, fault)

    @precondition(can_take_a_rate_limit)
    @rule(change=CHANGES, fault=RATE_LIMITS)
    def change_through_a_rate_limit(self, change: ChangeCall, fault: FaultPlan) -> None:
        self._make(change, fault)

    @precondition(can_take_a_persistent_fault)
    @rule(change=CHANGES, fault=PERSISTENT_FAULTS)
    def change_that_keeps_failing(self, change: ChangeCall, fault: FaultPlan) -> None:
        self._make(change, fault)

    @rule(change=AUTH_CHANGES, how=KEY_BREAKS)
    def change_with_a_broken_key(self, change: ChangeCall, how: str) -> None:
        """The client's key re-registered with another secret or public key (-1022), or disabled (-2015), for one
        change; then restored as it was."""
        handle = self.handle
        original: dict[str, Any] = {"apiKey": handle.api_key}
        if handle.secret is not None:
            original["secret"] = handle.secret
        else:
            assert handle.private_key is not None
            original["publicKey"] = _public_key_of(handle.private_key)
        if how == "disabled":
            handle.add_key(handle.key_type, **original, enabled=False)
            expected = REJECTED_API_KEY
        else:
            other = {"secret": "0" * 64} if handle.secret else {"publicKey": _another_public_key(handle.key_type)}
            handle.add_key(handle.key_type, apiKey=handle.api_key, **other)
            expected = INVALID_SIGNATURE
        try:
            reported, journaled = self._run(change, None)
        finally:
            handle.add_key(handle.key_type, **original)
        if isinstance(reported, BaseException) or reported != expected:
            raise ContractViolation(
                "auth-error",
                f"{journaled.label} with the key {how}: the client reported {reported!r}; Binance refuses the key "
                f"with {expected}, which the client must surface as it is\n{journaled.trace()}",
            )

    # --- the exchange moving under the client's feet ---
    # One rule each for positions and orders (0 closes or cancels), so that most steps go through the client.
    @rule(symbol=st.sampled_from(SYMBOLS), amount=POSITIONS)
    def open_or_close_position(self, symbol: str, amount: Decimal) -> None:
        self.handle.seed_symbol(symbol, position_amt=str(amount))
        self.model.symbols[symbol].position = amount

    @rule(symbol=st.sampled_from(SYMBOLS), orders=st.integers(min_value=0, max_value=5))
    def place_or_cancel_orders(self, symbol: str, orders: int) -> None:
        self.handle.seed_symbol(symbol, open_orders=orders)
        self.model.symbols[symbol].open_orders = orders

    @precondition(can_take_far_skew)
    @rule(offset_ms=st.integers(min_value=-FAR_SKEW_MS, max_value=FAR_SKEW_MS))
    def skew_clock(self, offset_ms: int) -> None:
        self.handle.set_clock_offset(offset_ms)
        self.model.clock_offset_ms = offset_ms

    @rule(offset_ms=st.integers(*NEAR_SKEW_MS))
    def skew_clock_within_window(self, offset_ms: int) -> None:
        self.handle.set_clock_offset(offset_ms)
        self.model.clock_offset_ms = offset_ms

    # --- after every step ---
    @invariant()
    def fake_and_client_agree_with_the_model(self) -> None:
        state: dict[str, Any] = self.handle.state()
        if state["multiAssetsMargin"] is not self.model.multi_assets:
            raise ContractViolation(
                "state",
                f"Multi-Assets in the fake: {state['multiAssetsMargin']}; in the model: {self.model.multi_assets}",
            )
        if state["clockOffsetMs"] != self.model.clock_offset_ms:
            raise ContractViolation("state", f"clock offset in the fake: {state}")
        touched = set(state["symbols"]) - set(SYMBOLS)
        if touched:
            raise ContractViolation("state", f"symbols the contract never named were changed: {sorted(touched)}")
        for symbol, expected in self.model.symbols.items():
            held = state["symbols"].get(symbol, {"marginType": "CROSSED", "positionAmt": "0", "openOrders": 0})
            if (held["marginType"], Decimal(held["positionAmt"]), held["openOrders"]) != (
                expected.margin_type,
                expected.position,
                expected.open_orders,
            ):
                raise ContractViolation("state", f"{symbol} in the fake: {held}; in the model: {expected}")
            try:
                read_back = self.adapter.margin_type(symbol)
            except AssertionError:
                raise
            except Exception as exc:
                raise ContractViolation("read-back", f"{symbol}: reading the margin type raised {exc!r}") from exc
            if read_back != expected.margin_type:
                raise ContractViolation(
                    "read-back", f"{symbol}: the client reads {read_back}, the fake holds {expected.margin_type}"
                )

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
