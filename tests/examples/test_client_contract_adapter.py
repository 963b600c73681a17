"""The client contract against a client you do not own: Binance's official SDK, adapted in a few lines."""

from binance_common.configuration import ConfigurationRestAPI
from binance_common.errors import BadRequestError, UnauthorizedError
from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import ChangeMarginTypeMarginTypeEnum
from hypothesis import settings

from contract_tests.client_contract import client_contract


class OfficialSdkAdapter:
    syncs_time = False  # it stamps with the local clock and never asks the server: skew stays inside the window
    resolves_unknown_outcomes = False  # it raises on a 503/408 instead of settling it: no faults are injected

    def __init__(self, base_url, api_key, secret, private_key):
        config = ConfigurationRestAPI(
            api_key=api_key, api_secret=secret, private_key=private_key, base_path=base_url, timeout=5000, retries=0
        )
        self.api = DerivativesTradingUsdsFutures(config_rest_api=config).rest_api

    def change_margin_type(self, symbol, margin_type):
        target = ChangeMarginTypeMarginTypeEnum(margin_type)
        return self._code(lambda: self.api.change_margin_type(symbol=symbol, margin_type=target))

    def set_multi_assets_margin(self, enabled):
        flag = "true" if enabled else "false"
        return self._code(lambda: self.api.change_multi_assets_mode(multi_assets_margin=flag))

    def margin_type(self, symbol):
        return self.api.symbol_configuration(symbol=symbol).data()[0].margin_type

    def close(self):
        self.api._session.close()  # the SDK has no close() of its own

    @staticmethod
    def _code(call):
        try:
            return call().data().code
        except (BadRequestError, UnauthorizedError) as rejection:
            return rejection.status_code  # the SDK keeps Binance's code here, not the HTTP status


TestOfficialSdk = client_contract(OfficialSdkAdapter, settings=settings(max_examples=20))
