"""POST /fapi/v1/leverage and GET /fapi/v1/leverageBracket, with the real per-symbol brackets.

maxNotionalValue is the largest notionalCap among the symbol's brackets whose initialLeverage is at least the
leverage; a leverage above bracket 1's initialLeverage (or 0) is -4028. Then, in order: -4161 (ISOLATED with a
position, reduced), -2027 (the position is over the new cap), -2028 (the lower leverage needs more margin than the
cross wallet holds). The expected values are copied from the bracket data captured on 2024-10-24.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from helpers import ED25519_KEY, HMAC_KEY, KEYS, Caller, compact, seed_account, seed_symbol

LEVERAGE = "/fapi/v1/leverage"
BRACKETS = "/fapi/v1/leverageBracket"
INVALID_SYMBOL = b'{"code":-1121,"msg":"Invalid symbol."}'
NO_SYMBOL = b'{"code":-1102,"msg":"Mandatory parameter \'symbol\' was not sent, was empty/null, or malformed."}'
NO_LEVERAGE = b'{"code":-1102,"msg":"Mandatory parameter \'leverage\' was not sent, was empty/null, or malformed."}'
ISOLATED_REDUCTION = (
    b'{"code":-4161,"msg":"Leverage reduction is not supported in Isolated Margin Mode with open positions."}'
)
OVER_CAP = b'{"code":-2027,"msg":"Exceeded the maximum allowable position at current leverage."}'
INSUFFICIENT_MARGIN = b'{"code":-2028,"msg":"Leverage is smaller than permitted: insufficient margin balance."}'
SUCCESS = b'{"code":200,"msg":"success"}'

# BTCUSDT's brackets: (bracket, initialLeverage, notionalCap, notionalFloor, maintMarginRatio, cum).
BTCUSDT_BRACKETS = [
    (1, 125, 50000, 0, 0.004, 0.0),
    (2, 100, 600000, 50000, 0.005, 50.0),
    (3, 75, 3000000, 600000, 0.0065, 950.0),
    (4, 50, 12000000, 3000000, 0.01, 11450.0),
    (5, 25, 70000000, 12000000, 0.02, 131450.0),
    (6, 20, 100000000, 70000000, 0.025, 481450.0),
    (7, 10, 230000000, 100000000, 0.05, 2981450.0),
    (8, 5, 480000000, 230000000, 0.1, 14481450.0),
    (9, 4, 600000000, 480000000, 0.125, 26481450.0),
    (10, 3, 800000000, 600000000, 0.15, 41481450.0),
    (11, 2, 1200000000, 800000000, 0.25, 121481450.0),
    (12, 1, 1800000000, 1200000000, 0.5, 421481450.0),
]
BRACKET_FIELDS = ("bracket", "initialLeverage", "notionalCap", "notionalFloor", "maintMarginRatio", "cum")


def set_leverage(caller: Caller, symbol: str, leverage: object, **options: object) -> Any:
    return caller.signed("POST", LEVERAGE, f"symbol={symbol}&leverage={leverage}", **options)  # type: ignore[arg-type]


def control_settings(caller: Caller, symbol: str) -> tuple[str, int]:
    symbols = caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"]  # type: ignore[index]
    state = symbols.get(symbol, {"marginType": "CROSSED", "leverage": 20})
    return state["marginType"], state["leverage"]


def leverage_body(symbol: str, leverage: int, cap: str) -> bytes:
    return b'{"leverage":%d,"maxNotionalValue":"%s","symbol":"%s"}' % (leverage, cap.encode(), symbol.encode())


def last_journal_entry(caller: Caller) -> dict[str, Any]:
    entry: dict[str, Any] = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    return entry


# --- success and maxNotionalValue ---
@pytest.mark.parametrize(
    ("symbol", "leverage", "cap"),
    [
        ("BTCUSDT", 20, "100000000"),
        ("BTCUSDT", 15, "100000000"),
        ("BTCUSDT", 21, "70000000"),
        ("BTCUSDT", 26, "12000000"),
        ("BTCUSDT", 101, "50000"),
        ("BTCUSDT", 125, "50000"),
        ("BTCUSDT", 100, "600000"),
        ("BTCUSDT", 10, "230000000"),
        ("BTCUSDT", 1, "1800000000"),
        ("ETHUSDT", 20, "65000000"),
        ("ETHUSDT", 125, "50000"),
        ("SOLUSDT", 20, "8000000"),
        ("SOLUSDT", 100, "20000"),
        ("BNBUSDT", 20, "3000000"),
        ("XRPUSDT", 20, "1600000"),
        ("XRPUSDT", 75, "10000"),
        ("DOGEUSDT", 20, "1600000"),
        ("ADAUSDT", 20, "1000000"),
        ("LTCUSDT", 20, "1000000"),
        ("LINKUSDT", 20, "800000"),
        ("AVAXUSDT", 75, "5000"),
        ("BTCUSDC", 20, "80000000"),
        ("ETHUSDC", 20, "50000000"),
        ("BTCUSDT_261225", 50, "50000"),
        ("BTCUSDT_261225", 20, "375000"),
        ("ETHUSDT_270326", 20, "375000"),
    ],
)
def test_success_body_and_max_notional(caller: Caller, symbol: str, leverage: int, cap: str) -> None:
    response = set_leverage(caller, symbol, leverage)
    assert (response.status_code, response.data) == (200, leverage_body(symbol, leverage, cap))
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    assert control_settings(caller, symbol) == ("CROSSED", leverage)
    config = caller.signed("GET", "/fapi/v1/symbolConfig", f"symbol={symbol}")
    assert config.data == compact(
        [
            {
                "symbol": symbol,
                "marginType": "CROSSED",
                "isAutoAddMargin": False,
                "leverage": leverage,
                "maxNotionalValue": cap,
            }
        ]
    )
    [row] = caller.signed("GET", "/fapi/v2/positionRisk", f"symbol={symbol}").json  # type: ignore[misc]
    assert (row["leverage"], row["maxNotionalValue"]) == (str(leverage), cap)
    positions = caller.signed("GET", "/fapi/v2/account", "").json["positions"]  # type: ignore[index]
    [account_row] = [p for p in positions if p["symbol"] == symbol]
    assert (account_row["leverage"], account_row["maxNotional"]) == (str(leverage), cap)


def test_default_leverage_is_20_with_its_cap(caller: Caller) -> None:
    config = caller.signed("GET", "/fapi/v1/symbolConfig", "symbol=ETHUSDT").json
    assert config == [
        {
            "symbol": "ETHUSDT",
            "marginType": "CROSSED",
            "isAutoAddMargin": False,
            "leverage": 20,
            "maxNotionalValue": "65000000",
        }
    ]


def test_setting_the_same_leverage_again_succeeds(caller: Caller) -> None:
    assert set_leverage(caller, "BTCUSDT", 20).data == leverage_body("BTCUSDT", 20, "100000000")
    assert set_leverage(caller, "BTCUSDT", 20).data == leverage_body("BTCUSDT", 20, "100000000")


@pytest.mark.parametrize("where", ["query", "body"])
def test_params_in_query_or_body(caller: Caller, where: str) -> None:
    response = set_leverage(caller, "DOTUSDT", 3, where=where)
    assert (response.status_code, response.data) == (200, leverage_body("DOTUSDT", 3, "10000000"))


def test_accounts_are_separate(caller: Caller) -> None:
    assert set_leverage(caller, "BTCUSDT", 5).status_code == 200
    other = caller.signed("GET", "/fapi/v1/symbolConfig", "symbol=BTCUSDT", key=KEYS["ED25519"]).json
    assert other[0]["leverage"] == 20  # type: ignore[index]
    assert caller.client.get(f"/__mock__/accounts/{ED25519_KEY}").json["symbols"] == {}  # type: ignore[index]


# --- parameter rows ---
@pytest.mark.parametrize(
    ("params", "body"),
    [
        ("leverage=10", NO_SYMBOL),
        ("symbol=&leverage=10", NO_SYMBOL),
        ("symbol=BTCUSDT", NO_LEVERAGE),
        ("symbol=BTCUSDT&leverage=", NO_LEVERAGE),
        ("symbol=BTCUSDT&leverage=1.5", NO_LEVERAGE),
        ("symbol=BTCUSDT&leverage=10.0", NO_LEVERAGE),
        ("symbol=BTCUSDT&leverage=abc", NO_LEVERAGE),
        ("symbol=BTCUSDT&leverage=-1", NO_LEVERAGE),
        ("symbol=BTCUSDT&leverage=1e1", NO_LEVERAGE),
        ("symbol=NOPEUSDT&leverage=10", INVALID_SYMBOL),
        ("symbol=btcusdt&leverage=10", INVALID_SYMBOL),
        ("symbol=NOPEUSDT&leverage=abc", NO_LEVERAGE),
        ("symbol=NOPEUSDT&leverage=500", INVALID_SYMBOL),
    ],
)
def test_parameter_rows(caller: Caller, params: str, body: bytes) -> None:
    response = caller.signed("POST", LEVERAGE, params)
    assert (response.status_code, response.data) == (400, body)
    assert caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"] == {}  # type: ignore[index]


@pytest.mark.parametrize(
    ("symbol", "leverage", "max_leverage"),
    [
        ("BTCUSDT", "126", 125),
        ("BTCUSDT", "0", 125),
        ("BTCUSDT", "1000", 125),
        ("XRPUSDT", "76", 75),
        ("XRPUSDT", "0", 75),
        ("SOLUSDT", "101", 100),
        ("AVAXUSDT", "125", 75),
        ("BTCUSDT_261225", "51", 50),
        ("ETHUSDT_261225", "75", 50),
    ],
)
def test_leverage_outside_the_symbols_range_is_4028(
    caller: Caller, symbol: str, leverage: str, max_leverage: int
) -> None:
    response = set_leverage(caller, symbol, leverage)
    expected = b'{"code":-4028,"msg":"Leverage %s is not valid"}' % leverage.encode()
    assert (response.status_code, response.data) == (400, expected)
    assert control_settings(caller, symbol) == ("CROSSED", 20)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (
        -4028,
        f"{symbol} allows leverage 1 to {max_leverage} (its first bracket's initialLeverage)",
    )


def test_every_symbols_maximum_is_its_first_brackets_leverage(caller: Caller) -> None:
    for entry in caller.signed("GET", BRACKETS, "").json:  # type: ignore[union-attr]
        symbol, top = entry["symbol"], entry["brackets"][0]
        at_max = set_leverage(caller, symbol, top["initialLeverage"])
        assert at_max.data == leverage_body(symbol, top["initialLeverage"], str(top["notionalCap"])), symbol
        above = set_leverage(caller, symbol, top["initialLeverage"] + 1)
        assert above.json == {"code": -4028, "msg": f"Leverage {top['initialLeverage'] + 1} is not valid"}, symbol


def test_seeding_stops_at_the_first_brackets_leverage(caller: Caller) -> None:
    refused = caller.client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/XRPUSDT", json={"leverage": 76})
    assert refused.status_code == 400
    seed_symbol(caller, "XRPUSDT", leverage=75)
    assert control_settings(caller, "XRPUSDT") == ("CROSSED", 75)


# --- state rows ---
def test_isolated_position_cannot_reduce_leverage(caller: Caller) -> None:
    seed_symbol(caller, "ETHUSDT", marginType="ISOLATED", leverage=20, positionAmt="1", entryPrice="2500")
    reduced = set_leverage(caller, "ETHUSDT", 19)
    assert (reduced.status_code, reduced.data) == (400, ISOLATED_REDUCTION)
    assert control_settings(caller, "ETHUSDT") == ("ISOLATED", 20)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (
        -4161,
        "ETHUSDT is ISOLATED with a position at 20x; 19x would reduce it",
    )
    same = set_leverage(caller, "ETHUSDT", 20)
    assert (same.status_code, same.data) == (200, leverage_body("ETHUSDT", 20, "65000000"))
    raised = set_leverage(caller, "ETHUSDT", 50)
    assert (raised.status_code, raised.data) == (200, leverage_body("ETHUSDT", 50, "12000000"))
    assert control_settings(caller, "ETHUSDT") == ("ISOLATED", 50)


@pytest.mark.parametrize(
    "state",
    [
        {"marginType": "ISOLATED", "leverage": 20},
        {"marginType": "ISOLATED", "leverage": 20, "openOrders": 2},
        {"marginType": "CROSSED", "leverage": 20, "positionAmt": "1", "entryPrice": "2500"},
    ],
    ids=["isolated-flat", "isolated-orders-only", "crossed-position"],
)
def test_reduction_is_fine_without_an_isolated_position(caller: Caller, state: dict[str, object]) -> None:
    seed_symbol(caller, "ETHUSDT", **state)
    response = set_leverage(caller, "ETHUSDT", 10)
    assert (response.status_code, response.data) == (200, leverage_body("ETHUSDT", 10, "150000000"))


def test_isolated_reduction_is_checked_before_the_margin(caller: Caller) -> None:
    seed_account(caller, wallet={"USDT": "1"})
    seed_symbol(caller, "BTCUSDT", marginType="ISOLATED", leverage=50, positionAmt="-1", entryPrice="60000")
    assert set_leverage(caller, "BTCUSDT", 2).data == ISOLATED_REDUCTION


def test_a_hedged_isolated_short_leg_blocks_reduction(caller: Caller) -> None:
    seed_account(caller, dualSidePosition=True)
    seed_symbol(caller, "BTCUSDT", marginType="ISOLATED", positionSide="SHORT", positionAmt="-0.01")
    assert set_leverage(caller, "BTCUSDT", 5).data == ISOLATED_REDUCTION


def test_position_over_the_new_cap_is_2027(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="1", entryPrice="60000")
    for leverage in (125, 101):
        response = set_leverage(caller, "BTCUSDT", leverage)
        assert (response.status_code, response.data) == (400, OVER_CAP)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (
        -2027,
        "the position's notional 60000 is over 50000, the cap at 101x",
    )
    assert control_settings(caller, "BTCUSDT") == ("CROSSED", 20)
    assert set_leverage(caller, "BTCUSDT", 100).data == leverage_body("BTCUSDT", 100, "600000")


def test_isolated_increase_over_the_cap_is_2027(caller: Caller) -> None:
    seed_symbol(caller, "SOLUSDT", marginType="ISOLATED", positionAmt="-150", entryPrice="140")
    assert set_leverage(caller, "SOLUSDT", 100).data == OVER_CAP  # 21000 > 20000
    assert set_leverage(caller, "SOLUSDT", 75).data == leverage_body("SOLUSDT", 75, "100000")


def test_hedge_legs_count_together_against_the_cap(caller: Caller) -> None:
    seed_account(caller, dualSidePosition=True)
    seed_symbol(caller, "BTCUSDT", positionSide="LONG", positionAmt="0.5", entryPrice="60000")
    seed_symbol(caller, "BTCUSDT", positionSide="SHORT", positionAmt="-0.5", entryPrice="60000")
    # Each leg's 30000 is under bracket 1's 50000; together they are over it.
    assert set_leverage(caller, "BTCUSDT", 125).data == OVER_CAP


def test_lower_leverage_needing_more_margin_than_the_wallet_is_2028(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="1", entryPrice="60000")  # 3000 USDT initial margin at 20x
    short = set_leverage(caller, "BTCUSDT", 5)  # 12000 > 10000
    assert (short.status_code, short.data) == (400, INSUFFICIENT_MARGIN)
    entry = last_journal_entry(caller)
    assert (entry["code"], entry["explanation"]) == (
        -2028,
        "at 5x the initial margin 12000 USDT is more than the cross wallet 10000",
    )
    assert control_settings(caller, "BTCUSDT") == ("CROSSED", 20)
    exact = set_leverage(caller, "BTCUSDT", 6)  # 10000: the whole wallet, and no more
    assert (exact.status_code, exact.data) == (200, leverage_body("BTCUSDT", 6, "230000000"))


def test_2028_follows_a_seeded_wallet_and_open_orders(caller: Caller) -> None:
    seed_account(caller, wallet={"USDT": "1000"})
    seed_symbol(caller, "ETHUSDT", openOrders=[{"price": "2000", "quantity": "5"}])  # 10000 notional, 500 at 20x
    assert set_leverage(caller, "ETHUSDT", 10).data == leverage_body("ETHUSDT", 10, "150000000")  # 1000
    assert set_leverage(caller, "ETHUSDT", 9).data == INSUFFICIENT_MARGIN  # 1111.1...
    # Raising the leverage never needs more margin.
    seed_account(caller, wallet={"USDT": "0"})
    assert set_leverage(caller, "ETHUSDT", 11).status_code == 200


def test_2028_counts_the_symbols_margin_asset(caller: Caller) -> None:
    # BTCUSDC is margined in USDC, and the default wallet holds USDT only.
    seed_symbol(caller, "BTCUSDC", positionAmt="0.001", entryPrice="60000")
    assert set_leverage(caller, "BTCUSDC", 10).data == INSUFFICIENT_MARGIN
    seed_account(caller, wallet={"USDC": "6"})
    assert set_leverage(caller, "BTCUSDC", 10).data == leverage_body("BTCUSDC", 10, "150000000")


def test_leverage_and_margin_type_change_independently(caller: Caller) -> None:
    seed_symbol(caller, "XRPUSDT", marginType="ISOLATED")
    assert set_leverage(caller, "XRPUSDT", 7).status_code == 200
    assert control_settings(caller, "XRPUSDT") == ("ISOLATED", 7)
    assert caller.margin_type("XRPUSDT", "CROSSED").data == SUCCESS
    assert control_settings(caller, "XRPUSDT") == ("CROSSED", 7)
    assert caller.margin_type("XRPUSDT", "ISOLATED").data == SUCCESS
    assert set_leverage(caller, "XRPUSDT", 3).status_code == 200
    assert control_settings(caller, "XRPUSDT") == ("ISOLATED", 3)
    config = caller.signed("GET", "/fapi/v1/symbolConfig", "symbol=XRPUSDT").json
    assert config == [
        {
            "symbol": "XRPUSDT",
            "marginType": "ISOLATED",
            "isAutoAddMargin": False,
            "leverage": 3,
            "maxNotionalValue": "20000000",
        }
    ]


# --- GET /fapi/v1/leverageBracket ---
def test_brackets_of_one_symbol_are_a_one_element_list(caller: Caller) -> None:
    response = caller.signed("GET", BRACKETS, "symbol=BTCUSDT")
    assert response.status_code == 200
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    expected = [
        {"symbol": "BTCUSDT", "brackets": [dict(zip(BRACKET_FIELDS, b, strict=True)) for b in BTCUSDT_BRACKETS]}
    ]
    assert response.data == compact(expected)
    assert response.data.startswith(
        b'[{"symbol":"BTCUSDT","brackets":[{"bracket":1,"initialLeverage":125,"notionalCap":50000,'
        b'"notionalFloor":0,"maintMarginRatio":0.004,"cum":0.0},'
    )


def test_brackets_of_every_symbol_without_a_symbol(caller: Caller) -> None:
    response = caller.signed("GET", BRACKETS, "")
    assert response.status_code == 200
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    listing = response.json
    catalogue = [s["symbol"] for s in caller.client.get("/fapi/v1/exchangeInfo").json["symbols"]]  # type: ignore[index]
    assert [entry["symbol"] for entry in listing] == catalogue  # type: ignore[union-attr]
    assert len(catalogue) == 98
    for entry in listing:  # type: ignore[union-attr]
        assert list(entry) == ["symbol", "brackets"], entry["symbol"]  # no notionalCoef on an unadjusted account
        brackets = entry["brackets"]
        assert brackets, entry["symbol"]
        floor = 0
        for number, bracket in enumerate(brackets, start=1):
            assert list(bracket) == list(BRACKET_FIELDS)
            assert bracket["bracket"] == number and bracket["notionalFloor"] == floor, entry["symbol"]
            assert all(type(bracket[f]) is int for f in BRACKET_FIELDS[:4])
            assert type(bracket["maintMarginRatio"]) is float and type(bracket["cum"]) is float
            floor = bracket["notionalCap"]
        leverages = [b["initialLeverage"] for b in brackets]
        assert leverages == sorted(leverages, reverse=True) and leverages[-1] >= 1, entry["symbol"]
        # Every symbol's brackets are the same list whether asked alone or with all the others.
        if entry["symbol"] in ("ETHUSDT", "BTCUSDT_261225", "DOTUSDT"):
            alone = caller.signed("GET", BRACKETS, f"symbol={entry['symbol']}").json
            assert alone == [entry]


@pytest.mark.parametrize(
    ("symbol", "count", "top_leverage", "top_cap"),
    [
        ("BTCUSDT", 12, 125, 50000),
        ("ETHUSDT", 12, 125, 50000),
        ("SOLUSDT", 10, 100, 20000),
        ("BNBUSDT", 10, 75, 10000),
        ("XRPUSDT", 10, 75, 10000),
        ("DOGEUSDT", 10, 75, 10000),
        ("ADAUSDT", 10, 75, 10000),
        ("LTCUSDT", 10, 75, 10000),
        ("LINKUSDT", 10, 75, 10000),
        ("TRXUSDT", 10, 75, 10000),
        ("DOTUSDT", 10, 75, 10000),
        ("AVAXUSDT", 10, 75, 5000),
        ("BTCUSDC", 10, 125, 50000),
        ("ETHUSDC", 11, 125, 50000),
        ("BTCUSDT_261225", 8, 50, 50000),
        ("BTCUSDT_270326", 8, 50, 50000),
        ("ETHUSDT_261225", 8, 50, 50000),
        ("ETHUSDT_270326", 8, 50, 50000),
    ],
)
def test_real_tables_per_symbol(caller: Caller, symbol: str, count: int, top_leverage: int, top_cap: int) -> None:
    [entry] = caller.signed("GET", BRACKETS, f"symbol={symbol}").json  # type: ignore[misc]
    brackets = entry["brackets"]
    assert (len(brackets), brackets[0]["initialLeverage"], brackets[0]["notionalCap"]) == (count, top_leverage, top_cap)


def test_first_bracket_leverages_across_the_catalogue(caller: Caller) -> None:
    tops = Counter(e["brackets"][0]["initialLeverage"] for e in caller.signed("GET", BRACKETS, "").json)  # type: ignore[union-attr]
    assert (tops[75], tops[50], tops[125], tops[100]) == (47, 36, 4, 2)
    assert set(tops) - {75, 50, 125, 100} <= {20, 21, 25, 26}
    assert sum(tops.values()) == 98


@pytest.mark.parametrize("params", ["symbol=NOPEUSDT", "symbol=btcusdt", "symbol="])
def test_brackets_of_an_unknown_symbol(caller: Caller, params: str) -> None:
    response = caller.signed("GET", BRACKETS, params)
    assert (response.status_code, response.data) == (400, INVALID_SYMBOL)
