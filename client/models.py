"""What the account reads return: small frozen dataclasses, amounts as `Decimal`, times in epoch milliseconds.

Binance writes amounts as decimal strings (and a few as JSON numbers); every one becomes a `Decimal` here, never a
float. Each field's wire name is its name in camelCase unless the field says otherwise (`metadata={"wire": ...}`).
An answer that does not have the documented shape raises ValueError naming the structure and the field.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

T = TypeVar("T")


def _wire(name: str) -> dict[str, str]:
    return {"wire": name}


@dataclass(frozen=True)
class LeverageChange:
    """The answer to a leverage change: the symbol's leverage now and the largest notional allowed at it."""

    symbol: str
    leverage: int
    max_notional_value: Decimal


@dataclass(frozen=True)
class LeverageBracket:
    """One notional bracket: positions up to `notional_cap` may use up to `initial_leverage`."""

    bracket: int
    initial_leverage: int
    notional_cap: Decimal
    notional_floor: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal


@dataclass(frozen=True)
class SymbolBrackets:
    """A symbol's notional and leverage brackets, bracket 1 (highest leverage) first.

    `notional_coef` is set only when Binance adjusted this account's brackets for the symbol."""

    symbol: str
    brackets: tuple[LeverageBracket, ...]
    notional_coef: Decimal | None = None

    @property
    def max_leverage(self) -> int:
        """The largest leverage the symbol accepts: bracket 1's initial leverage (above it, -4028)."""
        return self.brackets[0].initial_leverage if self.brackets else 0


@dataclass(frozen=True)
class Position:
    """One row of GET /fapi/v3/positionRisk: a leg (BOTH, or LONG/SHORT in Hedge Mode) with a position or orders."""

    symbol: str
    position_side: str
    position_amt: Decimal
    entry_price: Decimal
    break_even_price: Decimal
    mark_price: Decimal
    unrealized_profit: Decimal = field(metadata=_wire("unRealizedProfit"))
    liquidation_price: Decimal
    isolated_margin: Decimal
    notional: Decimal
    margin_asset: str
    isolated_wallet: Decimal
    initial_margin: Decimal
    maint_margin: Decimal
    position_initial_margin: Decimal
    open_order_initial_margin: Decimal
    adl: int
    bid_notional: Decimal
    ask_notional: Decimal
    update_time: int


@dataclass(frozen=True)
class Balance:
    """One asset of GET /fapi/v3/balance."""

    account_alias: str
    asset: str
    balance: Decimal
    cross_wallet_balance: Decimal
    cross_unrealized_pnl: Decimal = field(metadata=_wire("crossUnPnl"))
    available_balance: Decimal
    max_withdraw_amount: Decimal
    margin_available: bool
    update_time: int


@dataclass(frozen=True)
class AccountConfig:
    """GET /fapi/v1/accountConfig: fee tier, permissions, position mode (`dual_side_position`) and asset mode."""

    fee_tier: int
    can_trade: bool
    can_deposit: bool
    can_withdraw: bool
    dual_side_position: bool
    multi_assets_margin: bool
    trade_group_id: int
    update_time: int


@dataclass(frozen=True)
class OpenOrder:
    """An open order as GET /fapi/v1/openOrders lists it (`activate_price`/`price_rate`: trailing stops only)."""

    order_id: int
    symbol: str
    status: str
    client_order_id: str
    price: Decimal
    avg_price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cum_quote: Decimal
    time_in_force: str
    order_type: str = field(metadata=_wire("type"))
    reduce_only: bool
    close_position: bool
    side: str
    position_side: str
    stop_price: Decimal
    working_type: str
    price_protect: bool
    orig_type: str
    price_match: str
    self_trade_prevention_mode: str
    good_till_date: int
    time: int
    update_time: int
    activate_price: Decimal | None = None
    price_rate: Decimal | None = None


# --- decoding ---
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


_Layout = tuple[tuple[str, str, type[Any], bool], ...]
_LAYOUTS: dict[type[Any], _Layout] = {}


def _layout(cls: type[Any]) -> _Layout:
    """(field name, wire name, value type, optional) for each field of a dataclass, worked out once per class."""
    known = _LAYOUTS.get(cls)
    if known is not None:
        return known
    hints = typing.get_type_hints(cls)
    layout = []
    for spec in dataclasses.fields(cls):
        kind = hints[spec.name]
        optional = isinstance(kind, types.UnionType) and type(None) in typing.get_args(kind)
        if optional:
            kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        layout.append((spec.name, spec.metadata.get("wire", _camel(spec.name)), kind, optional))
    _LAYOUTS[cls] = tuple(layout)
    return _LAYOUTS[cls]


def _value(kind: type[Any], value: Any) -> Any:
    """`value` as `kind`; None when it does not fit (a bool is never taken for a number)."""
    if isinstance(value, bool):
        return value if kind is bool else None
    if kind is bool:
        return {"true": True, "false": False}.get(value.lower()) if isinstance(value, str) else None
    if kind is str:
        return value if isinstance(value, str) else None
    if kind is int:
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None
    if kind is Decimal and isinstance(value, str | int | float):
        try:
            number = Decimal(str(value))  # str() first: a float's shortest repr, not its binary expansion
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def decode(cls: type[T], row: Any, *, extra: Mapping[str, Any] | None = None) -> T:
    """A dataclass from one JSON object; `extra` gives fields decoded by the caller (nested structures)."""
    if not isinstance(row, Mapping):
        raise ValueError(f"{cls.__name__}: expected a JSON object, got {row!r}")
    values: dict[str, Any] = dict(extra or {})
    for name, wire, kind, optional in _layout(cls):
        if name in values:
            continue
        raw = row.get(wire)
        if raw is None:
            if optional:
                values[name] = None
                continue
            raise ValueError(f"{cls.__name__}: field {wire!r} is missing")
        value = _value(kind, raw)
        if value is None:
            raise ValueError(f"{cls.__name__}: field {wire!r} should be {kind.__name__}, got {raw!r}")
        values[name] = value
    return cls(**values)


def decode_list(cls: type[T], rows: Any) -> list[T]:
    if not isinstance(rows, list):
        raise ValueError(f"{cls.__name__}: expected a JSON array, got {rows!r}")
    return [decode(cls, row) for row in rows]


def decode_brackets(rows: Any) -> list[SymbolBrackets]:
    """GET /fapi/v1/leverageBracket: a list (one bare object is taken too: the docs show one for a `symbol`)."""
    if isinstance(rows, Mapping):
        rows = [rows]
    if not isinstance(rows, list):
        raise ValueError(f"SymbolBrackets: expected a JSON array, got {rows!r}")
    decoded = []
    for row in rows:
        raw = row.get("brackets") if isinstance(row, Mapping) else None
        if not isinstance(raw, list):
            raise ValueError(f"SymbolBrackets: field 'brackets' is not a list in {row!r}")
        brackets = sorted(decode_list(LeverageBracket, raw), key=lambda b: b.bracket)
        decoded.append(decode(SymbolBrackets, row, extra={"brackets": tuple(brackets)}))
    return decoded
