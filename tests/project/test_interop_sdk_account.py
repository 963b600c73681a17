"""Interop: the official SDK's strict models parse every account-configuration answer of a live fake.

The endpoints a bot calls around marginType (position mode, leverage and its brackets, accountConfig, positions,
account and balance v2/v3, open orders, isolated position margin), each with HMAC, RSA and Ed25519 keys, through
binance-sdk-derivatives-trading-usds-futures 18.1.0 unmodified. `test_interop_sdk.py` explains the two SDK behaviours
that shape these tests; its live fake, SDK clients and parse-warning guard are reused here. On top of that guard:

* every answer comes back as the declared model class (not the raw JSON the SDK falls back to), with nothing the
  model does not know (`additional_properties` empty, nested models too);
* every raw JSON answer, read off the SDK's own session, carries exactly the keys its model declares (for list
  answers the SDK drops unknown keys silently, so the parsed models alone cannot show this);
* no model was relaxed process-wide (`binance_common.utils._relaxed_models`, where the SDK records each one it
  relaxed), and a probe shows these models still refuse wrong types.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import binance_common.utils
import pytest
import requests
import test_interop_sdk
from binance_common.errors import BadRequestError
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    AccountInformationV2Response,
    AccountInformationV3Response,
    CancelAllOpenOrdersResponse,
    ChangeInitialLeverageResponse,
    ChangeMarginTypeMarginTypeEnum,
    ChangeMarginTypeResponse,
    ChangeMultiAssetsModeResponse,
    ChangePositionModeResponse,
    CurrentAllOpenOrdersResponse,
    FuturesAccountBalanceV2Response,
    FuturesAccountBalanceV3Response,
    FuturesAccountConfigurationResponse,
    GetCurrentPositionModeResponse,
    ModifyIsolatedPositionMarginResponse,
    NotionalAndLeverageBracketsResponse,
    NotionalAndLeverageBracketsResponse1,
    PositionInformationV2Response,
    PositionInformationV3Response,
    QueryCurrentOpenOrderResponse,
)
from binance_sdk_derivatives_trading_usds_futures.rest_api.rest_api import DerivativesTradingUsdsFuturesRestAPI
from pydantic import BaseModel, ValidationError
from test_interop_sdk import CONTROL_TIMEOUT_S, Credentials, control, each_key_type

from mockserver.hosting.server import ThreadedServer

pytestmark = pytest.mark.interop

# Fixtures reused from test_interop_sdk: a module-scoped live fake with one key of each type (each key's account is
# its apiKey), the SDK client factory, and the autouse guard that resets the fake and fails a test on a parse warning.
server = test_interop_sdk.server
sdk = test_interop_sdk.sdk
clean_fake = test_interop_sdk.clean_fake

SdkFactory = Callable[[Credentials], DerivativesTradingUsdsFuturesRestAPI]
ISOLATED = ChangeMarginTypeMarginTypeEnum.ISOLATED

# Fields Binance leaves out, so the models declare them optional: notionalCoef "only appears when user's symbol
# bracket is adjusted"; activatePrice and priceRate "only return with TRAILING_STOP_MARKET order".
ABSENT_ON_THE_WIRE = {"notionalCoef", "activatePrice", "priceRate"}

# The model of each JSON answer, by the call that got it (the item model for a list).
MODEL_OF_ANSWER: dict[tuple[str, str], type[BaseModel]] = {
    ("GET", "/fapi/v1/positionSide/dual"): GetCurrentPositionModeResponse,
    ("POST", "/fapi/v1/positionSide/dual"): ChangePositionModeResponse,
    ("POST", "/fapi/v1/marginType"): ChangeMarginTypeResponse,
    ("POST", "/fapi/v1/multiAssetsMargin"): ChangeMultiAssetsModeResponse,
    ("POST", "/fapi/v1/leverage"): ChangeInitialLeverageResponse,
    ("GET", "/fapi/v1/leverageBracket"): NotionalAndLeverageBracketsResponse1,
    ("GET", "/fapi/v1/accountConfig"): FuturesAccountConfigurationResponse,
    ("GET", "/fapi/v2/positionRisk"): PositionInformationV2Response,
    ("GET", "/fapi/v3/positionRisk"): PositionInformationV3Response,
    ("GET", "/fapi/v2/account"): AccountInformationV2Response,
    ("GET", "/fapi/v3/account"): AccountInformationV3Response,
    ("GET", "/fapi/v2/balance"): FuturesAccountBalanceV2Response,
    ("GET", "/fapi/v3/balance"): FuturesAccountBalanceV3Response,
    ("GET", "/fapi/v1/openOrders"): CurrentAllOpenOrdersResponse,
    ("GET", "/fapi/v1/openOrder"): QueryCurrentOpenOrderResponse,
    ("DELETE", "/fapi/v1/allOpenOrders"): CancelAllOpenOrdersResponse,
    ("POST", "/fapi/v1/positionMargin"): ModifyIsolatedPositionMarginResponse,
}


def strictly_parsed(data: Any, model: type[BaseModel]) -> Any:
    """`data` as `.data()` gave it: the declared model (or a list of it), not the raw JSON the SDK falls back to, and
    with nothing the model did not know (`additional_properties` empty, nested models too); returns it."""
    items = data if isinstance(data, list) else [data]
    assert items == [] or {type(item) for item in items} == {model}, f"{type(data)} is not the strict {model}"
    extras: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")
        elif isinstance(value, BaseModel):
            if getattr(value, "additional_properties", None):
                extras.append(f"{where}: {sorted(value.additional_properties)}")  # type: ignore[attr-defined]
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{where}.{name}")

    walk(data, model.__name__)
    assert extras == [], "fields the SDK's model does not know"
    return data


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside a field's annotation (`Optional[List[Inner]]` gives `Inner`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(nested_model, typing.get_args(annotation)) if m is not None), None)


def wire_mismatches(value: Any, model: type[BaseModel], where: str) -> list[str]:
    """Keys of a raw JSON answer against the model's fields, both ways, nested models included.

    This sees what `.data()` cannot: for list answers the SDK validates each item with `model_validate`, which drops
    unknown keys silently and leaves a missing optional field None."""
    if isinstance(value, list):
        return [problem for i, item in enumerate(value) for problem in wire_mismatches(item, model, f"{where}[{i}]")]
    fields = {info.alias or name: info for name, info in model.model_fields.items() if name != "additional_properties"}
    unknown = set(value) - set(fields)
    missing = set(fields) - set(value) - ABSENT_ON_THE_WIRE
    problems = []
    if unknown:
        problems.append(f"{where}: unknown to the model: {sorted(unknown)}")
    if missing:
        problems.append(f"{where}: declared by the model, not sent: {sorted(missing)}")
    for key in set(value) & set(fields):
        inner = nested_model(fields[key].annotation)
        if inner is not None and value[key] is not None:
            problems += wire_mismatches(value[key], inner, f"{where}.{key}")
    return problems


def brackets_list(data: Any) -> list[NotionalAndLeverageBracketsResponse1]:
    """The leverageBracket answer is a oneOf; the fake serves the list form, with or without `symbol`."""
    assert type(data) is NotionalAndLeverageBracketsResponse
    listed = data.actual_instance
    assert isinstance(listed, list)
    result: list[NotionalAndLeverageBracketsResponse1] = strictly_parsed(listed, NotionalAndLeverageBracketsResponse1)
    return result


def refused(call: Callable[[], object]) -> tuple[int | None, str]:
    with pytest.raises(BadRequestError) as error:
        call()
    return error.value.status_code, error.value.error_message


def seed(server: ThreadedServer, account: str, symbol: str, **fields: Any) -> None:
    url = f"{server.url}/__mock__/accounts/{account}/symbols/{symbol}"
    response = requests.put(url, json=fields, timeout=CONTROL_TIMEOUT_S)
    assert response.status_code == 200, response.text


@pytest.fixture
def api(sdk: SdkFactory) -> Iterator[SdkFactory]:
    """SDK clients as `sdk` builds them, plus a look at every JSON answer they got, raw, checked against its model."""
    answers: list[requests.Response] = []

    def build(creds: Credentials) -> DerivativesTradingUsdsFuturesRestAPI:
        client = sdk(creds)
        client._session.hooks["response"].append(lambda response, **_: answers.append(response))
        return client

    yield build
    problems = []
    for response in answers:
        if response.status_code == 200:
            call = (str(response.request.method), urlsplit(response.url).path)
            problems += wire_mismatches(response.json(), MODEL_OF_ANSWER[call], " ".join(call))
    assert problems == [], "the fake's answers and the SDK's models disagree"


@pytest.fixture(autouse=True)
def no_model_relaxed() -> Iterator[None]:
    """Beside the parse-warning guard: no model relaxed, and a probe that these models still refuse wrong types."""
    yield
    assert binance_common.utils._relaxed_models == set()
    wrong_types: list[tuple[type[BaseModel], dict[str, Any]]] = [
        (GetCurrentPositionModeResponse, {"dualSidePosition": "true"}),
        (ChangeInitialLeverageResponse, {"leverage": "10"}),
        (FuturesAccountConfigurationResponse, {"feeTier": "0"}),
        (PositionInformationV3Response, {"adl": "2"}),
        (AccountInformationV2Response, {"feeBurn": "false"}),
        (FuturesAccountBalanceV3Response, {"updateTime": "0"}),
        (CurrentAllOpenOrdersResponse, {"orderId": "1"}),
        (ModifyIsolatedPositionMarginResponse, {"type": "1"}),
    ]
    for model, body in wrong_types:
        with pytest.raises(ValidationError):
            model.model_validate(body)


@each_key_type
def test_position_mode_round_trip_and_its_refusals(server: ThreadedServer, api: SdkFactory, creds: Credentials) -> None:
    client = api(creds)

    def mode() -> bool | None:
        data = client.get_current_position_mode().data()
        parsed: GetCurrentPositionModeResponse = strictly_parsed(data, GetCurrentPositionModeResponse)
        return parsed.dual_side_position

    assert mode() is False
    changed = strictly_parsed(client.change_position_mode(dual_side_position="true").data(), ChangePositionModeResponse)
    assert (changed.code, changed.msg) == (200, "success")
    assert mode() is True
    assert control(server, "GET", f"/accounts/{creds.api_key}")["dualSidePosition"] is True
    assert refused(lambda: client.change_position_mode(dual_side_position="true")) == (
        -4059,
        "No need to change position side.",
    )

    seed(server, creds.api_key, "ETHUSDT", openOrders=1, positionSide="LONG")
    assert refused(lambda: client.change_position_mode(dual_side_position="false")) == (
        -4067,
        "Position side cannot be changed if there exists open orders.",
    )
    seed(server, creds.api_key, "ETHUSDT", openOrders=0, positionSide="SHORT", positionAmt="-0.1")
    assert refused(lambda: client.change_position_mode(dual_side_position="false")) == (
        -4068,
        "Position side cannot be changed if there exists position.",
    )
    assert mode() is True


@each_key_type
def test_change_initial_leverage_follows_the_brackets(api: SdkFactory, creds: Credentials) -> None:
    client = api(creds)
    [btc] = brackets_list(client.notional_and_leverage_brackets(symbol="BTCUSDT").data())
    assert btc.symbol == "BTCUSDT"

    for leverage in (10, 20, 21, btc.brackets[0].initial_leverage):
        answer = client.change_initial_leverage(symbol="BTCUSDT", leverage=leverage).data()
        changed = strictly_parsed(answer, ChangeInitialLeverageResponse)
        # maxNotionalValue: the largest cap among the brackets that allow this leverage.
        cap = max(b.notional_cap for b in btc.brackets if b.initial_leverage >= leverage)
        assert (changed.symbol, changed.leverage, changed.max_notional_value) == ("BTCUSDT", leverage, str(cap))

    too_high = btc.brackets[0].initial_leverage + 1
    assert refused(lambda: client.change_initial_leverage(symbol="BTCUSDT", leverage=too_high)) == (
        -4028,
        f"Leverage {too_high} is not valid",
    )


@each_key_type
def test_brackets_with_and_without_symbol(server: ThreadedServer, api: SdkFactory, creds: Credentials) -> None:
    client = api(creds)

    [one] = brackets_list(client.notional_and_leverage_brackets(symbol="SOLUSDT").data())
    every = brackets_list(client.notional_and_leverage_brackets().data())

    assert one.symbol == "SOLUSDT"
    assert [entry.symbol for entry in every] == list(server.state.exchange.catalogue)
    assert next(entry for entry in every if entry.symbol == "SOLUSDT") == one
    for entry in every:
        brackets = entry.brackets
        assert [b.bracket for b in brackets] == list(range(1, len(brackets) + 1))
        assert brackets[0].notional_floor == 0
        assert all(b.notional_floor == a.notional_cap for a, b in itertools.pairwise(brackets))
        assert all(b.initial_leverage <= a.initial_leverage for a, b in itertools.pairwise(brackets))


@each_key_type
def test_account_configuration_follows_both_modes(api: SdkFactory, creds: Credentials) -> None:
    client = api(creds)

    def config() -> FuturesAccountConfigurationResponse:
        data = client.futures_account_configuration().data()
        parsed: FuturesAccountConfigurationResponse = strictly_parsed(data, FuturesAccountConfigurationResponse)
        return parsed

    first = config()
    assert (first.fee_tier, first.can_trade, first.can_deposit, first.can_withdraw) == (0, True, True, True)
    assert (first.dual_side_position, first.multi_assets_margin, first.update_time, first.trade_group_id) == (
        False,
        False,
        0,
        -1,
    )
    client.change_position_mode(dual_side_position="true")
    client.change_multi_assets_mode(multi_assets_margin="true")
    assert (config().dual_side_position, config().multi_assets_margin) == (True, True)


@each_key_type
def test_positions_account_and_balance_v2_v3(server: ThreadedServer, api: SdkFactory, creds: Credentials) -> None:
    client = api(creds)
    seed(server, creds.api_key, "ETHUSDT", marginType="ISOLATED", leverage=10, positionAmt="0.5", entryPrice="2000")
    seed(server, creds.api_key, "BTCUSDT", openOrders=[{"side": "BUY", "price": "50000", "quantity": "0.01"}])

    [eth_v2] = strictly_parsed(client.position_information_v2(symbol="ETHUSDT").data(), PositionInformationV2Response)
    assert (eth_v2.position_amt, eth_v2.entry_price, eth_v2.margin_type, eth_v2.leverage) == (
        "0.5",
        "2000",
        "isolated",
        "10",
    )
    assert (eth_v2.position_side, eth_v2.notional, eth_v2.isolated_wallet) == ("BOTH", "1000.00000000", "100.00000000")
    every_v2 = strictly_parsed(client.position_information_v2().data(), PositionInformationV2Response)
    assert len(every_v2) == len(server.state.exchange.catalogue)

    # v3 lists only symbols with a position or open orders.
    v3 = strictly_parsed(client.position_information_v3().data(), PositionInformationV3Response)
    assert {row.symbol: (row.position_amt, row.adl) for row in v3} == {"ETHUSDT": ("0.5", 0), "BTCUSDT": ("0", 0)}
    btc_v3 = next(row for row in v3 if row.symbol == "BTCUSDT")
    assert btc_v3.open_order_initial_margin == "25.00000000"  # 50000 × 0.01 / 20

    account_v2 = strictly_parsed(client.account_information_v2().data(), AccountInformationV2Response)
    account_v3 = strictly_parsed(client.account_information_v3().data(), AccountInformationV3Response)
    balance_v2 = strictly_parsed(client.futures_account_balance_v2().data(), FuturesAccountBalanceV2Response)
    balance_v3 = strictly_parsed(client.futures_account_balance_v3().data(), FuturesAccountBalanceV3Response)

    assert account_v2.multi_assets_margin is False and account_v2.fee_burn is False
    assert len(account_v2.positions) == len(server.state.exchange.catalogue)
    assert sorted(p.symbol for p in account_v3.positions) == ["BTCUSDT", "ETHUSDT"]
    # 10000 USDT: 100 sits in ETHUSDT's isolated wallet, 25 is reserved by the open order.
    for account in (account_v2, account_v3):
        assert (account.total_wallet_balance, account.total_cross_wallet_balance) == ("10000.00000000", "9900.00000000")
        assert account.available_balance == "9875.00000000"
    [usdt_v2] = [row for row in balance_v2 if row.asset == "USDT"]
    [usdt_v3] = [row for row in balance_v3 if row.asset == "USDT"]
    assert usdt_v2.to_dict() == usdt_v3.to_dict()
    assert (usdt_v3.balance, usdt_v3.cross_wallet_balance, usdt_v3.available_balance, usdt_v3.margin_available) == (
        "10000.00000000",
        "9900.00000000",
        "9875.00000000",
        True,
    )
    assert usdt_v3.update_time is not None and usdt_v3.update_time > 0  # ccxt drops an asset whose updateTime is 0


@each_key_type
def test_open_orders_query_and_cancel(server: ThreadedServer, api: SdkFactory, creds: Credentials) -> None:
    client = api(creds)
    orders = [
        {"side": "BUY", "price": "50000", "quantity": "0.01"},
        {"side": "SELL", "price": "70000.5", "quantity": "0.002"},
    ]
    seed(server, creds.api_key, "BTCUSDT", openOrders=orders)
    seed(server, creds.api_key, "ETHUSDT", openOrders=1)

    on_btc = strictly_parsed(client.current_all_open_orders(symbol="BTCUSDT").data(), CurrentAllOpenOrdersResponse)
    everywhere = strictly_parsed(client.current_all_open_orders().data(), CurrentAllOpenOrdersResponse)
    assert [(o.side, o.price, o.orig_qty, o.status, o.type) for o in on_btc] == [
        ("BUY", "50000", "0.01", "NEW", "LIMIT"),
        ("SELL", "70000.5", "0.002", "NEW", "LIMIT"),
    ]
    assert sorted(o.symbol for o in everywhere) == ["BTCUSDT", "BTCUSDT", "ETHUSDT"]

    first = on_btc[0]
    by_id = client.query_current_open_order(symbol="BTCUSDT", order_id=first.order_id).data()
    by_client_id = client.query_current_open_order(symbol="BTCUSDT", orig_client_order_id=first.client_order_id).data()
    assert strictly_parsed(by_id, QueryCurrentOpenOrderResponse).order_id == first.order_id
    assert strictly_parsed(by_client_id, QueryCurrentOpenOrderResponse).to_dict() == by_id.to_dict()
    assert refused(lambda: client.query_current_open_order(symbol="ETHUSDT", order_id=first.order_id)) == (
        -2013,
        "Order does not exist.",
    )

    cancelled = strictly_parsed(client.cancel_all_open_orders(symbol="BTCUSDT").data(), CancelAllOpenOrdersResponse)
    assert (cancelled.code, cancelled.msg) == (200, "The operation of cancel all open order is done.")
    assert client.current_all_open_orders(symbol="BTCUSDT").data() == []
    assert [o.symbol for o in client.current_all_open_orders().data()] == ["ETHUSDT"]


@each_key_type
def test_modify_isolated_position_margin(server: ThreadedServer, api: SdkFactory, creds: Credentials) -> None:
    client = api(creds)
    seed(server, creds.api_key, "ETHUSDT", marginType="ISOLATED", leverage=10, positionAmt="0.5", entryPrice="2000")

    def isolated_wallet() -> str | None:
        [row] = client.position_information_v3(symbol="ETHUSDT").data()
        return row.isolated_wallet  # type: ignore[no-any-return]

    added = client.modify_isolated_position_margin(symbol="ETHUSDT", amount=10.5, type=1).data()
    assert strictly_parsed(added, ModifyIsolatedPositionMarginResponse).to_dict() == {
        "amount": 10.5,
        "code": 200,
        "msg": "Successfully modify position margin.",
        "type": 1,
    }
    assert isolated_wallet() == "110.50000000"
    reduced = client.modify_isolated_position_margin(symbol="ETHUSDT", amount=5, type=2).data()
    assert (strictly_parsed(reduced, ModifyIsolatedPositionMarginResponse).amount, reduced.type) == (5.0, 2)
    assert isolated_wallet() == "105.50000000"

    assert refused(lambda: client.modify_isolated_position_margin(symbol="BTCUSDT", amount=1, type=1)) == (
        -4049,
        "Add margin only support for isolated position.",
    )


def set_up(client: DerivativesTradingUsdsFuturesRestAPI, symbol: str, leverage: int) -> int:
    """A hedge-mode bot's start-up, safe to run again after a restart: position mode, margin type, leverage.
    Returns the leverage answer's maxNotionalValue."""
    if not client.get_current_position_mode().data().dual_side_position:
        client.change_position_mode(dual_side_position="true")
    try:
        client.change_margin_type(symbol=symbol, margin_type=ISOLATED)
    except BadRequestError as error:
        if error.status_code != -4046:  # "No need to change margin type.": already ISOLATED
            raise
    answer = client.change_initial_leverage(symbol=symbol, leverage=leverage).data()
    return int(strictly_parsed(answer, ChangeInitialLeverageResponse).max_notional_value)


@each_key_type
def test_bot_setup_flow(server: ThreadedServer, api: SdkFactory, creds: Credentials) -> None:
    """The start-up, then what the bot reads back (positions, brackets, balance); then a restart runs it again."""
    client = api(creds)
    symbol = "SOLUSDT"

    cap = set_up(client, symbol, leverage=5)

    positions = strictly_parsed(client.position_information_v2(symbol=symbol).data(), PositionInformationV2Response)
    [brackets] = brackets_list(client.notional_and_leverage_brackets(symbol=symbol).data())
    balances = strictly_parsed(client.futures_account_balance_v3().data(), FuturesAccountBalanceV3Response)
    # Hedge mode: a LONG and a SHORT leg, both with the symbol's margin type, leverage and cap.
    assert [(p.position_side, p.margin_type, p.leverage, p.position_amt) for p in positions] == [
        ("LONG", "isolated", "5", "0"),
        ("SHORT", "isolated", "5", "0"),
    ]
    assert {p.max_notional_value for p in positions} == {str(cap)}
    assert cap == max(b.notional_cap for b in brackets.brackets if b.initial_leverage >= 5)
    [usdt] = [b for b in balances if b.asset == "USDT"]
    assert usdt.available_balance == "10000.00000000"
    assert client.position_information_v3(symbol=symbol).data() == []  # v3: no leg open, no order resting

    assert set_up(client, symbol, leverage=5) == cap  # the restart changes nothing

    described = control(server, "GET", f"/accounts/{creds.api_key}")
    assert described["dualSidePosition"] is True
    assert {k: described["symbols"][symbol][k] for k in ("marginType", "leverage")} == {
        "marginType": "ISOLATED",
        "leverage": 5,
    }
    calls = [(e["method"], e["path"], e["status"]) for e in control(server, "GET", "/journal")]
    assert calls == [
        ("GET", "/fapi/v1/positionSide/dual", 200),
        ("POST", "/fapi/v1/positionSide/dual", 200),
        ("POST", "/fapi/v1/marginType", 200),
        ("POST", "/fapi/v1/leverage", 200),
        ("GET", "/fapi/v2/positionRisk", 200),
        ("GET", "/fapi/v1/leverageBracket", 200),
        ("GET", "/fapi/v3/balance", 200),
        ("GET", "/fapi/v3/positionRisk", 200),
        # the restart
        ("GET", "/fapi/v1/positionSide/dual", 200),
        ("POST", "/fapi/v1/marginType", 400),
        ("POST", "/fapi/v1/leverage", 200),
    ]


def test_bot_setup_flow_against_the_cli_server_with_the_demo_account() -> None:
    """What `make run` starts (the CLI, demo account), driven by the official SDK unmodified: the setup, then reads."""
    from binance_common.configuration import ConfigurationRestAPI
    from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures
    from helpers import running_cli

    from mockserver import DEMO_API_KEY, DEMO_SECRET

    with running_cli() as (_process, url):
        config = ConfigurationRestAPI(api_key=DEMO_API_KEY, api_secret=DEMO_SECRET, base_path=url)
        client = DerivativesTradingUsdsFutures(config_rest_api=config).rest_api
        cap = set_up(client, "BTCUSDT", leverage=10)
        assert cap == 230_000_000  # BTCUSDT's brackets: the largest cap among those allowing 10x
        legs = client.position_information_v2(symbol="BTCUSDT").data()
        assert [(p.position_side, p.margin_type, p.leverage) for p in legs] == [
            ("LONG", "isolated", "10"),
            ("SHORT", "isolated", "10"),
        ]
        [brackets] = brackets_list(client.notional_and_leverage_brackets(symbol="BTCUSDT").data())
        assert brackets.brackets[0].initial_leverage == 125
        usdt = [b for b in client.futures_account_balance_v3().data() if b.asset == "USDT"]
        assert [b.balance for b in usdt] == ["10000.00000000"]
