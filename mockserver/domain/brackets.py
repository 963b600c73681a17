"""Notional and leverage brackets per symbol: the largest leverage a symbol allows, the largest position at a given
leverage, and the maintenance margin of a position.

Bundled data: real brackets captured from Binance on 2024-10-24 (see `data/leverage_brackets.json` for its source);
a catalogue symbol the data does not know gets BTCUSDT's table, so every symbol has brackets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

FALLBACK_SYMBOL = "BTCUSDT"


@dataclass(frozen=True)
class Bracket:
    bracket: int
    initial_leverage: int
    notional_cap: int
    notional_floor: int
    maint_margin_ratio: float
    cum: float

    def wire(self) -> dict[str, Any]:
        return {
            "bracket": self.bracket,
            "initialLeverage": self.initial_leverage,
            "notionalCap": self.notional_cap,
            "notionalFloor": self.notional_floor,
            "maintMarginRatio": self.maint_margin_ratio,
            "cum": self.cum,
        }


@dataclass(frozen=True)
class SymbolBrackets:
    """One symbol's brackets, bracket 1 (highest leverage, smallest notional) first."""

    symbol: str
    brackets: tuple[Bracket, ...]

    @property
    def max_leverage(self) -> int:
        return self.brackets[0].initial_leverage

    def max_notional(self, leverage: int) -> int:
        """Binance's maxNotionalValue: the largest cap among brackets whose initialLeverage is at least `leverage`."""
        caps = [b.notional_cap for b in self.brackets if b.initial_leverage >= leverage]
        return max(caps) if caps else 0

    def maint_margin(self, notional: Decimal) -> Decimal:
        """Maintenance margin of a position of this absolute notional: ratio × notional - cum of its bracket."""
        size = abs(notional)
        if size == 0:
            return Decimal(0)
        chosen = next((b for b in self.brackets if size <= b.notional_cap), self.brackets[-1])
        return size * Decimal(str(chosen.maint_margin_ratio)) - Decimal(str(chosen.cum))

    def wire(self, symbol: str) -> dict[str, Any]:
        return {"symbol": symbol, "brackets": [b.wire() for b in self.brackets]}


def _parse(entry: dict[str, Any]) -> SymbolBrackets:
    brackets = tuple(
        Bracket(
            b["bracket"], b["initialLeverage"], b["notionalCap"], b["notionalFloor"], b["maintMarginRatio"], b["cum"]
        )
        for b in sorted(entry["brackets"], key=lambda b: b["bracket"])
    )
    return SymbolBrackets(entry["symbol"], brackets)


@cache
def bundled_brackets() -> dict[str, SymbolBrackets]:
    text = resources.files("mockserver").joinpath("data/leverage_brackets.json").read_text("utf-8")
    return {entry["symbol"]: _parse(entry) for entry in json.loads(text)["brackets"]}


class BracketBook:
    """Brackets for the symbols of one catalogue."""

    def __init__(self, symbols: Iterable[str], known: dict[str, SymbolBrackets] | None = None) -> None:
        known = known if known is not None else bundled_brackets()
        fallback = known[FALLBACK_SYMBOL]
        self._by_symbol = {symbol: known.get(symbol, fallback) for symbol in symbols}

    def __getitem__(self, symbol: str) -> SymbolBrackets:
        return self._by_symbol[symbol]
