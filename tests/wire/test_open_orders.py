"""GET /fapi/v1/openOrders, GET /fapi/v1/openOrder and DELETE /fapi/v1/allOpenOrders over seeded orders.

The fake places and matches nothing: orders are seeded through the control API (a count of default LIMIT orders, or
a list), read back as Binance's order objects, and cancelled per symbol, which lifts -4047 and -4067.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import FROZEN_MS, HMAC_KEY, KEYS, Caller, compact, seed_account

OPEN_ORDERS = "/fapi/v1/openOrders"
OPEN_ORDER = "/fapi/v1/openOrder"
CANCEL_ALL = "/fapi/v1/allOpenOrders"
CANCELLED = b'{"code":200,"msg":"The operation of cancel all open order is done."}'
NOT_FOUND = b'{"code":-2013,"msg":"Order does not exist."}'
NEITHER_ID = (
    b'{"code":-1102,"msg":"Param \'orderid\' or \'origclientorderid\' must be sent, but both were empty/null!"}'
)
BAD_ORDER_ID = b'{"code":-1102,"msg":"Mandatory parameter \'orderid\' was not sent, was empty/null, or malformed."}'
NO_SYMBOL = b'{"code":-1102,"msg":"Mandatory parameter \'symbol\' was not sent, was empty/null, or malformed."}'
INVALID_SYMBOL = b'{"code":-1121,"msg":"Invalid symbol."}'
SUCCESS = b'{"code":200,"msg":"success"}'


def seed_orders(caller: Caller, symbol: str, orders: object) -> list[dict[str, Any]]:
    """Seed `orders` on `symbol`; returns the orders as the control API describes them (with their ids)."""
    response = caller.client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/{symbol}", json={"openOrders": orders})
    assert response.status_code == 200, response.json
    seeded: list[dict[str, Any]] = response.json["symbols"][symbol]["orders"]  # type: ignore[index]
    return seeded


def order_object(
    order_id: int,
    symbol: str,
    client_order_id: str,
    price: str = "100",
    quantity: str = "1",
    side: str = "BUY",
    position_side: str = "BOTH",
) -> dict[str, Any]:
    return {
        "orderId": order_id,
        "symbol": symbol,
        "status": "NEW",
        "clientOrderId": client_order_id,
        "price": price,
        "avgPrice": "0.00000",
        "origQty": quantity,
        "executedQty": "0",
        "cumQuote": "0",
        "timeInForce": "GTC",
        "type": "LIMIT",
        "reduceOnly": False,
        "closePosition": False,
        "side": side,
        "positionSide": position_side,
        "stopPrice": "0",
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": "LIMIT",
        "priceMatch": "NONE",
        "selfTradePreventionMode": "NONE",
        "goodTillDate": 0,
        "time": FROZEN_MS,
        "updateTime": FROZEN_MS,
    }


def last_journal_entry(caller: Caller) -> dict[str, Any]:
    entry: dict[str, Any] = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    return entry


# --- openOrders ---
def test_a_seeded_order_as_binance_writes_it(caller: Caller) -> None:
    [seeded] = seed_orders(
        caller, "ETHUSDT", [{"side": "SELL", "price": "3000", "quantity": "0.1", "clientOrderId": "abc"}]
    )
    response = caller.signed("GET", OPEN_ORDERS, "symbol=ETHUSDT")
    assert response.status_code == 200
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    assert response.data == compact(
        [order_object(seeded["orderId"], "ETHUSDT", "abc", price="3000", quantity="0.1", side="SELL")]
    )
    [order] = response.json  # type: ignore[misc]
    assert type(order["orderId"]) is int and order["orderId"] > 2**53  # real fapi ids are this large
    assert [type(order[k]) for k in ("time", "updateTime", "goodTillDate")] == [int, int, int]
    assert [type(order[k]) for k in ("reduceOnly", "closePosition", "priceProtect")] == [bool, bool, bool]


def test_a_count_seeds_default_limit_orders_with_distinct_ids(caller: Caller) -> None:
    seeded = seed_orders(caller, "BTCUSDT", 3)
    ids = [o["orderId"] for o in seeded]
    assert len(set(ids)) == 3 and ids == sorted(ids)
    response = caller.signed("GET", OPEN_ORDERS, "symbol=BTCUSDT")
    assert response.data == compact([order_object(i, "BTCUSDT", f"mock{i}") for i in ids])


def test_without_symbol_every_symbols_orders_in_catalogue_order(caller: Caller) -> None:
    eth = seed_orders(caller, "ETHUSDT", [{"clientOrderId": "e1"}])
    btc = seed_orders(caller, "BTCUSDT", [{"clientOrderId": "b1"}, {"clientOrderId": "b2", "side": "SELL"}])
    response = caller.signed("GET", OPEN_ORDERS, "")
    assert response.status_code == 200
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "40"
    assert response.data == compact(
        [
            order_object(btc[0]["orderId"], "BTCUSDT", "b1"),
            order_object(btc[1]["orderId"], "BTCUSDT", "b2", side="SELL"),
            order_object(eth[0]["orderId"], "ETHUSDT", "e1"),
        ]
    )


def test_weights_one_with_symbol_forty_without(caller: Caller) -> None:
    weights = []
    for params in ("symbol=BTCUSDT", "", "symbol=ETHUSDT", ""):
        weights.append(int(caller.signed("GET", OPEN_ORDERS, params).headers["X-MBX-USED-WEIGHT-1M"]))
    assert weights == [1, 41, 42, 82]


def test_no_orders_is_an_empty_list(caller: Caller) -> None:
    assert caller.signed("GET", OPEN_ORDERS, "").data == b"[]"
    assert caller.signed("GET", OPEN_ORDERS, "symbol=SOLUSDT").data == b"[]"


@pytest.mark.parametrize("params", ["symbol=NOPEUSDT", "symbol=ethusdt", "symbol="])
def test_open_orders_of_an_unknown_symbol(caller: Caller, params: str) -> None:
    response = caller.signed("GET", OPEN_ORDERS, params)
    assert (response.status_code, response.data) == (400, INVALID_SYMBOL)


def test_hedge_mode_orders_carry_their_leg(caller: Caller) -> None:
    seed_account(caller, dualSidePosition=True)
    [long, short] = seed_orders(caller, "BNBUSDT", [{"side": "BUY"}, {"side": "BUY", "positionSide": "SHORT"}])
    response = caller.signed("GET", OPEN_ORDERS, "symbol=BNBUSDT")
    assert response.data == compact(
        [
            order_object(long["orderId"], "BNBUSDT", f"mock{long['orderId']}", position_side="LONG"),
            order_object(short["orderId"], "BNBUSDT", f"mock{short['orderId']}", position_side="SHORT"),
        ]
    )


# --- openOrder ---
def test_one_order_by_order_id_or_client_order_id(caller: Caller) -> None:
    first, second = seed_orders(
        caller, "XRPUSDT", [{"price": "0.5", "quantity": "100", "clientOrderId": "x-1"}, {"clientOrderId": "x-2"}]
    )
    expected_first = compact(order_object(first["orderId"], "XRPUSDT", "x-1", price="0.5", quantity="100"))
    by_id = caller.signed("GET", OPEN_ORDER, f"symbol=XRPUSDT&orderId={first['orderId']}")
    assert (by_id.status_code, by_id.data) == (200, expected_first)
    assert by_id.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    by_client_id = caller.signed("GET", OPEN_ORDER, "symbol=XRPUSDT&origClientOrderId=x-1")
    assert (by_client_id.status_code, by_client_id.data) == (200, expected_first)
    second_by_id = caller.signed("GET", OPEN_ORDER, f"symbol=XRPUSDT&orderId={second['orderId']}")
    assert second_by_id.data == compact(order_object(second["orderId"], "XRPUSDT", "x-2"))
    # Both sent: orderId decides.
    both = caller.signed("GET", OPEN_ORDER, f"symbol=XRPUSDT&orderId={second['orderId']}&origClientOrderId=x-1")
    assert both.json["clientOrderId"] == "x-2"  # type: ignore[index]


@pytest.mark.parametrize(
    ("params", "explanation"),
    [
        ("symbol=XRPUSDT&orderId=1", "no open order with orderId 1 on XRPUSDT"),
        ("symbol=XRPUSDT&origClientOrderId=nope", "no open order with origClientOrderId 'nope' on XRPUSDT"),
        ("symbol=XRPUSDT&origClientOrderId=X-1", "no open order with origClientOrderId 'X-1' on XRPUSDT"),
        ("symbol=ETHUSDT&origClientOrderId=x-1", "no open order with origClientOrderId 'x-1' on ETHUSDT"),
    ],
)
def test_an_order_that_is_not_open_is_2013(caller: Caller, params: str, explanation: str) -> None:
    seed_orders(caller, "XRPUSDT", [{"clientOrderId": "x-1"}])
    response = caller.signed("GET", OPEN_ORDER, params)
    assert (response.status_code, response.data) == (400, NOT_FOUND)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (-2013, explanation)


def test_an_order_id_of_another_symbol_is_2013(caller: Caller) -> None:
    [order] = seed_orders(caller, "XRPUSDT", 1)
    response = caller.signed("GET", OPEN_ORDER, f"symbol=ADAUSDT&orderId={order['orderId']}")
    assert (response.status_code, response.data) == (400, NOT_FOUND)


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ("symbol=XRPUSDT", NEITHER_ID),
        ("symbol=XRPUSDT&orderId=&origClientOrderId=", NEITHER_ID),
        ("symbol=XRPUSDT&orderId=abc", BAD_ORDER_ID),
        ("symbol=XRPUSDT&orderId=-5", BAD_ORDER_ID),
        ("symbol=XRPUSDT&orderId=1.0", BAD_ORDER_ID),
        ("orderId=1", NO_SYMBOL),
        ("symbol=&orderId=1", NO_SYMBOL),
        ("symbol=NOPEUSDT&orderId=1", INVALID_SYMBOL),
        ("symbol=NOPEUSDT", NEITHER_ID),
    ],
)
def test_open_order_parameter_rows(caller: Caller, params: str, body: bytes) -> None:
    response = caller.signed("GET", OPEN_ORDER, params)
    assert (response.status_code, response.data) == (400, body)


def test_neither_id_is_explained_in_the_journal(caller: Caller) -> None:
    caller.signed("GET", OPEN_ORDER, "symbol=XRPUSDT")
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (-1102, "neither orderId nor origClientOrderId was sent")


# --- allOpenOrders ---
@pytest.mark.parametrize("where", ["query", "body"])
def test_cancel_all_open_orders_of_one_symbol(caller: Caller, where: str) -> None:
    [eth] = seed_orders(caller, "ETHUSDT", 1)
    [btc] = seed_orders(caller, "BTCUSDT", 1)
    response = caller.signed("DELETE", CANCEL_ALL, "symbol=ETHUSDT", where=where)
    assert (response.status_code, response.data) == (200, CANCELLED)
    assert response.headers["Content-Length"] == str(len(CANCELLED))
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    entry = last_journal_entry(caller)
    assert (entry["method"], entry["code"], entry["explanation"]) == ("DELETE", 200, "applied")
    assert caller.signed("GET", OPEN_ORDERS, "symbol=ETHUSDT").data == b"[]"
    assert caller.signed("GET", OPEN_ORDER, f"symbol=ETHUSDT&orderId={eth['orderId']}").data == NOT_FOUND
    remaining = caller.signed("GET", OPEN_ORDERS, "").json
    assert [o["orderId"] for o in remaining] == [btc["orderId"]]  # type: ignore[union-attr]
    state = caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"]  # type: ignore[index]
    assert "ETHUSDT" not in state and state["BTCUSDT"]["openOrders"] == 1


def test_cancel_all_with_nothing_open_answers_the_same(caller: Caller) -> None:
    response = caller.signed("DELETE", CANCEL_ALL, "symbol=SOLUSDT")
    assert (response.status_code, response.data) == (200, CANCELLED)


def test_cancel_all_keeps_the_rest_of_the_symbol(caller: Caller) -> None:
    caller.client.put(
        f"/__mock__/accounts/{HMAC_KEY}/symbols/SOLUSDT",
        json={"marginType": "ISOLATED", "leverage": 7, "positionAmt": "2", "entryPrice": "150", "openOrders": 2},
    )
    assert caller.signed("DELETE", CANCEL_ALL, "symbol=SOLUSDT").data == CANCELLED
    state = caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"]["SOLUSDT"]  # type: ignore[index]
    assert (state["marginType"], state["leverage"], state["positionAmt"], state["openOrders"]) == (
        "ISOLATED",
        7,
        "2",
        0,
    )


@pytest.mark.parametrize(
    ("params", "body"),
    [("", NO_SYMBOL), ("symbol=", NO_SYMBOL), ("symbol=NOPEUSDT", INVALID_SYMBOL), ("symbol=ethusdt", INVALID_SYMBOL)],
)
def test_cancel_all_parameter_rows(caller: Caller, params: str, body: bytes) -> None:
    seed_orders(caller, "ETHUSDT", 1)
    response = caller.signed("DELETE", CANCEL_ALL, params)
    assert (response.status_code, response.data) == (400, body)
    assert len(caller.signed("GET", OPEN_ORDERS, "").json) == 1  # type: ignore[arg-type]


def test_cancel_all_lifts_4047_for_margin_type(caller: Caller) -> None:
    seed_orders(caller, "LINKUSDT", 2)
    blocked = caller.margin_type("LINKUSDT", "ISOLATED")
    assert (blocked.status_code, blocked.data) == (
        400,
        b'{"code":-4047,"msg":"Margin type cannot be changed if there exists open orders."}',
    )
    assert caller.signed("DELETE", CANCEL_ALL, "symbol=LINKUSDT").data == CANCELLED
    changed = caller.margin_type("LINKUSDT", "ISOLATED")
    assert (changed.status_code, changed.data) == (200, SUCCESS)


def test_cancel_all_lifts_4067_for_position_mode(caller: Caller) -> None:
    seed_orders(caller, "ADAUSDT", 1)
    seed_orders(caller, "TRXUSDT", 1)
    change = "dualSidePosition=true"
    assert caller.signed("POST", "/fapi/v1/positionSide/dual", change).json["code"] == -4067  # type: ignore[index]
    assert caller.signed("DELETE", CANCEL_ALL, "symbol=ADAUSDT").data == CANCELLED
    # An order on any symbol still blocks.
    assert caller.signed("POST", "/fapi/v1/positionSide/dual", change).json["code"] == -4067  # type: ignore[index]
    assert caller.signed("DELETE", CANCEL_ALL, "symbol=TRXUSDT").data == CANCELLED
    flipped = caller.signed("POST", "/fapi/v1/positionSide/dual", change)
    assert (flipped.status_code, flipped.data) == (200, SUCCESS)


def test_orders_belong_to_their_account(caller: Caller) -> None:
    seed_orders(caller, "ETHUSDT", 1)
    other = caller.signed("GET", OPEN_ORDERS, "", key=KEYS["ED25519"])
    assert other.data == b"[]"
    assert caller.signed("DELETE", CANCEL_ALL, "symbol=ETHUSDT", key=KEYS["ED25519"]).data == CANCELLED
    assert len(caller.signed("GET", OPEN_ORDERS, "").json) == 1  # type: ignore[arg-type]
