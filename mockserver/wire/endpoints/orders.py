"""Open orders: seeded through the control API (the fake places and matches nothing), read and cancelled here."""

from __future__ import annotations

from typing import Any

from mockserver import errors
from mockserver.domain.accounts import OpenOrder
from mockserver.errors import BinanceRejection
from mockserver.state import MockState
from mockserver.wire.endpoints.common import amount_text, requested_symbols, required
from mockserver.wire.protocol import compact_json
from mockserver.wire.routing import Call

CANCELLED_ALL = b'{"code":200,"msg":"The operation of cancel all open order is done."}'


def order_object(symbol: str, order: OpenOrder) -> dict[str, Any]:
    # Field order and types as a real open LIMIT order (SDK strict model: ids and times int, flags bool).
    return {
        "orderId": order.order_id,
        "symbol": symbol,
        "status": "NEW",
        "clientOrderId": order.client_order_id,
        "price": amount_text(order.price),
        "avgPrice": "0.00000",
        "origQty": amount_text(order.quantity),
        "executedQty": "0",
        "cumQuote": "0",
        "timeInForce": "GTC",
        "type": "LIMIT",
        "reduceOnly": False,
        "closePosition": False,
        "side": order.side,
        "positionSide": order.position_side.value,
        "stopPrice": "0",
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": "LIMIT",
        "priceMatch": "NONE",
        "selfTradePreventionMode": "NONE",
        "goodTillDate": 0,
        "time": order.time,
        "updateTime": order.time,
    }


def open_orders(state: MockState, call: Call) -> bytes:
    found = state.exchange.open_orders(call.account, requested_symbols(state, call.params))
    return compact_json([order_object(symbol, order) for symbol, order in found])


def open_order(state: MockState, call: Call) -> bytes:
    symbol = required(call.params, "symbol")
    raw_id = call.params.get("orderId") or None
    client_id = call.params.get("origClientOrderId") or None
    if raw_id is None and client_id is None:
        raise BinanceRejection(
            errors.either_parameter("orderId", "origClientOrderId"), "neither orderId nor origClientOrderId was sent"
        )
    order_id = None
    if raw_id is not None:
        if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 19):
            raise BinanceRejection(errors.mandatory_parameter("orderId"), f"orderId {raw_id!r} is not a LONG")
        order_id = int(raw_id)
    return compact_json(order_object(symbol, state.exchange.find_order(call.account, symbol, order_id, client_id)))


def cancel_all_open_orders(state: MockState, call: Call) -> bytes:
    state.exchange.cancel_all_open_orders(call.account, required(call.params, "symbol"))
    return CANCELLED_ALL
