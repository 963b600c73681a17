"""Errors of the reference client, by HTTP meaning first and Binance code second.

BinanceError                       anything this client raises
├── TransportError                 no HTTP answer: refused, dropped, timed out (`outcome_unknown` when a
│                                  state-changing call may have landed)
└── BinanceAPIError                an HTTP answer: `http_status`, `code`, `msg`, `headers`
    ├── BadRequestError            400: the request was refused and nothing changed
    │   ├── TimestampError         -1021: clock skew or recvWindow; the client re-syncs once and retries
    │   └── NoChangeNeededError    -4046 / -4059 / -4171: already so (`ensure_*` treats it as done)
    ├── AuthenticationError        401 -2014/-2015: key format, unknown key, permission, IP
    │   └── SignatureError         -1022 (sent as 400): the signature does not verify
    ├── RateLimitedError           429 -1003: `retry_after` seconds
    │   └── IPBannedError          418 -1003: banned; `retry_after` seconds
    └── ServerError                5xx and 408: `outcome_unknown` is True when Binance says the request may
                                   have been executed (503 "Unknown error", 408/-1007), False when it failed
                                   for sure (-1001 "Internal error", "Service Unavailable")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TIMESTAMP_OUTSIDE_WINDOW = -1021
INVALID_SIGNATURE = -1022
NO_NEED_TO_CHANGE_MARGIN_TYPE = -4046
NO_NEED_TO_CHANGE_POSITION_SIDE = -4059
ASSET_MODE_ALREADY_SET = -4171
DISCONNECTED = -1001
BACKEND_TIMEOUT = -1007
UNKNOWN_ERROR_MSG = "Unknown error, please check your request or try again later."


class BinanceError(Exception):
    """Anything this client raises."""


class TransportError(BinanceError):
    """No HTTP answer came back; `outcome_unknown` when the call changes state and may have been executed."""

    def __init__(self, message: str, *, outcome_unknown: bool) -> None:
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


class BinanceAPIError(BinanceError):
    """Binance answered with an error body: `http_status`, Binance's `code` and `msg`, and the answer's headers."""

    def __init__(self, http_status: int, code: int | None, msg: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"HTTP {http_status}, code {code}: {msg}")
        self.http_status = http_status
        self.code = code
        self.msg = msg
        self.headers: dict[str, str] = dict(headers or {})


class BadRequestError(BinanceAPIError):
    """400: Binance refused the request; nothing was changed."""


class TimestampError(BadRequestError):
    """-1021: the timestamp was ahead of the server or older than recvWindow."""


class NoChangeNeededError(BadRequestError):
    """-4046 (margin type), -4059 (position mode) or -4171 (asset mode): the account is already as asked."""


class AuthenticationError(BinanceAPIError):
    """401 -2014/-2015: a malformed or unknown key, a missing permission, or an IP not allowed."""


class SignatureError(AuthenticationError):
    """-1022: the signature does not verify (Binance sends it as HTTP 400)."""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


class RateLimitedError(BinanceAPIError):
    """429 -1003: over the request-weight limit; wait `retry_after` seconds before the next call."""

    def __init__(self, http_status: int, code: int | None, msg: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(http_status, code, msg, headers)
        self.retry_after = _retry_after(self.headers)


class IPBannedError(RateLimitedError):
    """418 -1003: the IP is banned for a while (it kept calling after a 429)."""


class ServerError(BinanceAPIError):
    """5xx or 408; `outcome_unknown` when the request may have been executed all the same."""

    @property
    def outcome_unknown(self) -> bool:
        if self.http_status == 408 or self.code == BACKEND_TIMEOUT:
            return True
        if self.code == DISCONNECTED or "Service Unavailable" in self.msg:
            return False
        return self.msg == UNKNOWN_ERROR_MSG or self.http_status >= 500


def error_from_response(http_status: int, body: Any, headers: Mapping[str, str]) -> BinanceAPIError:
    """The error class for an HTTP answer that is not a success."""
    code = body.get("code") if isinstance(body, dict) and isinstance(body.get("code"), int) else None
    msg = str(body.get("msg", "")) if isinstance(body, dict) else str(body)
    kind: type[BinanceAPIError]
    if http_status == 418:
        kind = IPBannedError
    elif http_status == 429:
        kind = RateLimitedError
    elif http_status >= 500 or http_status == 408:
        kind = ServerError
    elif code == INVALID_SIGNATURE:
        kind = SignatureError
    elif http_status == 401:
        kind = AuthenticationError
    elif code == TIMESTAMP_OUTSIDE_WINDOW:
        kind = TimestampError
    elif code in (NO_NEED_TO_CHANGE_MARGIN_TYPE, NO_NEED_TO_CHANGE_POSITION_SIDE, ASSET_MODE_ALREADY_SET):
        kind = NoChangeNeededError
    else:
        kind = BadRequestError
    return kind(http_status, code, msg, headers)
