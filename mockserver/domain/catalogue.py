"""The symbol catalogue: real USDⓈ-M contracts, bundled as an exchangeInfo snapshot."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

# Leverage brackets shaped like BTCUSDT's (initial leverage → largest notional allowed at that leverage); the fake
# uses one table for every symbol because per-symbol brackets are an account-level detail marginType never reads.
_NOTIONAL_BRACKETS: tuple[tuple[int, int], ...] = (
    (125, 50_000),
    (100, 600_000),
    (75, 3_000_000),
    (50, 12_000_000),
    (25, 70_000_000),
    (20, 100_000_000),
    (10, 230_000_000),
    (5, 480_000_000),
    (4, 600_000_000),
    (3, 800_000_000),
    (2, 1_200_000_000),
    (1, 1_800_000_000),
)


def max_notional_value(leverage: int) -> str:
    """The largest position notional allowed at `leverage`, as Binance writes it (a decimal string)."""
    for bracket_leverage, notional in _NOTIONAL_BRACKETS:
        if leverage >= bracket_leverage:
            return str(notional)
    return str(_NOTIONAL_BRACKETS[-1][1])


@cache
def _bundled_exchange_info() -> dict[str, Any]:
    text = resources.files("mockserver").joinpath("data/exchange_info.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


class SymbolCatalogue:
    """The contracts the fake knows; a symbol outside it answers -1121 "Invalid symbol."."""

    def __init__(self, exchange_info: dict[str, Any] | None = None) -> None:
        self._info = exchange_info if exchange_info is not None else _bundled_exchange_info()
        self._symbols: dict[str, dict[str, Any]] = {s["symbol"]: s for s in self._info["symbols"]}

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._symbols

    def __iter__(self) -> Iterator[str]:
        return iter(self._symbols)

    def __len__(self) -> int:
        return len(self._symbols)

    def exchange_info(self, server_time_ms: int) -> dict[str, Any]:
        """The exchangeInfo body, with the fake's own server time."""
        # Binance puts timezone and serverTime first; the nested snapshot is shared, never mutated.
        info: dict[str, Any] = {"timezone": self._info.get("timezone", "UTC"), "serverTime": server_time_ms}
        info.update((key, value) for key, value in self._info.items() if key not in info)
        return info
