"""Who may use the control API, and what it refuses: it mints keys and shows secrets, so a fake on a network must
not hand them to any peer; and no control body, however odd, gets a 500."""

from __future__ import annotations

import pytest
from helpers import HMAC_KEY, make_config

from mockserver import create_app

REMOTE = {"REMOTE_ADDR": "192.0.2.7"}  # TEST-NET-1: never a real peer


def test_a_non_loopback_peer_is_refused_by_default() -> None:
    client = create_app(make_config()).test_client()
    refused = client.post("/__mock__/keys", json={"type": "HMAC"}, environ_overrides=REMOTE)
    assert refused.status_code == 403
    assert "loopback peers only" in refused.json["error"] and "--control-from-anywhere" in refused.json["error"]  # type: ignore[index]
    assert client.get("/__mock__/keys", environ_overrides={"REMOTE_ADDR": "::1"}).status_code == 200
    # Binance paths are not the control API: they stay open to any peer.
    assert client.get("/fapi/v1/ping", environ_overrides=REMOTE).status_code == 200


def test_opened_explicitly() -> None:
    client = create_app(make_config(control_from_anywhere=True)).test_client()
    assert client.get("/__mock__/keys", environ_overrides=REMOTE).status_code == 200


def test_a_token_is_required_from_every_peer() -> None:
    client = create_app(make_config(control_token="s3cret")).test_client()
    for environ in (REMOTE, {"REMOTE_ADDR": "127.0.0.1"}):
        assert client.get("/__mock__/keys", environ_overrides=environ).status_code == 403
        ok = client.get("/__mock__/keys", headers={"X-Mock-Control-Token": "s3cret"}, environ_overrides=environ)
        assert ok.status_code == 200
    assert client.get("/__mock__/keys", headers={"X-Mock-Control-Token": "wrong"}).status_code == 403


@pytest.mark.parametrize("account", ["%FF", "%FE", "a" * 129, "tab%09"])
def test_account_ids_must_be_short_valid_utf8(account: str) -> None:
    client = create_app(make_config()).test_client()
    response = client.put(f"/__mock__/accounts/{account}", json={"multiAssetsMargin": True})
    assert response.status_code == 400 and "account id" in response.json["error"]  # type: ignore[index]


def test_deeply_nested_json_is_a_400_not_a_500() -> None:
    client = create_app(make_config()).test_client()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/__mock__/keys", data=body, content_type="application/json")
    assert response.status_code == 400 and "error" in response.json  # type: ignore[operator]


def test_a_key_with_an_unknown_field_is_refused_not_given_a_generated_secret() -> None:
    client = create_app(make_config()).test_client()
    response = client.post("/__mock__/keys", json={"type": "HMAC", "secrte": "typo"})
    assert response.status_code == 400 and "unknown key fields: secrte" in response.json["error"]  # type: ignore[index]
    assert len(client.get("/__mock__/keys").json) == 3  # type: ignore[arg-type]  # the configured three only


@pytest.mark.parametrize(
    "body", [{"offsetMs": 2**63 - 1}, {"offsetMs": -(2**62)}, {"frozenAtMs": -1}, {"frozenAtMs": 2**63 - 1}]
)
def test_clock_settings_keep_server_time_a_usable_long(body: dict[str, int]) -> None:
    client = create_app(make_config()).test_client()
    before = client.get("/__mock__/clock").json
    assert client.put("/__mock__/clock", json=body).status_code == 400
    assert client.get("/__mock__/clock").json == before
    assert client.get(f"/__mock__/accounts/{HMAC_KEY}").status_code == 200


def test_lifting_rate_limits_keeps_every_other_state() -> None:
    app = create_app(make_config(weight_limit=10))
    client = app.test_client()
    client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json={"marginType": "ISOLATED"})
    answers = [client.get("/fapi/v1/exchangeInfo").status_code for _ in range(12)]
    assert answers[-2:] == [429, 418]  # over the limit, then banned for sending on
    assert client.delete("/__mock__/ratelimits").status_code == 200
    assert client.get("/fapi/v1/ping").status_code == 200
    state = client.get(f"/__mock__/accounts/{HMAC_KEY}").json
    assert state["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"  # type: ignore[index]
    assert len(client.get("/__mock__/journal").json) == 13  # type: ignore[arg-type]  # the journal is kept too


def test_keys_and_accounts_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.domain import exchange

    monkeypatch.setattr(exchange, "MAX_KEYS", 4)
    monkeypatch.setattr(exchange, "MAX_ACCOUNTS", 5)
    client = create_app(make_config()).test_client()  # three configured keys, three accounts
    assert client.post("/__mock__/keys", json={"type": "HMAC", "account": "a"}).status_code == 200
    refused = client.post("/__mock__/keys", json={"type": "HMAC", "account": "b"})
    assert refused.status_code == 400 and "at most 4 keys" in refused.json["error"]  # type: ignore[index]
    assert client.put("/__mock__/accounts/c", json={}).status_code == 200
    refused = client.put("/__mock__/accounts/d", json={})
    assert refused.status_code == 400 and "at most 5 accounts" in refused.json["error"]  # type: ignore[index]
    assert client.delete("/__mock__/accounts/c").status_code == 200  # the way out
    assert client.put("/__mock__/accounts/d", json={}).status_code == 200
