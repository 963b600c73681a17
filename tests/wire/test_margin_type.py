"""POST /fapi/v1/marginType after the gate: each row of the design's table, in order, with the state it leaves."""

from __future__ import annotations

import pytest
from helpers import ED25519_KEY, FROZEN_MS, HMAC_KEY, KEYS, Caller, hmac_signature

INVALID_SYMBOL = b'{"code":-1121,"msg":"Invalid symbol."}'
NO_SYMBOL = b'{"code":-1102,"msg":"Mandatory parameter \'symbol\' was not sent, was empty/null, or malformed."}'
NO_MARGIN_TYPE = (
    b'{"code":-1102,"msg":"Mandatory parameter \'margintype\' was not sent, was empty/null, or malformed."}'
)
NO_NEED = b'{"code":-4046,"msg":"No need to change margin type."}'
MULTI_ASSETS = b'{"code":-4168,"msg":"Unable to adjust to isolated-margin mode under the Multi-Assets mode."}'
POSITION = b'{"code":-4048,"msg":"Margin type cannot be changed if there exists position."}'
OPEN_ORDERS = b'{"code":-4047,"msg":"Margin type cannot be changed if there exists open orders."}'
SUCCESS = b'{"code":200,"msg":"success"}'


def margin_type_of(caller: Caller, symbol: str, account: str = HMAC_KEY) -> str:
    symbols = caller.client.get(f"/__mock__/accounts/{account}").json["symbols"]  # type: ignore[index]
    return str(symbols.get(symbol, {"marginType": "CROSSED"})["marginType"])


def seed(caller: Caller, symbol: str, account: str = HMAC_KEY, **fields: object) -> None:
    response = caller.client.put(f"/__mock__/accounts/{account}/symbols/{symbol}", json=fields)
    assert response.status_code == 200, response.json


def test_success_then_no_need_to_change(caller: Caller) -> None:
    first = caller.margin_type("BTCUSDT", "ISOLATED")
    assert (first.status_code, first.data) == (200, SUCCESS)
    assert first.headers["Content-Length"] == str(len(SUCCESS))
    assert margin_type_of(caller, "BTCUSDT") == "ISOLATED"
    repeat = caller.margin_type("BTCUSDT", "ISOLATED")
    assert (repeat.status_code, repeat.data) == (400, NO_NEED)
    back = caller.margin_type("BTCUSDT", "CROSSED")
    assert (back.status_code, back.data) == (200, SUCCESS)
    assert margin_type_of(caller, "BTCUSDT") == "CROSSED"


def test_new_accounts_start_crossed(caller: Caller) -> None:
    response = caller.margin_type("ETHUSDT", "CROSSED")
    assert (response.status_code, response.data) == (400, NO_NEED)


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ("marginType=ISOLATED", NO_SYMBOL),
        ("symbol=&marginType=ISOLATED", NO_SYMBOL),
        ("symbol=BTCUSDT", NO_MARGIN_TYPE),
        ("symbol=BTCUSDT&marginType=", NO_MARGIN_TYPE),
        ("symbol=BTCUSDT&marginType=isolated", NO_MARGIN_TYPE),
        ("symbol=BTCUSDT&marginType=cross", NO_MARGIN_TYPE),
        ("symbol=BTCUSDT&marginType=CROSS", NO_MARGIN_TYPE),
        ("symbol=BTCUSDT&marginType=Isolated", NO_MARGIN_TYPE),
        ("symbol=NOPEUSDT&marginType=ISOLATED", INVALID_SYMBOL),
        ("symbol=btcusdt&marginType=ISOLATED", INVALID_SYMBOL),
        ("symbol=NOPEUSDT&marginType=bogus", NO_MARGIN_TYPE),
        ("marginType=bogus", NO_SYMBOL),
    ],
)
def test_parameter_rows(caller: Caller, params: str, body: bytes) -> None:
    response = caller.signed("POST", "/fapi/v1/marginType", params)
    assert (response.status_code, response.data) == (400, body)
    assert caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"] == {}  # type: ignore[index]


def test_unknown_parameters_are_ignored(caller: Caller) -> None:
    response = caller.signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED&newClientOrderId=x1")
    assert (response.status_code, response.data) == (200, SUCCESS)


@pytest.mark.parametrize(
    ("account_state", "symbol_state", "target", "expected"),
    [
        ({}, {"marginType": "ISOLATED", "positionAmt": "1", "openOrders": 3}, "ISOLATED", NO_NEED),
        ({"multiAssetsMargin": True}, {"positionAmt": "1", "openOrders": 3}, "ISOLATED", MULTI_ASSETS),
        ({}, {"marginType": "ISOLATED", "positionAmt": "-0.5"}, "CROSSED", POSITION),
        ({}, {"positionAmt": "-0.001", "openOrders": 2}, "ISOLATED", POSITION),
        ({}, {"openOrders": 1}, "ISOLATED", OPEN_ORDERS),
        ({}, {"positionAmt": "0", "openOrders": 0, "leverage": 5}, "ISOLATED", SUCCESS),
    ],
    ids=["4046-first", "4168-before-4048", "4048-when-crossing", "4048-before-4047", "4047", "zero-position-ok"],
)
def test_state_rows_in_order(
    caller: Caller, account_state: dict[str, object], symbol_state: dict[str, object], target: str, expected: bytes
) -> None:
    if account_state:
        assert caller.client.put(f"/__mock__/accounts/{HMAC_KEY}", json=account_state).status_code == 200
    seed(caller, "SOLUSDT", **symbol_state)
    before = margin_type_of(caller, "SOLUSDT")
    response = caller.margin_type("SOLUSDT", target)
    assert response.data == expected
    assert response.status_code == (200 if expected == SUCCESS else 400)
    assert margin_type_of(caller, "SOLUSDT") == (target if expected == SUCCESS else before)


def test_change_keeps_leverage_and_position_fields(caller: Caller) -> None:
    seed(caller, "XRPUSDT", leverage=7)
    assert caller.margin_type("XRPUSDT", "ISOLATED").status_code == 200
    state = caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"]["XRPUSDT"]  # type: ignore[index]
    assert state == {
        "marginType": "ISOLATED",
        "leverage": 7,
        "positionAmt": "0",
        "positions": {},
        "openOrders": 0,
        "orders": [],
    }


def test_accounts_are_separate(caller: Caller) -> None:
    assert caller.margin_type("BTCUSDT", "ISOLATED").status_code == 200
    assert margin_type_of(caller, "BTCUSDT", account=ED25519_KEY) == "CROSSED"
    other = caller.margin_type("BTCUSDT", "ISOLATED", key=KEYS["ED25519"])
    assert (other.status_code, other.data) == (200, SUCCESS)


def test_keys_sharing_an_account_share_its_state(caller: Caller) -> None:
    minted = caller.client.post("/__mock__/keys", json={"type": "HMAC", "account": HMAC_KEY}).json
    assert minted["account"] == HMAC_KEY  # type: ignore[index]
    assert caller.margin_type("BTCUSDT", "ISOLATED").status_code == 200
    params = f"symbol=BTCUSDT&marginType=ISOLATED&timestamp={FROZEN_MS}"
    query = f"{params}&signature={hmac_signature(minted['secret'], params)}"  # type: ignore[index]
    response = caller.send("POST", "/fapi/v1/marginType", query=query, api_key=minted["apiKey"])  # type: ignore[index]
    assert response.data == NO_NEED


@pytest.mark.parametrize("symbol", ["BTCUSDT_261225", "ETHUSDT_270326", "BTCUSDC", "DOTUSDT"])
def test_quarterly_and_usdc_contracts(caller: Caller, symbol: str) -> None:
    assert caller.margin_type(symbol, "ISOLATED").data == SUCCESS


@pytest.mark.parametrize("where", ["query", "body"])
def test_params_in_query_or_body(caller: Caller, where: str) -> None:
    assert caller.margin_type("LINKUSDT", "ISOLATED", where=where).data == SUCCESS
