"""ccxt's binanceusdm: every `urls["api"]` entry keeps its path and takes the fake's address."""

from urllib.parse import urlsplit

import ccxt
import pytest


@pytest.mark.interop
def test_ccxt_sets_up_margin(fapi_mock):
    key, secret, base = fapi_mock.api_key, fapi_mock.secret, fapi_mock.base_url
    exchange = ccxt.binanceusdm({"apiKey": key, "secret": secret})
    exchange.urls["api"] = {name: base + urlsplit(url).path for name, url in exchange.urls["api"].items()}

    exchange.load_markets()  # with keys: two signed sapi reads, then exchangeInfo
    exchange.set_position_mode(True)  # Hedge Mode
    exchange.set_margin_mode("isolated", "ETH/USDT:USDT")
    exchange.set_leverage(10, "ETH/USDT:USDT")

    fapi_mock.seed_symbol("ETHUSDT", position_side="LONG", position_amt="0.5", entry_price="2000", open_orders=2)
    [position] = exchange.fetch_positions()  # leverageBracket, then positionRisk v3
    assert (position["symbol"], position["side"], position["contracts"]) == ("ETH/USDT:USDT", "long", 0.5)
    assert position["marginMode"] == "isolated" and position["entryPrice"] == 2000.0
    assert exchange.fetch_balance()["USDT"]["total"] == 10000.0
    assert len(exchange.fetch_open_orders("ETH/USDT:USDT")) == 2
    exchange.cancel_all_orders("ETH/USDT:USDT")
    assert exchange.fetch_open_orders("ETH/USDT:USDT") == []
    fapi_mock.assert_no_rejections()
