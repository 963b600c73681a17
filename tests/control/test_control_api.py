"""The control API under /__mock__/: keys, accounts, symbols, journal, clock and reset."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers import FROZEN_MS, HMAC_KEY, HMAC_SECRET, RSA_PUBLIC_PEM, Caller, ed25519_signature, rsa_signature


def test_register_hmac_key_generates_key_and_secret(client: FlaskClient) -> None:
    minted = client.post("/__mock__/keys", json={}).json
    assert minted is not None and set(minted) == {"apiKey", "secret", "account", "type"}
    assert minted["type"] == "HMAC" and minted["account"] == minted["apiKey"]
    assert len(minted["apiKey"]) == 64 and minted["apiKey"].isalnum()
    listed = client.get("/__mock__/keys").json
    assert minted["apiKey"] in [k["apiKey"] for k in listed]  # type: ignore[union-attr]
    assert minted["secret"] not in str(listed)


@pytest.mark.parametrize("kind", ["RSA", "ED25519"])
def test_register_key_pair_without_public_key_returns_a_private_key(client: FlaskClient, kind: str) -> None:
    minted = client.post("/__mock__/keys", json={"type": kind, "account": "alice"}).json
    assert minted is not None and minted["account"] == "alice" and "secret" not in minted
    payload = f"symbol=BTCUSDT&marginType=ISOLATED&timestamp={FROZEN_MS}"
    sign = rsa_signature if kind == "RSA" else ed25519_signature
    query = f"{payload}&signature={sign(minted['privateKey'], payload)}"
    response = Caller(client).send("POST", "/fapi/v1/marginType", query=query, api_key=minted["apiKey"])
    assert response.status_code == 200
    assert client.get("/__mock__/accounts/alice").json["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"  # type: ignore[index]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"type": "DSA"}, "type must be one of"),
        ({"apiKey": "has-dash"}, "apiKey must be"),
        ({"type": "RSA", "publicKey": "not a pem"}, "publicKey is not a PEM"),
        ({"type": "ED25519", "publicKey": RSA_PUBLIC_PEM}, "not a ED25519 public key"),
        ({"type": "HMAC", "publicKey": RSA_PUBLIC_PEM}, "takes a secret"),
        ({"type": "RSA", "secret": "x"}, "takes a publicKey"),
        ({"permissions": ["WITHDRAW"]}, "permissions"),
        ({"ipAllowList": ["999.1.1.1"]}, "ipAllowList"),
        ({"enabled": "no"}, "enabled"),
        ({"secret": ""}, "secret must be"),
    ],
)
def test_register_key_errors(client: FlaskClient, spec: dict[str, object], message: str) -> None:
    response = client.post("/__mock__/keys", json=spec)
    assert response.status_code == 400
    assert message in response.json["error"]  # type: ignore[index]


def test_control_api_refuses_non_objects(client: FlaskClient) -> None:
    for body in (b"[1]", b"not json", b'"text"'):
        response = client.post("/__mock__/keys", data=body, content_type="application/json")
        assert (response.status_code, response.json) == (400, {"error": "the request body must be a JSON object"})


def test_account_read_and_seed(client: FlaskClient) -> None:
    assert client.get(f"/__mock__/accounts/{HMAC_KEY}").json == {
        "account": HMAC_KEY,
        "multiAssetsMargin": False,
        "dualSidePosition": False,
        "clockOffsetMs": 0,
        "wallet": {"USDT": "10000"},
        "symbols": {},
    }
    seeded = client.put(
        f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT",
        json={"marginType": "ISOLATED", "positionAmt": "-0.25", "openOrders": 2, "leverage": 50},
    ).json
    assert seeded is not None
    symbol = seeded["symbols"]["BTCUSDT"]
    assert {k: symbol[k] for k in ("marginType", "positionAmt", "openOrders", "leverage")} == {
        "marginType": "ISOLATED",
        "positionAmt": "-0.25",
        "openOrders": 2,
        "leverage": 50,
    }
    # A position seeded without an entry price opens at the documented default; orders get ids and defaults.
    assert symbol["positions"] == {"BOTH": {"positionAmt": "-0.25", "entryPrice": "100", "marginAdded": "0"}}
    assert [(o["side"], o["positionSide"], o["price"], o["quantity"]) for o in symbol["orders"]] == [
        ("BUY", "BOTH", "100", "1"),
        ("BUY", "BOTH", "100", "1"),
    ]
    assert symbol["orders"][0]["orderId"] != symbol["orders"][1]["orderId"]


def test_isolated_and_multi_assets_cannot_be_seeded_together(client: FlaskClient) -> None:
    assert client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"multiAssetsMargin": True}).status_code == 200
    refused = client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json={"marginType": "ISOLATED"})
    assert refused.status_code == 400 and "Multi-Assets" in refused.json["error"]  # type: ignore[index]
    assert client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"] == {}  # type: ignore[index]


def test_unknown_account_is_404(client: FlaskClient) -> None:
    assert client.get("/__mock__/accounts/ghost").status_code == 404


@pytest.mark.parametrize(
    "seed",
    [
        {"marginType": "isolated"},
        {"positionAmt": "lots"},
        {"positionAmt": "NaN"},
        {"positionAmt": True},
        {"openOrders": -1},
        {"openOrders": 1.5},
        {"leverage": 0},
        {"leverage": 126},
        {"colour": "red"},
        {"positionSide": "LONG", "positionAmt": "1"},
        {"entryPrice": "100"},
        {"positionAmt": "1", "entryPrice": "0"},
        {"openOrders": [{"side": "HOLD"}]},
        {"openOrders": [{"price": "-1"}]},
        {"openOrders": [{"positionSide": "SHORT"}]},
        {"openOrders": [{"size": 1}]},
    ],
)
def test_symbol_seed_errors_leave_state_alone(client: FlaskClient, seed: dict[str, object]) -> None:
    client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json={"leverage": 9})
    response = client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json=seed)
    assert response.status_code == 400 and "error" in response.json  # type: ignore[operator]
    state = client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"]["BTCUSDT"]  # type: ignore[index]
    assert state == {
        "marginType": "CROSSED",
        "leverage": 9,
        "positionAmt": "0",
        "positions": {},
        "openOrders": 0,
        "orders": [],
    }


def test_seed_unknown_symbol_is_404(client: FlaskClient) -> None:
    response = client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/NOPE", json={"leverage": 3})
    assert response.status_code == 404


def test_account_seed_errors(client: FlaskClient) -> None:
    assert client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"multiAssetsMargin": "yes"}).status_code == 400
    assert client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"vip": 9}).status_code == 400


def test_journal_records_calls_newest_last_and_never_a_secret(caller: Caller) -> None:
    caller.margin_type("BTCUSDT", "ISOLATED", where="body")
    caller.margin_type("BTCUSDT", "ISOLATED")
    caller.client.get("/__mock__/keys")  # control calls are not journaled
    entries = caller.client.get("/__mock__/journal").json
    assert [(e["status"], e["code"]) for e in entries] == [(200, 200), (400, -4046)]  # type: ignore[union-attr]
    first = entries[0]  # type: ignore[index]
    assert first["method"] == "POST" and first["path"] == "/fapi/v1/marginType" and first["apiKey"] == HMAC_KEY
    assert {"name": "symbol", "value": "BTCUSDT", "origin": "body"} in first["params"]
    assert entries[1]["explanation"] == "BTCUSDT is already ISOLATED on this account"  # type: ignore[index]
    assert HMAC_SECRET not in str(entries)
    assert len(caller.client.get("/__mock__/journal?limit=1").json) == 1  # type: ignore[arg-type]
    assert caller.client.get("/__mock__/journal?limit=x").status_code == 400
    assert caller.client.delete("/__mock__/journal").status_code == 200
    assert caller.client.get("/__mock__/journal").json == []


def test_journal_is_a_bounded_ring(client: FlaskClient) -> None:
    from helpers import make_config

    from mockserver import create_app

    small = create_app(make_config(journal_size=3)).test_client()
    for _ in range(5):
        small.get("/fapi/v1/ping")
    assert [e["seq"] for e in small.get("/__mock__/journal").json] == [3, 4, 5]  # type: ignore[union-attr]


def test_clock_offset_freeze_and_unfreeze(caller: Caller) -> None:
    client = caller.client
    assert (
        client.put("/__mock__/clock", json={"frozenAtMs": FROZEN_MS + 60_000}).json["serverTime"] == FROZEN_MS + 60_000
    )  # type: ignore[index]
    stale = caller.margin_type("BTCUSDT", "ISOLATED")  # signed at FROZEN_MS: a minute old now
    assert stale.json["msg"] == "Timestamp for this request is outside of the recvWindow."  # type: ignore[index]
    unfrozen = client.put("/__mock__/clock", json={"frozenAtMs": None, "offsetMs": -3_600_000}).json
    assert unfrozen["frozenAtMs"] is None and unfrozen["offsetMs"] == -3_600_000  # type: ignore[index]
    assert abs(client.get("/fapi/v1/time").json["serverTime"] - unfrozen["serverTime"]) < 5_000  # type: ignore[index]
    assert client.put("/__mock__/clock", json={"offsetMs": "soon"}).status_code == 400
    assert client.put("/__mock__/clock", json={"speed": 2}).status_code == 400


def test_reset_restores_configured_state(caller: Caller) -> None:
    client = caller.client
    extra = client.post("/__mock__/keys", json={}).json["apiKey"]  # type: ignore[index]
    caller.margin_type("BTCUSDT", "ISOLATED")
    client.put("/__mock__/clock", json={"frozenAtMs": 5})
    assert client.post("/__mock__/reset").status_code == 200
    assert extra not in [k["apiKey"] for k in client.get("/__mock__/keys").json]  # type: ignore[union-attr]
    assert HMAC_KEY in [k["apiKey"] for k in client.get("/__mock__/keys").json]  # type: ignore[union-attr]
    assert client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"] == {}  # type: ignore[index]
    assert client.get("/__mock__/journal").json == []
    assert client.get("/fapi/v1/time").json["serverTime"] == FROZEN_MS  # type: ignore[index]


def test_unknown_control_call_and_wrong_method(client: FlaskClient) -> None:
    assert client.get("/__mock__/nothing").json == {"error": "no control call /__mock__/nothing"}
    response = client.get("/__mock__/reset")
    assert response.status_code == 405 and "error" in response.json  # type: ignore[operator]


def test_control_calls_weigh_nothing(caller: Caller) -> None:
    for _ in range(3):
        caller.client.get("/__mock__/keys")
    assert caller.client.get("/fapi/v1/ping").headers["X-MBX-USED-WEIGHT-1M"] == "1"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/__mock__/keys", '{"apiKey": "sk", "secret": "\\ud800x"}'),
        ("/__mock__/keys", '{"secret": "s", "account": "\\udfff"}'),
        ("/__mock__/faults", '{"kind": "drop", "path": "/fapi/v1/ping", "account": "\\ud800"}'),
    ],
)
def test_lone_surrogates_are_refused_and_nothing_is_stored(client: FlaskClient, path: str, body: str) -> None:
    keys_before = client.get("/__mock__/keys").json
    response = client.post(path, data=body, content_type="application/json")
    assert (response.status_code, response.json) == (
        400,
        {"error": "the request body must be valid Unicode (no lone surrogates)"},
    )
    assert client.get("/__mock__/keys").json == keys_before
    assert client.get("/__mock__/faults").json == []
    assert client.get("/__mock__/journal").status_code == 200


def test_journal_limit_must_be_ascii_digits(client: FlaskClient) -> None:
    assert client.get("/__mock__/journal?limit=%C2%B2").status_code == 400


def test_position_amounts_with_absurd_precision_are_refused(client: FlaskClient) -> None:
    for amount in ("1e-50000000", "0.0000000000000000001"):
        response = client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json={"positionAmt": amount})
        assert response.status_code == 400 and "out of range" in response.json["error"]  # type: ignore[index]
    assert (
        client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json={"positionAmt": "1e-18"}).status_code == 200
    )


def test_two_resets_in_a_row_both_succeed_and_restore_the_configured_accounts(client: FlaskClient) -> None:
    configured = client.get(f"/__mock__/accounts/{HMAC_KEY}").json
    client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json={"marginType": "ISOLATED", "leverage": 3})
    client.post("/__mock__/keys", json={"type": "HMAC", "account": "runtime"})
    for _ in range(2):
        assert client.post("/__mock__/reset").status_code == 200
        assert client.get(f"/__mock__/accounts/{HMAC_KEY}").json == configured
        assert client.get("/__mock__/accounts/runtime").status_code == 404


@pytest.mark.parametrize("offset", ["5", True, 10**15, 1.5, -(10**15)])
def test_clock_offset_must_be_an_integer_in_range(client: FlaskClient, offset: object) -> None:
    response = client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"clockOffsetMs": offset})
    assert response.status_code == 400 and "clockOffsetMs" in response.json["error"]  # type: ignore[index]
    assert client.get(f"/__mock__/accounts/{HMAC_KEY}").json["clockOffsetMs"] == 0  # type: ignore[index]


def test_deleting_an_account_removes_it_and_its_keys(client: FlaskClient) -> None:
    minted = client.post("/__mock__/keys", json={"type": "HMAC", "account": "temp"}).json
    assert minted is not None
    assert client.delete("/__mock__/accounts/temp").status_code == 200
    assert client.get("/__mock__/accounts/temp").status_code == 404
    assert minted["apiKey"] not in {k["apiKey"] for k in client.get("/__mock__/keys").json}  # type: ignore[union-attr]
    missing = client.delete("/__mock__/accounts/temp")
    assert missing.status_code == 404 and "no account" in missing.json["error"]  # type: ignore[index]
