"""Interop: python-binance 1.0.37 and ccxt 4.5.90 (binanceusdm), default options, against the session's live fake.

Each runs a bot's margin set-up with HMAC, RSA and Ed25519 keys, pointed at the fake by the one line of
`tests/examples/test_point_python_binance.py` and `tests/examples/test_point_ccxt.py`. Beyond answers the clients
accept, the fake's journal shows what each client put on the wire: where its parameters travel, how it spells a
boolean, which positionRisk, account and balance versions it reads, and what it calls on start-up.
"""

from __future__ import annotations

import warnings
from typing import Any
from urllib.parse import urlsplit

import ccxt
import pytest

from mockserver.testing.handle import MockAccount

with warnings.catch_warnings():  # python-binance 1.0.37 imports websockets' legacy API, deprecated since websockets 14
    warnings.simplefilter("ignore", DeprecationWarning)
    from binance.client import Client
    from binance.exceptions import BinanceAPIException

pytestmark = pytest.mark.interop

KEY_TYPES = [
    pytest.param(kind, marks=pytest.mark.fapi_mock(key_type=kind), id=kind) for kind in ("HMAC", "RSA", "ED25519")
]


def python_binance(handle: MockAccount) -> Client:
    base = handle.base_url
    client_class = type("Client", (Client,), {"API_URL": f"{base}/api", "FUTURES_URL": f"{base}/fapi"})
    client: Client = client_class(handle.api_key, handle.secret, private_key=handle.private_key)
    return client


def binanceusdm(handle: MockAccount) -> Any:
    # ccxt tells the key type from the secret: a PEM private key is RSA when long, Ed25519 when short. Its client-side
    # throttle (enableRateLimit, on by default and kept in the example) spaces calls by rateLimit (50 ms) times each
    # endpoint's cost, about 2 s over this flow; it changes nothing on the wire, so it is off here.
    secret = handle.secret or handle.private_key
    exchange = ccxt.binanceusdm({"apiKey": handle.api_key, "secret": secret, "enableRateLimit": False})
    exchange.urls["api"] = {name: handle.base_url + urlsplit(url).path for name, url in exchange.urls["api"].items()}
    return exchange


def sent(entry: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A journaled call's parameters: name -> (value, where it travelled: query or body)."""
    return {p["name"]: (p["value"], p["origin"]) for p in entry["params"] if p["name"] != "signature"}


def api_error(call: Any) -> tuple[int, str]:
    with pytest.raises(BinanceAPIException) as error:
        call()
    return error.value.code, error.value.message


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_python_binance_margin_setup(fapi_mock: MockAccount, key_type: str) -> None:
    assert fapi_mock.key_type == key_type
    client = python_binance(fapi_mock)
    assert [(e["method"], e["path"], e["status"]) for e in fapi_mock.journal()] == [("GET", "/api/v3/ping", 200)]

    assert client.futures_change_position_mode(dualSidePosition=True) == {"code": 200, "msg": "success"}
    [mode_change] = fapi_mock.calls("/fapi/v1/positionSide/dual")
    # A Python True goes out as "True" (form body, alphabetical, recvWindow always 10000): the fake takes it.
    assert sent(mode_change) == {
        "dualSidePosition": ("True", "body"),
        "recvWindow": ("10000", "body"),
        "timestamp": (sent(mode_change)["timestamp"][0], "body"),
    }
    assert api_error(lambda: client.futures_change_position_mode(dualSidePosition=True)) == (
        -4059,
        "No need to change position side.",
    )
    assert client.futures_account_config()["dualSidePosition"] is True

    assert client.futures_change_margin_type(symbol="BTCUSDT", marginType="ISOLATED") == {"code": 200, "msg": "success"}
    # python-binance surfaces -4046 as an error: a restart-safe bot must catch it.
    assert api_error(lambda: client.futures_change_margin_type(symbol="BTCUSDT", marginType="ISOLATED")) == (
        -4046,
        "No need to change margin type.",
    )
    assert client.futures_change_leverage(symbol="BTCUSDT", leverage=10) == {
        "leverage": 10,
        "maxNotionalValue": "230000000",
        "symbol": "BTCUSDT",
    }
    assert api_error(lambda: client.futures_change_leverage(symbol="BTCUSDT", leverage=126)) == (
        -4028,
        "Leverage 126 is not valid",
    )

    order = {"side": "BUY", "price": "59000", "quantity": "0.01", "positionSide": "LONG"}
    fapi_mock.seed_symbol(
        "BTCUSDT", position_side="LONG", position_amt="0.01", entry_price="60000", open_orders=[order]
    )

    [long] = client.futures_position_information()  # v3: only the leg that holds something
    assert (long["symbol"], long["positionSide"], long["positionAmt"], long["entryPrice"]) == (
        "BTCUSDT",
        "LONG",
        "0.01",
        "60000",
    )
    assert (long["isolatedWallet"], long["openOrderInitialMargin"]) == ("60.00000000", "59.00000000")
    every_bracket = client.futures_leverage_bracket()
    assert len(every_bracket) == 98
    [btc] = client.futures_leverage_bracket(symbol="BTCUSDT")
    assert btc == next(entry for entry in every_bracket if entry["symbol"] == "BTCUSDT")
    usdt = next(balance for balance in client.futures_account_balance() if balance["asset"] == "USDT")
    assert (usdt["balance"], usdt["availableBalance"]) == (
        "10000.00000000",
        "9881.00000000",
    )  # 60 isolated, 59 on order
    account = client.futures_account()
    assert len(account["positions"]) == 2 * 98  # v2 in Hedge Mode: a LONG and a SHORT row for every symbol
    btc_long = next(p for p in account["positions"] if (p["symbol"], p["positionSide"]) == ("BTCUSDT", "LONG"))
    assert (btc_long["isolated"], btc_long["leverage"], btc_long["positionAmt"]) == (True, "10", "0.01")
    for path in ("/fapi/v3/positionRisk", "/fapi/v3/balance", "/fapi/v2/account"):
        fapi_mock.assert_called(path, method="GET", status=200)

    [resting] = client.futures_get_open_orders(symbol="BTCUSDT")
    assert (resting["side"], resting["positionSide"], resting["price"], resting["origQty"]) == (
        "BUY",
        "LONG",
        "59000",
        "0.01",
    )
    assert client.futures_cancel_all_open_orders(symbol="BTCUSDT")["code"] == 200
    [cancel] = fapi_mock.calls("/fapi/v1/allOpenOrders", method="DELETE")
    assert sent(cancel)["symbol"] == ("BTCUSDT", "body")  # python-binance sends a DELETE's parameters as a form body
    assert client.futures_get_open_orders(symbol="BTCUSDT") == []
    client.close_connection()
    # The only refusals are the three this test provoked.
    assert [e["code"] for e in fapi_mock.unexpected_rejections()] == [-4059, -4046, -4028]


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_ccxt_margin_setup(fapi_mock: MockAccount, key_type: str) -> None:
    assert fapi_mock.key_type == key_type
    exchange = binanceusdm(fapi_mock)

    markets = exchange.load_markets()
    # Default options with keys: both sapi lists, signed, then exchangeInfo (public, sent without the key, so not in
    # this account's journal); with the sapi coin list empty, currencies come from the markets.
    start_up = fapi_mock.journal()
    assert [(e["method"], e["path"], e["status"]) for e in start_up] == [
        ("GET", "/sapi/v1/capital/config/getall", 200),
        ("GET", "/sapi/v1/margin/allPairs", 200),
    ]
    assert all("signature" in {p["name"] for p in e["params"]} for e in start_up)
    assert len(markets) == 98 and "USDT" in exchange.currencies

    assert exchange.fetch_position_mode("BTC/USDT:USDT")["hedged"] is False
    exchange.set_position_mode(True)
    [mode_change] = fapi_mock.calls("/fapi/v1/positionSide/dual", method="POST")
    assert sent(mode_change)["dualSidePosition"] == ("true", "body")
    with pytest.raises(ccxt.OperationRejected, match="-4059"):
        exchange.set_position_mode(True)

    exchange.set_margin_mode("isolated", "ETH/USDT:USDT")
    # ccxt 4.5.90 defaults to options["setMarginMode"]["throwMarginModeAlreadySet"] = True: -4046 raises.
    with pytest.raises(ccxt.MarginModeAlreadySet):
        exchange.set_margin_mode("isolated", "ETH/USDT:USDT")
    assert exchange.set_leverage(10, "ETH/USDT:USDT")["leverage"] == 10
    with pytest.raises(ccxt.BadRequest, match="Leverage 101 is not valid"):
        exchange.set_leverage(101, "SOL/USDT:USDT")  # SOLUSDT's first bracket allows 100x
    with pytest.raises(ccxt.BadRequest, match="between 1 and 125"):
        exchange.set_leverage(126, "SOL/USDT:USDT")  # refused by ccxt itself, never sent
    assert len(fapi_mock.calls("/fapi/v1/leverage")) == 2

    fapi_mock.seed_symbol("ETHUSDT", position_side="LONG", position_amt="0.5", entry_price="2000", open_orders=2)
    [position] = exchange.fetch_positions()
    bracket_read, position_read = fapi_mock.journal()[-2:]
    assert (bracket_read["path"], position_read["path"]) == ("/fapi/v1/leverageBracket", "/fapi/v3/positionRisk")
    assert "symbol" not in sent(bracket_read)
    assert (position["symbol"], position["side"], position["hedged"], position["marginMode"]) == (
        "ETH/USDT:USDT",
        "long",
        True,
        "isolated",
    )
    assert (position["contracts"], position["entryPrice"], position["notional"], position["collateral"]) == (
        0.5,
        2000.0,
        1000.0,
        100.0,
    )

    usdt = exchange.fetch_balance()["USDT"]
    fapi_mock.assert_called("/fapi/v3/account", method="GET", status=200)
    assert (usdt["total"], usdt["free"]) == (10000.0, 9880.0)  # 100 isolated, 2 × 100 × 1 / 10 on order
    assert exchange.fetch_trading_fees()["BTC/USDT:USDT"]["taker"] == 0.0004  # from accountConfig's feeTier

    orders = exchange.fetch_open_orders("ETH/USDT:USDT")
    assert [(o["status"], o["type"], o["side"], o["amount"]) for o in orders] == [("open", "limit", "buy", 1.0)] * 2
    exchange.cancel_all_orders("ETH/USDT:USDT")
    [cancel] = fapi_mock.calls("/fapi/v1/allOpenOrders", method="DELETE")
    assert sent(cancel)["symbol"] == ("ETHUSDT", "query")  # ccxt sends a DELETE's parameters in the query
    assert exchange.fetch_open_orders("ETH/USDT:USDT") == []
    # The only refusals are the three this test provoked.
    assert [e["code"] for e in fapi_mock.unexpected_rejections()] == [-4059, -4046, -4028]
