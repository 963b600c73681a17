"""Binance USDⓈ-M paths: POST /fapi/v1/marginType and the companion endpoints clients call around it.

Each endpoint is a plain function of the fake's state and the call (already through the gate when its route is
signed), returning the JSON body of a 200 answer or raising a BinanceRejection. Which path, method, security type
and weight each one has is written once, in `mockserver.wire.routes`. No web framework is involved.
"""

from __future__ import annotations

from typing import Any

from mockserver import errors
from mockserver.domain.accounts import MarginType, SymbolSettings
from mockserver.domain.catalogue import max_notional_value
from mockserver.errors import BinanceRejection
from mockserver.state import MockState
from mockserver.wire.protocol import compact_json
from mockserver.wire.routing import Call

SUCCESS = b'{"code":200,"msg":"success"}'
MARGIN_TYPES = frozenset(m.value for m in MarginType)


def required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise BinanceRejection(errors.mandatory_parameter(name), f"{name} is missing or empty")
    return value


def requested_symbols(state: MockState, params: dict[str, str]) -> list[str]:
    """The optional `symbol` filter of the USER_DATA reads: one known symbol, or the whole catalogue."""
    symbol = params.get("symbol")
    if symbol is None:
        return list(state.exchange.catalogue)
    state.exchange.require_symbol(symbol)
    return [symbol]


def ping(state: MockState, call: Call) -> bytes:
    return b"{}"


def server_time(state: MockState, call: Call) -> bytes:
    # Clients send their key header on every call of a session; an account with a clock offset sees its own time.
    return compact_json({"serverTime": state.server_time_ms(state.account_of(call.request.api_key))})


def exchange_info(state: MockState, call: Call) -> bytes:
    return compact_json(state.exchange.catalogue.exchange_info(state.clock.now_ms()))


def change_margin_type(state: MockState, call: Call) -> bytes:
    symbol = required(call.params, "symbol")
    margin_type = call.params.get("marginType")
    if margin_type not in MARGIN_TYPES:
        # Binance answers a wrong or lowercase enum like a missing one, naming the parameter in lowercase.
        raise BinanceRejection(
            errors.mandatory_parameter("marginType"), f"marginType {margin_type!r} is not ISOLATED or CROSSED"
        )
    state.exchange.change_margin_type(call.account, symbol, MarginType(margin_type))
    return SUCCESS


def _symbol_config(symbol: str, settings: SymbolSettings) -> dict[str, Any]:
    # Types follow the official SDK's strict models: isAutoAddMargin a bool, leverage an int.
    return {
        "symbol": symbol,
        "marginType": settings.margin_type.value,
        "isAutoAddMargin": False,
        "leverage": settings.leverage,
        "maxNotionalValue": max_notional_value(settings.leverage),
    }


def symbol_config(state: MockState, call: Call) -> bytes:
    snapshot = state.exchange.symbol_settings(call.account, requested_symbols(state, call.params))
    return compact_json([_symbol_config(symbol, settings) for symbol, settings in snapshot])


def _position_risk(symbol: str, settings: SymbolSettings, update_time: int) -> dict[str, Any]:
    # v2 writes every field as a string but updateTime, and spells margin types `cross`/`isolated`. The fake
    # has no market data, so prices are zero and notional follows from them.
    return {
        "symbol": symbol,
        "positionAmt": format(settings.position_amt, "f"),
        "entryPrice": "0.0",
        "breakEvenPrice": "0.0",
        "markPrice": "0.00000000",
        "unRealizedProfit": "0.00000000",
        "liquidationPrice": "0",
        "leverage": str(settings.leverage),
        "maxNotionalValue": max_notional_value(settings.leverage),
        "marginType": settings.margin_type.position_risk_spelling,
        "isolatedMargin": "0.00000000",
        "isAutoAddMargin": "false",
        "positionSide": "BOTH",
        "notional": "0",
        "isolatedWallet": "0",
        "updateTime": update_time if settings.position_amt else 0,
    }


def position_risk(state: MockState, call: Call) -> bytes:
    snapshot = state.exchange.symbol_settings(call.account, requested_symbols(state, call.params))
    now = state.clock.now_ms()
    return compact_json([_position_risk(symbol, settings, now) for symbol, settings in snapshot])


def multi_assets_margin(state: MockState, call: Call) -> bytes:
    return compact_json({"multiAssetsMargin": state.exchange.multi_assets_margin(call.account)})


def change_multi_assets_margin(state: MockState, call: Call) -> bytes:
    wanted = call.params.get("multiAssetsMargin")
    if wanted not in ("true", "false"):
        raise BinanceRejection(
            errors.mandatory_parameter("multiAssetsMargin"), f"multiAssetsMargin {wanted!r} is not 'true' or 'false'"
        )
    state.exchange.change_multi_assets_margin(call.account, wanted == "true")
    return SUCCESS
