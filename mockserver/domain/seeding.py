"""Seeding: applying a control-API or accounts-file description to an account, all or nothing.

A seed is applied to a copy of the account, checked as a whole, and only then stored by the exchange, so a refused
seed changes nothing. Seeds obey the same cross-endpoint rules as the API (hedge legs only in Hedge Mode, no ISOLATED
symbol under Multi-Assets mode, a mode flip only on a flat account with no orders), so a test cannot build a state
Binance could never be in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from mockserver.domain.accounts import (
    DEFAULT_ENTRY_PRICE,
    ZERO,
    Account,
    MarginType,
    OpenOrder,
    Position,
    PositionSide,
    SeedError,
    SymbolSeed,
    SymbolSettings,
    WalletAsset,
    parse_decimal,
    parse_symbol_seed,
    position_sides,
)
from mockserver.domain.catalogue import SymbolCatalogue
from mockserver.domain.fields import bounded_number, refuse_unknown_fields

MAX_CLOCK_OFFSET_MS = 10 * 365 * 24 * 3600 * 1000
ACCOUNT_FIELDS = ("multiAssetsMargin", "dualSidePosition", "clockOffsetMs", "wallet", "symbols")


def _flag(spec: Mapping[str, Any], name: str) -> bool | None:
    value = spec.get(name)
    if value is not None and not isinstance(value, bool):
        raise SeedError(f"{name} must be true or false")
    return value


def seed_account(
    account: Account,
    spec: Any,
    catalogue: SymbolCatalogue,
    now_ms: int,
    next_order_id: Callable[[], int],
) -> Account:
    """A copy of `account` with `spec` applied: `{"multiAssetsMargin"?, "dualSidePosition"?, "clockOffsetMs"?,
    "wallet"?, "symbols"?}`. Raises SeedError, leaving `account` untouched."""
    if not isinstance(spec, Mapping):
        raise SeedError("an account must be a JSON object")
    refuse_unknown_fields(spec, ACCOUNT_FIELDS, "account", SeedError)
    staged = account.copy()
    dual = _flag(spec, "dualSidePosition")
    if dual is not None and dual != staged.dual_side_position:
        if staged.symbols_with_positions() or staged.symbols_with_orders():
            raise SeedError("dualSidePosition can change only on an account with no positions and no open orders")
        staged.dual_side_position = dual
    multi_assets = _flag(spec, "multiAssetsMargin")
    if multi_assets is not None:
        staged.multi_assets_margin = multi_assets
    clock_offset = spec.get("clockOffsetMs")
    if clock_offset is not None:
        staged.clock_offset_ms = bounded_number(
            clock_offset, "clockOffsetMs", -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS, SeedError
        )
    if "wallet" in spec:
        _seed_wallet(staged, spec["wallet"], catalogue, now_ms)
    symbols = spec.get("symbols", {})
    if not isinstance(symbols, Mapping):
        raise SeedError("symbols must be an object keyed by symbol")
    for symbol, seed in symbols.items():
        if symbol not in catalogue:
            raise SeedError(f"{symbol!r} is not in the symbol catalogue")
        parsed = parse_symbol_seed(seed, symbol, catalogue.brackets(symbol).max_leverage)
        staged.store(symbol, _seed_symbol(staged, symbol, parsed, now_ms, next_order_id))
    if staged.multi_assets_margin and staged.has_isolated_symbol():
        raise SeedError("Multi-Assets mode and an ISOLATED symbol cannot go together (Binance answers -4167/-4168)")
    return staged


def _seed_wallet(account: Account, wallet: Any, catalogue: SymbolCatalogue, now_ms: int) -> None:
    if not isinstance(wallet, Mapping):
        raise SeedError('wallet must be an object of asset balances, e.g. {"USDT": "10000"}')
    for asset, amount in wallet.items():
        if asset not in catalogue.assets:
            raise SeedError(f"wallet: {asset!r} is not a collateral asset ({', '.join(catalogue.assets)})")
        balance = parse_decimal(amount, f"wallet {asset}")
        if balance < 0:
            raise SeedError(f"wallet {asset} must not be negative")
        account.wallet[asset] = WalletAsset(balance, now_ms)


def _leg(account: Account, side: PositionSide | None, amount: Any) -> PositionSide:
    """The leg a seed names, or the mode's natural one: BOTH in One-way Mode; LONG or SHORT by sign in Hedge Mode."""
    sides = position_sides(account.dual_side_position)
    if side is None:
        if not account.dual_side_position:
            return PositionSide.BOTH
        return PositionSide.SHORT if amount is not None and amount < 0 else PositionSide.LONG
    if side not in sides:
        mode = "Hedge Mode (LONG or SHORT)" if account.dual_side_position else "One-way Mode (BOTH)"
        raise SeedError(f"positionSide {side.value} is not a leg of the account's {mode}")
    return side


def _seed_symbol(
    account: Account, symbol: str, seed: SymbolSeed, now_ms: int, next_order_id: Callable[[], int]
) -> SymbolSettings:
    settings = account.settings(symbol)
    if seed.margin_type is not None:
        settings = replace(settings, margin_type=seed.margin_type)
    if seed.leverage is not None:
        settings = replace(settings, leverage=seed.leverage)
    if seed.position_amt is not None or seed.entry_price is not None or seed.position_side is not None:
        side = _leg(account, seed.position_side, seed.position_amt)
        settings = settings.with_position(side, _position(settings.position(side), side, seed, now_ms))
    if seed.orders is not None:
        orders = []
        for order in seed.orders:
            if order.position_side is not None:
                order_side = _leg(account, order.position_side, None)
            elif account.dual_side_position:
                order_side = PositionSide.SHORT if order.side == "SELL" else PositionSide.LONG
            else:
                order_side = PositionSide.BOTH
            order_id = next_order_id()
            orders.append(
                OpenOrder(
                    order_id=order_id,
                    client_order_id=order.client_order_id or f"mock{order_id}",
                    side=order.side,
                    position_side=order_side,
                    price=order.price,
                    quantity=order.quantity,
                    time=now_ms,
                )
            )
        settings = replace(settings, orders=tuple(orders))
    if settings.margin_type is MarginType.CROSSED:
        # Margin added to an isolated leg goes back to the cross wallet when the symbol is seeded CROSSED.
        for side, position in settings.positions:
            settings = settings.with_position(side, replace(position, margin_added=ZERO))
    return settings


def _position(current: Position, side: PositionSide, seed: SymbolSeed, now_ms: int) -> Position:
    amount = seed.position_amt if seed.position_amt is not None else current.amount
    if side is PositionSide.LONG and amount < 0:
        raise SeedError("a LONG leg's positionAmt must not be negative")
    if side is PositionSide.SHORT and amount > 0:
        raise SeedError("a SHORT leg's positionAmt must not be positive (Binance writes short amounts negative)")
    if amount == 0:
        if seed.entry_price is not None:
            raise SeedError("entryPrice needs a non-zero positionAmt")
        return Position()
    entry_price = seed.entry_price or current.entry_price or DEFAULT_ENTRY_PRICE
    return Position(amount, entry_price, current.margin_added, now_ms)
