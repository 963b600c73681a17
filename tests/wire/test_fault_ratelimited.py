"""The `ratelimited` fault: Binance's 429 -1003 with a Retry-After header, the request not executed."""

from __future__ import annotations

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from helpers import FROZEN_MS, HMAC_KEY, Caller, make_config

from mockserver import create_app
from mockserver.testing.handle import MockAccount
from mockserver.wire.faults import FaultSpecError, build_rule

TOO_MANY = (
    "Too many requests; current limit of IP(127.0.0.1) is {limit} requests per minute. "
    "Please use the websocket for live updates to avoid polling the API."
)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "ratelimited", "path": "/fapi/v1/ping", "applied": True}, "never applied"),
        ({"kind": "ratelimited", "path": "/fapi/v1/ping", "retryAfterS": -1}, "retryAfterS must be an integer"),
        ({"kind": "ratelimited", "path": "/fapi/v1/ping", "retryAfterS": 1.5}, "retryAfterS must be an integer"),
        ({"kind": "ratelimited", "path": "/fapi/v1/ping", "retryAfterS": 3601}, "from 0 to 3600"),
        ({"kind": "timeout", "path": "/fapi/v1/ping", "retryAfterS": 5}, "only for a 'ratelimited' fault"),
    ],
)
def test_invalid_ratelimited_specs(client: FlaskClient, spec: dict[str, object], message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        build_rule(spec)
    response = client.post("/__mock__/faults", json=spec)
    assert response.status_code == 400 and message in response.json["error"]  # type: ignore[index]


def test_a_rate_limited_change_is_not_executed(client: FlaskClient, caller: Caller) -> None:
    rule = client.post(
        "/__mock__/faults", json={"kind": "ratelimited", "path": "/fapi/v1/marginType", "retryAfterS": 7}
    ).json
    assert rule["retryAfterS"] == 7 and rule["applied"] is False  # type: ignore[index]
    answer = caller.margin_type("BTCUSDT", "ISOLATED")
    assert answer.status_code == 429
    assert answer.json == {"code": -1003, "msg": TOO_MANY.format(limit=2400)}
    assert (answer.headers["Retry-After"], answer.headers["X-Mock-Fault"]) == ("7", "ratelimited")
    account = client.get("/__mock__/accounts/" + HMAC_KEY).json
    assert account["symbols"].get("BTCUSDT", {}).get("marginType", "CROSSED") == "CROSSED"  # type: ignore[index]
    [entry] = client.get("/__mock__/journal").json  # type: ignore[misc]
    assert (entry["status"], entry["code"], entry["explanation"]) == (429, -1003, "injected fault: ratelimited")
    assert entry["fault"] == {"kind": "ratelimited", "applied": False, "rule": rule["id"], "retryAfterS": 7}  # type: ignore[index]
    # Once the fault is spent the same change goes through: the fault stands apart from the real limiter (no 418).
    assert caller.margin_type("BTCUSDT", "ISOLATED").json == {"code": 200, "msg": "success"}


def test_retry_after_defaults_to_the_rest_of_the_clock_minute(client: FlaskClient) -> None:
    client.post("/__mock__/faults", json={"kind": "ratelimited", "path": "/fapi/v1/ping"})
    answer = client.get("/fapi/v1/ping")
    left_ms = 60_000 - FROZEN_MS % 60_000
    assert answer.status_code == 429 and answer.headers["Retry-After"] == str(-(-left_ms // 1000))
    assert client.get("/__mock__/journal").json[0]["fault"]["retryAfterS"] == -(-left_ms // 1000)  # type: ignore[index]


def test_the_message_names_the_configured_limit() -> None:
    app: Flask = create_app(make_config(weight_limit=1200))
    with app.test_client() as client:
        client.post("/__mock__/faults", json={"kind": "ratelimited", "path": "/fapi/v1/ping", "retryAfterS": 0})
        answer = client.get("/fapi/v1/ping")
    assert answer.json == {"code": -1003, "msg": TOO_MANY.format(limit=1200)}
    assert answer.headers["Retry-After"] == "0"


def test_in_process_a_client_sees_the_429_and_its_header(fapi_mock_inprocess: MockAccount) -> None:
    handle = fapi_mock_inprocess
    rule = handle.add_fault("ratelimited", path="/fapi/v1/ping", retry_after_s=3)
    assert rule["kind"] == "ratelimited" and rule["account"] == handle.account
    answer = requests.get(f"{handle.base_url}/fapi/v1/ping", headers={"X-MBX-APIKEY": handle.api_key}, timeout=5)
    assert (answer.status_code, answer.json()["code"], answer.headers["Retry-After"]) == (429, -1003, "3")
    assert requests.get(f"{handle.base_url}/fapi/v1/ping", timeout=5).status_code == 200
