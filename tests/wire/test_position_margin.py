"""POST /fapi/v1/positionMargin: add (type=1) or reduce (type=2) an ISOLATED leg's margin.

After the parameters (-1102 for a missing symbol, amount or type; -1121): -4055 (amount not positive), -4061
(positionSide not a leg of the account's mode), -4049 (the symbol is CROSSED), -4054 (that leg is flat), then -4050
(adding more than the available cross balance) or -4051 (reducing more than was added).
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import HMAC_KEY, Caller, mandatory, seed_account, seed_symbol

POSITION_MARGIN = "/fapi/v1/positionMargin"
NOT_POSITIVE = b'{"code":-4055,"msg":"Amount must be positive."}'
NOT_ISOLATED = b'{"code":-4049,"msg":"Add margin only support for isolated position."}'
FLAT = b'{"code":-4054,"msg":"Cannot add position margin: position is 0."}'
CROSS_INSUFFICIENT = b'{"code":-4050,"msg":"Cross balance insufficient."}'
ISOLATED_INSUFFICIENT = b'{"code":-4051,"msg":"Isolated balance insufficient."}'
SIDE_MISMATCH = b'{"code":-4061,"msg":"Order\'s position side does not match user\'s setting."}'
INVALID_SYMBOL = b'{"code":-1121,"msg":"Invalid symbol."}'


def adjusted(amount: str, kind: int) -> bytes:
    return b'{"amount":%s,"code":200,"msg":"Successfully modify position margin.","type":%d}' % (amount.encode(), kind)


def isolated_btc(caller: Caller) -> None:
    """0.5 BTCUSDT at 60000, ISOLATED at 20x: 1500 USDT in the isolated wallet, 8500 left available."""
    seed_symbol(caller, "BTCUSDT", marginType="ISOLATED", positionAmt="0.5", entryPrice="60000")


def adjust(caller: Caller, params: str, **options: object) -> Any:
    return caller.signed("POST", POSITION_MARGIN, params, **options)  # type: ignore[arg-type]


def isolated_figures(caller: Caller, symbol: str = "BTCUSDT", side: str = "BOTH") -> tuple[str, str, str, str]:
    """isolatedMargin and isolatedWallet as positionRisk v2 and v3 show them."""
    v2 = caller.signed("GET", "/fapi/v2/positionRisk", f"symbol={symbol}").json
    [v2_row] = [r for r in v2 if r["positionSide"] == side]  # type: ignore[union-attr]
    v3 = caller.signed("GET", "/fapi/v3/positionRisk", f"symbol={symbol}").json
    [v3_row] = [r for r in v3 if r["positionSide"] == side]  # type: ignore[union-attr]
    return v2_row["isolatedMargin"], v2_row["isolatedWallet"], v3_row["isolatedMargin"], v3_row["isolatedWallet"]


def available(caller: Caller) -> str:
    return str(caller.signed("GET", "/fapi/v3/account", "").json["availableBalance"])  # type: ignore[index]


def last_journal_entry(caller: Caller) -> dict[str, Any]:
    entry: dict[str, Any] = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    return entry


# --- success ---
def test_add_then_reduce_isolated_margin(caller: Caller) -> None:
    isolated_btc(caller)
    assert isolated_figures(caller) == ("1500.00000000",) * 4
    assert available(caller) == "8500.00000000"

    added = adjust(caller, "symbol=BTCUSDT&amount=100&type=1")
    assert (added.status_code, added.data) == (200, adjusted("100.0", 1))
    assert added.headers["Content-Length"] == str(len(added.data))
    assert isolated_figures(caller) == ("1600.00000000",) * 4
    assert available(caller) == "8400.00000000"
    state = caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"]["BTCUSDT"]  # type: ignore[index]
    assert state["positions"]["BOTH"]["marginAdded"] == "100"

    reduced = adjust(caller, "symbol=BTCUSDT&amount=40&type=2")
    assert (reduced.status_code, reduced.data) == (200, adjusted("40.0", 2))
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (200, "applied")
    assert isolated_figures(caller) == ("1560.00000000",) * 4
    assert available(caller) == "8440.00000000"


@pytest.mark.parametrize(("amount", "echoed"), [("12.5", "12.5"), ("8500", "8500.0"), ("0.10", "0.1")])
def test_amount_is_echoed_as_a_json_number(caller: Caller, amount: str, echoed: str) -> None:
    isolated_btc(caller)
    response = adjust(caller, f"symbol=BTCUSDT&amount={amount}&type=1")
    assert (response.status_code, response.data) == (200, adjusted(echoed, 1))


@pytest.mark.parametrize("where", ["query", "body"])
def test_params_in_query_or_body(caller: Caller, where: str) -> None:
    isolated_btc(caller)
    response = adjust(caller, "symbol=BTCUSDT&positionSide=BOTH&amount=1&type=1", where=where)
    assert (response.status_code, response.data) == (200, adjusted("1.0", 1))


def test_hedge_mode_adjusts_the_named_leg(caller: Caller) -> None:
    seed_account(caller, dualSidePosition=True)
    seed_symbol(caller, "ETHUSDT", marginType="ISOLATED", positionSide="LONG", positionAmt="1", entryPrice="2000")
    seed_symbol(caller, "ETHUSDT", positionSide="SHORT", positionAmt="-2", entryPrice="2100")
    assert adjust(caller, "symbol=ETHUSDT&positionSide=LONG&amount=50&type=1").data == adjusted("50.0", 1)
    assert isolated_figures(caller, "ETHUSDT", "LONG") == ("150.00000000",) * 4
    assert isolated_figures(caller, "ETHUSDT", "SHORT") == ("210.00000000",) * 4
    assert adjust(caller, "symbol=ETHUSDT&positionSide=SHORT&amount=10&type=1").data == adjusted("10.0", 1)
    assert isolated_figures(caller, "ETHUSDT", "SHORT") == ("220.00000000",) * 4
    # Margin added to one leg cannot be taken from the other.
    assert adjust(caller, "symbol=ETHUSDT&positionSide=SHORT&amount=11&type=2").data == ISOLATED_INSUFFICIENT


# --- parameter rows ---
@pytest.mark.parametrize(
    ("params", "body"),
    [
        ("amount=1&type=1", mandatory("symbol")),
        ("symbol=&amount=1&type=1", mandatory("symbol")),
        ("symbol=BTCUSDT&type=1", mandatory("amount")),
        ("symbol=BTCUSDT&amount=&type=1", mandatory("amount")),
        ("symbol=BTCUSDT&amount=abc&type=1", mandatory("amount")),
        ("symbol=BTCUSDT&amount=1", mandatory("type")),
        ("symbol=BTCUSDT&amount=1&type=", mandatory("type")),
        ("symbol=BTCUSDT&amount=1&type=0", mandatory("type")),
        ("symbol=BTCUSDT&amount=1&type=3", mandatory("type")),
        ("symbol=BTCUSDT&amount=1&type=ADD", mandatory("type")),
        ("symbol=BTCUSDT&amount=1&type=1&positionSide=long", mandatory("positionSide")),
        ("symbol=BTCUSDT&amount=1&type=1&positionSide=", mandatory("positionSide")),
        ("symbol=NOPEUSDT&amount=1&type=1", INVALID_SYMBOL),
        ("symbol=NOPEUSDT&amount=1&type=9", mandatory("type")),
    ],
)
def test_parameter_rows(caller: Caller, params: str, body: bytes) -> None:
    isolated_btc(caller)
    response = adjust(caller, params)
    assert (response.status_code, response.data) == (400, body)
    assert isolated_figures(caller) == ("1500.00000000",) * 4


# --- state rows, in order ---
@pytest.mark.parametrize("amount", ["0", "-1", "-0.5", "0.000"])
def test_amount_must_be_positive(caller: Caller, amount: str) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0")  # CROSSED and flat: -4055 comes first
    response = adjust(caller, f"symbol=BTCUSDT&amount={amount}&type=1")
    assert (response.status_code, response.data) == (400, NOT_POSITIVE)


@pytest.mark.parametrize(
    ("hedge", "side"),
    [(False, "LONG"), (False, "SHORT"), (True, None), (True, "BOTH")],
    ids=["one-way-long", "one-way-short", "hedge-without-side", "hedge-both"],
)
def test_position_side_must_match_the_mode(caller: Caller, hedge: bool, side: str | None) -> None:
    seed_account(caller, dualSidePosition=hedge)
    params = "symbol=BTCUSDT&amount=1&type=1" + (f"&positionSide={side}" if side else "")
    response = adjust(caller, params)  # a CROSSED flat symbol: -4061 is checked before -4049
    assert (response.status_code, response.data) == (400, SIDE_MISMATCH)
    entry = last_journal_entry(caller)
    mode = "Hedge Mode (send LONG or SHORT)" if hedge else "One-way Mode (BOTH)"
    assert (entry["code"], entry["explanation"]) == (
        -4061,
        f"positionSide {side or 'BOTH'} is not a leg of the account's {mode}",
    )


def test_crossed_symbol_is_4049(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0.5", entryPrice="60000")
    for kind in (1, 2):
        response = adjust(caller, f"symbol=BTCUSDT&amount=1&type={kind}")
        assert (response.status_code, response.data) == (400, NOT_ISOLATED)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (-4049, "BTCUSDT is CROSSED")


def test_crossed_is_checked_before_the_position(caller: Caller) -> None:
    assert adjust(caller, "symbol=BTCUSDT&amount=1&type=1").data == NOT_ISOLATED


def test_flat_isolated_leg_is_4054(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", marginType="ISOLATED", openOrders=1)
    response = adjust(caller, "symbol=BTCUSDT&amount=1&type=1")
    assert (response.status_code, response.data) == (400, FLAT)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (-4054, "BTCUSDT BOTH has no position")


def test_flat_hedge_leg_beside_an_open_one_is_4054(caller: Caller) -> None:
    seed_account(caller, dualSidePosition=True)
    seed_symbol(caller, "BTCUSDT", marginType="ISOLATED", positionSide="LONG", positionAmt="0.1", entryPrice="60000")
    assert adjust(caller, "symbol=BTCUSDT&positionSide=SHORT&amount=1&type=1").data == FLAT
    assert adjust(caller, "symbol=BTCUSDT&positionSide=LONG&amount=1&type=1").data == adjusted("1.0", 1)


def test_adding_more_than_available_is_4050(caller: Caller) -> None:
    isolated_btc(caller)
    response = adjust(caller, "symbol=BTCUSDT&amount=8500.00000001&type=1")
    assert (response.status_code, response.data) == (400, CROSS_INSUFFICIENT)
    entry = last_journal_entry(caller)
    assert entry["code"] == -4050
    assert entry["explanation"].startswith("adding 8500.00000001 USDT, available 8500")
    assert isolated_figures(caller) == ("1500.00000000",) * 4
    assert adjust(caller, "symbol=BTCUSDT&amount=8500&type=1").data == adjusted("8500.0", 1)
    assert available(caller) == "0.00000000"
    assert adjust(caller, "symbol=BTCUSDT&amount=0.00000001&type=1").data == CROSS_INSUFFICIENT


def test_available_counts_other_positions_and_orders(caller: Caller) -> None:
    seed_account(caller, wallet={"USDT": "2000"})
    isolated_btc(caller)  # 1500 isolated
    seed_symbol(caller, "ETHUSDT", positionAmt="1", entryPrice="2000")  # 100 cross initial margin
    seed_symbol(caller, "SOLUSDT", openOrders=[{"price": "100", "quantity": "20"}])  # 100 reserved
    assert available(caller) == "300.00000000"
    assert adjust(caller, "symbol=BTCUSDT&amount=300.1&type=1").data == CROSS_INSUFFICIENT
    assert adjust(caller, "symbol=BTCUSDT&amount=300&type=1").data == adjusted("300.0", 1)


def test_reducing_more_than_was_added_is_4051(caller: Caller) -> None:
    isolated_btc(caller)
    nothing_added = adjust(caller, "symbol=BTCUSDT&amount=1&type=2")
    assert (nothing_added.status_code, nothing_added.data) == (400, ISOLATED_INSUFFICIENT)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (-4051, "reducing 1, only 0 was added")
    assert adjust(caller, "symbol=BTCUSDT&amount=100&type=1").data == adjusted("100.0", 1)
    assert adjust(caller, "symbol=BTCUSDT&amount=100.00000001&type=2").data == ISOLATED_INSUFFICIENT
    assert adjust(caller, "symbol=BTCUSDT&amount=100&type=2").data == adjusted("100.0", 2)
    assert isolated_figures(caller) == ("1500.00000000",) * 4


def test_unknown_symbol_is_checked_before_the_amount(caller: Caller) -> None:
    assert adjust(caller, "symbol=NOPEUSDT&amount=0&type=1").data == INVALID_SYMBOL


@pytest.mark.parametrize("amount", ["1e2", "1E-999999", "0x10", "1_000", "NaN", "Infinity", "1." + "0" * 19, "+5"])
def test_amount_must_be_a_plain_decimal(caller: Caller, amount: str) -> None:
    """Exponent notation would let one call store a number whose text is megabytes long; Binance's DECIMAL is plain."""
    isolated_btc(caller)
    response = adjust(caller, f"symbol=BTCUSDT&amount={amount.replace('+', '%2B')}&type=1")
    assert (response.status_code, response.data) == (400, mandatory("amount"))
    assert isolated_figures(caller)[0] == "1500.00000000"


def test_the_largest_seedable_position_still_reads(caller: Caller) -> None:
    """18 digits either side of the point, times an equally large price: the reads stay 200 with exact figures."""
    big = "9" * 17 + "." + "9" * 18
    seed_symbol(caller, "BTCUSDT", positionAmt=big, entryPrice=big, leverage=1)
    for path in ("/fapi/v2/account", "/fapi/v3/account", "/fapi/v2/positionRisk", "/fapi/v3/positionRisk"):
        response = caller.signed("GET", path, "symbol=BTCUSDT" if "positionRisk" in path else "")
        assert response.status_code == 200, (path, response.data[:200])
