"""The ordered checks every SIGNED call passes before its endpoint runs; the first failure wins.

1 key format (-2014) · 2 key, permission, IP (-2015) · 3 duplicate parameter (-1101) · 4 illegal characters
(-1100) · 5 timestamp (-1102) · 6 signature present (-1102) · 7 recvWindow (-1130) · 8 timestamp ahead (-1021)
· 9 outside recvWindow (-1021) · 10 signature verifies (-1022). Pure functions: no Flask, no clock reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mockserver import errors
from mockserver.config import MAX_RECV_WINDOW
from mockserver.domain.keys import API_KEY_PATTERN, ApiKey, Permission
from mockserver.domain.signing import decode_signature_value
from mockserver.errors import BinanceRejection
from mockserver.wire.params import ParamOrigin, WireParam, has_illegal_characters, parse_long, parse_part

DEFAULT_RECV_WINDOW = 5000
SIGNATURE = "signature"


@dataclass(frozen=True)
class SignedRequest:
    """A request as it arrived: raw query and body bytes, their parsed segments, the key header, the caller."""

    method: str
    path: str
    raw_query: bytes
    raw_body: bytes
    api_key: str | None
    client_ip: str
    query_params: tuple[WireParam, ...]
    body_params: tuple[WireParam, ...]

    @classmethod
    def from_wire(
        cls,
        method: str,
        path: str,
        raw_query: bytes,
        raw_body: bytes,
        api_key: str | None,
        client_ip: str,
        limit: int | None = None,
    ) -> SignedRequest:
        """`limit` parses only the first `limit` segments of each part (for the journal of a refused request)."""
        return cls(
            method,
            path,
            raw_query,
            raw_body,
            api_key,
            client_ip,
            tuple(parse_part(raw_query, ParamOrigin.QUERY, limit)),
            tuple(parse_part(raw_body, ParamOrigin.BODY, limit)),
        )

    def merged(self) -> dict[str, WireParam]:
        """Parameters by name; the query string wins over the body on a shared name."""
        merged = {p.key: p for p in self.body_params}
        merged.update((p.key, p) for p in self.query_params)
        return merged


@dataclass(frozen=True)
class AuthorizedCall:
    """A signed call that passed the gate: its key and its decoded parameters, signature removed."""

    key: ApiKey
    params: dict[str, str]


def check_api_key(request: SignedRequest, permission: Permission, find_key: Callable[[str], ApiKey | None]) -> ApiKey:
    """Checks 1 and 2."""
    api_key = request.api_key
    if not api_key or not API_KEY_PATTERN.fullmatch(api_key):
        raise BinanceRejection(
            errors.API_KEY_FORMAT_INVALID, "X-MBX-APIKEY is missing, empty, or not 1-64 ASCII letters/digits"
        )
    key = find_key(api_key)
    if key is None or not key.enabled:
        reason = "unknown API key" if key is None else "the API key is disabled"
        raise BinanceRejection(errors.REJECTED_API_KEY, reason, {"failed": "key"})
    if permission not in key.permissions:
        raise BinanceRejection(
            errors.REJECTED_API_KEY, f"the API key lacks the {permission.value} permission", {"failed": "permission"}
        )
    if not key.allows_ip(request.client_ip):
        raise BinanceRejection(
            errors.REJECTED_API_KEY,
            f"client IP {request.client_ip} is not in the key's ipAllowList",
            {"failed": "ip", "clientIp": request.client_ip},
        )
    return key


def _names(part: tuple[WireParam, ...]) -> set[str]:
    """The part's parameter names; a name twice in one part is -1101 (a set keeps the usual case cheap)."""
    names = {p.key for p in part}
    if len(names) != len(part):
        seen: set[str] = set()
        for param in part:
            if param.key in seen:
                raise BinanceRejection(
                    errors.DUPLICATE_PARAMETER, f"{param.key!r} appears twice in the {param.origin.value}"
                )
            seen.add(param.key)
    return names


def check_parameter_format(request: SignedRequest) -> None:
    """Checks 3 and 4, over every parameter of both parts."""
    if SIGNATURE in _names(request.query_params) & _names(request.body_params):
        raise BinanceRejection(errors.DUPLICATE_PARAMETER, "'signature' appears in both the query string and the body")
    for param in (*request.query_params, *request.body_params):
        if param.name is None or has_illegal_characters(param.name):
            raise BinanceRejection(
                errors.ILLEGAL_CHARACTERS, f"a parameter name in the {param.origin.value} is malformed"
            )
        if param.name == SIGNATURE:
            continue  # the signature value is checked by verification, never for characters
        if param.value is None or has_illegal_characters(param.value):
            raise BinanceRejection(
                errors.ILLEGAL_CHARACTERS,
                f"the value of {param.name!r} is malformed percent-encoding, not UTF-8, "
                "or has whitespace or control characters",
            )


def read_recv_window(params: dict[str, WireParam], recv_window_max: int) -> int:
    """Check 7; the default window applies when recvWindow is absent."""
    param = params.get("recvWindow")
    if param is None:
        return DEFAULT_RECV_WINDOW
    value = parse_long(param.value or "")
    if value is None or not 1 <= value <= recv_window_max:
        raise BinanceRejection(
            errors.invalid_parameter("recvWindow"),
            f"recvWindow {param.value!r} is not an integer from 1 to {recv_window_max}",
        )
    return value


def check_timing(timestamp: int, recv_window: int, server_time_ms: int) -> None:
    """Checks 8 and 9: Binance's `timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow`."""
    detail = {"serverTime": server_time_ms, "timestamp": timestamp, "recvWindow": recv_window}
    if timestamp >= server_time_ms + 1000:
        raise BinanceRejection(
            errors.TIMESTAMP_AHEAD,
            f"timestamp {timestamp} is {timestamp - server_time_ms} ms ahead of server time {server_time_ms}",
            detail,
        )
    if server_time_ms - timestamp > recv_window:
        raise BinanceRejection(
            errors.TIMESTAMP_OUTSIDE_RECV_WINDOW,
            f"timestamp {timestamp} is {server_time_ms - timestamp} ms behind server time {server_time_ms}, "
            f"more than recvWindow {recv_window}",
            detail,
        )


def signed_payload(request: SignedRequest, signature: WireParam) -> bytes | None:
    """totalParams: raw query + raw body, minus the trailing signature segment; None if it is not last."""
    raw = request.raw_query if signature.origin is ParamOrigin.QUERY else request.raw_body
    if signature.end != len(raw):
        return None
    stripped = raw[: max(signature.start - 1, 0)]
    if signature.origin is ParamOrigin.QUERY:
        return stripped + request.raw_body
    return request.raw_query + stripped


def check_signature(request: SignedRequest, key: ApiKey, signature: WireParam) -> None:
    """Check 10."""
    payload = signed_payload(request, signature)
    if payload is None:
        raise BinanceRejection(
            errors.INVALID_SIGNATURE,
            f"signature is not the last parameter of the {signature.origin.value}, "
            "so the signed string cannot be rebuilt",
            {"keyType": key.key_type.value},
        )
    if not key.verify(payload, decode_signature_value(signature.raw_value)):
        raise BinanceRejection(
            errors.INVALID_SIGNATURE,
            f"the {key.key_type.value} signature does not verify over the signed string",
            {"signedPayload": payload.decode("latin-1"), "keyType": key.key_type.value},
        )


def pass_gate(
    request: SignedRequest,
    permission: Permission,
    find_key: Callable[[str], ApiKey | None],
    server_time_ms: Callable[[ApiKey], int],
    recv_window_max: int = MAX_RECV_WINDOW,
) -> AuthorizedCall:
    """Run checks 1-10 in Binance's order; raises the first failure as a BinanceRejection.

    `server_time_ms` gives the server time as the key's account sees it (accounts may carry a clock offset).
    """
    key = check_api_key(request, permission, find_key)
    check_parameter_format(request)
    params = request.merged()
    timestamp_param = params.get("timestamp")
    timestamp = parse_long(timestamp_param.value or "") if timestamp_param else None
    if timestamp is None:
        raise BinanceRejection(errors.mandatory_parameter("timestamp"), "timestamp is missing, empty or not a LONG")
    signature = params.get(SIGNATURE)
    if signature is None or not signature.raw_value:
        raise BinanceRejection(errors.mandatory_parameter(SIGNATURE), "signature is missing or empty")
    recv_window = read_recv_window(params, recv_window_max)
    check_timing(timestamp, recv_window, server_time_ms(key))
    check_signature(request, key, signature)
    values = {name: p.value for name, p in params.items() if name != SIGNATURE and p.value is not None}
    return AuthorizedCall(key, values)
