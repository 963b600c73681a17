"""The reference client's margin-setup calls against the fake: position mode, leverage and brackets, the account
reads, open orders; and how each change settles an unknown outcome (read back, or re-sent where that is harmless)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from client import (
    AccountConfig,
    BadRequestError,
    FuturesClient,
    LeverageChange,
    NoChangeNeededError,
    ServerError,
    TransportError,
    signer_for,
)
from client.models import Balance, LeverageBracket, OpenOrder, Position, decode, decode_brackets
from mockserver.testing.handle import MockAccount

DUAL = "/fapi/v1/positionSide/dual"
LEVERAGE = "/fapi/v1/leverage"
CANCEL_ALL = "/fapi/v1/allOpenOrders"
OPEN_ORDERS = "/fapi/v1/openOrders"


class Sleeps:
    """An injected sleep that records what the client waited instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client_for(handle: MockAccount, **options: Any) -> FuturesClient:
    signer = signer_for(secret=handle.secret, private_key=handle.private_key)
    options.setdefault("sleep", Sleeps())
    return FuturesClient(handle.api_key, signer, base_url=handle.base_url, **options)


def posts(handle: MockAccount, path: str) -> int:
    return len(handle.calls(path, method="POST"))


@pytest.fixture(params=["live", "in-process"])
def handle(request: pytest.FixtureRequest) -> MockAccount:
    fixture: MockAccount = request.getfixturevalue("fapi_mock" if request.param == "live" else "fapi_mock_inprocess")
    return fixture


# --- position mode ---
def test_position_mode_change_read_and_ensure(handle: MockAccount) -> None:
    client = client_for(handle)
    assert client.position_mode() is False
    client.set_position_mode(True)
    assert handle.state()["dualSidePosition"] is True and client.position_mode() is True
    with pytest.raises(NoChangeNeededError) as again:
        client.set_position_mode(True)
    assert (again.value.http_status, again.value.code, again.value.msg) == (
        400,
        -4059,
        "No need to change position side.",
    )
    assert client.ensure_position_mode(True) is False
    assert client.ensure_position_mode(False) is True
    assert client.account_config().dual_side_position is False
    handle.assert_called(DUAL, method="POST", params={"dualSidePosition": "true"}, code=200, times=1)


def test_open_orders_anywhere_block_the_position_mode_until_cancelled(handle: MockAccount) -> None:
    handle.seed_symbol("ETHUSDT", open_orders=2)
    client = client_for(handle)
    with pytest.raises(BadRequestError) as blocked:
        client.ensure_position_mode(True)
    assert type(blocked.value) is BadRequestError
    assert (blocked.value.code, blocked.value.msg) == (
        -4067,
        "Position side cannot be changed if there exists open orders.",
    )
    assert posts(handle, DUAL) == 1  # a refusal is an answer: nothing to settle, nothing re-sent
    client.cancel_all_open_orders("ETHUSDT")
    assert client.open_orders() == []
    assert client.ensure_position_mode(True) is True


def test_a_position_anywhere_blocks_the_position_mode(handle: MockAccount) -> None:
    handle.seed_symbol("SOLUSDT", position_amt="3")
    with pytest.raises(BadRequestError) as blocked:
        client_for(handle).ensure_position_mode(True)
    assert (blocked.value.code, blocked.value.msg) == (
        -4068,
        "Position side cannot be changed if there exists position.",
    )
    assert handle.state()["dualSidePosition"] is False


@pytest.mark.parametrize(
    ("kind", "applied", "sent"),
    [("unknown", True, 1), ("timeout", True, 1), ("timeout", False, 2), ("drop", True, 1), ("drop", False, 2)],
)
def test_position_mode_settles_an_unknown_outcome_by_reading_back(
    handle: MockAccount, kind: str, applied: bool, sent: int
) -> None:
    handle.add_fault(kind, path=DUAL, method="POST", applied=applied)
    assert client_for(handle).ensure_position_mode(True) is True
    assert handle.state()["dualSidePosition"] is True
    # Re-sent only after GET positionSide/dual said the change had not landed; never when it had.
    assert posts(handle, DUAL) == sent
    assert len(handle.calls(DUAL, method="GET")) == 1
    order = [(e["method"], e["path"]) for e in handle.journal()]
    assert order[:2] == [("POST", DUAL), ("GET", DUAL)]


def test_position_mode_outcome_that_stays_unknown_surfaces(handle: MockAccount) -> None:
    handle.add_fault("timeout", path=DUAL, method="POST", applied=False, count=10)
    with pytest.raises(ServerError) as error:
        client_for(handle).set_position_mode(True)
    assert (error.value.http_status, error.value.code, error.value.outcome_unknown) == (408, -1007, True)
    assert posts(handle, DUAL) == 4 and len(handle.calls(DUAL, method="GET")) == 3
    assert handle.state()["dualSidePosition"] is False


def test_a_failed_read_back_surfaces_the_changes_unknown_outcome(handle: MockAccount) -> None:
    handle.add_fault("unknown", path=DUAL, method="POST")
    handle.add_fault("disconnected", path=DUAL, method="GET", count=10)
    with pytest.raises(ServerError) as error:
        client_for(handle).set_position_mode(True)
    # The change's own error (503 "Unknown error"), not the read's -1001: the caller must know it may have landed.
    assert (error.value.http_status, error.value.code, error.value.outcome_unknown) == (503, -1000, True)
    assert isinstance(error.value.__context__, ServerError) and error.value.__context__.code == -1001
    assert posts(handle, DUAL) == 1  # not re-sent blindly when the state could not be read
    assert handle.state()["dualSidePosition"] is True


def test_a_resend_answered_no_need_to_change_means_the_first_one_landed(handle: MockAccount) -> None:
    # The first POST times out unapplied; the read says One-way; then the change lands after all (as a late
    # execution would), so the re-send is answered -4059: the account is as asked, and the call succeeds.
    handle.add_fault("timeout", path=DUAL, method="POST", applied=False)
    client = client_for(handle)
    read = client.position_mode

    def read_then_land_late() -> bool:
        seen = read()
        handle.set_position_mode(True)
        return seen

    client.position_mode = read_then_land_late  # type: ignore[method-assign]
    assert client.ensure_position_mode(True) is True
    assert [e["code"] for e in handle.calls(DUAL, method="POST")] == [-1007, -4059]


# --- leverage and brackets ---
def test_set_leverage_answers_the_cap_of_the_brackets(handle: MockAccount) -> None:
    client = client_for(handle)
    (btc,) = client.leverage_brackets("BTCUSDT")
    change = client.set_leverage("BTCUSDT", 10)
    assert change == LeverageChange(
        symbol="BTCUSDT",
        leverage=10,
        max_notional_value=max(b.notional_cap for b in btc.brackets if b.initial_leverage >= 10),
    )
    assert client.get_symbol_config("BTCUSDT")[0]["leverage"] == 10
    assert client.set_leverage("BTCUSDT", 10) == change  # the same leverage again is a success, not an error
    handle.assert_called(LEVERAGE, params={"symbol": "BTCUSDT", "leverage": "10"}, code=200, times=2)


@pytest.mark.parametrize(("symbol", "too_much"), [("BTCUSDT", 126), ("BTCUSDT", 0), ("ADAUSDT", 76)])
def test_leverage_out_of_range_is_a_bad_request(handle: MockAccount, symbol: str, too_much: int) -> None:
    client = client_for(handle)
    assert client.leverage_brackets(symbol)[0].max_leverage == (125 if symbol == "BTCUSDT" else 75)
    with pytest.raises(BadRequestError) as error:
        client.set_leverage(symbol, too_much)
    assert (error.value.http_status, error.value.code, error.value.msg) == (
        400,
        -4028,
        f"Leverage {too_much} is not valid",
    )
    assert posts(handle, LEVERAGE) == 1


def test_leverage_must_be_an_int() -> None:
    client = FuturesClient("k", signer_for(secret="s"), base_url="http://127.0.0.1:9")
    for wrong in (2.5, "10", True):
        with pytest.raises(TypeError, match="leverage"):
            client.set_leverage("BTCUSDT", wrong)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "applied"), [("unknown", True), ("timeout", False), ("drop", True), ("drop", False)])
def test_leverage_with_an_unknown_outcome_is_sent_again(handle: MockAccount, kind: str, applied: bool) -> None:
    handle.add_fault(kind, path=LEVERAGE, method="POST", applied=applied)
    sleeps = Sleeps()
    change = client_for(handle, sleep=sleeps).set_leverage("ETHUSDT", 7)
    assert change.leverage == 7 and handle.state()["symbols"]["ETHUSDT"]["leverage"] == 7
    # Repeating a leverage is harmless whether or not it landed: re-sent (after a backoff), no read in between.
    assert [(e["method"], e["path"]) for e in handle.journal()] == [("POST", LEVERAGE), ("POST", LEVERAGE)]
    assert sleeps.waits == [0.2]


def test_leverage_outcome_that_stays_unknown_surfaces(handle: MockAccount) -> None:
    handle.add_fault("unknown", path=LEVERAGE, method="POST", count=10)
    sleeps = Sleeps()
    with pytest.raises(ServerError) as error:
        client_for(handle, sleep=sleeps).set_leverage("ETHUSDT", 7)
    assert (error.value.http_status, error.value.outcome_unknown) == (503, True)
    assert posts(handle, LEVERAGE) == 4 and sleeps.waits == [0.2, 0.4, 0.8]


def test_leverage_brackets_for_every_symbol_or_one(handle: MockAccount) -> None:
    client = client_for(handle)
    every = client.leverage_brackets()
    assert len(every) > 50 and len({b.symbol for b in every}) == len(every)
    (btc,) = client.leverage_brackets("BTCUSDT")
    assert btc.symbol == "BTCUSDT" and btc.notional_coef is None
    assert [b.bracket for b in btc.brackets] == list(range(1, len(btc.brackets) + 1))
    first = btc.brackets[0]
    assert isinstance(first, LeverageBracket) and first.notional_floor == 0 and first.initial_leverage == 125
    for lower, upper in zip(btc.brackets, btc.brackets[1:], strict=False):
        assert upper.notional_floor == lower.notional_cap and upper.initial_leverage <= lower.initial_leverage
    assert all(isinstance(b.maint_margin_ratio, Decimal) for b in btc.brackets)
    with pytest.raises(BadRequestError) as unknown:
        client.leverage_brackets("NOPEUSDT")
    assert unknown.value.code == -1121


# --- account reads ---
def test_account_config(handle: MockAccount) -> None:
    client = client_for(handle)
    assert client.account_config() == AccountConfig(
        fee_tier=0,
        can_trade=True,
        can_deposit=True,
        can_withdraw=True,
        dual_side_position=False,
        multi_assets_margin=False,
        trade_group_id=-1,
        update_time=0,
    )
    client.set_multi_assets_margin(True)
    assert client.account_config().multi_assets_margin is True


def test_balances(handle: MockAccount) -> None:
    handle.set_wallet({"USDT": "1234.5", "BNB": "2"})
    balances = {b.asset: b for b in client_for(handle).balances()}
    usdt = balances["USDT"]
    assert (usdt.balance, usdt.available_balance, usdt.cross_unrealized_pnl) == (
        Decimal("1234.5"),
        Decimal("1234.5"),
        Decimal(0),
    )
    assert usdt.update_time > 0 and usdt.margin_available is True and usdt.account_alias
    assert balances["BNB"].balance == 2
    assert all(isinstance(b, Balance) for b in balances.values())


def test_positions_list_only_legs_with_a_position_or_orders(handle: MockAccount) -> None:
    client = client_for(handle)
    assert client.positions() == []
    handle.seed_symbol("ETHUSDT", position_amt="1.5", entry_price="2000")
    handle.seed_symbol("BTCUSDT", open_orders=1)
    rows = {p.symbol: p for p in client.positions()}
    assert set(rows) == {"ETHUSDT", "BTCUSDT"}
    eth = rows["ETHUSDT"]
    assert isinstance(eth, Position)
    assert (eth.position_side, eth.position_amt, eth.entry_price, eth.notional) == (
        "BOTH",
        Decimal("1.5"),
        Decimal(2000),
        Decimal(3000),
    )
    assert eth.margin_asset == "USDT" and isinstance(eth.adl, int) and eth.update_time > 0
    assert rows["BTCUSDT"].position_amt == 0
    assert [p.symbol for p in client.positions("ETHUSDT")] == ["ETHUSDT"]
    assert client.positions("SOLUSDT") == []


def test_positions_in_hedge_mode_have_legs(handle: MockAccount) -> None:
    client = client_for(handle)
    client.set_position_mode(True)
    handle.seed_symbol("ETHUSDT", position_amt="-2", position_side="SHORT")
    (short,) = client.positions("ETHUSDT")
    assert (short.position_side, short.position_amt) == ("SHORT", Decimal(-2))


@pytest.mark.parametrize(("kind", "path"), [("unknown", "/fapi/v3/balance"), ("timeout", "/fapi/v3/positionRisk")])
def test_reads_are_retried_whatever_became_of_them(handle: MockAccount, kind: str, path: str) -> None:
    handle.add_fault(kind, path=path, method="GET", count=2)
    sleeps = Sleeps()
    client = client_for(handle, sleep=sleeps)
    client.balances() if path.endswith("balance") else client.positions()
    assert len(handle.calls(path)) == 3 and sleeps.waits == [0.2, 0.4]


# --- open orders ---
def test_open_orders_and_cancel_all(handle: MockAccount) -> None:
    handle.seed_symbol("BTCUSDT", open_orders=[{"side": "BUY", "price": "50000", "quantity": "0.01"}])
    handle.seed_symbol("ETHUSDT", open_orders=2)
    client = client_for(handle)
    (order,) = client.open_orders("BTCUSDT")
    assert isinstance(order, OpenOrder)
    assert (order.symbol, order.side, order.price, order.orig_qty, order.status) == (
        "BTCUSDT",
        "BUY",
        Decimal("50000"),
        Decimal("0.01"),
        "NEW",
    )
    assert order.order_type == "LIMIT" and order.position_side == "BOTH" and order.order_id > 2**62
    assert order.activate_price is None and order.price_rate is None
    assert len(client.open_orders()) == 3
    client.cancel_all_open_orders("ETHUSDT")
    assert [o.symbol for o in client.open_orders()] == ["BTCUSDT"]
    client.cancel_all_open_orders("ETHUSDT")  # nothing left to cancel: still a success
    (cancel, _again) = handle.calls(CANCEL_ALL, method="DELETE")
    assert {p["origin"] for p in cancel["params"]} == {"query"}  # DELETE parameters travel in the query string


@pytest.mark.parametrize(("kind", "applied", "sent"), [("unknown", True, 1), ("timeout", False, 2), ("drop", True, 1)])
def test_cancel_all_settles_an_unknown_outcome_by_reading_back(
    handle: MockAccount, kind: str, applied: bool, sent: int
) -> None:
    handle.seed_symbol("ETHUSDT", open_orders=2)
    handle.add_fault(kind, path=CANCEL_ALL, method="DELETE", applied=applied)
    client_for(handle).cancel_all_open_orders("ETHUSDT")
    # A symbol back at its defaults is no longer listed in the state.
    assert handle.state()["symbols"].get("ETHUSDT", {}).get("openOrders", 0) == 0
    assert len(handle.calls(CANCEL_ALL, method="DELETE")) == sent
    assert len(handle.calls(OPEN_ORDERS, method="GET")) == 1


def test_a_margin_setup_flow(handle: MockAccount) -> None:
    """What a bot does before trading: clear the way, then hedge mode, isolated margin and a leverage in range."""
    handle.seed_symbol("SOLUSDT", open_orders=1)
    client = client_for(handle)
    for symbol in {o.symbol for o in client.open_orders()}:
        client.cancel_all_open_orders(symbol)
    assert client.positions() == []
    assert client.ensure_position_mode(True) is True
    assert client.ensure_margin_type("SOLUSDT", "ISOLATED") is True
    (brackets,) = client.leverage_brackets("SOLUSDT")
    change = client.set_leverage("SOLUSDT", min(50, brackets.max_leverage))
    assert change.leverage == 50 and change.max_notional_value > 0
    assert client.account_config().dual_side_position is True
    handle.assert_no_rejections()


# --- decoding: the documented wire types, and nothing silently wrong ---
def test_decoding_takes_the_wire_types_and_refuses_others() -> None:
    assert decode(LeverageChange, {"leverage": 21, "maxNotionalValue": "1000000", "symbol": "BTCUSDT"}) == (
        LeverageChange("BTCUSDT", 21, Decimal(1_000_000))
    )
    (brackets,) = decode_brackets(  # the docs' bare object for one symbol is taken too
        {"symbol": "X", "notionalCoef": 1.5, "brackets": [_bracket(2, 10, 0.01), _bracket(1, 20, 0.004)]}
    )
    assert [b.bracket for b in brackets.brackets] == [1, 2] and brackets.notional_coef == Decimal("1.5")
    assert brackets.brackets[0].maint_margin_ratio == Decimal("0.004")  # a float's shortest text, not its binary
    with pytest.raises(ValueError, match="'leverage' should be int, got True"):
        decode(LeverageChange, {"leverage": True, "maxNotionalValue": "1", "symbol": "X"})
    with pytest.raises(ValueError, match="'maxNotionalValue' is missing"):
        decode(LeverageChange, {"leverage": 1, "symbol": "X"})
    with pytest.raises(ValueError, match="'canTrade' should be bool, got 'yes'"):
        decode(AccountConfig, {**_account_config(), "canTrade": "yes"})
    assert decode(AccountConfig, {**_account_config(), "canTrade": "false"}).can_trade is False


def _bracket(number: int, leverage: int, ratio: float) -> dict[str, Any]:
    return {
        "bracket": number,
        "initialLeverage": leverage,
        "notionalCap": number * 1000,
        "notionalFloor": (number - 1) * 1000,
        "maintMarginRatio": ratio,
        "cum": 0.0,
    }


def _account_config() -> dict[str, Any]:
    return {
        "feeTier": 0,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "dualSidePosition": True,
        "updateTime": 0,
        "multiAssetsMargin": False,
        "tradeGroupId": -1,
    }


def test_a_dropped_cancel_that_keeps_dropping_surfaces_as_unknown(handle: MockAccount) -> None:
    handle.seed_symbol("ETHUSDT", open_orders=1)
    handle.add_fault("drop", path=CANCEL_ALL, method="DELETE", applied=False, count=10)
    with pytest.raises(TransportError) as error:
        client_for(handle).cancel_all_open_orders("ETHUSDT")
    assert error.value.outcome_unknown is True
    assert len(handle.calls(CANCEL_ALL)) == 4 and handle.state()["symbols"]["ETHUSDT"]["openOrders"] == 1
