"""Binance USDⓈ-M paths: POST /fapi/v1/marginType and the companion endpoints clients call around it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mockserver import errors
from mockserver.accounts import MarginType, SymbolSettings
from mockserver.catalogue import max_notional_value
from mockserver.edge import json_response, mock_state, signed_request
from mockserver.errors import BinanceRejection
from mockserver.gate import AuthorizedCall, pass_gate
from mockserver.keys import Permission

fapi = Blueprint("fapi", __name__)

SUCCESS = {"code": 200, "msg": "success"}


def authorize(permission: Permission) -> AuthorizedCall:
    state = mock_state()
    return pass_gate(
        signed_request(),
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


def requested_symbols(params: dict[str, str]) -> list[str]:
    """The optional `symbol` filter of the USER_DATA reads: one known symbol, or the whole catalogue."""
    exchange = mock_state().exchange
    symbol = params.get("symbol")
    if symbol is None:
        return list(exchange.catalogue)
    exchange.require_symbol(symbol)
    return [symbol]


@fapi.get("/fapi/v1/ping")
def ping() -> Response:
    return json_response({})


@fapi.get("/fapi/v1/time")
def server_time() -> Response:
    # Clients send their key header on every call of a session; an account with a clock offset sees its own time.
    state = mock_state()
    return json_response({"serverTime": state.server_time_ms(state.account_of(request.headers.get("X-MBX-APIKEY")))})


@fapi.get("/fapi/v1/exchangeInfo")
def exchange_info() -> Response:
    state = mock_state()
    return json_response(state.exchange.catalogue.exchange_info(state.clock.now_ms()))


@fapi.post("/fapi/v1/marginType")
def change_margin_type() -> Response:
    call = authorize(Permission.TRADE)
    symbol = required(call.params, "symbol")
    margin_type = call.params.get("marginType")
    if margin_type not in (MarginType.ISOLATED.value, MarginType.CROSSED.value):
        # Binance answers a wrong or lowercase enum like a missing one, naming the parameter in lowercase.
        raise BinanceRejection(
            errors.mandatory_parameter("marginType"), f"marginType {margin_type!r} is not ISOLATED or CROSSED"
        )
    mock_state().exchange.change_margin_type(call.key.account, symbol, MarginType(margin_type))
    return json_response(SUCCESS)


def _symbol_config(symbol: str, settings: SymbolSettings) -> dict[str, Any]:
    # Types follow the official SDK's strict models: isAutoAddMargin a bool, leverage an int.
    return {
        "symbol": symbol,
        "marginType": settings.margin_type.value,
        "isAutoAddMargin": False,
        "leverage": settings.leverage,
        "maxNotionalValue": max_notional_value(settings.leverage),
    }


@fapi.get("/fapi/v1/symbolConfig")
def symbol_config() -> Response:
    call = authorize(Permission.USER_DATA)
    snapshot = mock_state().exchange.symbol_settings(call.key.account, requested_symbols(call.params))
    return json_response([_symbol_config(symbol, settings) for symbol, settings in snapshot])


def _position_risk(symbol: str, settings: SymbolSettings, update_time: int) -> dict[str, Any]:
    # v2 writes every field as a string but updateTime, and spells margin types `cross`/`isolated`. The fake
    # has no market data, so prices are zero and notional follows from them.
    position = format(settings.position_amt, "f")
    return {
        "symbol": symbol,
        "positionAmt": position,
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


@fapi.get("/fapi/v2/positionRisk")
def position_risk() -> Response:
    call = authorize(Permission.USER_DATA)
    state = mock_state()
    snapshot = state.exchange.symbol_settings(call.key.account, requested_symbols(call.params))
    now = state.clock.now_ms()
    return json_response([_position_risk(symbol, settings, now) for symbol, settings in snapshot])


@fapi.get("/fapi/v1/multiAssetsMargin")
def multi_assets_margin() -> Response:
    call = authorize(Permission.USER_DATA)
    return json_response({"multiAssetsMargin": mock_state().exchange.multi_assets_margin(call.key.account)})


@fapi.post("/fapi/v1/multiAssetsMargin")
def change_multi_assets_margin() -> Response:
    call = authorize(Permission.TRADE)
    wanted = call.params.get("multiAssetsMargin")
    if wanted not in ("true", "false"):
        raise BinanceRejection(
            errors.mandatory_parameter("multiAssetsMargin"), f"multiAssetsMargin {wanted!r} is not 'true' or 'false'"
        )
    mock_state().exchange.change_multi_assets_margin(call.key.account, wanted == "true")
    return json_response(SUCCESS)
