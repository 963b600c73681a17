"""`fapi_mock`: a fresh account with a fresh HMAC key on the session's live fake, reached over loopback."""

import requests
from signing import signed_query


def change_margin_type(base_url: str, api_key: str, secret: str, symbol: str, margin_type: str) -> dict:
    """The code under test: any client that talks to Binance USDⓈ-M futures."""
    query = signed_query(secret, symbol=symbol, marginType=margin_type)
    response = requests.post(f"{base_url}/fapi/v1/marginType?{query}", headers={"X-MBX-APIKEY": api_key}, timeout=5)
    return response.json()


def test_switch_to_isolated(fapi_mock):
    answer = change_margin_type(fapi_mock.base_url, fapi_mock.api_key, fapi_mock.secret, "BTCUSDT", "ISOLATED")
    assert answer == {"code": 200, "msg": "success"}
    assert fapi_mock.margin_type("BTCUSDT") == "ISOLATED"
    fapi_mock.assert_called("/fapi/v1/marginType", params={"symbol": "BTCUSDT", "marginType": "ISOLATED"}, code=200)
    fapi_mock.assert_no_rejections()


def test_open_position_blocks_the_change(fapi_mock):
    fapi_mock.seed_symbol("ETHUSDT", position_amt="0.5")
    answer = change_margin_type(fapi_mock.base_url, fapi_mock.api_key, fapi_mock.secret, "ETHUSDT", "ISOLATED")
    assert answer == {"code": -4048, "msg": "Margin type cannot be changed if there exists position."}
    assert fapi_mock.margin_type("ETHUSDT") == "CROSSED"


def test_skewed_clock_is_refused(fapi_mock):
    fapi_mock.set_clock_offset(-60_000)  # this account's server time runs a minute behind: our stamps are "ahead"
    answer = change_margin_type(fapi_mock.base_url, fapi_mock.api_key, fapi_mock.secret, "BTCUSDT", "ISOLATED")
    assert answer["code"] == -1021
    [entry] = fapi_mock.journal()
    assert entry["detail"]["serverTime"] < entry["detail"]["timestamp"]
