"""The client contract bites: copies of the reference client with one careless bug each fail it, for the rule the bug
breaks, while the reference client passes under the same settings.

Each variant overrides one method of `client.FuturesClient` and runs through `ReferenceClientAdapter`, which claims
everything (syncs_time, resolves_unknown_outcomes, honours_retry_after, gives_up, ensure_margin_type), so every rule
of the contract applies. The runs are derandomized and do not shrink: each stops at the first violation found.
"""

from __future__ import annotations

import re
import unittest
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from client import FuturesClient, RetryPolicy
from client.errors import (
    BadRequestError,
    NoChangeNeededError,
    RateLimitedError,
    ServerError,
    SignatureError,
    TransportError,
)
from contract_tests.adapters import ReferenceClientAdapter
from contract_tests.client_contract import ContractViolation, client_contract

# Small enough that the reference client and every variant together run in seconds; every variant below is caught
# well within it (derandomized: the same steps every run).
BITE = settings(
    max_examples=20,
    stateful_step_count=25,
    derandomize=True,
    database=None,
    deadline=None,
    phases=(Phase.generate,),
    report_multiple_bugs=False,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
MARGIN_TYPE = "/fapi/v1/marginType"
OTHER_SYMBOL = {"BTCUSDT": "ETHUSDT"}


def contract_for(variant: type[FuturesClient]) -> type[unittest.TestCase]:
    class Adapter(ReferenceClientAdapter):
        client_class = variant

    return client_contract(Adapter, key_types=("HMAC",), settings=BITE, name=f"{variant.__name__}Contract")


def violation_of(variant: type[FuturesClient]) -> ContractViolation | None:
    """Run the client contract against `variant`; the violation it found, or None when it passed."""
    case: Any = contract_for(variant)("runTest")
    try:
        case.runTest()
    except ContractViolation as violation:
        return violation
    return None


# --- the variants, one careless bug each ---
class ResendsBlindly(FuturesClient):
    """After an unknown outcome it sends the change again at once, without reading whether the first one landed."""

    def _settle(self, send: Callable[[], object], landed: Callable[[], bool]) -> None:
        for attempt in range(1, self.retry.max_attempts + 1):
            try:
                send()
                return
            except NoChangeNeededError:
                if attempt == 1:
                    raise
                return
            except (ServerError, TransportError) as exc:
                if not exc.outcome_unknown or attempt == self.retry.max_attempts:
                    raise


class RetriesBadSignatures(FuturesClient):
    """Takes -1022 for a transient glitch and signs and sends the request again."""

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(3):
            try:
                return super()._call(*args, **kwargs)
            except SignatureError:
                if attempt == 2:
                    raise
                self._sleep(self.retry.backoff_s)
        raise AssertionError("unreachable")


class ReadsRetryAfterAsMilliseconds(FuturesClient):
    """Waits Retry-After milliseconds instead of seconds."""

    def _error_of(self, response: Any) -> Any:
        error = super()._error_of(response)
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            error.retry_after /= 1000
        return error


class TakesAPositionForSuccess(FuturesClient):
    """Treats -4048 (a position exists) as if the margin type had been changed."""

    def change_margin_type(self, symbol: str, margin_type: str, *, recv_window: int | None = None) -> None:
        try:
            super().change_margin_type(symbol, margin_type, recv_window=recv_window)
        except BadRequestError as refusal:
            if refusal.code != -4048:
                raise


class ReadsBackAnotherSymbol(FuturesClient):
    """Settles an unknown outcome by reading another symbol's margin type (a copy-paste slip)."""

    def change_margin_type(self, symbol: str, margin_type: str, *, recv_window: int | None = None) -> None:
        params = {"symbol": symbol, "marginType": margin_type}
        other = OTHER_SYMBOL.get(symbol, "BTCUSDT")
        self._settle(
            lambda: self._call("POST", MARGIN_TYPE, params, recv_window=recv_window, state_changing=True),
            lambda: self.margin_type(other) == margin_type,
        )


class SettlesMultiAssetsByPositionMode(FuturesClient):
    """Settles an unknown Multi-Assets outcome by reading the position mode (copied from set_position_mode)."""

    def set_multi_assets_margin(self, enabled: bool) -> None:
        params = {"multiAssetsMargin": "true" if enabled else "false"}
        self._settle(
            lambda: self._call("POST", "/fapi/v1/multiAssetsMargin", params, state_changing=True),
            lambda: self.position_mode() is enabled,
        )


class NeverSyncs(FuturesClient):
    """Stamps with its own clock and never asks the server's, though its adapter says it syncs."""

    def sync_time(self) -> int:
        return self.time_offset_ms


class NeverGivesUp(FuturesClient):
    """Retries for as long as it takes: no bound on attempts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "retry": RetryPolicy(max_attempts=1_000_000)})


class EnsureAlwaysSaysChanged(FuturesClient):
    """ensure_margin_type reports a change even when the margin type already was so (-4046)."""

    def ensure_margin_type(self, symbol: str, margin_type: str, *, recv_window: int | None = None) -> bool:
        super().ensure_margin_type(symbol, margin_type, recv_window=recv_window)
        return True


# --- careless copies that passed the contract before it learnt these rules (issue 9); the one more, a Multi-Assets
# read-back inverted when settling, is caught too, but only a few hundred steps in: too slow for this file ---
class IgnoresRetryAfter(FuturesClient):
    """Answered 429, it waits its usual backoff instead of Retry-After."""

    def _error_of(self, response: Any) -> Any:
        error = super()._error_of(response)
        if isinstance(error, RateLimitedError):
            error.retry_after = None
        return error


class EnsureRaisesAlreadySo(FuturesClient):
    """ensure_margin_type lets -4046 out as an error."""

    def ensure_margin_type(self, symbol: str, margin_type: str, *, recv_window: int | None = None) -> bool:
        self.change_margin_type(symbol, margin_type, recv_window=recv_window)
        return True


class SwallowsBadSignatures(FuturesClient):
    """Takes -1022 for success."""

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._call(*args, **kwargs)
        except SignatureError:
            return {"code": 200, "msg": "success"}


class SwallowsTheLastUnknownOutcome(FuturesClient):
    """When its last attempt's outcome is unknown too, it reports success."""

    def _settle(self, send: Callable[[], object], landed: Callable[[], bool]) -> None:
        try:
            super()._settle(send, landed)
        except (ServerError, TransportError) as exc:
            if not exc.outcome_unknown:
                raise


# variant, the rules that may catch it, what the violation's message must say (a regular expression)
BITES: list[tuple[type[FuturesClient], set[str], str]] = [
    (ResendsBlindly, {"read-before-resend"}, "without reading it back first"),
    (RetriesBadSignatures, {"refusal-is-final"}, "refused it with -1022"),
    (ReadsRetryAfterAsMilliseconds, {"retry-after"}, "after a 429 with Retry-After"),
    (TakesAPositionForSuccess, {"answer", "ensure"}, "-4048"),
    (ReadsBackAnotherSymbol, {"read-before-resend", "settle-by-read"}, "without reading it back"),
    (SettlesMultiAssetsByPositionMode, {"read-before-resend", "settle-by-read"}, "without reading it back"),
    (NeverSyncs, {"read-back", "answer"}, "-1021"),
    (NeverGivesUp, {"bounded-retries"}, "more than 6"),
    (EnsureAlwaysSaysChanged, {"ensure"}, "returned True, Binance says -4046"),
    (IgnoresRetryAfter, {"retry-after"}, "after a 429 with Retry-After"),
    (EnsureRaisesAlreadySo, {"ensure"}, "raised NoChangeNeededError"),
    (SwallowsBadSignatures, {"auth-error"}, "Binance refuses the key with -1022"),
    (SwallowsTheLastUnknownOutcome, {"gives-up", "settle-by-read"}, "never landed|without reading it back"),
]


@pytest.mark.parametrize(("variant", "rules", "says"), BITES, ids=[v.__name__ for v, _, _ in BITES])
def test_a_careless_client_fails_the_contract(variant: type[FuturesClient], rules: set[str], says: str) -> None:
    violation = violation_of(variant)
    assert violation is not None, f"the client contract passed {variant.__name__}: {variant.__doc__}"
    assert violation.rule in rules and re.search(says, str(violation)), (
        f"{variant.__name__} failed for another reason:\n{violation}"
    )


def test_the_reference_client_passes_under_the_same_settings() -> None:
    assert violation_of(FuturesClient) is None
