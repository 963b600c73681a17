"""GET/POST /fapi/v1/positionSide/dual, and what Hedge Mode changes elsewhere: the rows of positionRisk v2/v3 and
account v2, one leverage and one margin type for both legs, -4048 looking at both legs.

Position mode is account-wide: a flip is refused with -4059 when unchanged, then -4067 for an open order on any
symbol, then -4068 for a position on any symbol (either leg), in that order.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import FROZEN_MS, HMAC_KEY, Caller, compact, seed_account, seed_symbol

DUAL = "/fapi/v1/positionSide/dual"
SUCCESS = b'{"code":200,"msg":"success"}'
ONE_WAY = b'{"dualSidePosition":false}'
HEDGE = b'{"dualSidePosition":true}'
NO_NEED = b'{"code":-4059,"msg":"No need to change position side."}'
OPEN_ORDERS = b'{"code":-4067,"msg":"Position side cannot be changed if there exists open orders."}'
POSITION = b'{"code":-4068,"msg":"Position side cannot be changed if there exists position."}'
NO_DUAL = b'{"code":-1102,"msg":"Mandatory parameter \'dualsideposition\' was not sent, was empty/null, or malformed."}'
MARGIN_TYPE_POSITION = b'{"code":-4048,"msg":"Margin type cannot be changed if there exists position."}'


def control_mode(caller: Caller) -> bool:
    return bool(caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["dualSidePosition"])  # type: ignore[index]


def change_mode(caller: Caller, value: str) -> Any:
    return caller.signed("POST", DUAL, f"dualSidePosition={value}")


def last_journal_entry(caller: Caller) -> dict[str, Any]:
    entry: dict[str, Any] = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    return entry


# --- GET and POST ---
def test_a_new_account_is_in_one_way_mode(caller: Caller) -> None:
    response = caller.signed("GET", DUAL, "")
    assert (response.status_code, response.data) == (200, ONE_WAY)
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "30"
    assert control_mode(caller) is False


def test_switch_to_hedge_mode_and_back(caller: Caller) -> None:
    on = change_mode(caller, "true")
    assert (on.status_code, on.data) == (200, SUCCESS)
    assert on.headers["Content-Length"] == str(len(SUCCESS))
    assert on.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    assert caller.signed("GET", DUAL, "").data == HEDGE
    assert control_mode(caller) is True
    assert caller.signed("GET", "/fapi/v1/accountConfig", "").json["dualSidePosition"] is True  # type: ignore[index]
    again = change_mode(caller, "true")
    assert (again.status_code, again.data) == (400, NO_NEED)
    off = change_mode(caller, "false")
    assert (off.status_code, off.data) == (200, SUCCESS)
    assert caller.signed("GET", DUAL, "").data == ONE_WAY
    assert control_mode(caller) is False


@pytest.mark.parametrize(
    ("value", "hedge"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("tRuE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
    ],
)
def test_true_and_false_in_any_case(caller: Caller, value: str, hedge: bool) -> None:
    # python-binance and the futures connector send a Python bool as `True`/`False`; Binance takes it.
    seed_account(caller, dualSidePosition=not hedge)
    response = change_mode(caller, value)
    assert (response.status_code, response.data) == (200, SUCCESS)
    assert caller.signed("GET", DUAL, "").data == (HEDGE if hedge else ONE_WAY)


@pytest.mark.parametrize("where", ["query", "body"])
def test_params_in_query_or_body(caller: Caller, where: str) -> None:
    response = caller.signed("POST", DUAL, "dualSidePosition=true", where=where)
    assert (response.status_code, response.data) == (200, SUCCESS)
    assert control_mode(caller) is True


@pytest.mark.parametrize(
    "params",
    [
        "",
        "dualSidePosition=",
        "dualSidePosition=1",
        "dualSidePosition=0",
        "dualSidePosition=yes",
        "dualSidePosition=on",
        "dualSidePosition=truee",
        "dualSidePosition=%22true%22",
        "dualsideposition=true",
    ],
)
def test_missing_or_garbage_value(caller: Caller, params: str) -> None:
    response = caller.signed("POST", DUAL, params)
    assert (response.status_code, response.data) == (400, NO_DUAL)
    assert control_mode(caller) is False


# --- the state rules, in order ---
@pytest.mark.parametrize("hedge", [False, True], ids=["from-one-way", "from-hedge"])
def test_an_open_order_on_any_symbol_blocks_the_flip(caller: Caller, hedge: bool) -> None:
    seed_account(caller, dualSidePosition=hedge)
    seed_symbol(caller, "DOGEUSDT", openOrders=1)
    response = change_mode(caller, "false" if hedge else "true")
    assert (response.status_code, response.data) == (400, OPEN_ORDERS)
    assert control_mode(caller) is hedge
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (-4067, "open orders on DOGEUSDT")


@pytest.mark.parametrize(
    ("hedge", "position"),
    [
        (False, {"positionAmt": "0.01"}),
        (False, {"positionAmt": "-3"}),
        (True, {"positionSide": "LONG", "positionAmt": "0.5"}),
        (True, {"positionSide": "SHORT", "positionAmt": "-0.5"}),
    ],
    ids=["one-way-long", "one-way-short", "hedge-long-leg", "hedge-short-leg"],
)
def test_a_position_on_any_symbol_blocks_the_flip(caller: Caller, hedge: bool, position: dict[str, object]) -> None:
    seed_account(caller, dualSidePosition=hedge)
    seed_symbol(caller, "LTCUSDT", **position)
    response = change_mode(caller, "false" if hedge else "true")
    assert (response.status_code, response.data) == (400, POSITION)
    assert control_mode(caller) is hedge
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (-4068, "positions on LTCUSDT")


def test_check_order_4059_then_4067_then_4068(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0.1")
    seed_symbol(caller, "ETHUSDT", openOrders=2)
    seed_symbol(caller, "SOLUSDT", positionAmt="-1", openOrders=1)

    unchanged = change_mode(caller, "false")
    assert (unchanged.status_code, unchanged.data) == (400, NO_NEED)
    assert last_journal_entry(caller)["explanation"] == "the account is already in One-way Mode"

    with_orders = change_mode(caller, "true")
    assert (with_orders.status_code, with_orders.data) == (400, OPEN_ORDERS)
    assert last_journal_entry(caller)["explanation"] == "open orders on ETHUSDT, SOLUSDT"

    for symbol in ("ETHUSDT", "SOLUSDT"):
        assert caller.signed("DELETE", "/fapi/v1/allOpenOrders", f"symbol={symbol}").status_code == 200
    with_positions = change_mode(caller, "true")
    assert (with_positions.status_code, with_positions.data) == (400, POSITION)
    assert last_journal_entry(caller)["explanation"] == "positions on BTCUSDT, SOLUSDT"

    seed_symbol(caller, "BTCUSDT", positionAmt="0")
    seed_symbol(caller, "SOLUSDT", positionAmt="0")
    flipped = change_mode(caller, "true")
    assert (flipped.status_code, flipped.data) == (200, SUCCESS)
    assert last_journal_entry(caller)["explanation"] == "applied"
    assert control_mode(caller) is True


def test_no_need_to_change_is_checked_before_the_value_state(caller: Caller) -> None:
    seed_account(caller, dualSidePosition=True)
    seed_symbol(caller, "BTCUSDT", positionSide="LONG", positionAmt="1", openOrders=1)
    response = change_mode(caller, "TRUE")
    assert (response.status_code, response.data) == (400, NO_NEED)
    assert last_journal_entry(caller)["explanation"] == "the account is already in Hedge Mode"


def test_flat_legs_and_zero_orders_do_not_block(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0", openOrders=0, leverage=5, marginType="ISOLATED")
    response = change_mode(caller, "true")
    assert (response.status_code, response.data) == (200, SUCCESS)


def test_accounts_have_their_own_mode(caller: Caller) -> None:
    assert change_mode(caller, "true").data == SUCCESS
    other = caller.client.post("/__mock__/keys", json={"type": "HMAC", "apiKey": "otherAccount", "secret": "s"}).json
    assert other["account"] == "otherAccount"  # type: ignore[index]
    assert caller.client.get("/__mock__/accounts/otherAccount").json["dualSidePosition"] is False  # type: ignore[index]


# --- Hedge Mode elsewhere ---
def hedge_with_legs(caller: Caller) -> None:
    assert change_mode(caller, "true").data == SUCCESS
    seed_symbol(caller, "BTCUSDT", positionSide="LONG", positionAmt="0.2", entryPrice="50000")
    seed_symbol(caller, "BTCUSDT", positionSide="SHORT", positionAmt="-0.1", entryPrice="52000")


def v2_row(side: str, amount: str, entry: str, mark: str, notional: str, leverage: int = 20) -> dict[str, Any]:
    caps = {20: "100000000", 10: "230000000"}
    return {
        "symbol": "BTCUSDT",
        "positionAmt": amount,
        "entryPrice": entry,
        "breakEvenPrice": entry,
        "markPrice": mark,
        "unRealizedProfit": "0.00000000",
        "liquidationPrice": "0",
        "leverage": str(leverage),
        "maxNotionalValue": caps[leverage],
        "marginType": "cross",
        "isolatedMargin": "0.00000000",
        "isAutoAddMargin": "false",
        "positionSide": side,
        "notional": notional,
        "isolatedWallet": "0",
        "updateTime": FROZEN_MS,
    }


def test_hedge_position_risk_v2_has_long_and_short_rows(caller: Caller) -> None:
    hedge_with_legs(caller)
    response = caller.signed("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT")
    assert response.status_code == 200
    assert response.data == compact(
        [
            v2_row("LONG", "0.2", "50000", "50000.00000000", "10000.00000000"),
            v2_row("SHORT", "-0.1", "52000", "52000.00000000", "-5200.00000000"),
        ]
    )


def test_hedge_position_risk_v2_lists_every_symbol_twice_and_never_both(caller: Caller) -> None:
    hedge_with_legs(caller)
    catalogue = [s["symbol"] for s in caller.client.get("/fapi/v1/exchangeInfo").json["symbols"]]  # type: ignore[index]
    rows = caller.signed("GET", "/fapi/v2/positionRisk", "").json
    assert [(r["symbol"], r["positionSide"]) for r in rows] == [  # type: ignore[union-attr]
        (symbol, side) for symbol in catalogue for side in ("LONG", "SHORT")
    ]
    flat = next(r for r in rows if r["symbol"] == "ETHUSDT" and r["positionSide"] == "SHORT")  # type: ignore[union-attr]
    assert (flat["positionAmt"], flat["entryPrice"], flat["notional"], flat["updateTime"]) == ("0", "0.0", "0", 0)


def test_one_way_position_risk_v2_lists_both_only(caller: Caller) -> None:
    rows = caller.signed("GET", "/fapi/v2/positionRisk", "").json
    assert {r["positionSide"] for r in rows} == {"BOTH"}  # type: ignore[union-attr]
    assert len(rows) == len(caller.client.get("/fapi/v1/exchangeInfo").json["symbols"])  # type: ignore[arg-type, index]


def test_hedge_account_v2_positions_have_both_legs(caller: Caller) -> None:
    hedge_with_legs(caller)
    positions = caller.signed("GET", "/fapi/v2/account", "").json["positions"]  # type: ignore[index]
    assert {p["positionSide"] for p in positions} == {"LONG", "SHORT"}
    btc = [(p["positionSide"], p["positionAmt"], p["entryPrice"]) for p in positions if p["symbol"] == "BTCUSDT"]
    assert btc == [("LONG", "0.2", "50000"), ("SHORT", "-0.1", "52000")]


def test_hedge_position_risk_v3_lists_the_open_legs(caller: Caller) -> None:
    hedge_with_legs(caller)
    rows = caller.signed("GET", "/fapi/v3/positionRisk", "").json
    assert [(r["symbol"], r["positionSide"], r["positionAmt"], r["notional"]) for r in rows] == [  # type: ignore[union-attr]
        ("BTCUSDT", "LONG", "0.2", "10000.00000000"),
        ("BTCUSDT", "SHORT", "-0.1", "-5200.00000000"),
    ]


def test_hedge_position_risk_v3_leaves_out_a_flat_leg_without_orders(caller: Caller) -> None:
    # Unverified on Binance; the fake's choice: a leg is listed when it has a position or orders resting on it.
    assert change_mode(caller, "true").data == SUCCESS
    seed_symbol(caller, "ETHUSDT", positionSide="LONG", positionAmt="1", entryPrice="2000")
    seed_symbol(caller, "SOLUSDT", openOrders=[{"side": "SELL", "price": "200", "quantity": "1"}])
    rows = caller.signed("GET", "/fapi/v3/positionRisk", "").json
    assert [(r["symbol"], r["positionSide"], r["positionAmt"]) for r in rows] == [  # type: ignore[union-attr]
        ("ETHUSDT", "LONG", "1"),
        ("SOLUSDT", "SHORT", "0"),
    ]


def test_both_legs_share_one_leverage(caller: Caller) -> None:
    hedge_with_legs(caller)
    response = caller.signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=10")
    assert response.data == b'{"leverage":10,"maxNotionalValue":"230000000","symbol":"BTCUSDT"}'
    rows = caller.signed("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT").data
    assert rows == compact(
        [
            v2_row("LONG", "0.2", "50000", "50000.00000000", "10000.00000000", leverage=10),
            v2_row("SHORT", "-0.1", "52000", "52000.00000000", "-5200.00000000", leverage=10),
        ]
    )


@pytest.mark.parametrize(
    "leg",
    [{"positionSide": "SHORT", "positionAmt": "-0.3"}, {"positionSide": "LONG", "positionAmt": "0.3"}],
    ids=["short-only", "long-only"],
)
def test_margin_type_4048_looks_at_both_legs(caller: Caller, leg: dict[str, object]) -> None:
    assert change_mode(caller, "true").data == SUCCESS
    seed_symbol(caller, "ETHUSDT", **leg)
    blocked = caller.margin_type("ETHUSDT", "ISOLATED")
    assert (blocked.status_code, blocked.data) == (400, MARGIN_TYPE_POSITION)
    seed_symbol(caller, "ETHUSDT", positionSide=leg["positionSide"], positionAmt="0")
    assert caller.margin_type("ETHUSDT", "ISOLATED").data == SUCCESS
    # One margin type for the symbol: both legs show it.
    rows = caller.signed("GET", "/fapi/v2/positionRisk", "symbol=ETHUSDT").json
    assert [(r["positionSide"], r["marginType"]) for r in rows] == [("LONG", "isolated"), ("SHORT", "isolated")]  # type: ignore[union-attr]


def test_hedge_orders_rest_on_their_leg(caller: Caller) -> None:
    assert change_mode(caller, "true").data == SUCCESS
    seed_symbol(
        caller, "XRPUSDT", openOrders=[{"side": "BUY"}, {"side": "SELL"}, {"side": "BUY", "positionSide": "SHORT"}]
    )
    orders = caller.signed("GET", "/fapi/v1/openOrders", "symbol=XRPUSDT").json
    assert [(o["side"], o["positionSide"]) for o in orders] == [("BUY", "LONG"), ("SELL", "SHORT"), ("BUY", "SHORT")]  # type: ignore[union-attr]


def test_seeds_cannot_build_a_state_binance_could_not_hold(caller: Caller) -> None:
    symbol_seed = f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT"
    long_in_one_way = caller.client.put(symbol_seed, json={"positionSide": "LONG", "positionAmt": "1"})
    assert long_in_one_way.status_code == 400  # One-way Mode: BOTH is the only leg
    seed_account(caller, dualSidePosition=True)
    both_in_hedge = caller.client.put(symbol_seed, json={"positionSide": "BOTH", "positionAmt": "1"})
    assert both_in_hedge.status_code == 400
    seed_symbol(caller, "BTCUSDT", positionSide="LONG", positionAmt="1")
    flip = caller.client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"dualSidePosition": False})
    assert flip.status_code == 400 and "no positions and no open orders" in flip.json["error"]  # type: ignore[index]
    assert caller.signed("GET", DUAL, "").data == HEDGE
