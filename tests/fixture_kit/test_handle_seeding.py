"""The handle's seeding verbs reach the fake the way a test author reads them: legs, orders, mode and wallet."""

from __future__ import annotations

import pytest

from mockserver import ControlCallRefused, MockAccount


def test_orders_and_positions_seeded_through_the_handle(fapi_mock: MockAccount) -> None:
    state = fapi_mock.seed_symbol(
        "ETHUSDT",
        position_amt="0.5",
        entry_price="2500",
        open_orders=[{"side": "SELL", "price": "2600", "quantity": "0.5", "clientOrderId": "tp1"}],
    )
    eth = state["symbols"]["ETHUSDT"]
    assert eth["positions"] == {"BOTH": {"positionAmt": "0.5", "entryPrice": "2500", "marginAdded": "0"}}
    [order] = eth["orders"]
    assert (order["side"], order["price"], order["clientOrderId"], order["positionSide"]) == (
        "SELL",
        "2600",
        "tp1",
        "BOTH",
    )


def test_hedge_mode_legs_and_wallet(fapi_mock: MockAccount) -> None:
    fapi_mock.set_position_mode(True)
    fapi_mock.seed_symbol("BTCUSDT", position_side="SHORT", position_amt="-0.01", entry_price="60000")
    fapi_mock.set_wallet({"USDT": "250.5", "BNB": 1})
    state = fapi_mock.state()
    assert state["dualSidePosition"] is True
    assert state["wallet"] == {"BNB": "1", "USDT": "250.5"}
    assert list(state["symbols"]["BTCUSDT"]["positions"]) == ["SHORT"]


def test_a_mode_flip_with_a_position_is_refused_with_the_reason(fapi_mock: MockAccount) -> None:
    fapi_mock.seed_symbol("BTCUSDT", position_amt="1")
    with pytest.raises(ControlCallRefused, match="no positions and no open orders"):
        fapi_mock.set_position_mode(True)
    assert fapi_mock.state()["dualSidePosition"] is False
