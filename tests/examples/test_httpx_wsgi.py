"""httpx users: mount the fake's Flask app with `httpx.WSGITransport`, no socket."""

import hashlib
import hmac

import httpx

from mockserver import Clock, MockConfig, create_app


def test_httpx_client_through_wsgi_transport():
    clock = Clock()
    clock.set(frozen_at_ms=1_700_000_000_000)
    app = create_app(MockConfig(keys=[{"apiKey": "myKey", "secret": "mySecret"}], clock=clock))
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="https://fapi.binance.com") as client:
        query = "symbol=BTCUSDT&marginType=ISOLATED&timestamp=1700000000000"
        signature = hmac.new(b"mySecret", query.encode(), hashlib.sha256).hexdigest()
        response = client.post(f"/fapi/v1/marginType?{query}&signature={signature}", headers={"X-MBX-APIKEY": "myKey"})
        assert response.json() == {"code": 200, "msg": "success"}
        assert client.get("/__mock__/accounts/myKey").json()["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"
