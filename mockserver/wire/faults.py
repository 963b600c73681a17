"""Faults as data: what the fake does instead of (or after) answering, for the next N calls or by chance.

Kinds, each modelled on a failure Binance documents for USDⓈ-M:
- `delay`: answer late (`delayMs`); in process, a delay past the caller's timeout raises `requests.ReadTimeout`.
- `disconnected`: 503 -1001 "Internal error; ..."; the request is NOT applied.
- `unknown`: 503 "Unknown error, ..."; the request IS applied first (execution status unknown to the caller).
- `timeout`: 408 -1007; `applied` chooses whether the change went through (default: not).
- `drop`: the connection closes with no answer; `applied` as above.
- `ratelimited`: 429 -1003 "Too many requests; ..." with a `Retry-After` header of `retryAfterS` seconds (by default
  the rest of the fake's clock minute, as the real limit answers); the request is NOT applied. It stands apart from
  the real rate limiter: it neither counts weight towards a ban nor leads to a 418.
Faults can be scoped to one account so tests sharing a server never trip over each other's faults.
"""

from __future__ import annotations

import enum
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mockserver import errors
from mockserver.domain.fields import SpecError, bounded_number, refuse_unknown_fields
from mockserver.errors import ErrorSpec

MAX_DELAY_MS = 120_000
# Rules installed at once. A request looks only at its own path's rules, but a flood of rules on one path would still
# be scanned under the lock on every call to it; no test needs more than a handful.
MAX_RULES = 1000
MAX_RETRY_AFTER_S = 3_600
MINUTE_MS = 60_000
FAULT_FIELDS = (
    "kind",
    "path",
    "method",
    "account",
    "count",
    "probability",
    "seed",
    "delayMs",
    "applied",
    "retryAfterS",
)


class FaultKind(enum.StrEnum):
    DELAY = "delay"
    DISCONNECTED = "disconnected"
    UNKNOWN = "unknown"
    TIMEOUT = "timeout"
    DROP = "drop"
    RATELIMITED = "ratelimited"


_ANSWERS: dict[FaultKind, ErrorSpec] = {
    FaultKind.DISCONNECTED: errors.DISCONNECTED,
    FaultKind.UNKNOWN: errors.EXECUTION_STATUS_UNKNOWN,
    FaultKind.TIMEOUT: errors.BACKEND_TIMEOUT,
}


class FaultSpecError(SpecError):
    """A fault description the control API cannot install."""


@dataclass
class FaultRule:
    kind: FaultKind
    path: str
    method: str | None = None
    account: str | None = None
    remaining: int | None = 1  # None: until cleared (with a probability)
    probability: float = 1.0
    delay_ms: int = 0
    applied: bool = False
    seed: int | None = None
    retry_after_s: int | None = None  # ratelimited only; None: the rest of the clock minute
    rule_id: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.rule_id,
            "kind": self.kind.value,
            "path": self.path,
            "method": self.method,
            "account": self.account,
            "remaining": self.remaining,
            "probability": self.probability,
            "delayMs": self.delay_ms,
            "applied": self.applied,
            "seed": self.seed,
            "retryAfterS": self.retry_after_s,
        }


@dataclass(frozen=True)
class Fault:
    """One fault drawn for one request."""

    kind: FaultKind
    applied: bool
    delay_ms: int = 0
    rule_id: int = 0
    retry_after_s: int | None = None

    @property
    def answer(self) -> ErrorSpec | None:
        """The Binance answer that replaces the real one; None for a delay (real answer), a drop (no answer) or a
        rate limit (its message names the caller's IP and limit: the edge words it)."""
        return _ANSWERS.get(self.kind)

    def at(self, now_ms: int) -> Fault:
        """This fault as it is answered at `now_ms`: a rate limit without `retryAfterS` waits out the clock minute
        (at least one second, as the real limiter rounds it)."""
        if self.kind is not FaultKind.RATELIMITED or self.retry_after_s is not None:
            return self
        until_ms = (now_ms // MINUTE_MS + 1) * MINUTE_MS
        return replace(self, retry_after_s=max(1, -(-(until_ms - now_ms) // 1000)))

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"kind": self.kind.value, "applied": self.applied, "rule": self.rule_id}
        if self.kind is FaultKind.DELAY:
            described["delayMs"] = self.delay_ms
        if self.kind is FaultKind.RATELIMITED:
            described["retryAfterS"] = self.retry_after_s
        return described


def _number(spec: Mapping[str, Any], name: str, kind: type, low: float, high: float) -> Any:
    value = spec.get(name)
    if value is None:
        return None
    return bounded_number(value, name, low, high, FaultSpecError, integral=kind is int)


def build_rule(spec: Mapping[str, Any]) -> FaultRule:
    """`{"kind","path","method"?,"account"?,"count"?,"probability"?,"seed"?,"delayMs"?,"applied"?,"retryAfterS"?}`
    → a rule."""
    if not isinstance(spec, Mapping):
        raise FaultSpecError("a fault must be a JSON object")
    refuse_unknown_fields(spec, FAULT_FIELDS, "fault", FaultSpecError)
    try:
        kind = FaultKind(str(spec.get("kind")))
    except ValueError:
        raise FaultSpecError(f"kind must be one of {', '.join(k.value for k in FaultKind)}") from None
    path = spec.get("path")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("/__mock__"):
        raise FaultSpecError("path must be a Binance path such as /fapi/v1/marginType")
    method = spec.get("method")
    if method is not None and (not isinstance(method, str) or not method.isalpha()):
        raise FaultSpecError("method must be an HTTP method such as POST")
    account = spec.get("account")
    if account is not None and (not isinstance(account, str) or not account):
        raise FaultSpecError("account must be a non-empty string")
    count = _number(spec, "count", int, 1, 1_000_000)
    probability = _number(spec, "probability", float, 0.0, 1.0)
    if count is None and probability is None:
        count = 1
    seed = _number(spec, "seed", int, -(2**63), 2**63 - 1)
    delay_ms = _number(spec, "delayMs", int, 0, MAX_DELAY_MS)
    if kind is FaultKind.DELAY and delay_ms is None:
        raise FaultSpecError("a delay fault needs delayMs")
    applied = spec.get("applied")
    if applied is not None and not isinstance(applied, bool):
        raise FaultSpecError("applied must be true or false")
    if kind is FaultKind.UNKNOWN and applied is False:
        raise FaultSpecError("an 'unknown' fault is the applied-then-failed case; use 'disconnected' for not applied")
    if kind is FaultKind.DISCONNECTED and applied:
        raise FaultSpecError("a 'disconnected' fault is never applied; use 'unknown' for applied-then-failed")
    if kind is FaultKind.RATELIMITED and applied:
        raise FaultSpecError("a 'ratelimited' fault is never applied: Binance refuses over the limit before executing")
    retry_after_s = _number(spec, "retryAfterS", int, 0, MAX_RETRY_AFTER_S)
    if retry_after_s is not None and kind is not FaultKind.RATELIMITED:
        raise FaultSpecError("retryAfterS is only for a 'ratelimited' fault")
    return FaultRule(
        kind=kind,
        path=path,
        method=method.upper() if method else None,
        account=account,
        remaining=count,
        probability=1.0 if probability is None else float(probability),
        delay_ms=delay_ms or 0,
        # A delay still answers for real, so the change is applied; 'unknown' is applied by definition.
        applied=kind in (FaultKind.DELAY, FaultKind.UNKNOWN) or bool(applied),
        seed=seed,
        retry_after_s=retry_after_s,
        _random=random.Random(seed),
    )


def _rule_spec(rule: FaultRule) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": rule.rule_id,
        "kind": rule.kind.value,
        "path": rule.path,
        "count": rule.remaining,
        "probability": rule.probability,
        "applied": rule.applied,
    }
    for name, value in (("method", rule.method), ("account", rule.account), ("seed", rule.seed)):
        if value is not None:
            spec[name] = value
    if rule.kind is FaultKind.DELAY:
        spec["delayMs"] = rule.delay_ms
    if rule.retry_after_s is not None:
        spec["retryAfterS"] = rule.retry_after_s
    return spec


class FaultBook:
    """The installed rules; the first rule that matches a request and fires gives its fault."""

    def __init__(self) -> None:
        # Indexed by path, so a request scans only its own path's rules (50,000 rules elsewhere made a ping 7x
        # slower); each path's list keeps installation order, which decides the first rule that fires.
        self._by_path: dict[str, list[FaultRule]] = {}
        self._count = 0
        self._next_id = 1
        self._lock = threading.Lock()
        self.changes = 0  # bumped by every add, clear and count spent, so a state file knows when to save

    def add(self, spec: Mapping[str, Any]) -> FaultRule:
        rule = build_rule(spec)
        with self._lock:
            if self._count >= MAX_RULES:
                raise FaultSpecError(f"at most {MAX_RULES} fault rules can be installed at once; clear some first")
            rule.rule_id = self._next_id
            self._next_id += 1
            self._by_path.setdefault(rule.path, []).append(rule)
            self._count += 1
            self.changes += 1
        return rule

    def export_state(self) -> dict[str, Any]:
        """The rules as specs `build_rule` takes again (`count` is what remains), with their ids."""
        with self._lock:
            return {"nextId": self._next_id, "rules": [_rule_spec(rule) for rule in self._rules]}

    def parse_state(self, data: Any) -> tuple[list[FaultRule], int]:
        """Validate an `export_state` document without changing anything; raises FaultSpecError."""
        if not isinstance(data, Mapping):
            raise FaultSpecError("faults must be a JSON object")
        refuse_unknown_fields(data, ("nextId", "rules"), "faults", FaultSpecError)
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list):
            raise FaultSpecError("faults rules must be a list")
        if len(raw_rules) > MAX_RULES:
            raise FaultSpecError(f"at most {MAX_RULES} fault rules can be installed at once")
        rules = []
        for index, spec in enumerate(raw_rules):
            if not isinstance(spec, Mapping):
                raise FaultSpecError(f"fault #{index + 1} must be a JSON object")
            rule_id = bounded_number(spec.get("id"), f"fault #{index + 1} id", 1, 2**63 - 1, FaultSpecError)
            try:
                rule = build_rule({name: value for name, value in spec.items() if name != "id"})
            except FaultSpecError as exc:
                raise FaultSpecError(f"fault #{index + 1}: {exc}") from None
            rule.rule_id = rule_id
            rules.append(rule)
        next_id = bounded_number(data.get("nextId"), "faults nextId", 1, 2**63 - 1, FaultSpecError)
        if len({rule.rule_id for rule in rules}) != len(rules) or any(rule.rule_id >= next_id for rule in rules):
            raise FaultSpecError("fault ids must be distinct and below nextId")
        return rules, next_id

    def install_state(self, parsed: tuple[list[FaultRule], int]) -> None:
        with self._lock:
            self._rules, self._next_id = list(parsed[0]), parsed[1]
            self.changes += 1

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def clear(self, account: str | None = None) -> None:
        with self._lock:
            self._rules = [r for r in self._rules if account is not None and r.account != account]
            self.changes += 1

    @property
    def _rules(self) -> list[FaultRule]:
        """Every installed rule in installation (id) order; call under the lock."""
        return sorted((rule for rules in self._by_path.values() for rule in rules), key=lambda rule: rule.rule_id)

    @_rules.setter
    def _rules(self, rules: list[FaultRule]) -> None:
        by_path: dict[str, list[FaultRule]] = {}
        for rule in sorted(rules, key=lambda rule: rule.rule_id):
            by_path.setdefault(rule.path, []).append(rule)
        self._by_path, self._count = by_path, len(rules)

    def _remove(self, rule: FaultRule) -> None:
        rules = self._by_path[rule.path]
        rules.remove(rule)
        if not rules:
            del self._by_path[rule.path]
        self._count -= 1

    def draw(self, method: str, path: str, account: str | None) -> Fault | None:
        if path not in self._by_path:  # the usual case, on every request's path: a dict lookup, no lock
            return None
        with self._lock:
            for rule in self._by_path.get(path, ()):
                if rule.method and rule.method != method:
                    continue
                if rule.account is not None and rule.account != account:
                    continue
                if rule.probability < 1.0 and rule._random.random() >= rule.probability:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    self.changes += 1
                    if rule.remaining == 0:
                        self._remove(rule)
                return Fault(rule.kind, rule.applied, rule.delay_ms, rule.rule_id, rule.retry_after_s)
        return None
