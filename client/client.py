"""`FuturesClient`: a small synchronous client for USDⓈ-M account configuration, strict about what Binance says.

It covers what a margin-setup flow needs: margin type, asset mode, position mode, leverage and its brackets, the
account's configuration, positions, balances and open orders.

- Parameters are encoded once and that exact string is signed and sent (GET and DELETE: the query string; POST: a
  form body).
- Time: an optional sync with /fapi/v1/time, and after a -1021 one re-sync and one retry with a fresh timestamp.
- Retries: 429/418 wait `Retry-After` (when it is within `max_retry_wait`); a 503 that failed for sure (-1001,
  "Service Unavailable") is retried with backoff, and so is any 5xx/408 or dropped connection on a read. A
  state-changing call whose outcome is unknown (503 "Unknown error", 408, a timeout, a dropped connection) is never
  blindly repeated: the client reads the state back and only re-sends when the change did not land. The one
  exception is a leverage change, which Binance answers the same way when it is repeated: it is re-sent as is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests

from client.errors import (
    BinanceAPIError,
    BinanceError,
    NoChangeNeededError,
    RateLimitedError,
    ServerError,
    TimestampError,
    TransportError,
    error_from_response,
)
from client.models import (
    AccountConfig,
    Balance,
    LeverageChange,
    OpenOrder,
    Position,
    SymbolBrackets,
    decode,
    decode_brackets,
    decode_list,
)
from client.signing import Signer

PRODUCTION_URL = "https://fapi.binance.com"
TESTNET_URL = "https://testnet.binancefuture.com"
DEMO_URL = "https://demo-fapi.binance.com"
MARGIN_TYPES = ("ISOLATED", "CROSSED")
T = TypeVar("T")


@dataclass(frozen=True)
class _PositionMode:
    dual_side_position: bool


def _symbol(symbol: str | None) -> dict[str, str]:
    """The optional `symbol` filter of a read: one symbol, or all of them when None."""
    return {} if symbol is None else {"symbol": symbol}


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries. Backoff doubles from `backoff_s` (Binance suggests 200 → 400 → 800 ms)."""

    max_attempts: int = 4
    backoff_s: float = 0.2
    max_retry_wait_s: float = 60.0


class FuturesClient:
    """Binance USDⓈ-M futures account configuration (margin type, asset and position mode, leverage) and the reads
    a margin-setup flow checks first, with signing, clock skew, retries and errors done right."""

    def __init__(
        self,
        api_key: str,
        signer: Signer,
        *,
        base_url: str = PRODUCTION_URL,
        session: requests.Session | None = None,
        recv_window: int | None = None,
        timeout_s: float = 10.0,
        retry: RetryPolicy = RetryPolicy(),
        sync_time: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    ) -> None:
        self.api_key = api_key
        self.signer = signer
        self.base_url = base_url.rstrip("/")
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.recv_window = recv_window
        self.timeout_s = timeout_s
        self.retry = retry
        self._sleep = sleep
        self._clock_ms = clock_ms
        self.time_offset_ms = 0  # server time minus local time, from the last sync
        self.used_weight: int | None = None  # X-MBX-USED-WEIGHT-1M of the last answer
        if sync_time:
            self.sync_time()

    def close(self) -> None:
        """Close the HTTP session, if this client created it (an injected session stays the caller's)."""
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> FuturesClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- public calls ---
    def ping(self) -> None:
        self._call("GET", "/fapi/v1/ping", signed=False)

    def server_time(self) -> int:
        answer = self._call("GET", "/fapi/v1/time", signed=False)
        return int(answer["serverTime"])

    def sync_time(self) -> int:
        """Measure the offset to the server's clock (half the round trip counted), use it from now on, return it."""
        before = self._clock_ms()
        server = self.server_time()
        after = self._clock_ms()
        self.time_offset_ms = server - (before + after) // 2
        return self.time_offset_ms

    def change_margin_type(self, symbol: str, margin_type: str, *, recv_window: int | None = None) -> None:
        """Change `symbol` to ISOLATED or CROSSED; raises NoChangeNeededError (-4046) when it already is."""
        if margin_type not in MARGIN_TYPES:
            raise ValueError(f"margin_type must be one of {MARGIN_TYPES}, not {margin_type!r}")
        params = {"symbol": symbol, "marginType": margin_type}
        self._settle(
            lambda: self._call("POST", "/fapi/v1/marginType", params, recv_window=recv_window, state_changing=True),
            lambda: self.margin_type(symbol) == margin_type,
        )

    def ensure_margin_type(self, symbol: str, margin_type: str, *, recv_window: int | None = None) -> bool:
        """Make `symbol` use `margin_type`; True if this call changed it, False if it already was (-4046)."""
        try:
            self.change_margin_type(symbol, margin_type, recv_window=recv_window)
        except NoChangeNeededError:
            return False
        return True

    def get_symbol_config(self, symbol: str | None = None) -> list[dict[str, Any]]:
        """GET /fapi/v1/symbolConfig: margin type (CROSSED/ISOLATED), leverage and more, per symbol."""
        params = {"symbol": symbol} if symbol is not None else {}
        answer: list[dict[str, Any]] = self._call("GET", "/fapi/v1/symbolConfig", params)
        return answer

    def margin_type(self, symbol: str) -> str:
        return str(self.get_symbol_config(symbol)[0]["marginType"])

    def multi_assets_margin(self) -> bool:
        return bool(self._call("GET", "/fapi/v1/multiAssetsMargin", {})["multiAssetsMargin"])

    def set_multi_assets_margin(self, enabled: bool) -> None:
        """Switch Multi-Assets mode; raises NoChangeNeededError (-4171) when it already is so."""
        params = {"multiAssetsMargin": "true" if enabled else "false"}
        self._settle(
            lambda: self._call("POST", "/fapi/v1/multiAssetsMargin", params, state_changing=True),
            lambda: self.multi_assets_margin() is enabled,
        )

    # --- position mode ---
    def position_mode(self) -> bool:
        """GET /fapi/v1/positionSide/dual: True in Hedge Mode, False in One-way Mode (it weighs 30)."""
        return decode(_PositionMode, self._call("GET", "/fapi/v1/positionSide/dual", {})).dual_side_position

    def set_position_mode(self, dual: bool, *, recv_window: int | None = None) -> None:
        """Switch the account to Hedge Mode (`dual`) or One-way Mode; raises NoChangeNeededError (-4059) when it
        already is, and BadRequestError -4067 (open orders) or -4068 (positions) while any symbol holds either."""
        params = {"dualSidePosition": "true" if dual else "false"}
        self._settle(
            lambda: self._call(
                "POST", "/fapi/v1/positionSide/dual", params, recv_window=recv_window, state_changing=True
            ),
            lambda: self.position_mode() is dual,
        )

    def ensure_position_mode(self, dual: bool, *, recv_window: int | None = None) -> bool:
        """Put the account in Hedge Mode (`dual`) or One-way Mode; True if this call changed it, False if it already
        was (-4059). -4067/-4068 (open orders or positions anywhere) still raise BadRequestError."""
        try:
            self.set_position_mode(dual, recv_window=recv_window)
        except NoChangeNeededError:
            return False
        return True

    # --- leverage ---
    def set_leverage(self, symbol: str, leverage: int, *, recv_window: int | None = None) -> LeverageChange:
        """POST /fapi/v1/leverage: `symbol`'s initial leverage (shared by both legs in Hedge Mode).

        Beyond the symbol's bracket-1 leverage (see `leverage_brackets`) Binance answers BadRequestError -4028."""
        if isinstance(leverage, bool) or not isinstance(leverage, int):
            raise TypeError(f"leverage must be an int, not {leverage!r}")
        params = {"symbol": symbol, "leverage": str(leverage)}
        # An unknown outcome is settled by sending the same change again rather than by reading symbolConfig back:
        # Binance answers a repeated leverage with success whether or not the first one landed (every refusal
        # -4028/-4161/-2027/-2028 depends only on the target and the position, which the first change leaves as
        # they were), its answer is the result this call returns, and it weighs 1 where symbolConfig weighs 5.
        answer = self._resend_idempotent(
            lambda: self._call("POST", "/fapi/v1/leverage", params, recv_window=recv_window, state_changing=True)
        )
        return decode(LeverageChange, answer)

    def leverage_brackets(self, symbol: str | None = None) -> list[SymbolBrackets]:
        """GET /fapi/v1/leverageBracket: each symbol's notional brackets (every symbol, or just `symbol`)."""
        return decode_brackets(self._call("GET", "/fapi/v1/leverageBracket", _symbol(symbol)))

    # --- account reads ---
    def account_config(self) -> AccountConfig:
        """GET /fapi/v1/accountConfig: fee tier, permissions, position mode and Multi-Assets mode."""
        return decode(AccountConfig, self._call("GET", "/fapi/v1/accountConfig", {}))

    def positions(self, symbol: str | None = None) -> list[Position]:
        """GET /fapi/v3/positionRisk: the legs that hold a position or open orders (all symbols, or `symbol`)."""
        return decode_list(Position, self._call("GET", "/fapi/v3/positionRisk", _symbol(symbol)))

    def balances(self) -> list[Balance]:
        """GET /fapi/v3/balance: every futures wallet asset."""
        return decode_list(Balance, self._call("GET", "/fapi/v3/balance", {}))

    # --- open orders ---
    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        """GET /fapi/v1/openOrders: `symbol`'s open orders, or every symbol's (which weighs 40 instead of 1)."""
        return decode_list(OpenOrder, self._call("GET", "/fapi/v1/openOrders", _symbol(symbol)))

    def cancel_all_open_orders(self, symbol: str, *, recv_window: int | None = None) -> None:
        """DELETE /fapi/v1/allOpenOrders: cancel every open order of `symbol` (success also when there is none)."""
        self._settle(
            lambda: self._call(
                "DELETE", "/fapi/v1/allOpenOrders", {"symbol": symbol}, recv_window=recv_window, state_changing=True
            ),
            lambda: not self.open_orders(symbol),
        )

    def _settle(self, send: Callable[[], object], landed: Callable[[], bool]) -> None:
        """Send a change; when its outcome is unknown, read the state back and re-send only if it did not land.

        A re-send refused as already done (NoChangeNeededError) means an earlier send landed after all: success."""
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
                try:
                    done = landed()
                except BinanceError:
                    # The read-back failed too: what the caller must know is that the change's outcome is unknown,
                    # so its error is raised, keeping its own cause (the failed read becomes its context).
                    raise exc  # noqa: B904
                if done:
                    return

    def _resend_idempotent(self, send: Callable[[], T]) -> T:
        """Send a change that Binance answers the same way when it is repeated; re-send it (with backoff) while its
        outcome is unknown. Only for changes whose repetition is harmless whether or not the first one landed."""
        for attempt in range(1, self.retry.max_attempts + 1):
            try:
                return send()
            except (ServerError, TransportError) as exc:
                if not exc.outcome_unknown or attempt == self.retry.max_attempts:
                    raise
                self._sleep(self.retry.backoff_s * 2 ** (attempt - 1))
        raise AssertionError("unreachable: the last attempt returns or raises")

    # --- the one request path ---
    def _signed_payload(self, params: Mapping[str, str], recv_window: int | None) -> str:
        wire = dict(params)
        window = recv_window if recv_window is not None else self.recv_window
        if window is not None:
            wire["recvWindow"] = str(window)
        wire["timestamp"] = str(self._clock_ms() + self.time_offset_ms)
        payload = urlencode(wire)
        # Signed exactly as sent: the encoded string itself, never re-encoded afterwards.
        return f"{payload}&signature={self.signer.sign(payload.encode('ascii'))}"

    def _call(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        signed: bool = True,
        recv_window: int | None = None,
        state_changing: bool = False,
    ) -> Any:
        resynced = False
        failures = 0
        while True:
            wire = self._signed_payload(params or {}, recv_window) if signed else urlencode(params or {})
            try:
                response = self._send(method, path, wire)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if state_changing:
                    raise TransportError(f"{method} {path}: {exc}", outcome_unknown=True) from exc
                failures += 1
                if failures >= self.retry.max_attempts:
                    raise TransportError(f"{method} {path}: {exc}", outcome_unknown=False) from exc
                self._sleep(self.retry.backoff_s * 2 ** (failures - 1))
                continue
            error = self._error_of(response)
            if error is None:
                return response.json()
            if isinstance(error, TimestampError) and not resynced:
                self.sync_time()
                resynced = True
                continue
            failures += 1
            if failures >= self.retry.max_attempts:
                raise error
            if isinstance(error, RateLimitedError) and (error.retry_after or 0) <= self.retry.max_retry_wait_s:
                self._sleep(error.retry_after or self.retry.backoff_s)
                continue
            # A read is safe to repeat whatever became of it; a change only when it failed for sure.
            if isinstance(error, ServerError) and not (state_changing and error.outcome_unknown):
                self._sleep(self.retry.backoff_s * 2 ** (failures - 1))
                continue
            raise error

    def _send(self, method: str, path: str, wire: str) -> requests.Response:
        headers = {"X-MBX-APIKEY": self.api_key}
        url = f"{self.base_url}{path}"
        if method in ("GET", "DELETE") or not wire:
            return self.session.request(
                method, f"{url}?{wire}" if wire else url, headers=headers, timeout=self.timeout_s
            )
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.session.request(method, url, data=wire.encode("ascii"), headers=headers, timeout=self.timeout_s)

    def _error_of(self, response: requests.Response) -> BinanceAPIError | None:
        weight = response.headers.get("X-MBX-USED-WEIGHT-1M")
        if weight is not None and weight.isdigit():
            self.used_weight = int(weight)
        if response.status_code == 200:
            return None
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            body = {"msg": response.text}
        return error_from_response(response.status_code, body, dict(response.headers))
