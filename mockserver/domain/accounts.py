"""Per-account futures state: per symbol its margin type, leverage, position legs and open orders; per account its
position mode, asset mode and wallet.

Values are frozen dataclasses replaced whole under the exchange's lock, so a snapshot handed to a reader can never
change under it. Seeds use the control API's camelCase field names.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from mockserver.domain.fields import SpecError, bounded_number, refuse_unknown_fields

DEFAULT_LEVERAGE = 20
MAX_OPEN_ORDERS = 10_000  # Binance's MAX_NUM_ORDERS filter is 200; the fake allows seeding well past it
# A seeded position needs a non-zero entry price (ccxt drops v3 rows whose entryPrice is 0); the fake has no market
# data, so a position seeded without one opens at this price, and mark price always equals entry price.
DEFAULT_ENTRY_PRICE = Decimal(100)
DEFAULT_ORDER_PRICE = Decimal(100)
DEFAULT_ORDER_QUANTITY = Decimal(1)
ZERO = Decimal(0)


class MarginType(enum.StrEnum):
    """The request spelling, also used by symbolConfig; positionRisk v2 writes `cross`/`isolated` instead."""

    ISOLATED = "ISOLATED"
    CROSSED = "CROSSED"

    @property
    def position_risk_spelling(self) -> str:
        return "isolated" if self is MarginType.ISOLATED else "cross"


class PositionSide(enum.StrEnum):
    """BOTH is One-way Mode's only leg; Hedge Mode holds a LONG and a SHORT leg per symbol."""

    BOTH = "BOTH"
    LONG = "LONG"
    SHORT = "SHORT"


ONE_WAY_SIDES = (PositionSide.BOTH,)
HEDGE_SIDES = (PositionSide.LONG, PositionSide.SHORT)


def position_sides(dual_side_position: bool) -> tuple[PositionSide, ...]:
    return HEDGE_SIDES if dual_side_position else ONE_WAY_SIDES


class SeedError(SpecError):
    """A seed value the control API or an accounts file cannot apply."""


@dataclass(frozen=True)
class Position:
    """One leg: signed amount (SHORT legs are negative), entry price, and margin added to it by positionMargin."""

    amount: Decimal = ZERO
    entry_price: Decimal = ZERO
    margin_added: Decimal = ZERO
    update_time: int = 0

    @property
    def notional(self) -> Decimal:
        """Signed, at the entry price: the fake's mark price is the entry price."""
        return self.amount * self.entry_price


FLAT = Position()


@dataclass(frozen=True)
class OpenOrder:
    """A resting LIMIT order, as seeded through the control API: the fake places and matches nothing itself."""

    order_id: int
    client_order_id: str
    side: str  # BUY or SELL
    position_side: PositionSide
    price: Decimal
    quantity: Decimal
    time: int

    def describe(self) -> dict[str, Any]:
        return {
            "orderId": self.order_id,
            "clientOrderId": self.client_order_id,
            "side": self.side,
            "positionSide": self.position_side.value,
            "price": format(self.price, "f"),
            "quantity": format(self.quantity, "f"),
            "time": self.time,
        }


@dataclass(frozen=True)
class SymbolSettings:
    margin_type: MarginType = MarginType.CROSSED
    leverage: int = DEFAULT_LEVERAGE
    positions: tuple[tuple[PositionSide, Position], ...] = ()  # non-flat legs only, in PositionSide order
    orders: tuple[OpenOrder, ...] = ()

    def position(self, side: PositionSide) -> Position:
        return dict(self.positions).get(side, FLAT)

    def with_position(self, side: PositionSide, position: Position) -> SymbolSettings:
        legs = dict(self.positions)
        if position.amount == 0 and position.margin_added == 0:
            legs.pop(side, None)
        else:
            legs[side] = position
        return replace(self, positions=tuple((s, legs[s]) for s in PositionSide if s in legs))

    @property
    def has_position(self) -> bool:
        return any(p.amount != 0 for _, p in self.positions)

    @property
    def position_amt(self) -> Decimal:
        """The One-way Mode amount (the BOTH leg)."""
        return self.position(PositionSide.BOTH).amount

    @property
    def open_orders(self) -> int:
        return len(self.orders)

    def describe(self) -> dict[str, Any]:
        return {
            "marginType": self.margin_type.value,
            "leverage": self.leverage,
            "positionAmt": format(self.position_amt, "f"),
            "positions": {
                side.value: {
                    "positionAmt": format(p.amount, "f"),
                    "entryPrice": format(p.entry_price, "f"),
                    "marginAdded": format(p.margin_added, "f"),
                }
                for side, p in self.positions
            },
            "openOrders": self.open_orders,
            "orders": [order.describe() for order in self.orders],
        }


DEFAULT_SETTINGS = SymbolSettings()  # what every symbol of a new account has


def parse_decimal(value: Any, name: str, *, positive: bool = False) -> Decimal:
    """A seed's decimal: a string or a number, finite, at most 18 digits either side of the point."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SeedError(f"{name} must be a decimal string or a number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise SeedError(f"{name} {value!r} is not a decimal number") from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 18 or (isinstance(exponent, int) and exponent < -18):
        raise SeedError(f"{name} {value!r} is out of range (at most 18 digits either side of the point)")
    if positive and amount <= 0:
        raise SeedError(f"{name} must be positive")
    return amount


@dataclass(frozen=True)
class OrderSeed:
    """An open order as the control API describes it, before it has an id."""

    side: str
    position_side: PositionSide | None
    price: Decimal
    quantity: Decimal
    client_order_id: str | None


ORDER_FIELDS = ("side", "positionSide", "price", "quantity", "clientOrderId")


def parse_order_seed(spec: Any) -> OrderSeed:
    if not isinstance(spec, Mapping):
        raise SeedError("each open order must be a JSON object")
    refuse_unknown_fields(spec, ORDER_FIELDS, "order", SeedError)
    side = spec.get("side", "BUY")
    if side not in ("BUY", "SELL"):
        raise SeedError("an order's side must be 'BUY' or 'SELL'")
    position_side = spec.get("positionSide")
    if position_side is not None and position_side not in PositionSide.__members__:
        raise SeedError("an order's positionSide must be 'BOTH', 'LONG' or 'SHORT'")
    client_order_id = spec.get("clientOrderId")
    if client_order_id is not None and (
        not isinstance(client_order_id, str) or not 1 <= len(client_order_id) <= 36 or not client_order_id.isascii()
    ):
        raise SeedError("an order's clientOrderId must be 1 to 36 ASCII characters")
    return OrderSeed(
        side=side,
        position_side=PositionSide(position_side) if position_side is not None else None,
        # Price and quantity are optional: an order seeded without them rests at the defaults.
        price=parse_decimal(spec["price"], "price", positive=True) if "price" in spec else DEFAULT_ORDER_PRICE,
        quantity=(
            parse_decimal(spec["quantity"], "quantity", positive=True) if "quantity" in spec else DEFAULT_ORDER_QUANTITY
        ),
        client_order_id=client_order_id,
    )


SYMBOL_FIELDS = ("marginType", "leverage", "positionSide", "positionAmt", "entryPrice", "openOrders")


@dataclass(frozen=True)
class SymbolSeed:
    """A symbol seed, validated; what depends on the account (mode, brackets, ids) is applied by the exchange."""

    margin_type: MarginType | None = None
    leverage: int | None = None
    position_side: PositionSide | None = None
    position_amt: Decimal | None = None
    entry_price: Decimal | None = None
    orders: tuple[OrderSeed, ...] | None = None  # None: leave the orders as they are


def parse_symbol_seed(seed: Any, symbol: str, max_leverage: int) -> SymbolSeed:
    if not isinstance(seed, Mapping):
        raise SeedError(f"the settings of {symbol} must be a JSON object")
    refuse_unknown_fields(seed, SYMBOL_FIELDS, "symbol", SeedError)
    parsed = SymbolSeed()
    if "marginType" in seed:
        try:
            parsed = replace(parsed, margin_type=MarginType(seed["marginType"]))
        except ValueError:
            raise SeedError("marginType must be 'ISOLATED' or 'CROSSED'") from None
    if "leverage" in seed:
        # A symbol's leverage stops at its first bracket's initialLeverage, as on Binance.
        parsed = replace(parsed, leverage=bounded_number(seed["leverage"], "leverage", 1, max_leverage, SeedError))
    if "positionSide" in seed:
        if seed["positionSide"] not in PositionSide.__members__:
            raise SeedError("positionSide must be 'BOTH', 'LONG' or 'SHORT'")
        parsed = replace(parsed, position_side=PositionSide(seed["positionSide"]))
    if "positionAmt" in seed:
        parsed = replace(parsed, position_amt=parse_decimal(seed["positionAmt"], "positionAmt"))
    if "entryPrice" in seed:
        parsed = replace(parsed, entry_price=parse_decimal(seed["entryPrice"], "entryPrice", positive=True))
    if "openOrders" in seed:
        orders = seed["openOrders"]
        if isinstance(orders, list):
            if len(orders) > MAX_OPEN_ORDERS:
                raise SeedError(f"at most {MAX_OPEN_ORDERS} open orders per symbol")
            parsed = replace(parsed, orders=tuple(parse_order_seed(o) for o in orders))
        else:
            # A count stands for that many default LIMIT orders, so older seeds keep working.
            count = bounded_number(orders, "openOrders (a count or a list of orders)", 0, MAX_OPEN_ORDERS, SeedError)
            default = OrderSeed("BUY", None, DEFAULT_ORDER_PRICE, DEFAULT_ORDER_QUANTITY, None)
            parsed = replace(parsed, orders=(default,) * count)
    return parsed


@dataclass(frozen=True)
class WalletAsset:
    balance: Decimal = ZERO
    update_time: int = 0  # ccxt drops a balance row whose updateTime is 0: a funded asset has a real one


@dataclass
class Account:
    """One futures account; symbols never touched keep the defaults and are not stored."""

    account_id: str
    multi_assets_margin: bool = False
    dual_side_position: bool = False
    symbols: dict[str, SymbolSettings] = field(default_factory=dict)
    wallet: dict[str, WalletAsset] = field(default_factory=dict)
    # This account's view of server time, so tests sharing one fake can skew "their" clock without cross-talk.
    clock_offset_ms: int = 0

    def settings(self, symbol: str) -> SymbolSettings:
        return self.symbols.get(symbol, DEFAULT_SETTINGS)

    def store(self, symbol: str, settings: SymbolSettings) -> None:
        if settings == DEFAULT_SETTINGS:
            self.symbols.pop(symbol, None)
        else:
            self.symbols[symbol] = settings

    def copy(self) -> Account:
        # Settings and wallet entries are frozen, so copying the dicts is a deep enough copy.
        return replace(self, symbols=dict(self.symbols), wallet=dict(self.wallet))

    def has_isolated_symbol(self) -> bool:
        return any(s.margin_type is MarginType.ISOLATED for s in self.symbols.values())

    def symbols_with_orders(self) -> list[str]:
        return [name for name, s in self.symbols.items() if s.orders]

    def symbols_with_positions(self) -> list[str]:
        return [name for name, s in self.symbols.items() if s.has_position]

    def balance(self, asset: str) -> Decimal:
        return self.wallet.get(asset, WalletAsset()).balance

    def describe(self) -> dict[str, Any]:
        return {
            "account": self.account_id,
            "multiAssetsMargin": self.multi_assets_margin,
            "dualSidePosition": self.dual_side_position,
            "clockOffsetMs": self.clock_offset_ms,
            "wallet": {asset: format(entry.balance, "f") for asset, entry in sorted(self.wallet.items())},
            "symbols": {name: s.describe() for name, s in sorted(self.symbols.items())},
        }
