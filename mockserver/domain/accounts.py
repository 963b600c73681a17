"""Per-account futures settings: margin type, position, open orders and leverage per symbol; asset mode."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from mockserver.domain.fields import SpecError, bounded_number, refuse_unknown_fields

DEFAULT_LEVERAGE = 20
MAX_LEVERAGE = 125
MAX_OPEN_ORDERS = 10_000  # Binance's MAX_NUM_ORDERS filter is 200; the fake allows seeding well past it


class MarginType(enum.StrEnum):
    """The request spelling, also used by symbolConfig; positionRisk v2 writes `cross`/`isolated` instead."""

    ISOLATED = "ISOLATED"
    CROSSED = "CROSSED"

    @property
    def position_risk_spelling(self) -> str:
        return "isolated" if self is MarginType.ISOLATED else "cross"


class SeedError(SpecError):
    """A seed value the control API or an accounts file cannot apply."""


@dataclass(frozen=True)
class SymbolSettings:
    margin_type: MarginType = MarginType.CROSSED
    position_amt: Decimal = Decimal(0)
    open_orders: int = 0
    leverage: int = DEFAULT_LEVERAGE

    def describe(self) -> dict[str, Any]:
        return {
            "marginType": self.margin_type.value,
            "positionAmt": format(self.position_amt, "f"),
            "openOrders": self.open_orders,
            "leverage": self.leverage,
        }

    def seeded(self, seed: Mapping[str, Any]) -> SymbolSettings:
        """A copy with the camelCase seed fields applied; unknown fields are refused so typos do not pass silently."""
        refuse_unknown_fields(seed, ("marginType", "positionAmt", "openOrders", "leverage"), "symbol", SeedError)
        updated = self
        if "marginType" in seed:
            try:
                updated = replace(updated, margin_type=MarginType(seed["marginType"]))
            except ValueError:
                raise SeedError("marginType must be 'ISOLATED' or 'CROSSED'") from None
        if "positionAmt" in seed:
            updated = replace(updated, position_amt=_decimal(seed["positionAmt"]))
        if "openOrders" in seed:
            updated = replace(
                updated, open_orders=bounded_number(seed["openOrders"], "openOrders", 0, MAX_OPEN_ORDERS, SeedError)
            )
        if "leverage" in seed:
            updated = replace(
                updated, leverage=bounded_number(seed["leverage"], "leverage", 1, MAX_LEVERAGE, SeedError)
            )
        return updated


DEFAULT_SETTINGS = SymbolSettings()  # what every symbol of a new account has


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SeedError("positionAmt must be a decimal string or a number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise SeedError(f"positionAmt {value!r} is not a decimal number") from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 18 or (isinstance(exponent, int) and exponent < -18):
        raise SeedError(f"positionAmt {value!r} is out of range (at most 18 digits either side of the point)")
    return amount


@dataclass
class Account:
    """One futures account; symbols never touched keep the defaults and are not stored."""

    account_id: str
    multi_assets_margin: bool = False
    symbols: dict[str, SymbolSettings] = field(default_factory=dict)
    # This account's view of server time, so tests sharing one fake can skew "their" clock without cross-talk.
    clock_offset_ms: int = 0

    def settings(self, symbol: str) -> SymbolSettings:
        return self.symbols.get(symbol, DEFAULT_SETTINGS)

    def store(self, symbol: str, settings: SymbolSettings) -> None:
        if settings == DEFAULT_SETTINGS:
            self.symbols.pop(symbol, None)
        else:
            self.symbols[symbol] = settings

    def has_isolated_symbol(self) -> bool:
        return any(s.margin_type is MarginType.ISOLATED for s in self.symbols.values())

    def describe(self) -> dict[str, Any]:
        return {
            "account": self.account_id,
            "multiAssetsMargin": self.multi_assets_margin,
            "clockOffsetMs": self.clock_offset_ms,
            "symbols": {name: s.describe() for name, s in sorted(self.symbols.items())},
        }
