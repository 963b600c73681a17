"""GET/PUT /__mock__/state: the whole fake (keys with their secrets, accounts, clock, faults) out and back in."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers import FROZEN_MS, HMAC_KEY, KEYS, Caller, SigningKey, make_config, seed_account, seed_symbol

from mockserver import MockConfig, create_app


def fresh_client() -> FlaskClient:
    return create_app(make_config()).test_client()


def build_state(caller: Caller) -> dict[str, Any]:
    """A fake with modes, leverage, positions, orders, wallet, clock offset and faults set; returns its export."""
    client = caller.client
    seed_account(caller, dualSidePosition=True, wallet={"USDT": "100000.5"}, clockOffsetMs=-250)
    seed_symbol(caller, "BTCUSDT", marginType="ISOLATED", leverage=7, positionAmt="0.5", entryPrice="60000")
    seed_symbol(caller, "BTCUSDT", positionSide="SHORT", positionAmt="-0.25", entryPrice="61000")
    seed_symbol(caller, "ETHUSDT", openOrders=[{"side": "SELL", "price": "3000", "clientOrderId": "mine"}])
    response = caller.signed("POST", "/fapi/v1/positionMargin", "symbol=BTCUSDT&positionSide=LONG&amount=12.5&type=1")
    assert response.status_code == 200, response.json
    assert client.put("/__mock__/clock", json={"offsetMs": 5, "frozenAtMs": FROZEN_MS + 1000}).status_code == 200
    for fault in (
        {"kind": "disconnected", "path": "/fapi/v1/leverage", "count": 3, "account": HMAC_KEY},
        {"kind": "delay", "path": "/fapi/v1/time", "delayMs": 10, "probability": 0.5, "seed": 7},
    ):
        assert client.post("/__mock__/faults", json=fault).status_code == 200
    state = client.get("/__mock__/state").json
    assert state is not None and state["version"] == 1
    return state


def test_export_then_import_into_a_fresh_fake_gives_the_same_answers(caller: Caller) -> None:
    minted = caller.client.post("/__mock__/keys", json={"account": "runtime"}).json
    assert minted is not None
    state = build_state(caller)
    fresh = fresh_client()
    assert fresh.put("/__mock__/state", json=state).status_code == 200
    for path in (f"/__mock__/accounts/{HMAC_KEY}", "/__mock__/accounts/runtime", "/__mock__/keys", "/__mock__/faults"):
        assert fresh.get(path).json == caller.client.get(path).json, path
    assert fresh.get("/__mock__/clock").json == caller.client.get("/__mock__/clock").json
    assert fresh.get("/__mock__/state").json == state
    # The runtime key's secret was shown once; it still signs on the restored fake.
    runtime = SigningKey(minted["apiKey"], "HMAC", minted["secret"])
    response = Caller(fresh).margin_type("BTCUSDT", "ISOLATED", key=runtime, timestamp=FROZEN_MS + 1000)
    assert (response.status_code, response.json) == (200, {"code": 200, "msg": "success"})


def test_restored_state_keeps_positions_orders_wallet_modes_and_faults(caller: Caller) -> None:
    state = build_state(caller)
    fresh = fresh_client()
    assert fresh.put("/__mock__/state", json=state).status_code == 200
    account = fresh.get(f"/__mock__/accounts/{HMAC_KEY}").json
    assert account is not None
    assert (account["dualSidePosition"], account["clockOffsetMs"], account["wallet"]) == (
        True,
        -250,
        {"USDT": "100000.5"},
    )
    btc = account["symbols"]["BTCUSDT"]
    assert (btc["marginType"], btc["leverage"]) == ("ISOLATED", 7)
    assert btc["positions"]["LONG"] == {"positionAmt": "0.5", "entryPrice": "60000", "marginAdded": "12.5"}
    assert btc["positions"]["SHORT"]["positionAmt"] == "-0.25"
    order = account["symbols"]["ETHUSDT"]["orders"][0]
    assert (order["clientOrderId"], order["side"], order["positionSide"], order["price"]) == (
        "mine",
        "SELL",
        "SHORT",
        "3000",
    )
    assert fresh.get("/__mock__/clock").json == {
        "serverTime": FROZEN_MS + 1000,
        "offsetMs": 5,
        "frozenAtMs": FROZEN_MS + 1000,
    }
    faults = fresh.get("/__mock__/faults").json
    assert faults is not None and [(f["id"], f["kind"], f["remaining"]) for f in faults] == [
        (1, "disconnected", 3),
        (2, "delay", None),
    ]
    # A new order id continues past the restored ones; a new fault id past the restored ones.
    seed_symbol(Caller(fresh), "ETHUSDT", openOrders=[{}, {}])
    ids = [o["orderId"] for o in fresh.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"]["ETHUSDT"]["orders"]]  # type: ignore[index]
    assert min(ids) >= state["exchange"]["nextOrderId"]
    assert fresh.post("/__mock__/faults", json={"kind": "drop", "path": "/fapi/v1/time"}).json["id"] == 3  # type: ignore[index]


def test_a_spent_fault_count_is_kept(caller: Caller) -> None:
    caller.client.post("/__mock__/faults", json={"kind": "disconnected", "path": "/fapi/v1/leverage", "count": 2})
    assert caller.signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=5").status_code == 503
    fresh = fresh_client()
    assert fresh.put("/__mock__/state", json=caller.client.get("/__mock__/state").json).status_code == 200
    assert [f["remaining"] for f in fresh.get("/__mock__/faults").json] == [1]  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["HMAC", "RSA", "ED25519"])
def test_every_key_type_still_verifies_after_a_restore(client: FlaskClient, kind: str) -> None:
    state = client.get("/__mock__/state").json
    assert state is not None
    exported = {k["apiKey"]: k for k in state["exchange"]["keys"]}
    key = KEYS[kind]
    assert ("secret" in exported[key.api_key]) is (kind == "HMAC")
    assert ("publicKey" in exported[key.api_key]) is (kind != "HMAC")
    assert "PRIVATE" not in str(state)
    fresh = create_app(MockConfig(clock=make_config().clock, weight_limit=None)).test_client()
    assert fresh.get("/__mock__/keys").json == []
    assert fresh.put("/__mock__/state", json=state).status_code == 200
    response = Caller(fresh).margin_type("BTCUSDT", "ISOLATED", key=key)
    assert (response.status_code, response.json) == (200, {"code": 200, "msg": "success"})
    assert fresh.get(f"/__mock__/accounts/{key.api_key}").json["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"  # type: ignore[index]


def _broken(state: dict[str, Any], change: str) -> Any:
    broken = copy.deepcopy(state)
    account = broken["exchange"]["accounts"][HMAC_KEY]
    if change == "version":
        broken["version"] = 2
    elif change == "exchange version":
        broken["exchange"]["version"] = 99
    elif change == "leverage type":
        account["symbols"]["BTCUSDT"]["leverage"] = "7"
    elif change == "wallet type":
        account["wallet"]["USDT"]["balance"] = 5
    elif change == "mode type":
        account["dualSidePosition"] = "yes"
    elif change == "key without secret":
        del broken["exchange"]["keys"][0]["secret"]
    elif change == "bad public key":
        broken["exchange"]["keys"][1]["publicKey"] = "not a pem"
    elif change == "unknown symbol":
        account["symbols"]["NOPE"] = account["symbols"]["BTCUSDT"]
    elif change == "leg of the other mode":
        account["symbols"]["BTCUSDT"]["positions"]["BOTH"] = account["symbols"]["BTCUSDT"]["positions"]["LONG"]
    elif change == "unknown field":
        account["extra"] = 1
    elif change == "clock type":
        broken["clock"]["offsetMs"] = 1.5
    elif change == "fault":
        broken["faults"]["rules"][0]["kind"] = "meteor"
    elif change == "not an object":
        return [broken]
    return broken


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("version", "unsupported state version 2"),
        ("exchange version", "unsupported state version 99"),
        ("leverage type", "leverage must be an integer"),
        ("wallet type", "balance must be a decimal string"),
        ("mode type", "dualSidePosition must be true or false"),
        ("key without secret", "key #1: needs its 'secret'"),
        ("bad public key", "key #2: publicKey is not a PEM"),
        ("unknown symbol", "'NOPE' is not in the symbol catalogue"),
        ("leg of the other mode", "BOTH leg is not a leg"),
        ("unknown field", "unknown account 'testApiKeyHmac' fields: extra"),
        ("clock type", "clock offsetMs must be an integer"),
        ("fault", "fault #1: kind must be one of"),
        ("not an object", "the request body must be a JSON object"),
    ],
)
def test_a_bad_document_is_a_400_and_changes_nothing(caller: Caller, change: str, message: str) -> None:
    state = build_state(caller)
    target = fresh_client()
    target.post("/__mock__/keys", json={"apiKey": "untouched", "secret": "s"})
    before = target.get("/__mock__/state").json
    response = target.put("/__mock__/state", json=_broken(state, change))
    assert response.status_code == 400
    assert message in response.json["error"], response.json  # type: ignore[index]
    assert target.get("/__mock__/state").json == before
