"""Binance USDⓈ-M paths: POST /fapi/v1/marginType and the companion endpoints clients call around it.

Each endpoint is a plain function of the fake's state and the request as received, returning the JSON body of a 200
answer or raising a BinanceRejection; `ROUTES` maps path and method to it. No web framework is involved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver import errors
from mockserver.accounts import MarginType, SymbolSettings
from mockserver.catalogue import max_notional_value
from mockserver.errors import BinanceRejection
from mockserver.gate import AuthorizedCall, SignedRequest, pass_gate
from mockserver.keys import Permission
from mockserver.state import MockState
from mockserver.wire import compact_json

Endpoint = Callable[[MockState, SignedRequest], bytes]

SUCCESS = b'{"code":200,"msg":"success"}'
MARGIN_TYPES = frozenset(m.value for m in MarginType)


def authorize(state: MockState, request: SignedRequest, permission: Permission) -> AuthorizedCall:
    return pass_gate(
        request,
        permission,
        state.exchange.find_key,
        lambda key: state.server_time_ms(key.account),
        state.config.recv_window_max,
    )


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


def ping(state: MockState, request: SignedRequest) -> bytes:
    return b"{}"


def server_time(state: MockState, request: SignedRequest) -> bytes:
    # Clients send their key header on every call of a session; an account with a clock offset sees its own time.
    return compact_json({"serverTime": state.server_time_ms(state.account_of(request.api_key))})


def exchange_info(state: MockState, request: SignedRequest) -> bytes:
    return compact_json(state.exchange.catalogue.exchange_info(state.clock.now_ms()))


def change_margin_type(state: MockState, request: SignedRequest) -> bytes:
    call = authorize(state, request, Permission.TRADE)
    symbol = required(call.params, "symbol")
    margin_type = call.params.get("marginType")
    if margin_type not in MARGIN_TYPES:
        # Binance answers a wrong or lowercase enum like a missing one, naming the parameter in lowercase.
        raise BinanceRejection(
            errors.mandatory_parameter("marginType"), f"marginType {margin_type!r} is not ISOLATED or CROSSED"
        )
    state.exchange.change_margin_type(call.key.account, symbol, MarginType(margin_type))
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


def symbol_config(state: MockState, request: SignedRequest) -> bytes:
    call = authorize(state, request, Permission.USER_DATA)
    snapshot = state.exchange.symbol_settings(call.key.account, requested_symbols(state, call.params))
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


def position_risk(state: MockState, request: SignedRequest) -> bytes:
    call = authorize(state, request, Permission.USER_DATA)
    snapshot = state.exchange.symbol_settings(call.key.account, requested_symbols(state, call.params))
    now = state.clock.now_ms()
    return compact_json([_position_risk(symbol, settings, now) for symbol, settings in snapshot])


def multi_assets_margin(state: MockState, request: SignedRequest) -> bytes:
    call = authorize(state, request, Permission.USER_DATA)
    return compact_json({"multiAssetsMargin": state.exchange.multi_assets_margin(call.key.account)})


def change_multi_assets_margin(state: MockState, request: SignedRequest) -> bytes:
    call = authorize(state, request, Permission.TRADE)
    wanted = call.params.get("multiAssetsMargin")
    if wanted not in ("true", "false"):
        raise BinanceRejection(
            errors.mandatory_parameter("multiAssetsMargin"), f"multiAssetsMargin {wanted!r} is not 'true' or 'false'"
        )
    state.exchange.change_multi_assets_margin(call.key.account, wanted == "true")
    return SUCCESS


# path → method → endpoint. HEAD is answered by the GET endpoint, without the body.
ROUTES: dict[str, dict[str, Endpoint]] = {
    "/fapi/v1/ping": {"GET": ping},
    "/fapi/v1/time": {"GET": server_time},
    "/fapi/v1/exchangeInfo": {"GET": exchange_info},
    "/fapi/v1/marginType": {"POST": change_margin_type},
    "/fapi/v1/symbolConfig": {"GET": symbol_config},
    "/fapi/v2/positionRisk": {"GET": position_risk},
    "/fapi/v1/multiAssetsMargin": {"GET": multi_assets_margin, "POST": change_multi_assets_margin},
}
