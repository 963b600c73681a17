"""Every signed route of the account-configuration surface: its security type (a key without the permission gets
401 -2015 and changes nothing), its weight in X-MBX-USED-WEIGHT-1M, and the journal's explanation of a rejection.

Weights are Binance's documented REQUEST_WEIGHT, written out here independently of the route table.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import FROZEN_MS, HMAC_KEY, Caller, SigningKey

REJECTED_KEY = b'{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action"}'
BAD_KEY_FORMAT = b'{"code":-2014,"msg":"API-key format invalid."}'
TRADE_ONLY = SigningKey("tradeOnlyKey", "HMAC", "tradeOnlySecret")
READ_ONLY = SigningKey("readOnlyKey", "HMAC", "readOnlySecret")

# (method, path, params, weight) for the USER_DATA routes
USER_DATA_ROUTES = [
    ("GET", "/fapi/v1/positionSide/dual", "", 30),
    ("GET", "/fapi/v1/accountConfig", "", 5),
    ("GET", "/fapi/v1/leverageBracket", "", 1),
    ("GET", "/fapi/v1/leverageBracket", "symbol=BTCUSDT", 1),
    ("GET", "/fapi/v2/positionRisk", "", 5),
    ("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT", 5),
    ("GET", "/fapi/v3/positionRisk", "", 5),
    ("GET", "/fapi/v2/account", "", 5),
    ("GET", "/fapi/v3/account", "", 5),
    ("GET", "/fapi/v2/balance", "", 5),
    ("GET", "/fapi/v3/balance", "", 5),
    ("GET", "/fapi/v1/openOrders", "symbol=BTCUSDT", 1),
    ("GET", "/fapi/v1/openOrders", "", 40),
    ("GET", "/fapi/v1/openOrder", "symbol=BTCUSDT&orderId=1", 1),
    ("GET", "/sapi/v1/capital/config/getall", "", 10),
    ("GET", "/sapi/v1/margin/allPairs", "", 1),
]
TRADE_ROUTES = [
    ("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=true", 1),
    ("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=10", 1),
    ("POST", "/fapi/v1/positionMargin", "symbol=BTCUSDT&amount=1&type=1", 1),
    ("DELETE", "/fapi/v1/allOpenOrders", "symbol=BTCUSDT", 1),
]


def route_id(route: tuple[str, str, str, int]) -> str:
    method, path, params, _ = route
    return f"{method} {path}" + (f"?{params.split('&')[0]}" if params else "")


@pytest.fixture
def limited_keys(caller: Caller) -> None:
    """A key with TRADE only and one with USER_DATA only, each on its own account."""
    for key, permission in ((TRADE_ONLY, "TRADE"), (READ_ONLY, "USER_DATA")):
        spec = {"type": "HMAC", "apiKey": key.api_key, "secret": key.secret_or_pem, "permissions": [permission]}
        assert caller.client.post("/__mock__/keys", json=spec).status_code == 200


def account_state(caller: Caller, account: str) -> Any:
    return caller.client.get(f"/__mock__/accounts/{account}").json


def last_journal_entry(caller: Caller) -> dict[str, Any]:
    entry: dict[str, Any] = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    return entry


# --- weights ---
@pytest.mark.parametrize("route", USER_DATA_ROUTES + TRADE_ROUTES, ids=route_id)
def test_weight_of_each_route(caller: Caller, route: tuple[str, str, str, int]) -> None:
    method, path, params, weight = route
    response = caller.signed(method, path, params)
    assert response.status_code in (200, 400)  # weight is counted whatever the endpoint answers
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == str(weight)
    again = caller.signed(method, path, params)
    assert again.headers["X-MBX-USED-WEIGHT-1M"] == str(2 * weight)


@pytest.mark.parametrize("route", USER_DATA_ROUTES, ids=route_id)
def test_head_weighs_what_get_weighs(caller: Caller, route: tuple[str, str, str, int]) -> None:
    _, path, params, weight = route
    head = caller.signed("HEAD", path, params)
    assert head.data == b"" and head.headers["X-MBX-USED-WEIGHT-1M"] == str(weight)


def test_a_rejected_key_still_pays_the_weight(caller: Caller, limited_keys: None) -> None:
    response = caller.signed("GET", "/fapi/v1/positionSide/dual", "", key=TRADE_ONLY)
    assert (response.status_code, response.headers["X-MBX-USED-WEIGHT-1M"]) == (401, "30")


# --- security types ---
@pytest.mark.parametrize("route", USER_DATA_ROUTES, ids=route_id)
def test_user_data_routes_need_the_user_data_permission(
    caller: Caller, limited_keys: None, route: tuple[str, str, str, int]
) -> None:
    method, path, params, _ = route
    refused = caller.signed(method, path, params, key=TRADE_ONLY)
    assert (refused.status_code, refused.data) == (401, REJECTED_KEY)
    entry = last_journal_entry(caller)
    assert (entry["path"], entry["code"], entry["explanation"], entry["detail"]) == (
        path,
        -2015,
        "the API key lacks the USER_DATA permission",
        {"failed": "permission"},
    )
    allowed = caller.signed(method, path, params, key=READ_ONLY)
    assert allowed.status_code in (200, 400)


@pytest.mark.parametrize("route", TRADE_ROUTES, ids=route_id)
def test_trade_routes_need_the_trade_permission(
    caller: Caller, limited_keys: None, route: tuple[str, str, str, int]
) -> None:
    method, path, params, _ = route
    caller.client.put(f"/__mock__/accounts/{READ_ONLY.api_key}/symbols/BTCUSDT", json={"openOrders": 1})
    before = account_state(caller, READ_ONLY.api_key)
    refused = caller.signed(method, path, params, key=READ_ONLY)
    assert (refused.status_code, refused.data) == (401, REJECTED_KEY)
    assert account_state(caller, READ_ONLY.api_key) == before  # nothing was applied
    entry = last_journal_entry(caller)
    assert (entry["path"], entry["code"], entry["explanation"], entry["detail"]) == (
        path,
        -2015,
        "the API key lacks the TRADE permission",
        {"failed": "permission"},
    )
    allowed = caller.signed(method, path, params, key=TRADE_ONLY)
    assert allowed.status_code in (200, 400)


@pytest.mark.parametrize("route", USER_DATA_ROUTES + TRADE_ROUTES, ids=route_id)
def test_every_route_is_signed(caller: Caller, route: tuple[str, str, str, int]) -> None:
    method, path, params, _ = route
    no_key = caller.send(method, path, query=params, api_key=None)
    assert (no_key.status_code, no_key.data) == (401, BAD_KEY_FORMAT)
    unsigned = caller.send(method, path, query=f"{params}&timestamp={FROZEN_MS}".lstrip("&"))
    assert (unsigned.status_code, unsigned.json["code"]) == (400, -1102)  # type: ignore[index]
    assert "'signature'" in unsigned.json["msg"]  # type: ignore[index]


# --- the journal explains each endpoint's rejections ---
JOURNALED = [
    (
        "POST",
        "/fapi/v1/positionSide/dual",
        "dualSidePosition=yes",
        -1102,
        "dualSidePosition 'yes' is not 'true' or 'false'",
    ),
    ("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=false", -4059, "the account is already in One-way Mode"),
    ("POST", "/fapi/v1/leverage", "leverage=5", -1102, "symbol is missing or empty"),
    ("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=2.5", -1102, "leverage '2.5' is not a non-negative integer"),
    (
        "POST",
        "/fapi/v1/leverage",
        "symbol=NOPEUSDT&leverage=5",
        -1121,
        "'NOPEUSDT' is not in the fake's symbol catalogue",
    ),
    (
        "POST",
        "/fapi/v1/leverage",
        "symbol=BTCUSDT&leverage=126",
        -4028,
        "BTCUSDT allows leverage 1 to 125 (its first bracket's initialLeverage)",
    ),
    ("GET", "/fapi/v1/leverageBracket", "symbol=NOPEUSDT", -1121, "'NOPEUSDT' is not in the fake's symbol catalogue"),
    ("GET", "/fapi/v2/positionRisk", "symbol=NOPEUSDT", -1121, "'NOPEUSDT' is not in the fake's symbol catalogue"),
    ("GET", "/fapi/v3/positionRisk", "symbol=NOPEUSDT", -1121, "'NOPEUSDT' is not in the fake's symbol catalogue"),
    ("GET", "/fapi/v1/openOrders", "symbol=NOPEUSDT", -1121, "'NOPEUSDT' is not in the fake's symbol catalogue"),
    ("GET", "/fapi/v1/openOrder", "symbol=BTCUSDT", -1102, "neither orderId nor origClientOrderId was sent"),
    ("GET", "/fapi/v1/openOrder", "symbol=BTCUSDT&orderId=x", -1102, "orderId 'x' is not a LONG"),
    ("GET", "/fapi/v1/openOrder", "symbol=BTCUSDT&orderId=7", -2013, "no open order with orderId 7 on BTCUSDT"),
    ("DELETE", "/fapi/v1/allOpenOrders", "", -1102, "symbol is missing or empty"),
    ("DELETE", "/fapi/v1/allOpenOrders", "symbol=NOPEUSDT", -1121, "'NOPEUSDT' is not in the fake's symbol catalogue"),
    ("POST", "/fapi/v1/positionMargin", "symbol=BTCUSDT&type=1", -1102, "amount is missing or empty"),
    (
        "POST",
        "/fapi/v1/positionMargin",
        "symbol=BTCUSDT&amount=1&type=5",
        -1102,
        "type '5' is not 1 (add) or 2 (reduce)",
    ),
    (
        "POST",
        "/fapi/v1/positionMargin",
        "symbol=BTCUSDT&amount=1&type=1&positionSide=UP",
        -1102,
        "positionSide 'UP' is not an enum",
    ),
    ("POST", "/fapi/v1/positionMargin", "symbol=BTCUSDT&amount=-1&type=1", -4055, "amount -1 is not positive"),
    ("POST", "/fapi/v1/positionMargin", "symbol=BTCUSDT&amount=1&type=1", -4049, "BTCUSDT is CROSSED"),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "code", "explanation"), JOURNALED, ids=lambda v: v if isinstance(v, str) else None
)
def test_rejections_are_explained_in_the_journal(
    caller: Caller, method: str, path: str, params: str, code: int, explanation: str
) -> None:
    response = caller.signed(method, path, params)
    assert (response.status_code, response.json["code"]) == (400, code)  # type: ignore[index]
    entry = last_journal_entry(caller)
    assert {k: entry[k] for k in ("method", "path", "account", "status", "code", "explanation")} == {
        "method": method,
        "path": path,
        "account": HMAC_KEY,
        "status": 400,
        "code": code,
        "explanation": explanation,
    }
    names = [p["name"] for p in entry["params"]]
    assert names[-2:] == ["timestamp", "signature"]


def test_the_journal_filters_by_account(caller: Caller, limited_keys: None) -> None:
    caller.signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=0")
    caller.signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=3", key=TRADE_ONLY)
    mine = caller.client.get(f"/__mock__/journal?account={HMAC_KEY}").json
    assert [(e["code"], e["explanation"]) for e in mine] == [  # type: ignore[union-attr]
        (-4028, "BTCUSDT allows leverage 1 to 125 (its first bracket's initialLeverage)")
    ]
    theirs = caller.client.get(f"/__mock__/journal?account={TRADE_ONLY.api_key}").json
    assert [(e["status"], e["code"], e["explanation"]) for e in theirs] == [(200, 200, "applied")]  # type: ignore[union-attr]
