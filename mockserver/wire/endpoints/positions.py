"""Position, account and balance reads (v2 and v3), all computed from one snapshot of the account.

v2 lists every requested symbol (both legs in Hedge Mode); v3 lists only symbols with a position or open orders.
Types follow the official SDK's strict models: strings for amounts, ints for times and `adl`, bools for flags.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from mockserver.domain import margin
from mockserver.domain.accounts import ZERO, Account
from mockserver.domain.margin import AssetFigures, Leg
from mockserver.state import MockState
from mockserver.wire.endpoints.common import amount_text, money, requested_symbols
from mockserver.wire.protocol import compact_json
from mockserver.wire.routing import Call

ZERO_MONEY = money(ZERO)


def _legs(state: MockState, account: Account, symbols: list[str]) -> list[Leg]:
    return list(margin.legs(account, state.exchange.catalogue, symbols))


def _listed_in_v3(leg: Leg) -> bool:
    """v3 rows: a leg with a position, or a leg its symbol's open orders rest on."""
    return leg.position.amount != 0 or any(o.position_side == leg.side for o in leg.settings.orders)


def _prices(leg: Leg) -> tuple[str, str]:
    """Entry and mark price: the fake's mark price is the entry price (it has no market data)."""
    if not leg.position.amount:
        return "0.0", ZERO_MONEY
    return amount_text(leg.position.entry_price), money(leg.position.entry_price)


def _position_risk_v2(leg: Leg) -> dict[str, Any]:
    # v2 writes every field as a string but updateTime, and spells margin types `cross`/`isolated`.
    entry, mark = _prices(leg)
    return {
        "symbol": leg.symbol,
        "positionAmt": amount_text(leg.position.amount),
        "entryPrice": entry,
        "breakEvenPrice": entry,
        "markPrice": mark,
        "unRealizedProfit": ZERO_MONEY,
        "liquidationPrice": "0",
        "leverage": str(leg.settings.leverage),
        "maxNotionalValue": str(leg.max_notional),
        "marginType": leg.settings.margin_type.position_risk_spelling,
        "isolatedMargin": money(leg.isolated_wallet),
        "isAutoAddMargin": "false",
        "positionSide": leg.side.value,
        "notional": money(leg.notional) if leg.position.amount else "0",
        "isolatedWallet": money(leg.isolated_wallet) if leg.isolated_wallet else "0",
        "updateTime": leg.position.update_time if leg.position.amount else 0,
    }


def _position_risk_v3(leg: Leg) -> dict[str, Any]:
    entry, mark = _prices(leg)
    return {
        "symbol": leg.symbol,
        "positionSide": leg.side.value,
        "positionAmt": amount_text(leg.position.amount),
        "entryPrice": entry,
        "breakEvenPrice": entry,
        "markPrice": mark,
        "unRealizedProfit": ZERO_MONEY,
        "liquidationPrice": "0",
        "isolatedMargin": money(leg.isolated_wallet),
        "notional": money(leg.notional),
        "marginAsset": leg.margin_asset,
        "isolatedWallet": money(leg.isolated_wallet),
        "initialMargin": money(leg.initial_margin + leg.open_order_initial_margin),
        "maintMargin": money(leg.maint_margin),
        "positionInitialMargin": money(leg.initial_margin),
        "openOrderInitialMargin": money(leg.open_order_initial_margin),
        "adl": 0,
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": leg.position.update_time,
    }


def position_risk_v2(state: MockState, call: Call) -> bytes:
    account = state.exchange.snapshot(call.account)
    return compact_json(
        [_position_risk_v2(leg) for leg in _legs(state, account, requested_symbols(state, call.params))]
    )


def position_risk_v3(state: MockState, call: Call) -> bytes:
    account = state.exchange.snapshot(call.account)
    legs = _legs(state, account, requested_symbols(state, call.params))
    return compact_json([_position_risk_v3(leg) for leg in legs if _listed_in_v3(leg)])


def _totals(figures: AssetFigures) -> dict[str, str]:
    return {
        "totalInitialMargin": money(figures.initial_margin),
        "totalMaintMargin": money(figures.maint_margin),
        "totalWalletBalance": money(figures.wallet_balance),
        "totalUnrealizedProfit": ZERO_MONEY,
        "totalMarginBalance": money(figures.wallet_balance),
        "totalPositionInitialMargin": money(figures.position_initial_margin),
        "totalOpenOrderInitialMargin": money(figures.open_order_initial_margin),
        "totalCrossWalletBalance": money(figures.cross_wallet_balance),
        "totalCrossUnPnl": ZERO_MONEY,
        "availableBalance": money(figures.available_balance),
        "maxWithdrawAmount": money(figures.available_balance),
    }


def _asset(
    figures: AssetFigures, *, with_margin_available: bool, shared_available: Decimal | None = None
) -> dict[str, Any]:
    """One asset row; in Multi-Assets mode every asset's availableBalance is the account's shared USD figure (the
    docs' Multi-Assets example), while maxWithdrawAmount stays the asset's own."""
    available = figures.available_balance if shared_available is None else shared_available
    row: dict[str, Any] = {
        "asset": figures.asset,
        "walletBalance": money(figures.wallet_balance),
        "unrealizedProfit": ZERO_MONEY,
        "marginBalance": money(figures.wallet_balance),
        "maintMargin": money(figures.maint_margin),
        "initialMargin": money(figures.initial_margin),
        "positionInitialMargin": money(figures.position_initial_margin),
        "openOrderInitialMargin": money(figures.open_order_initial_margin),
        "crossWalletBalance": money(figures.cross_wallet_balance),
        "crossUnPnl": ZERO_MONEY,
        "availableBalance": money(available),
        "maxWithdrawAmount": money(figures.available_balance),
    }
    if with_margin_available:
        row["marginAvailable"] = True
    row["updateTime"] = figures.update_time
    return row


def _shared(account: Account, total: AssetFigures) -> Decimal | None:
    return total.available_balance if account.multi_assets_margin else None


def account_v2(state: MockState, call: Call) -> bytes:
    account = state.exchange.snapshot(call.account)
    figures = margin.asset_figures(account, state.exchange.catalogue)
    total = margin.totals(account, figures)
    positions = [
        {
            "symbol": leg.symbol,
            "initialMargin": money(leg.initial_margin + leg.open_order_initial_margin),
            "maintMargin": money(leg.maint_margin),
            "unrealizedProfit": ZERO_MONEY,
            "positionInitialMargin": money(leg.initial_margin),
            "openOrderInitialMargin": money(leg.open_order_initial_margin),
            "leverage": str(leg.settings.leverage),
            "isolated": leg.isolated,
            "entryPrice": _prices(leg)[0],
            "maxNotional": str(leg.max_notional),
            "bidNotional": "0",
            "askNotional": "0",
            "positionSide": leg.side.value,
            "positionAmt": amount_text(leg.position.amount),
            "updateTime": leg.position.update_time,
        }
        for leg in _legs(state, account, list(state.exchange.catalogue))
    ]
    body: dict[str, Any] = {
        "feeTier": 0,
        "feeBurn": False,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "updateTime": 0,
        "multiAssetsMargin": account.multi_assets_margin,
        "tradeGroupId": -1,
        **_totals(total),
        "assets": [_asset(f, with_margin_available=True, shared_available=_shared(account, total)) for f in figures],
        "positions": positions,
    }
    return compact_json(body)


def account_v3(state: MockState, call: Call) -> bytes:
    account = state.exchange.snapshot(call.account)
    figures = margin.asset_figures(account, state.exchange.catalogue)
    total = margin.totals(account, figures)
    positions = [
        {
            "symbol": leg.symbol,
            "positionSide": leg.side.value,
            "positionAmt": amount_text(leg.position.amount),
            "unrealizedProfit": ZERO_MONEY,
            "isolatedMargin": money(leg.isolated_wallet),
            "notional": money(leg.notional),
            "isolatedWallet": money(leg.isolated_wallet),
            "initialMargin": money(leg.initial_margin + leg.open_order_initial_margin),
            "maintMargin": money(leg.maint_margin),
            "updateTime": leg.position.update_time,
        }
        for leg in _legs(state, account, list(account.symbols))
        if _listed_in_v3(leg)
    ]
    body = {
        **_totals(total),
        "assets": [_asset(f, with_margin_available=False, shared_available=_shared(account, total)) for f in figures],
        "positions": positions,
    }
    return compact_json(body)


def account_alias(account_id: str) -> str:
    """An opaque short alias, constant per account, as Binance shows one (e.g. "SgsR")."""
    return hashlib.sha256(account_id.encode()).hexdigest()[:4]


def balance(state: MockState, call: Call) -> bytes:
    account = state.exchange.snapshot(call.account)
    alias = account_alias(call.account)
    return compact_json(
        [
            {
                "accountAlias": alias,
                "asset": f.asset,
                "balance": money(f.wallet_balance),
                "crossWalletBalance": money(f.cross_wallet_balance),
                "crossUnPnl": ZERO_MONEY,
                "availableBalance": money(f.available_balance),
                "maxWithdrawAmount": money(f.available_balance),
                "marginAvailable": True,
                "updateTime": f.update_time,
            }
            for f in margin.asset_figures(account, state.exchange.catalogue)
        ]
    )
