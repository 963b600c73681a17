"""Hypothesis properties against the Flask app in process: no input breaks the wire contract, and mostly-valid
signed marginType calls get exactly the answer design.md's check order gives.

Every example builds a fresh app (a few milliseconds), so no state, journal or weight leaks between examples and no
function-scoped fixture is needed inside `@given`.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import string
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, unquote_to_bytes

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from flask import Flask
from flask.testing import FlaskClient
from helpers import ED25519_KEY, FROZEN_MS, HMAC_KEY, HMAC_SECRET, KEYS, RSA_KEY, SigningKey, make_config
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from mockserver import DEMO_API_KEY, create_app

MARGIN_TYPE = "/fapi/v1/marginType"
MULTI_ASSETS = "/fapi/v1/multiAssetsMargin"
ACCOUNTS = (HMAC_KEY, RSA_KEY, ED25519_KEY)
# The USDⓈ-M perpetuals design.md promises the catalogue holds.
PERPETUALS = tuple(
    f"{base}USDT" for base in ("BTC", "ETH", "BNB", "SOL", "XRP", "ADA", "DOGE", "LINK", "AVAX", "TRX", "LTC", "DOT")
)
LONG_MAX = 2**63 - 1
FORM = "application/x-www-form-urlencoded"

FUZZ_SETTINGS = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def fresh_app() -> Flask:
    return create_app(make_config())


def send(
    client: FlaskClient,
    method: str,
    path: str,
    *,
    query: bytes = b"",
    body: bytes = b"",
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
    environ: dict[str, str] | None = None,
) -> TestResponse:
    """One request with the raw path and query handed to the app byte for byte (WSGI strings are latin-1)."""
    overrides = {"PATH_INFO": path, "QUERY_STRING": query.decode("latin-1")}
    overrides.update(environ or {})
    return client.open(
        "/",
        method=method,
        headers=headers or {},
        data=body,
        content_type=content_type,
        environ_overrides=overrides,
    )


def accounts_snapshot(client: FlaskClient) -> dict[str, Any]:
    snapshot = {}
    for account in ACCOUNTS:
        response = client.get(f"/__mock__/accounts/{account}")
        # 404 once a fuzzed DELETE /__mock__/accounts/<account> removed it (a state change like any other).
        assert response.status_code in (200, 404), response.data
        snapshot[account] = response.get_json() if response.status_code == 200 else None
    return snapshot


def journal(client: FlaskClient) -> list[dict[str, Any]]:
    response = client.get("/__mock__/journal")
    assert response.status_code == 200
    entries: list[dict[str, Any]] = response.get_json()
    return entries


# --- what every Binance answer may be, from design.md ---

GATE_MESSAGES = {
    -2014: "API-key format invalid.",
    -2015: "Invalid API-key, IP, or permissions for action",
    -1101: "Duplicate values for a parameter detected.",
    -1100: "Illegal characters found in a parameter.",
    -1022: "Signature for this request is not valid.",
    -1121: "Invalid symbol.",
    -4046: "No need to change margin type.",
    -4047: "Margin type cannot be changed if there exists open orders.",
    -4048: "Margin type cannot be changed if there exists position.",
    -4168: "Unable to adjust to isolated-margin mode under the Multi-Assets mode.",
    -4171: "Adjusted asset mode is currently set and does not need to be adjusted repeatedly.",
}
AHEAD = "Timestamp for this request was 1000ms ahead of the server's time."
OUTSIDE = "Timestamp for this request is outside of the recvWindow."
RECV_WINDOW_INVALID = "Data sent for parameter 'recvWindow' is not valid."


def mandatory(name: str) -> str:
    return f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."


MANDATORY = re.compile(r"Mandatory parameter '[a-z]+' was not sent, was empty/null, or malformed\.")
STATUS_OF_CODE = {
    -2014: {401},
    -2015: {401},
    -1000: {400, 404, 405, 413},
    -1003: {418, 429},
}


def check_binance_error_body(status: int, body: Any) -> None:
    assert isinstance(body, dict), body
    assert set(body) == {"code", "msg"}, body
    code, msg = body["code"], body["msg"]
    assert type(code) is int and type(msg) is str and msg, body
    assert code < 0, body
    assert status in STATUS_OF_CODE.get(code, {400}), (status, body)
    if code in GATE_MESSAGES:
        assert msg == GATE_MESSAGES[code], body
    elif code == -1102:
        assert MANDATORY.fullmatch(msg), body
    elif code == -1021:
        assert msg in (AHEAD, OUTSIDE), body
    elif code == -1130:
        assert msg == RECV_WINDOW_INVALID, body


def query_names(query: bytes) -> set[str]:
    return {
        unquote_to_bytes(segment.split(b"=", 1)[0].replace(b"+", b" ")).decode("utf-8", "replace")
        for segment in query.split(b"&")
        if segment
    }


def endpoint_weight(method: str, path: str, query: bytes = b"") -> int:
    """Binance's documented weights, written out here independently of the fake's route table."""
    if (method, path) == ("GET", "/fapi/v1/openOrders"):
        return 1 if "symbol" in query_names(query) else 40
    return {
        ("GET", "/fapi/v1/symbolConfig"): 5,
        ("GET", "/fapi/v1/accountConfig"): 5,
        ("GET", "/fapi/v2/positionRisk"): 5,
        ("GET", "/fapi/v3/positionRisk"): 5,
        ("GET", "/fapi/v2/account"): 5,
        ("GET", "/fapi/v3/account"): 5,
        ("GET", "/fapi/v2/balance"): 5,
        ("GET", "/fapi/v3/balance"): 5,
        ("GET", MULTI_ASSETS): 30,
        ("GET", "/fapi/v1/positionSide/dual"): 30,
        ("GET", "/sapi/v1/capital/config/getall"): 10,
    }.get((method, path), 1)


# Paths whose successful answer to these methods may change state.
STATE_CHANGING = {
    ("POST", MARGIN_TYPE),
    ("POST", MULTI_ASSETS),
    ("POST", "/fapi/v1/positionSide/dual"),
    ("POST", "/fapi/v1/leverage"),
    ("POST", "/fapi/v1/positionMargin"),
    ("DELETE", "/fapi/v1/allOpenOrders"),
}


# --- strategies for arbitrary requests ---


def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Pick among strategies with the given weights; shrinking goes toward the first option.

    (st.one_of would not do: it merges a branch repeated as the same object, so repeating does not weigh it.)
    """
    table = [strategy for weight, strategy in options for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda pick: table[pick])


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], odds: int = 3) -> st.SearchStrategy[Any]:
    """`usual` about `odds` times in `odds + 1`, so most calls get deep into the check order."""
    return weighted((odds, usual), (1, odd))


KNOWN_NAMES = ("symbol", "marginType", "timestamp", "recvWindow", "signature", "multiAssetsMargin", "foo", "")
ODD_ESCAPES = (
    b"%G1",
    b"%4",
    b"%",
    b"%%",
    b"%FF",
    b"%ff",
    b"%C3%28",
    b"%E2%82",
    b"%00",
    b"%7F",
    b"%0A",
    b"%C2%A0",
    b"%E3%80%80",
    b"%E4%B8%AD",
    b"%D9%A1",
    b"+",
    b"%2B",
    b"%26",
    b"%3D",
    b"%25",
    b"%20",
)
WORDS = (
    b"ISOLATED",
    b"CROSSED",
    b"isolated",
    b"BTCUSDT",
    b"btcusdt",
    b"true",
    b"false",
    b"-1",
    b"+1",
    b"1.5",
    b"1e3",
    b"=",
    b"&",
    b"signature",
    b"signature=",
    str(FROZEN_MS).encode(),
    str(LONG_MAX).encode(),
    str(LONG_MAX + 1).encode(),
)

escape = st.one_of(
    st.integers(0, 255).map(lambda b: f"%{b:02X}".encode()),
    st.integers(0, 255).map(lambda b: f"%{b:02x}".encode()),
    st.sampled_from(ODD_ESCAPES),
)
chunk = st.one_of(
    st.text(string.ascii_letters + string.digits + "-_.~*", max_size=12).map(str.encode),
    escape,
    st.binary(max_size=4),  # control characters, high bytes that are not UTF-8
    st.integers(0, 10**40).map(lambda n: str(n).encode()),
    st.sampled_from(WORDS),
)
raw_value = st.lists(chunk, max_size=5).map(b"".join)
raw_name = st.one_of(st.sampled_from(KNOWN_NAMES).map(str.encode), raw_value)
segment = st.one_of(st.tuples(raw_name, raw_value).map(lambda pair: pair[0] + b"=" + pair[1]), raw_name)
structured_part = st.lists(st.tuples(st.sampled_from((b"&", b"&", b"&", b"&&", b"")), segment), max_size=8).map(
    lambda pairs: b"".join(sep + seg for sep, seg in pairs)[1:]
)
raw_part = weighted((2, structured_part), (1, st.binary(max_size=200)), (1, st.just(b"")))
big_body = st.sampled_from((65535, 65536, 65537, 200_000)).flatmap(
    lambda size: st.sampled_from((b"a", b"symbol=BTCUSDT&", b"%")).map(lambda unit: (unit * size)[:size])
)

CONTENT_TYPES = (
    None,
    FORM,
    FORM + "; charset=latin-1",
    "application/json",
    "application/json;charset=utf-8",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "text/plain",
    "application/octet-stream",
)
latin1_text = st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=80)
content_type = st.one_of(st.sampled_from(CONTENT_TYPES), latin1_text)
api_key_header = st.one_of(
    st.none(),
    st.sampled_from(("", HMAC_KEY, RSA_KEY, ED25519_KEY, DEMO_API_KEY, "a" * 64, "a" * 65, "x" * 5000)),
    latin1_text,
    st.text(string.ascii_letters + string.digits, min_size=1, max_size=70),
)
content_length = mostly(
    st.none(), st.sampled_from(("0", "1", "3", "100", "-1", "abc", "", "99999999999999999999", "1e3"))
)

BINANCE_PATHS = (
    MARGIN_TYPE,
    MULTI_ASSETS,
    "/fapi/v1/ping",
    "/fapi/v1/time",
    "/fapi/v1/exchangeInfo",
    "/fapi/v1/symbolConfig",
    "/fapi/v2/positionRisk",
    "/fapi/v3/positionRisk",
    "/fapi/v1/positionSide/dual",
    "/fapi/v1/leverage",
    "/fapi/v1/leverageBracket",
    "/fapi/v1/accountConfig",
    "/fapi/v2/account",
    "/fapi/v3/account",
    "/fapi/v2/balance",
    "/fapi/v3/balance",
    "/fapi/v1/openOrders",
    "/fapi/v1/openOrder",
    "/fapi/v1/allOpenOrders",
    "/fapi/v1/positionMargin",
    "/api/v3/ping",
    "/api/v3/time",
    "/sapi/v1/capital/config/getall",
    "/sapi/v1/margin/allPairs",
)
ODD_PATHS = (
    "",
    "/",
    "/fapi",
    "/fapi/v1/",
    "/fapi/v1/marginType/",
    "/fapi/v1/margintype",
    "/FAPI/V1/MARGINTYPE",
    "/fapi/v1/marginType.json",
    "/fapi/v1/marginType;x=1",
    "/fapi/v1/order",
    "/fapi/v2/marginType",
    "/fapi/v4/positionRisk",
    "/dapi/v1/marginType",
    "/api/v3/account",
    "/sapi/v1/capital/config",
    "/fapi/v1/ping/..",
    "/fapi/../fapi/v1/ping",
    "/fapi/v1/\x00",
    "/fapi/v1/\xff\xfe",
    "/fapi/v1/%70ing",
    "/__mock__x",
    "/__MOCK__/reset",
)
CONTROL_PATHS = (
    "/__mock__",
    "/__mock__/",
    "/__mock__/journal",
    "/__mock__/keys",
    "/__mock__/clock",
    f"/__mock__/accounts/{HMAC_KEY}",
    f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT",
    "/__mock__/accounts/nobody",
    "/__mock__/nope",
    "/__mock__/reset",
)
random_path = st.text(st.characters(max_codepoint=255, exclude_characters="?#"), max_size=40).map(lambda t: "/" + t)


path_strategy = weighted(
    (3, st.sampled_from(BINANCE_PATHS)),
    (1, st.sampled_from(ODD_PATHS)),
    (1, st.sampled_from(CONTROL_PATHS)),
    (1, random_path),
)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    query: bytes
    body: bytes
    content_type: str | None
    api_key: str | None
    content_length: str | None

    def headers(self) -> dict[str, str]:
        return {} if self.api_key is None else {"X-MBX-APIKEY": self.api_key}

    def mentions(self, text: str) -> bool:
        sent = (self.path, self.query.decode("latin-1"), self.body.decode("latin-1"), self.api_key or "")
        return any(text in part for part in sent)


raw_request = st.builds(
    RawRequest,
    method=st.sampled_from(METHODS),
    path=path_strategy,
    query=raw_part,
    body=mostly(raw_part, big_body),
    content_type=content_type,
    api_key=api_key_header,
    content_length=content_length,
)


def is_control(path: str) -> bool:
    return path == "/__mock__" or path.startswith("/__mock__/")


def request_path(path_info: str) -> str:
    """The path as the edge routes it: PATH_INFO as sent (no slashes collapsed: `//__mock__` is not the control
    API, `//fapi/v1/ping` is no Binance path), bytes read as UTF-8."""
    path = path_info.encode("latin-1").decode("utf-8", "replace")
    return path if path.startswith("/") else "/" + path


@FUZZ_SETTINGS
@given(requests=st.lists(raw_request, min_size=1, max_size=4))
def test_arbitrary_requests_keep_the_wire_contract(requests: list[RawRequest]) -> None:
    app = fresh_app()
    client = app.test_client()
    used_weight = 0
    journaled = 0
    for req in requests:
        note(repr(req))
        before = accounts_snapshot(client)
        environ = {} if req.content_length is None else {"CONTENT_LENGTH": req.content_length}
        response = send(
            client,
            req.method,
            req.path,
            query=req.query,
            body=req.body,
            content_type=req.content_type,
            headers=req.headers(),
            environ=environ,
        )
        status = response.status_code
        path = request_path(req.path)
        event(f"{status} {response.get_json(silent=True) if status != 200 and status < 500 else ''}"[:40])
        note(f"-> {status} {response.headers!r} {response.data[:300]!r}")
        assert status < 500
        assert response.headers.get("Content-Type") == "application/json"
        assert response.headers.get("X-Mock-Exchange", "").startswith("fapi-mock/")
        body: Any = None
        if req.method == "HEAD":
            assert response.data == b""
        else:
            assert response.headers.get("Content-Length") == str(len(response.data))
            body = json.loads(response.data)
        control = is_control(path)
        if control:
            assert "X-MBX-USED-WEIGHT-1M" not in response.headers
            if status >= 400 and body is not None:
                assert isinstance(body, dict) and isinstance(body.get("error"), str), body
            if status == 200 and (
                path == "/__mock__/reset" or (path == "/__mock__/journal" and req.method == "DELETE")
            ):
                journaled = 0
            if status == 200 and path == "/__mock__/reset":
                used_weight = 0
            if status == 200 and path in ("/__mock__/reset", "/__mock__/clock") and req.method in ("POST", "PUT"):
                # A fuzzed clock call may have moved or unfrozen the clock: freeze it again so weight windows cannot
                # roll over mid-example.
                assert client.put("/__mock__/clock", json={"frozenAtMs": FROZEN_MS}).status_code == 200
        else:
            assert status in {200, 400, 401, 404, 405, 413}, status
            if status != 200 and body is not None:
                check_binance_error_body(status, body)
            weight = response.headers.get("X-MBX-USED-WEIGHT-1M")
            assert weight is not None and weight.isdigit(), weight
            # HEAD runs the GET endpoint and weighs what the GET does.
            method = "GET" if req.method == "HEAD" else req.method
            assert int(weight) == used_weight + endpoint_weight(method, path, req.query)
            used_weight = int(weight)
            journaled += 1
            entries = journal(client)
            assert len(entries) == journaled
            last = entries[-1]
            assert (last["method"], last["status"]) == (req.method, status)
            if isinstance(body, dict) and status != 200:
                assert last["code"] == body["code"]
            if not req.mentions(HMAC_SECRET):  # the journal echoes what the client sent, and only that
                assert HMAC_SECRET not in json.dumps(entries, ensure_ascii=False)
        after = accounts_snapshot(client)
        state_changing = (status == 200 and (req.method, path) in STATE_CHANGING) or (
            control and status == 200 and req.method in ("POST", "PUT", "DELETE")
        )
        if not state_changing:
            assert after == before


# --- mostly valid signed marginType calls, with one mutation each ---


@dataclass(frozen=True)
class Param:
    """One `name=value` segment: its wire form and what it decodes to (None: fails check 4)."""

    name: str
    raw: str
    value: str | None
    name_ok: bool = True

    @property
    def wire(self) -> str:
        return f"{self.name}={self.raw}"


def percent_encode_some(text: str, mask: list[bool], upper: bool) -> str:
    """Percent-encode the characters of `text` where `mask` is set; the decoded value stays `text`."""
    out = []
    for index, ch in enumerate(text):
        if index < len(mask) and mask[index]:
            out.append("".join(f"%{b:02X}" if upper else f"%{b:02x}" for b in ch.encode()))
        else:
            out.append(ch)
    return "".join(out)


@st.composite
def value_param(draw: st.DrawFn, name: str, choices: st.SearchStrategy[tuple[str, str | None]]) -> Param:
    raw, value = draw(choices)
    if value is not None and raw == value and draw(st.integers(0, 3)) == 0:
        raw = percent_encode_some(raw, draw(st.lists(st.booleans(), max_size=len(raw))), draw(st.booleans()))
    return Param(name, raw, value)


def legal(text: str) -> tuple[str, str]:
    return text, text


TIMESTAMP_OFFSETS = st.one_of(
    st.sampled_from((0, 1, -1, 999, 1000, 1001, -5000, -5001, -60000, -60001, -100_000)),
    st.integers(-70_000, 3_000),
)
MALFORMED_TIMESTAMPS = (
    legal(""),
    legal("-1"),
    ("%2B1700000000000", "+1700000000000"),
    legal("1700000000000.0"),
    legal("1.7e12"),
    legal("0x18BCFE56800"),
    legal("99999999999999999999"),
    legal(str(LONG_MAX + 1)),
    ("%D9%A1%D9%A7", "\u0661\u0667"),  # Arabic-Indic digits: printable, but not ASCII
    ("%EF%BC%91%EF%BC%97", "\uff11\uff17"),  # fullwidth digits
)
ILLEGAL_TIMESTAMPS = (
    ("%201700000000000", None),
    ("1700000000000+", None),
    ("1700000000000%00", None),
    ("17%G10", None),
    ("%FF", None),
)


def timestamp_choices() -> st.SearchStrategy[tuple[str, str | None]]:
    def numeric(offset: int, pad: int) -> tuple[str, str]:
        text = str(FROZEN_MS + offset)
        return legal(text.zfill(min(len(text) + pad, 19)))

    return mostly(
        st.builds(numeric, st.integers(-4999, 999), st.sampled_from((0, 0, 0, 0, 1, 6))),
        st.one_of(
            st.builds(numeric, TIMESTAMP_OFFSETS, st.just(0)),
            st.sampled_from(MALFORMED_TIMESTAMPS),
            st.sampled_from(ILLEGAL_TIMESTAMPS),
            st.just(legal(str(LONG_MAX))),
        ),
    )


def recv_window_choices() -> st.SearchStrategy[tuple[str, str | None]]:
    return mostly(
        st.integers(1, 60000).map(lambda n: legal(str(n))),
        st.sampled_from(
            (
                legal("1"),
                legal("5000"),
                legal("60000"),
                legal("05000"),
                legal("0"),
                legal("60001"),
                legal("-1"),
                legal("5000.0"),
                legal(""),
                legal("abc"),
                legal(str(LONG_MAX)),
                legal("99999999999999999999"),
                ("%205000", None),
            )
        ),
    )


SYMBOL_CHOICES = mostly(
    st.sampled_from(PERPETUALS).map(legal),
    st.sampled_from((legal("FOOUSDT"), legal("btcusdt"), legal("BTCUSDT_"), legal(""), ("BTC%20USDT", None))),
)
MARGIN_CHOICES = mostly(
    st.sampled_from(("ISOLATED", "CROSSED")).map(legal),
    st.sampled_from(
        (
            legal("isolated"),
            legal("crossed"),
            legal("Isolated"),
            legal("CROSS"),
            legal(""),
            ("ISOLATED+", None),
            ("%E3%80%80CROSSED", None),
        )
    ),
)
EXTRA_PARAMS = (
    Param("foo", "bar", "bar"),
    Param("newClientOrderId", "x%2Fy", "x/y"),
    Param("note", "%E4%B8%AD", "\u4e2d"),
    Param("foo", "%G1", None),
    Param("foo", "%FF", None),
    Param("foo", "a+b", None),
    Param("foo", "%E3%80%80", None),
    Param("foo", "%7F", None),
    Param("%ZZ", "1", "1", name_ok=False),
    Param("a+b", "1", "1", name_ok=False),
)


@dataclass(frozen=True)
class Header:
    value: str | None
    expected: tuple[int, int] | None  # the rejection it earns by itself (checks 1 and 2), None if it passes


@dataclass
class Call:
    """A marginType call under construction: its segments by part, who signs and which key header is sent."""

    signer: SigningKey
    header: Header
    query: list[Param]
    body: list[Param]
    signature: Param | None
    signature_part: str  # "query" or "body"
    signed_payload: str | None = None
    signature_intact: bool = True
    content_type: str | None = FORM

    def part(self, name: str) -> list[Param]:
        return self.query if name == "query" else self.body

    def wire_parts(self) -> tuple[list[Param], list[Param]]:
        query, body = list(self.query), list(self.body)
        if self.signature is not None:
            (query if self.signature_part == "query" else body).append(self.signature)
        return query, body


def join(params: list[Param]) -> str:
    return "&".join(p.wire for p in params)


def payload_of(query: list[Param], body: list[Param], signature_part: str) -> str:
    """totalParams per design.md, for a signature that is the last segment of `signature_part`."""
    if signature_part == "query":
        return join(query[:-1]) + join(body)
    return join(query) + join(body[:-1])


def tamper(signature: str, kind: str, index: int, replacement: int) -> str:
    if kind == "HMAC":
        alphabet = "0123456789abcdef"
        old = signature[index].lower()
        choices = [c for c in alphabet if c != old]
        return signature[:index] + choices[replacement % len(choices)] + signature[index + 1 :]
    text = unquote(signature)
    alphabet = string.ascii_letters + string.digits + "+/"
    index %= len(text) - 4  # stay clear of the final quantum, whose spare bits decoding ignores
    choices = [c for c in alphabet if c != text[index]]
    return quote(text[:index] + choices[replacement % len(choices)] + text[index + 1 :], safe="")


# design.md: the body is read as a form whatever the Content-Type says.
BODY_CONTENT_TYPES = (
    FORM,
    FORM,
    FORM,
    None,
    "application/json;charset=utf-8",
    "application/json",
    "multipart/form-data; boundary=xyz",
    "text/plain",
)


@functools.cache
def _private_key(pem: str) -> rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey)
    return key


def sign(key: SigningKey, payload: str) -> str:
    """helpers.SigningKey.sign, with the private key loaded once (loading an RSA key per call is slow)."""
    if key.kind == "HMAC":
        return key.sign(payload)
    private = _private_key(key.secret_or_pem)
    if isinstance(private, rsa.RSAPrivateKey):
        raw = private.sign(payload.encode(), padding.PKCS1v15(), hashes.SHA256())
    else:
        raw = private.sign(payload.encode())
    return quote(base64.b64encode(raw).decode(), safe="")


POST_SIGN = (
    "none",
    "none",
    "none",
    "none",
    "none",
    "tamper",
    "drop",
    "signature_first",
    "signature_both_parts",
    "signature_twice",
    "append_after_signature",
    "empty_signature",
    "no_signature",
    "uppercase_hex",
    "raw_base64",
)
PRE_SIGN = (
    *["none"] * 4,
    "drop",
    "duplicate_same_part",
    "duplicate_other_part",
    "extra",
    "random_extra",
    "move",
)


@st.composite
def random_extra_param(draw: st.DrawFn) -> Param:
    """An unknown parameter with arbitrary bytes, every byte percent-escaped: what it decodes to is known exactly."""
    name = draw(st.text(string.ascii_letters, min_size=1, max_size=8).filter(lambda n: n not in KNOWN_NAMES))
    data = draw(st.binary(max_size=12))
    try:
        value: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        value = None
    return Param(name, "".join(f"%{b:02X}" for b in data), value)


@dataclass(frozen=True)
class Seed:
    margin_type: str
    position: str
    open_orders: int
    multi_assets: bool


seed_strategy = st.builds(
    Seed,
    margin_type=st.sampled_from(("CROSSED", "ISOLATED")),
    position=st.sampled_from(("0", "0", "0", "0", "0.001", "-2")),
    open_orders=st.sampled_from((0, 0, 0, 0, 2)),
    multi_assets=st.sampled_from((False, False, False, True)),
).filter(lambda seed: not (seed.multi_assets and seed.margin_type == "ISOLATED"))  # Binance allows no such account


@st.composite
def mutated_calls(draw: st.DrawFn) -> tuple[Call, list[str]]:
    signer = KEYS[draw(st.sampled_from(("HMAC", "HMAC", "HMAC", "ED25519", "RSA")))]
    others = [k.api_key for k in KEYS.values() if k.api_key != signer.api_key]
    odd_headers = (
        Header(None, (401, -2014)),
        Header("", (401, -2014)),
        Header("bad-key", (401, -2014)),
        Header(" " + signer.api_key, (401, -2014)),
        Header("k" * 65, (401, -2014)),
        Header("unknownKey123", (401, -2015)),
        Header(others[0], None),  # a registered key that did not sign: -1022 once the earlier checks pass
        Header(others[1], None),
    )
    header = draw(mostly(st.just(Header(signer.api_key, None)), st.sampled_from(odd_headers), odds=7))
    params = [
        draw(value_param("symbol", SYMBOL_CHOICES)),
        draw(value_param("marginType", MARGIN_CHOICES)),
        draw(value_param("timestamp", timestamp_choices())),
    ]
    if draw(st.booleans()):
        params.append(draw(value_param("recvWindow", recv_window_choices())))
    params = draw(st.permutations(params))
    log = [f"signer={signer.kind} header={header.value!r}"]

    pre = draw(st.sampled_from(PRE_SIGN))
    log.append(f"pre-sign {pre}")
    in_body = draw(st.lists(st.booleans(), min_size=len(params) + 2, max_size=len(params) + 2))
    if draw(st.booleans()):  # the two shapes real clients use: everything in the query, or everything in the body
        in_body = [in_body[0]] * len(in_body)
    call = Call(signer, header, [], [], None, "body" if in_body[-1] else "query")
    for param, body in zip(params, in_body, strict=False):
        call.part("body" if body else "query").append(param)
    if pre == "drop":
        victim = params[draw(st.integers(0, len(params) - 1))]
        for part in (call.query, call.body):
            if victim in part:
                part.remove(victim)
        log.append(f"dropped {victim.name}")
    elif pre in ("duplicate_same_part", "duplicate_other_part"):
        original = params[draw(st.integers(0, len(params) - 1))]
        home = "query" if original in call.query else "body"
        target = home if pre == "duplicate_same_part" else ("body" if home == "query" else "query")
        copy = original
        if draw(st.booleans()):
            copy = draw(value_param(original.name, _choices_for(original.name)))
        call.part(target).append(copy)
        log.append(f"{original.name} copied to {target} as {copy.raw!r}")
    elif pre in ("extra", "random_extra"):
        extra = draw(st.sampled_from(EXTRA_PARAMS) if pre == "extra" else random_extra_param())
        part = call.part(draw(st.sampled_from(("query", "body"))))
        part.insert(draw(st.integers(0, len(part))), extra)
    elif pre == "move":
        source = draw(st.sampled_from(("query", "body")))
        if call.part(source):
            moved = call.part(source).pop(draw(st.integers(0, len(call.part(source)) - 1)))
            dest = call.part("body" if source == "query" else "query")
            dest.insert(draw(st.integers(0, len(dest))), moved)

    query, body = call.query, call.body
    payload = join(query) + join(body)
    signature = sign(signer, payload)
    call.signed_payload = payload
    call.signature = Param("signature", signature, None)

    post = draw(st.sampled_from(POST_SIGN))
    log.append(f"post-sign {post}")
    home = call.part(call.signature_part)
    other = call.part("body" if call.signature_part == "query" else "query")
    if post == "tamper":
        tampered = tamper(signature, signer.kind, draw(st.integers(0, len(signature) - 1)), draw(st.integers(0, 100)))
        call.signature = Param("signature", tampered, None)
        call.signature_intact = False
    elif post == "drop" and (query or body):
        victim_part = draw(st.sampled_from([p for p in (query, body) if p]))
        victim_part.pop(draw(st.integers(0, len(victim_part) - 1)))
    elif post == "signature_first" and home:
        home.insert(0, call.signature)
        call.signature = None
        log.append("signature moved to the front of its part")
    elif post == "signature_both_parts":
        other.append(Param("signature", signature, None))
    elif post == "signature_twice":
        home.append(Param("signature", signature, None))
    elif post == "append_after_signature":
        home.append(call.signature)
        home.append(Param("zz", "1", "1"))
        call.signature = None
    elif post == "empty_signature":
        call.signature = Param("signature", "", None)
        call.signature_intact = False
    elif post == "no_signature":
        call.signature = None
        call.signature_intact = False
    elif post == "uppercase_hex" and signer.kind == "HMAC":
        call.signature = Param("signature", signature.upper(), None)
    elif post == "raw_base64" and signer.kind != "HMAC":
        # A client that forgets to percent-encode base64: '+', '/' and '=' go on the wire as they are.
        call.signature = Param("signature", quote(unquote(signature), safe="+/="), None)
    call.content_type = draw(st.sampled_from(BODY_CONTENT_TYPES))
    return call, log


def _choices_for(name: str) -> st.SearchStrategy[tuple[str, str | None]]:
    return {
        "symbol": SYMBOL_CHOICES,
        "marginType": MARGIN_CHOICES,
        "timestamp": timestamp_choices(),
        "recvWindow": recv_window_choices(),
    }[name]


def illegal(text: str) -> bool:
    return any(ch.isspace() or not ch.isprintable() for ch in text)


def as_long(text: str | None) -> int | None:
    if text is None or not 1 <= len(text) <= 19 or not text.isascii() or not text.isdigit():
        return None
    return int(text) if int(text) <= LONG_MAX else None


Expected = tuple[int, int, str]


def expected_answer(call: Call, seed: Seed | None) -> Expected:
    """The answer design.md's check order gives, from how the call was built (not by re-parsing the wire)."""
    if call.header.expected is not None:
        status, code = call.header.expected
        return status, code, GATE_MESSAGES[code]
    query, body = call.wire_parts()
    for part in (query, body):
        names = [p.name for p in part]
        if len(names) != len(set(names)):
            return 400, -1101, GATE_MESSAGES[-1101]
    if any(p.name == "signature" for p in query) and any(p.name == "signature" for p in body):
        return 400, -1101, GATE_MESSAGES[-1101]
    for param in (*query, *body):
        if not param.name_ok or (param.name != "signature" and (param.value is None or illegal(param.value))):
            return 400, -1100, GATE_MESSAGES[-1100]
    merged = {p.name: p for p in body} | {p.name: p for p in query}
    timestamp = as_long(merged["timestamp"].value) if "timestamp" in merged else None
    if timestamp is None:
        return 400, -1102, mandatory("timestamp")
    if "signature" not in merged or not merged["signature"].raw:
        return 400, -1102, mandatory("signature")
    recv_window = 5000
    if "recvWindow" in merged:
        window = as_long(merged["recvWindow"].value)
        if window is None or not 1 <= window <= 60000:
            return 400, -1130, RECV_WINDOW_INVALID
        recv_window = window
    if timestamp >= FROZEN_MS + 1000:
        return 400, -1021, AHEAD
    if FROZEN_MS - timestamp > recv_window:
        return 400, -1021, OUTSIDE
    if not signature_verifies(call):
        return 400, -1022, GATE_MESSAGES[-1022]
    symbol = merged["symbol"].value if "symbol" in merged else None
    if not symbol:
        return 400, -1102, mandatory("symbol")
    target = merged["marginType"].value if "marginType" in merged else None
    if target not in ("ISOLATED", "CROSSED"):
        return 400, -1102, mandatory("margintype")
    if symbol not in PERPETUALS:
        return 400, -1121, GATE_MESSAGES[-1121]
    assert seed is not None
    for code, refused in (
        (-4046, target == seed.margin_type),
        (-4168, target == "ISOLATED" and seed.multi_assets),
        (-4048, seed.position != "0"),
        (-4047, seed.open_orders > 0),
    ):
        if refused:
            return 400, code, GATE_MESSAGES[code]
    return 200, 200, "success"


def signature_verifies(call: Call) -> bool:
    """True when the signer's key is the header's and the rebuilt totalParams is exactly what was signed."""
    if call.header.value != call.signer.api_key or not call.signature_intact or call.signature is None:
        return False
    query, body = call.wire_parts()
    return payload_of(query, body, call.signature_part) == call.signed_payload


def seed_account(client: FlaskClient, account: str, symbol: str, seed: Seed) -> None:
    response = client.put(
        f"/__mock__/accounts/{account}/symbols/{symbol}",
        json={"marginType": seed.margin_type, "positionAmt": seed.position, "openOrders": seed.open_orders},
    )
    assert response.status_code == 200, response.data
    response = client.put(f"/__mock__/accounts/{account}", json={"multiAssetsMargin": seed.multi_assets})
    assert response.status_code == 200, response.data


def effective_margin_type(snapshot: dict[str, Any], account: str, symbol: str) -> str:
    margin_type: str = snapshot[account]["symbols"].get(symbol, {}).get("marginType", "CROSSED")
    return margin_type


def without_margin_type(snapshot: dict[str, Any], account: str, symbol: str) -> dict[str, Any]:
    copy = json.loads(json.dumps(snapshot))
    settings = copy[account]["symbols"].pop(symbol, {})
    settings.pop("marginType", None)
    defaults = {"positionAmt": "0", "positions": {}, "openOrders": 0, "orders": [], "leverage": 20}
    copy[account]["symbols"][symbol] = {**defaults, **settings}
    return copy


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(built=mutated_calls(), seed=seed_strategy)
def test_mutated_signed_calls_follow_the_check_order(built: tuple[Call, list[str]], seed: Seed) -> None:
    call, log = built
    for line in log:
        note(line)
    app = fresh_app()
    client = app.test_client()
    symbols = {p.value for p in (*call.query, *call.body) if p.name == "symbol" and p.value in PERPETUALS}
    for symbol in symbols:
        seed_account(client, call.signer.api_key, symbol, seed)
    before = accounts_snapshot(client)
    query, body = call.wire_parts()
    headers = {} if call.header.value is None else {"X-MBX-APIKEY": call.header.value}
    raw_body = join(body).encode()
    note(f"query={join(query)!r}")
    note(f"body={join(body)!r} content-type={call.content_type!r}")
    response = send(
        client,
        "POST",
        MARGIN_TYPE,
        query=join(query).encode(),
        body=raw_body,
        content_type=call.content_type if raw_body else None,
        headers=headers,
    )
    status, code, msg = expected_answer(call, seed)
    event(f"expected {code}")
    note(f"expected {status} {code} {msg!r}; got {response.status_code} {response.data!r}")
    assert (response.status_code, response.get_json()) == (status, {"code": code, "msg": msg})
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"

    after = accounts_snapshot(client)
    if status == 200:
        merged = {p.name: p for p in body} | {p.name: p for p in query}
        account, symbol, target = call.signer.api_key, merged["symbol"].value, merged["marginType"].value
        assert symbol is not None and target is not None
        assert effective_margin_type(after, account, symbol) == target
        assert effective_margin_type(before, account, symbol) != target
        assert without_margin_type(after, account, symbol) == without_margin_type(before, account, symbol)
    else:
        assert after == before

    entries = journal(client)
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["status"], entry["code"]) == (status, code)
    dumped = json.dumps(entry, ensure_ascii=False)
    assert HMAC_SECRET not in dumped
    if code == -1022 and call.signature is not None:
        # The journal explains -1022 with the exact string the fake verified.
        assert payload_of(query, body, call.signature_part) in dumped
    if code == -1021:
        assert str(FROZEN_MS) in dumped


# --- a sequence of valid calls against a tiny model of the account ---


@dataclass(frozen=True)
class Operation:
    kind: str  # "marginType" or "multiAssetsMargin"
    symbol: str
    value: str
    key: str


operation = st.one_of(
    st.builds(
        Operation,
        kind=st.just("marginType"),
        symbol=st.sampled_from(("BTCUSDT", "ETHUSDT", "SOLUSDT")),
        value=st.sampled_from(("ISOLATED", "CROSSED")),
        key=st.sampled_from(("HMAC", "HMAC", "ED25519")),
    ),
    st.builds(
        Operation,
        kind=st.just("multiAssetsMargin"),
        symbol=st.just(""),
        value=st.sampled_from(("true", "false")),
        key=st.sampled_from(("HMAC", "ED25519")),
    ),
)


def signed_post(client: FlaskClient, key: SigningKey, path: str, params: str, where: str) -> TestResponse:
    payload = f"{params}&timestamp={FROZEN_MS}"
    wire = f"{payload}&signature={sign(key, payload)}"
    headers = {"X-MBX-APIKEY": key.api_key}
    if where == "query":
        return send(client, "POST", path, query=wire.encode(), headers=headers)
    return send(client, "POST", path, body=wire.encode(), content_type=FORM, headers=headers)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=st.lists(st.tuples(operation, st.sampled_from(("query", "body"))), max_size=12))
def test_valid_call_sequences_match_a_model(operations: list[tuple[Operation, str]]) -> None:
    app = fresh_app()
    client = app.test_client()
    # The model: per account, multi-assets mode and the ISOLATED symbols.
    multi_assets = dict.fromkeys(ACCOUNTS, False)
    isolated: dict[str, set[str]] = {account: set() for account in ACCOUNTS}
    for op, where in operations:
        key = KEYS[op.key]
        account = key.api_key
        if op.kind == "marginType":
            response = signed_post(client, key, MARGIN_TYPE, f"symbol={op.symbol}&marginType={op.value}", where)
            current = "ISOLATED" if op.symbol in isolated[account] else "CROSSED"
            if op.value == current:
                expected = -4046
            elif op.value == "ISOLATED" and multi_assets[account]:
                expected = -4168
            else:
                expected = 200
                isolated[account] ^= {op.symbol}
        else:
            response = signed_post(client, key, MULTI_ASSETS, f"multiAssetsMargin={op.value}", where)
            wanted = op.value == "true"
            if wanted == multi_assets[account]:
                expected = -4171
            elif wanted and isolated[account]:
                expected = -4167
            else:
                expected = 200
                multi_assets[account] = wanted
        note(f"{op} in {where} -> {response.status_code} {response.data!r}")
        assert response.get_json()["code"] == expected
        assert response.status_code == (200 if expected == 200 else 400)
    snapshot = accounts_snapshot(client)
    for account in ACCOUNTS:
        assert snapshot[account]["multiAssetsMargin"] is multi_assets[account]
        described = {s for s, v in snapshot[account]["symbols"].items() if v["marginType"] == "ISOLATED"}
        assert described == isolated[account]


# --- regressions: bugs the fuzz found once, pinned by plain tests ---


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/fapi//v1/marginType"), ("GET", "/fapi//v1/ping"), ("GET", "/fapi/v1//time")],
)
def test_merged_slashes_get_a_binance_404(method: str, path: str) -> None:
    client = fresh_app().test_client()
    response = send(client, method, path)
    assert response.headers["Content-Type"] == "application/json"
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == -1000 and isinstance(body["msg"], str)


def test_merged_slashes_on_a_control_path_answer_json() -> None:
    client = fresh_app().test_client()
    response = send(client, "GET", "/__mock__//journal")
    assert response.headers["Content-Type"] == "application/json"
    assert response.status_code == 404


@pytest.mark.parametrize("query", [b"x=\x80", b"\xff=1", b"limit=\xe9"])
def test_control_call_with_a_non_utf8_query_is_not_a_500(query: bytes) -> None:
    # Raw (not percent-escaped) non-UTF-8 bytes in the query string once made werkzeug's request.args raise
    # UnicodeDecodeError inside GET /__mock__/journal, which the catch-all answered with a 500.
    client = fresh_app().test_client()
    response = send(client, "GET", "/__mock__/journal", query=query)
    assert response.status_code < 500, response.data
    assert response.headers["Content-Type"] == "application/json"
    body = response.get_json()
    assert isinstance(body, list) or isinstance(body.get("error"), str), body
