"""Margin figures of an account, computed from its state: what the account and balance reads show, and what the
leverage and position-margin rules check.

The fake has no market data: mark price is entry price, so unrealized profit is zero and notional is amount × entry
price. Each symbol is margined in its `marginAsset`. Initial margin is |notional| / leverage; maintenance margin
follows the symbol's brackets. An ISOLATED leg holds its initial margin plus what positionMargin added, out of the
cross wallet; open orders reserve price × quantity / leverage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from mockserver.domain.accounts import ZERO, Account, MarginType, Position, PositionSide, SymbolSettings, position_sides
from mockserver.domain.catalogue import SymbolCatalogue

# Assets counted 1:1 in USD totals under Multi-Assets mode; the fake has no prices for the others, so they add 0.
USD_STABLE_ASSETS = frozenset({"USDT", "USDC", "FDUSD", "BNFCR"})


@dataclass(frozen=True)
class Leg:
    """One position leg of one symbol, with its margin figures."""

    symbol: str
    side: PositionSide
    settings: SymbolSettings
    position: Position
    margin_asset: str
    max_notional: int
    maint_margin: Decimal

    @property
    def notional(self) -> Decimal:
        return self.position.notional

    @property
    def initial_margin(self) -> Decimal:
        return abs(self.notional) / self.settings.leverage

    @property
    def isolated(self) -> bool:
        return self.settings.margin_type is MarginType.ISOLATED

    @property
    def isolated_wallet(self) -> Decimal:
        return self.initial_margin + self.position.margin_added if self.isolated and self.position.amount else ZERO

    @property
    def open_order_initial_margin(self) -> Decimal:
        return sum(
            (
                o.price * o.quantity / self.settings.leverage
                for o in self.settings.orders
                if o.position_side == self.side
            ),
            ZERO,
        )


def legs(account: Account, catalogue: SymbolCatalogue, symbols: list[str]) -> Iterator[Leg]:
    """Every leg of the account's position mode for `symbols`, flat legs included."""
    for symbol in symbols:
        settings = account.settings(symbol)
        brackets = catalogue.brackets(symbol)
        for side in position_sides(account.dual_side_position):
            position = settings.position(side)
            yield Leg(
                symbol,
                side,
                settings,
                position,
                catalogue.margin_asset(symbol),
                brackets.max_notional(settings.leverage),
                brackets.maint_margin(position.notional),
            )


@dataclass(frozen=True)
class AssetFigures:
    """One wallet asset as the account and balance reads show it."""

    asset: str
    wallet_balance: Decimal
    update_time: int
    position_initial_margin: Decimal  # cross legs only: an isolated leg's margin sits in its isolated wallet
    open_order_initial_margin: Decimal
    maint_margin: Decimal
    isolated_wallets: Decimal

    @property
    def initial_margin(self) -> Decimal:
        return self.position_initial_margin + self.open_order_initial_margin

    @property
    def cross_wallet_balance(self) -> Decimal:
        return self.wallet_balance - self.isolated_wallets

    @property
    def available_balance(self) -> Decimal:
        return max(ZERO, self.cross_wallet_balance - self.initial_margin)


def asset_figures(account: Account, catalogue: SymbolCatalogue) -> list[AssetFigures]:
    """Every collateral asset of the catalogue, in exchangeInfo's order, with what the account's legs hold of it."""
    held = list(legs(account, catalogue, list(account.symbols)))
    figures = []
    for asset in catalogue.assets:
        mine = [leg for leg in held if leg.margin_asset == asset]
        wallet = account.wallet.get(asset)
        figures.append(
            AssetFigures(
                asset=asset,
                wallet_balance=wallet.balance if wallet else ZERO,
                update_time=wallet.update_time if wallet else 0,
                position_initial_margin=sum((leg.initial_margin for leg in mine if not leg.isolated), ZERO),
                open_order_initial_margin=sum((leg.open_order_initial_margin for leg in mine), ZERO),
                maint_margin=sum((leg.maint_margin for leg in mine), ZERO),
                isolated_wallets=sum((leg.isolated_wallet for leg in mine), ZERO),
            )
        )
    return figures


def totals(account: Account, figures: list[AssetFigures]) -> AssetFigures:
    """The account's totals: USDT alone in Single-Asset mode, USD stablecoins 1:1 in Multi-Assets mode."""
    counted = [
        f for f in figures if (f.asset in USD_STABLE_ASSETS if account.multi_assets_margin else f.asset == "USDT")
    ]

    def total(name: str) -> Decimal:
        return sum((getattr(f, name) for f in counted), ZERO)

    return AssetFigures(
        asset="USD" if account.multi_assets_margin else "USDT",
        wallet_balance=total("wallet_balance"),
        update_time=max((f.update_time for f in counted), default=0),
        position_initial_margin=total("position_initial_margin"),
        open_order_initial_margin=total("open_order_initial_margin"),
        maint_margin=total("maint_margin"),
        isolated_wallets=total("isolated_wallets"),
    )


def available(account: Account, catalogue: SymbolCatalogue, asset: str) -> Decimal:
    return next(f.available_balance for f in asset_figures(account, catalogue) if f.asset == asset)
