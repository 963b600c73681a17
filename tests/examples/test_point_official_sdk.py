"""Binance's official SDK: `base_path` points it at the fake (RSA and Ed25519 keys: `private_key=PEM`, no secret)."""

import pytest
from binance_common.configuration import ConfigurationRestAPI
from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import ChangeMarginTypeMarginTypeEnum


@pytest.mark.interop
def test_official_sdk_sets_up_margin(fapi_mock):
    key, secret, base = fapi_mock.api_key, fapi_mock.secret, fapi_mock.base_url
    config = ConfigurationRestAPI(api_key=key, api_secret=secret, base_path=base)  # the one line
    api = DerivativesTradingUsdsFutures(config_rest_api=config).rest_api

    api.change_position_mode(dual_side_position="true")  # Hedge Mode
    api.change_margin_type(symbol="BTCUSDT", margin_type=ChangeMarginTypeMarginTypeEnum.ISOLATED)
    assert api.change_initial_leverage(symbol="BTCUSDT", leverage=10).data().max_notional_value == "230000000"

    legs = api.position_information_v2(symbol="BTCUSDT").data()  # v2 in Hedge Mode: a LONG and a SHORT leg
    assert [leg.position_side for leg in legs] == ["LONG", "SHORT"]
    assert {(leg.margin_type, leg.leverage) for leg in legs} == {("isolated", "10")}
    [btc] = api.notional_and_leverage_brackets(symbol="BTCUSDT").data().actual_instance
    assert btc.brackets[0].initial_leverage == 125
    usdt = next(balance for balance in api.futures_account_balance_v3().data() if balance.asset == "USDT")
    assert usdt.available_balance == "10000.00000000"
    fapi_mock.assert_no_rejections()
