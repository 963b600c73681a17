"""python-binance: its base URLs are class attributes, and `Client()` pings API_URL before it returns."""

import warnings

import pytest

with warnings.catch_warnings():  # python-binance 1.0.37 imports websockets' legacy API, deprecated since websockets 14
    warnings.simplefilter("ignore", DeprecationWarning)
    from binance.client import Client


@pytest.mark.interop
def test_python_binance_sets_up_margin(fapi_mock):
    key, secret, base = fapi_mock.api_key, fapi_mock.secret, fapi_mock.base_url
    client = type("Client", (Client,), {"API_URL": f"{base}/api", "FUTURES_URL": f"{base}/fapi"})(key, secret)

    client.futures_change_position_mode(dualSidePosition=True)  # Hedge Mode
    client.futures_change_margin_type(symbol="BTCUSDT", marginType="ISOLATED")
    assert client.futures_change_leverage(symbol="BTCUSDT", leverage=10)["leverage"] == 10

    fapi_mock.seed_symbol("BTCUSDT", position_side="LONG", position_amt="0.01", entry_price="60000")
    [long] = client.futures_position_information(symbol="BTCUSDT")  # v3: only legs that hold something
    assert (long["positionSide"], long["positionAmt"], long["isolatedWallet"]) == ("LONG", "0.01", "60.00000000")
    assert client.futures_leverage_bracket(symbol="BTCUSDT")[0]["brackets"][0]["initialLeverage"] == 125
    usdt = next(balance for balance in client.futures_account_balance() if balance["asset"] == "USDT")
    assert usdt["availableBalance"] == "9940.00000000"  # 60 USDT went into the isolated wallet
    assert client.futures_account()["totalWalletBalance"] == "10000.00000000"
    fapi_mock.assert_no_rejections()
