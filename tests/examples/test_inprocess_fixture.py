"""`fapi_mock_inprocess`: `requests` calls to https://fapi.binance.com answered in process, no socket, no network."""

import pytest
import requests
from signing import signed_query


def test_production_url_is_answered_by_the_fake(fapi_mock_inprocess):
    assert fapi_mock_inprocess.base_url == "https://fapi.binance.com"
    query = signed_query(fapi_mock_inprocess.secret, symbol="SOLUSDT", marginType="ISOLATED")
    response = requests.post(
        f"https://fapi.binance.com/fapi/v1/marginType?{query}",
        headers={"X-MBX-APIKEY": fapi_mock_inprocess.api_key},
        timeout=5,
    )
    assert response.json() == {"code": 200, "msg": "success"}
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    assert fapi_mock_inprocess.margin_type("SOLUSDT") == "ISOLATED"


def test_testnet_and_demo_hosts_too(fapi_mock_inprocess):
    for host in ("https://testnet.binancefuture.com", "https://demo-fapi.binance.com"):
        assert requests.get(f"{host}/fapi/v1/ping", timeout=5).json() == {}


@pytest.mark.fapi_mock(key_type="ED25519")
def test_ed25519_key_on_request(fapi_mock_inprocess):
    assert fapi_mock_inprocess.key_type == "ED25519"
    assert fapi_mock_inprocess.private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert fapi_mock_inprocess.secret is None
