"""Account configuration: margin type, asset mode, position mode, leverage and its brackets, isolated margin."""

from __future__ import annotations

from typing import Any

from mockserver import errors
from mockserver.domain.accounts import MarginType, PositionSide, SymbolSettings
from mockserver.errors import BinanceRejection
from mockserver.state import MockState
from mockserver.wire.endpoints.common import (
    SUCCESS,
    requested_symbols,
    required,
    required_bool,
    required_decimal,
    required_int,
)
from mockserver.wire.protocol import compact_json
from mockserver.wire.routing import Call

MARGIN_TYPES = frozenset(m.value for m in MarginType)
POSITION_SIDES = frozenset(s.value for s in PositionSide)
MARGIN_ADJUSTED = "Successfully modify position margin."
ADD_MARGIN = 1  # type=2 reduces


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


def _symbol_config(state: MockState, symbol: str, settings: SymbolSettings) -> dict[str, Any]:
    # Types follow the official SDK's strict models: isAutoAddMargin a bool, leverage an int.
    return {
        "symbol": symbol,
        "marginType": settings.margin_type.value,
        "isAutoAddMargin": False,
        "leverage": settings.leverage,
        "maxNotionalValue": str(state.exchange.catalogue.brackets(symbol).max_notional(settings.leverage)),
    }


def symbol_config(state: MockState, call: Call) -> bytes:
    snapshot = state.exchange.symbol_settings(call.account, requested_symbols(state, call.params))
    return compact_json([_symbol_config(state, symbol, settings) for symbol, settings in snapshot])


def account_config(state: MockState, call: Call) -> bytes:
    account = state.exchange.snapshot(call.account)
    return compact_json(
        {
            "feeTier": 0,
            "canTrade": True,
            "canDeposit": True,
            "canWithdraw": True,
            "dualSidePosition": account.dual_side_position,
            "updateTime": 0,  # "reserved property, please ignore"
            "multiAssetsMargin": account.multi_assets_margin,
            "tradeGroupId": -1,
        }
    )


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


def position_mode(state: MockState, call: Call) -> bytes:
    return compact_json({"dualSidePosition": state.exchange.dual_side_position(call.account)})


def change_position_mode(state: MockState, call: Call) -> bytes:
    state.exchange.change_position_mode(call.account, required_bool(call.params, "dualSidePosition"))
    return SUCCESS


def change_leverage(state: MockState, call: Call) -> bytes:
    symbol = required(call.params, "symbol")
    leverage, as_sent = required_int(call.params, "leverage")
    leverage, cap = state.exchange.change_leverage(call.account, symbol, leverage, as_sent)
    return compact_json({"leverage": leverage, "maxNotionalValue": str(cap), "symbol": symbol})


def leverage_brackets(state: MockState, call: Call) -> bytes:
    # A list with or without `symbol`: clients index [0] (the docs' bare object for one symbol fails the SDK's
    # model on real float `cum` values).
    catalogue = state.exchange.catalogue
    return compact_json([catalogue.brackets(s).wire(s) for s in requested_symbols(state, call.params)])


def change_position_margin(state: MockState, call: Call) -> bytes:
    symbol = required(call.params, "symbol")
    amount = required_decimal(call.params, "amount")
    kind = call.params.get("type")
    if kind not in ("1", "2"):
        raise BinanceRejection(errors.mandatory_parameter("type"), f"type {kind!r} is not 1 (add) or 2 (reduce)")
    side = call.params.get("positionSide")
    if side is not None and side not in POSITION_SIDES:
        raise BinanceRejection(errors.mandatory_parameter("positionSide"), f"positionSide {side!r} is not an enum")
    state.exchange.adjust_position_margin(
        call.account, symbol, PositionSide(side) if side else None, amount, add=int(kind) == ADD_MARGIN
    )
    # `amount` is a JSON number here, unlike everywhere else.
    return compact_json({"amount": float(amount), "code": 200, "msg": MARGIN_ADJUSTED, "type": int(kind)})
