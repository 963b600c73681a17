"""Requests captured from four real clients, and Binance's own HMAC example, verified by the fake as sent.

The vectors were produced by the official SDK, binance-futures-connector, python-binance and ccxt with the clock at
1700000000000; the fake must accept each one byte for byte, in the place (query or body) that client uses.
"""

from __future__ import annotations

import pytest
from helpers import ED25519_PUBLIC_PEM, FROZEN_MS, Caller

from mockserver import DEMO_API_KEY, DEMO_SECRET, Clock, MockConfig, create_app
from mockserver.domain.signing import hmac_hex

VECTOR_SECRET = "testApiSecretABCDEF"
VECTORS = [
    (
        "sdk-connector-hmac",
        "HMAC",
        "query",
        "symbol=BTCUSDT&marginType=ISOLATED&timestamp=1700000000000"
        "&signature=8ff60a748efced84dce8237d3e20052f2c734235076cb97d09a4266e3e0fd9f6",
    ),
    (
        "sdk-ed25519",
        "ED25519",
        "query",
        "symbol=BTCUSDT&marginType=ISOLATED&timestamp=1700000000000"
        "&signature=I%2FzhlbLGillZ13IeUeJyEuGAysbNB1a5G84UAA2B%2BilSv%2B1ZnHzaVyDwJwob0wsY0Rt8DPSLgoVyZHLxzLw5AA%3D%3D",
    ),
    (
        "python-binance-hmac",
        "HMAC",
        "body",
        "marginType=ISOLATED&recvWindow=10000&symbol=BTCUSDT&timestamp=1700000000000"
        "&signature=df8f7f1dd7587282f790f568b6dbf7b49596b8115b5f1c1242d87ae7838c0308",
    ),
    (
        "python-binance-ed25519",
        "ED25519",
        "body",
        "marginType=ISOLATED&recvWindow=10000&symbol=BTCUSDT&timestamp=1700000000000"
        "&signature=exnK6b02W2tE%2B95vDdOpglXuFvxp%2BcYkdkD348YY5O4xHblusPb51Zwwj9r8%2BvpnbHMfWabCw5dfDEi1K4a8CA%3D%3D",
    ),
    (
        "ccxt-hmac",
        "HMAC",
        "body",
        "timestamp=1700000000000&symbol=BTCUSDT&marginType=ISOLATED&recvWindow=10000"
        "&signature=96da7aa1fcc095088a523a7fc5321e0ea5a13bf02ced4572ef2a94dd208e4f82",
    ),
    (
        "ccxt-ed25519",
        "ED25519",
        "body",
        "timestamp=1700000000000&symbol=BTCUSDT&marginType=ISOLATED&recvWindow=10000"
        "&signature=yYxq8sJlC%2FL0JcjS2gM%2BU0%2B0pxSX1yR2v9NETHv9IPNdN9BeoxVm8HzvSAVpaUJvc5Vsy8z3Pc7cmRPUEVCwAA%3D%3D",
    ),
]
# Content types the clients send: none (SDK), JSON with an empty body (connector), form (python-binance, ccxt).
CONTENT_TYPES = {"query": [None, "application/json;charset=utf-8"], "body": ["application/x-www-form-urlencoded"]}


def vector_caller(kind: str) -> Caller:
    clock = Clock()
    clock.set(frozen_at_ms=FROZEN_MS)
    spec = {"type": kind, "apiKey": "vectorKey"}
    spec.update({"secret": VECTOR_SECRET} if kind == "HMAC" else {"publicKey": ED25519_PUBLIC_PEM})
    return Caller(create_app(MockConfig(keys=[spec], clock=clock)).test_client())


@pytest.mark.parametrize(("name", "kind", "where", "wire"), VECTORS, ids=[v[0] for v in VECTORS])
def test_client_vector_accepted(name: str, kind: str, where: str, wire: str) -> None:
    for content_type in CONTENT_TYPES[where]:
        caller = vector_caller(kind)
        headers = {"Content-Type": content_type} if content_type else {}
        if where == "query":
            response = caller.send("POST", "/fapi/v1/marginType", query=wire, api_key="vectorKey", headers=headers)
        else:
            response = caller.send("POST", "/fapi/v1/marginType", body=wire, api_key="vectorKey")
        assert (response.status_code, response.data) == (200, b'{"code":200,"msg":"success"}'), content_type


@pytest.mark.parametrize(("name", "kind", "where", "wire"), VECTORS, ids=[v[0] for v in VECTORS])
def test_client_vector_with_one_byte_changed_is_rejected(name: str, kind: str, where: str, wire: str) -> None:
    tampered = wire.replace("BTCUSDT", "ETHUSDT")
    caller = vector_caller(kind)
    response = caller.send("POST", "/fapi/v1/marginType", api_key="vectorKey", **{where: tampered})  # type: ignore[arg-type]
    assert response.json == {"code": -1022, "msg": "Signature for this request is not valid."}


def test_binance_documentation_hmac_vector() -> None:
    payload = (
        "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC"
        "&recvWindow=5000&timestamp=1591702613943"
    )
    expected = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
    assert hmac_hex(DEMO_SECRET, payload.encode()) == expected
    # The same example, sent to the demo account with the clock at the example's time, passes the gate and fails
    # only on the marginType parameter, which an order payload does not carry.
    clock = Clock()
    clock.set(frozen_at_ms=1591702613943)
    caller = Caller(create_app(MockConfig.demo(clock=clock)).test_client())
    response = caller.send("POST", "/fapi/v1/marginType", query=f"{payload}&signature={expected}", api_key=DEMO_API_KEY)
    assert response.data == (
        b'{"code":-1102,"msg":"Mandatory parameter \'margintype\' was not sent, was empty/null, or malformed."}'
    )
    response = caller.send(
        "POST", "/fapi/v1/marginType", query=f"{payload}&signature={expected[:-1]}0", api_key=DEMO_API_KEY
    )
    assert response.json["code"] == -1022  # type: ignore[index]


def test_unencoded_base64_plus_still_verifies() -> None:
    # A client that forgets to percent-encode '+' in a base64 signature: the fake does not turn it into a space.
    caller = vector_caller("ED25519")
    wire = VECTORS[1][3]
    assert "%2B" in wire
    response = caller.send("POST", "/fapi/v1/marginType", query=wire.replace("%2B", "+"), api_key="vectorKey")
    assert response.status_code == 200
