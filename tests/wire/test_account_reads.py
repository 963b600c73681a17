"""The account reads: accountConfig, positionRisk v2/v3, account v2/v3, balance v2/v3, with exact bodies.

A new account holds 10000 USDT (updateTime = when it was funded: ccxt drops a balance whose updateTime is 0) and
nothing else. The fake has no market data: mark price is entry price, unrealized profit is zero, and a position's
initial margin is |notional| / leverage, which is what availableBalance loses.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ED25519_KEY, FROZEN_MS, KEYS, Caller, compact, seed_account, seed_symbol

ASSETS = ("USDT", "BTC", "BNB", "ETH", "USDC", "FDUSD", "BNFCR")
ZERO = "0.00000000"
INVALID_SYMBOL = b'{"code":-1121,"msg":"Invalid symbol."}'
ACCOUNT_CONFIG = (
    b'{"feeTier":0,"canTrade":true,"canDeposit":true,"canWithdraw":true,"dualSidePosition":false,'
    b'"updateTime":0,"multiAssetsMargin":false,"tradeGroupId":-1}'
)
TOTAL_NAMES = (
    "totalInitialMargin",
    "totalMaintMargin",
    "totalWalletBalance",
    "totalUnrealizedProfit",
    "totalMarginBalance",
    "totalPositionInitialMargin",
    "totalOpenOrderInitialMargin",
    "totalCrossWalletBalance",
    "totalCrossUnPnl",
    "availableBalance",
    "maxWithdrawAmount",
)


def get(caller: Caller, path: str, params: str = "") -> Any:
    response = caller.signed("GET", path, params)
    assert response.status_code == 200, response.data
    assert response.headers["Content-Length"] == str(len(response.data))
    return response


def catalogue(caller: Caller) -> list[str]:
    return [s["symbol"] for s in caller.client.get("/fapi/v1/exchangeInfo").json["symbols"]]  # type: ignore[index]


def totals(wallet: str = "10000.00000000", im: str = ZERO, mm: str = ZERO, **over: str) -> dict[str, str]:
    """The 11 totals; `over` sets position/order margins, cross wallet and available balance by field name."""
    body = {
        "totalInitialMargin": im,
        "totalMaintMargin": mm,
        "totalWalletBalance": wallet,
        "totalUnrealizedProfit": ZERO,
        "totalMarginBalance": wallet,
        "totalPositionInitialMargin": over.get("position_im", im),
        "totalOpenOrderInitialMargin": over.get("order_im", ZERO),
        "totalCrossWalletBalance": over.get("cross", wallet),
        "totalCrossUnPnl": ZERO,
        "availableBalance": over.get("available", wallet),
        "maxWithdrawAmount": over.get("available", wallet),
    }
    return body


def asset_row(asset: str, wallet: str, update_time: int, *, v2: bool, **over: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "asset": asset,
        "walletBalance": wallet,
        "unrealizedProfit": ZERO,
        "marginBalance": wallet,
        "maintMargin": over.get("mm", ZERO),
        "initialMargin": over.get("im", ZERO),
        "positionInitialMargin": over.get("position_im", over.get("im", ZERO)),
        "openOrderInitialMargin": over.get("order_im", ZERO),
        "crossWalletBalance": over.get("cross", wallet),
        "crossUnPnl": ZERO,
        "availableBalance": over.get("available", wallet),
        "maxWithdrawAmount": over.get("available", wallet),
    }
    if v2:
        row["marginAvailable"] = True
    row["updateTime"] = update_time
    return row


def default_assets(*, v2: bool, usdt: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    first = usdt or asset_row("USDT", "10000.00000000", FROZEN_MS, v2=v2)
    return [first] + [asset_row(asset, ZERO, 0, v2=v2) for asset in ASSETS[1:]]


def v2_account_header(*, multi_assets: bool = False) -> dict[str, Any]:
    return {
        "feeTier": 0,
        "feeBurn": False,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "updateTime": 0,
        "multiAssetsMargin": multi_assets,
        "tradeGroupId": -1,
    }


def flat_v2_position(symbol: str, cap: str, side: str = "BOTH", leverage: int = 20) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "initialMargin": ZERO,
        "maintMargin": ZERO,
        "unrealizedProfit": ZERO,
        "positionInitialMargin": ZERO,
        "openOrderInitialMargin": ZERO,
        "leverage": str(leverage),
        "isolated": False,
        "entryPrice": "0.0",
        "maxNotional": cap,
        "bidNotional": "0",
        "askNotional": "0",
        "positionSide": side,
        "positionAmt": "0",
        "updateTime": 0,
    }


BTC_POSITION_V3 = {
    "symbol": "BTCUSDT",
    "positionSide": "BOTH",
    "positionAmt": "0.5",
    "entryPrice": "60000",
    "breakEvenPrice": "60000",
    "markPrice": "60000.00000000",
    "unRealizedProfit": ZERO,
    "liquidationPrice": "0",
    "isolatedMargin": ZERO,
    "notional": "30000.00000000",
    "marginAsset": "USDT",
    "isolatedWallet": ZERO,
    "initialMargin": "1500.00000000",
    "maintMargin": "120.00000000",
    "positionInitialMargin": "1500.00000000",
    "openOrderInitialMargin": ZERO,
    "adl": 0,
    "bidNotional": "0",
    "askNotional": "0",
    "updateTime": FROZEN_MS,
}


# --- accountConfig ---
def test_account_config_exact_body(caller: Caller) -> None:
    response = get(caller, "/fapi/v1/accountConfig")
    assert response.data == ACCOUNT_CONFIG
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"


def test_account_config_follows_position_mode_and_multi_assets(caller: Caller) -> None:
    assert caller.signed("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=true").status_code == 200
    assert get(caller, "/fapi/v1/accountConfig").data == ACCOUNT_CONFIG.replace(
        b'"dualSidePosition":false', b'"dualSidePosition":true'
    )
    assert caller.signed("POST", "/fapi/v1/multiAssetsMargin", "multiAssetsMargin=true").status_code == 200
    config = get(caller, "/fapi/v1/accountConfig")
    assert config.json == {
        "feeTier": 0,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "dualSidePosition": True,
        "updateTime": 0,
        "multiAssetsMargin": True,
        "tradeGroupId": -1,
    }
    # The same flags as the endpoints that own them.
    assert get(caller, "/fapi/v1/positionSide/dual").json == {"dualSidePosition": True}
    assert get(caller, "/fapi/v1/multiAssetsMargin").json == {"multiAssetsMargin": True}
    assert get(caller, "/fapi/v2/account").json["multiAssetsMargin"] is True
    assert caller.signed("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=false").status_code == 200
    assert get(caller, "/fapi/v1/accountConfig").json["dualSidePosition"] is False


# --- positionRisk v3 ---
def test_position_risk_v3_of_an_empty_account(caller: Caller) -> None:
    response = get(caller, "/fapi/v3/positionRisk")
    assert response.data == b"[]"
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"
    assert get(caller, "/fapi/v3/positionRisk", "symbol=BTCUSDT").data == b"[]"


def test_position_risk_v3_lists_a_seeded_position(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0.5", entryPrice="60000")
    assert get(caller, "/fapi/v3/positionRisk").data == compact([BTC_POSITION_V3])
    assert get(caller, "/fapi/v3/positionRisk", "symbol=BTCUSDT").data == compact([BTC_POSITION_V3])
    assert get(caller, "/fapi/v3/positionRisk", "symbol=ETHUSDT").data == b"[]"


def test_position_risk_v3_position_without_an_entry_price_opens_at_a_non_zero_price(caller: Caller) -> None:
    seed_symbol(caller, "ETHUSDT", positionAmt="-2")
    [row] = get(caller, "/fapi/v3/positionRisk").json
    assert (row["positionAmt"], row["entryPrice"], row["notional"]) == ("-2", "100", "-200.00000000")
    assert type(row["adl"]) is int and type(row["updateTime"]) is int and row["updateTime"] == FROZEN_MS
    assert all(type(v) is str for k, v in row.items() if k not in ("adl", "updateTime"))


def test_position_risk_v3_lists_a_symbol_with_only_open_orders(caller: Caller) -> None:
    seed_symbol(caller, "ETHUSDT", openOrders=[{"side": "SELL", "price": "3000", "quantity": "0.1"}])
    assert get(caller, "/fapi/v3/positionRisk").data == compact(
        [
            {
                "symbol": "ETHUSDT",
                "positionSide": "BOTH",
                "positionAmt": "0",
                "entryPrice": "0.0",
                "breakEvenPrice": "0.0",
                "markPrice": ZERO,
                "unRealizedProfit": ZERO,
                "liquidationPrice": "0",
                "isolatedMargin": ZERO,
                "notional": ZERO,
                "marginAsset": "USDT",
                "isolatedWallet": ZERO,
                "initialMargin": "15.00000000",
                "maintMargin": ZERO,
                "positionInitialMargin": ZERO,
                "openOrderInitialMargin": "15.00000000",
                "adl": 0,
                "bidNotional": "0",
                "askNotional": "0",
                "updateTime": 0,
            }
        ]
    )
    assert caller.signed("DELETE", "/fapi/v1/allOpenOrders", "symbol=ETHUSDT").status_code == 200
    assert get(caller, "/fapi/v3/positionRisk").data == b"[]"


def test_position_risk_v3_margin_asset_of_a_usdc_contract(caller: Caller) -> None:
    seed_symbol(caller, "ETHUSDC", positionAmt="1", entryPrice="2000")
    [row] = get(caller, "/fapi/v3/positionRisk").json
    assert (row["symbol"], row["marginAsset"], row["notional"]) == ("ETHUSDC", "USDC", "2000.00000000")


@pytest.mark.parametrize("path", ["/fapi/v2/positionRisk", "/fapi/v3/positionRisk"])
@pytest.mark.parametrize("params", ["symbol=NOPEUSDT", "symbol=btcusdt", "symbol="])
def test_position_risk_of_an_unknown_symbol(caller: Caller, path: str, params: str) -> None:
    response = caller.signed("GET", path, params)
    assert (response.status_code, response.data) == (400, INVALID_SYMBOL)


# --- positionRisk v2 ---
def test_position_risk_v2_lists_every_symbol(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0.5", entryPrice="60000")
    response = get(caller, "/fapi/v2/positionRisk")
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"
    rows = response.json
    assert [r["symbol"] for r in rows] == catalogue(caller)
    assert {r["positionSide"] for r in rows} == {"BOTH"}
    by_symbol = {r["symbol"]: r for r in rows}
    assert compact(by_symbol["ETHUSDT"]) == compact(
        {
            "symbol": "ETHUSDT",
            "positionAmt": "0",
            "entryPrice": "0.0",
            "breakEvenPrice": "0.0",
            "markPrice": ZERO,
            "unRealizedProfit": ZERO,
            "liquidationPrice": "0",
            "leverage": "20",
            "maxNotionalValue": "65000000",
            "marginType": "cross",
            "isolatedMargin": ZERO,
            "isAutoAddMargin": "false",
            "positionSide": "BOTH",
            "notional": "0",
            "isolatedWallet": "0",
            "updateTime": 0,
        }
    )
    assert compact(by_symbol["BTCUSDT"]) == compact(
        {
            "symbol": "BTCUSDT",
            "positionAmt": "0.5",
            "entryPrice": "60000",
            "breakEvenPrice": "60000",
            "markPrice": "60000.00000000",
            "unRealizedProfit": ZERO,
            "liquidationPrice": "0",
            "leverage": "20",
            "maxNotionalValue": "100000000",
            "marginType": "cross",
            "isolatedMargin": ZERO,
            "isAutoAddMargin": "false",
            "positionSide": "BOTH",
            "notional": "30000.00000000",
            "isolatedWallet": "0",
            "updateTime": FROZEN_MS,
        }
    )
    for row in rows:
        assert type(row["updateTime"]) is int
        assert all(type(v) is str for k, v in row.items() if k != "updateTime"), row["symbol"]


def test_position_risk_v2_isolated_position(caller: Caller) -> None:
    seed_symbol(caller, "SOLUSDT", marginType="ISOLATED", leverage=10, positionAmt="-10", entryPrice="150")
    [row] = get(caller, "/fapi/v2/positionRisk", "symbol=SOLUSDT").json
    assert (row["marginType"], row["isolatedMargin"], row["isolatedWallet"]) == (
        "isolated",
        "150.00000000",
        "150.00000000",
    )
    assert (row["leverage"], row["maxNotionalValue"], row["notional"]) == ("10", "40000000", "-1500.00000000")


# --- account and balance ---
def test_account_v3_default(caller: Caller) -> None:
    response = get(caller, "/fapi/v3/account")
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"
    assert response.data == compact({**totals(), "assets": default_assets(v2=False), "positions": []})
    assert all("marginAvailable" not in a for a in response.json["assets"])


def test_account_v2_default(caller: Caller) -> None:
    response = get(caller, "/fapi/v2/account")
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"
    body = response.json
    symbols = catalogue(caller)
    assert [p["symbol"] for p in body["positions"]] == symbols
    caps = {"BTCUSDT": "100000000", "ETHUSDT": "65000000", "XRPUSDT": "1600000"}
    for position in body["positions"]:
        if position["symbol"] in caps:
            assert compact(position) == compact(flat_v2_position(position["symbol"], caps[position["symbol"]]))
    without_positions = {k: v for k, v in body.items() if k != "positions"}
    assert compact(without_positions) == compact({**v2_account_header(), **totals(), "assets": default_assets(v2=True)})
    assert list(body)[-2:] == ["assets", "positions"]


@pytest.mark.parametrize("path", ["/fapi/v2/balance", "/fapi/v3/balance"])
def test_balance_default(caller: Caller, path: str) -> None:
    response = get(caller, path)
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"
    rows = response.json
    alias = rows[0]["accountAlias"]
    assert isinstance(alias, str) and 1 <= len(alias) <= 8
    expected = [
        {
            "accountAlias": alias,
            "asset": asset,
            "balance": "10000.00000000" if asset == "USDT" else ZERO,
            "crossWalletBalance": "10000.00000000" if asset == "USDT" else ZERO,
            "crossUnPnl": ZERO,
            "availableBalance": "10000.00000000" if asset == "USDT" else ZERO,
            "maxWithdrawAmount": "10000.00000000" if asset == "USDT" else ZERO,
            "marginAvailable": True,
            "updateTime": FROZEN_MS if asset == "USDT" else 0,
        }
        for asset in ASSETS
    ]
    assert response.data == compact(expected)


def test_balance_alias_is_constant_per_account(caller: Caller) -> None:
    aliases = {r["accountAlias"] for path in ("/fapi/v2/balance", "/fapi/v3/balance") for r in get(caller, path).json}
    assert len(aliases) == 1
    other = caller.signed("GET", "/fapi/v2/balance", "", key=KEYS["ED25519"]).json
    assert {r["accountAlias"] for r in other} != aliases  # type: ignore[union-attr]


def test_totals_follow_a_seeded_wallet(caller: Caller) -> None:
    seed_account(caller, wallet={"USDT": "2500.5", "BTC": "0.1"})
    usdt = asset_row("USDT", "2500.50000000", FROZEN_MS, v2=False)
    btc = asset_row("BTC", "0.10000000", FROZEN_MS, v2=False)
    assets = [usdt, btc] + [asset_row(a, ZERO, 0, v2=False) for a in ASSETS[2:]]
    # Single-Asset mode: the totals are USDT's alone.
    assert get(caller, "/fapi/v3/account").data == compact(
        {**totals("2500.50000000"), "assets": assets, "positions": []}
    )
    balances = {r["asset"]: (r["balance"], r["updateTime"]) for r in get(caller, "/fapi/v3/balance").json}
    assert balances["USDT"] == ("2500.50000000", FROZEN_MS) and balances["BTC"] == ("0.10000000", FROZEN_MS)
    assert balances["ETH"] == (ZERO, 0)


def test_multi_assets_totals_count_the_usd_stablecoins(caller: Caller) -> None:
    seed_account(caller, multiAssetsMargin=True, wallet={"USDT": "100", "USDC": "50"})
    body = get(caller, "/fapi/v2/account").json
    assert body["multiAssetsMargin"] is True
    assert (body["totalWalletBalance"], body["availableBalance"]) == ("150.00000000", "150.00000000")


@pytest.mark.parametrize("path", ["/fapi/v2/account", "/fapi/v3/account"])
def test_multi_assets_every_asset_shows_the_shared_available_balance(caller: Caller, path: str) -> None:
    # The docs' Multi-Assets example: availableBalance is the account's USD figure on every asset row, while
    # walletBalance and maxWithdrawAmount stay each asset's own.
    seed_account(caller, multiAssetsMargin=True, wallet={"USDT": "100", "USDC": "50"})
    seed_symbol(caller, "ETHUSDC", positionAmt="0.1", entryPrice="2000")  # 10 USDC initial margin at 20x
    body = get(caller, path).json
    assert body["availableBalance"] == "140.00000000"
    rows = {a["asset"]: (a["walletBalance"], a["availableBalance"], a["maxWithdrawAmount"]) for a in body["assets"]}
    assert rows["USDT"] == ("100.00000000", "140.00000000", "100.00000000")
    assert rows["USDC"] == ("50.00000000", "140.00000000", "40.00000000")
    assert rows["BTC"] == (ZERO, "140.00000000", ZERO)
    # Single-Asset mode again: each asset shows its own.
    seed_account(caller, multiAssetsMargin=False)
    rows = {a["asset"]: a["availableBalance"] for a in get(caller, path).json["assets"]}
    assert (rows["USDT"], rows["USDC"], rows["BTC"]) == ("100.00000000", "40.00000000", ZERO)


def test_an_empty_wallet_keeps_its_update_time(caller: Caller) -> None:
    seed_account(caller, wallet={"USDT": "0"})
    usdt = get(caller, "/fapi/v2/balance").json[0]
    assert (usdt["asset"], usdt["balance"], usdt["updateTime"]) == ("USDT", ZERO, FROZEN_MS)


def test_a_position_reduces_available_balance_by_its_initial_margin(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0.5", entryPrice="60000")  # 30000 notional at 20x: 1500
    figures = {"im": "1500.00000000", "mm": "120.00000000", "available": "8500.00000000"}
    usdt = asset_row("USDT", "10000.00000000", FROZEN_MS, v2=False, **figures)
    assert get(caller, "/fapi/v3/account").data == compact(
        {
            **totals(**figures),
            "assets": default_assets(v2=False, usdt=usdt),
            "positions": [
                {
                    "symbol": "BTCUSDT",
                    "positionSide": "BOTH",
                    "positionAmt": "0.5",
                    "unrealizedProfit": ZERO,
                    "isolatedMargin": ZERO,
                    "notional": "30000.00000000",
                    "isolatedWallet": ZERO,
                    "initialMargin": "1500.00000000",
                    "maintMargin": "120.00000000",
                    "updateTime": FROZEN_MS,
                }
            ],
        }
    )
    v2 = get(caller, "/fapi/v2/account").json
    assert (v2["availableBalance"], v2["totalInitialMargin"]) == ("8500.00000000", "1500.00000000")
    [btc] = [p for p in v2["positions"] if p["symbol"] == "BTCUSDT"]
    assert compact(btc) == compact(
        {
            "symbol": "BTCUSDT",
            "initialMargin": "1500.00000000",
            "maintMargin": "120.00000000",
            "unrealizedProfit": ZERO,
            "positionInitialMargin": "1500.00000000",
            "openOrderInitialMargin": ZERO,
            "leverage": "20",
            "isolated": False,
            "entryPrice": "60000",
            "maxNotional": "100000000",
            "bidNotional": "0",
            "askNotional": "0",
            "positionSide": "BOTH",
            "positionAmt": "0.5",
            "updateTime": FROZEN_MS,
        }
    )
    [usdt_balance] = [r for r in get(caller, "/fapi/v2/balance").json if r["asset"] == "USDT"]
    assert (usdt_balance["balance"], usdt_balance["availableBalance"]) == ("10000.00000000", "8500.00000000")
    # At 10x the same position holds twice the margin.
    assert caller.signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=10").status_code == 200
    assert get(caller, "/fapi/v3/account").json["availableBalance"] == "7000.00000000"


def test_open_orders_reserve_margin(caller: Caller) -> None:
    seed_symbol(
        caller, "ETHUSDT", openOrders=[{"price": "3000", "quantity": "0.1"}, {"price": "2000", "quantity": "1"}]
    )
    body = get(caller, "/fapi/v3/account").json
    assert (body["totalOpenOrderInitialMargin"], body["totalInitialMargin"], body["availableBalance"]) == (
        "115.00000000",
        "115.00000000",
        "9885.00000000",
    )
    assert [(p["symbol"], p["positionAmt"], p["initialMargin"]) for p in body["positions"]] == [
        ("ETHUSDT", "0", "115.00000000")
    ]


def test_an_isolated_position_leaves_the_cross_wallet(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", marginType="ISOLATED", positionAmt="0.5", entryPrice="60000")
    body = get(caller, "/fapi/v2/account").json
    assert (body["totalWalletBalance"], body["totalCrossWalletBalance"], body["availableBalance"]) == (
        "10000.00000000",
        "8500.00000000",
        "8500.00000000",
    )
    [btc] = [p for p in body["positions"] if p["symbol"] == "BTCUSDT"]
    assert btc["isolated"] is True
    [row] = get(caller, "/fapi/v3/account").json["positions"]
    assert (row["isolatedMargin"], row["isolatedWallet"]) == ("1500.00000000", "1500.00000000")


def test_a_usdc_position_uses_the_usdc_wallet(caller: Caller) -> None:
    seed_account(caller, wallet={"USDC": "1000"})
    seed_symbol(caller, "BTCUSDC", positionAmt="0.1", entryPrice="60000")  # 6000 at 20x: 300 USDC
    assets = {a["asset"]: a for a in get(caller, "/fapi/v3/account").json["assets"]}
    assert (assets["USDC"]["initialMargin"], assets["USDC"]["availableBalance"]) == ("300.00000000", "700.00000000")
    assert assets["USDT"]["availableBalance"] == "10000.00000000"


def test_json_types_of_the_account_reads(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="0.5", entryPrice="60000", openOrders=1)
    v2 = get(caller, "/fapi/v2/account").json
    assert [
        type(v2[k]) for k in ("feeTier", "feeBurn", "canTrade", "updateTime", "multiAssetsMargin", "tradeGroupId")
    ] == [
        int,
        bool,
        bool,
        int,
        bool,
        int,
    ]
    v3 = get(caller, "/fapi/v3/account").json
    for body in (v2, v3):
        assert all(type(body[name]) is str for name in TOTAL_NAMES)
        for asset in body["assets"]:
            assert type(asset["updateTime"]) is int
            assert all(type(v) is str for k, v in asset.items() if k not in ("updateTime", "marginAvailable"))
        for position in body["positions"]:
            assert type(position["updateTime"]) is int
            assert all(type(v) is str for k, v in position.items() if k not in ("updateTime", "isolated"))
    assert list(v3) == [*TOTAL_NAMES, "assets", "positions"]
    for row in get(caller, "/fapi/v3/balance").json:
        assert type(row["marginAvailable"]) is bool and type(row["updateTime"]) is int


def test_accounts_do_not_see_each_other(caller: Caller) -> None:
    seed_symbol(caller, "BTCUSDT", positionAmt="1")
    seed_account(caller, wallet={"USDT": "5"})
    other = caller.signed("GET", "/fapi/v3/account", "", key=KEYS["ED25519"]).json
    assert other["positions"] == [] and other["totalWalletBalance"] == "10000.00000000"  # type: ignore[index]
    assert caller.client.get(f"/__mock__/accounts/{ED25519_KEY}").json["symbols"] == {}  # type: ignore[index]
