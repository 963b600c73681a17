"""The symbol catalogue: real USDⓈ-M contracts, bundled as an exchangeInfo snapshot."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from mockserver.domain.brackets import BracketBook, SymbolBrackets


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
        self._brackets = BracketBook(self._symbols)
        # The wallet's assets: the collateral assets exchangeInfo lists.
        self.assets: tuple[str, ...] = tuple(a["asset"] for a in self._info.get("assets", [])) or ("USDT",)

    def brackets(self, symbol: str) -> SymbolBrackets:
        return self._brackets[symbol]

    def margin_asset(self, symbol: str) -> str:
        """The wallet asset a position in `symbol` is margined in (USDT for BTCUSDT, USDC for BTCUSDC)."""
        return str(self._symbols[symbol].get("marginAsset", "USDT"))

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
