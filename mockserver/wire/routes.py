"""Every Binance path the fake answers: one row per endpoint, with Binance's security type and request weight.

Adding an endpoint is one row here plus its handler (and its tests): the edge counts the weight, runs the gate for
signed routes with the row's permission, answers HEAD with the GET route, and 404/405 for anything not listed.
Weights are Binance's documented REQUEST_WEIGHT per call (USDⓈ-M endpoint pages and the official SDK's docstrings;
v2 reads weigh 5 as the endpoint pages say, not the 10 a 2024 change-log notice announced). The spot-host paths are
here because futures clients call them on start-up (python-binance pings, Node clients sync time, ccxt's
load_markets reads two sapi lists), and a fake answers every client on one host.
"""

from __future__ import annotations

from mockserver.wire.endpoints import configuration, market, orders, positions
from mockserver.wire.routing import Route, RouteTable, Security

NONE, USER_DATA, TRADE = Security.NONE, Security.USER_DATA, Security.TRADE

ROUTES = RouteTable(
    [
        # public
        Route("GET", "/fapi/v1/ping", market.ping),
        Route("GET", "/fapi/v1/time", market.server_time),
        Route("GET", "/fapi/v1/exchangeInfo", market.exchange_info),
        # account configuration
        Route("POST", "/fapi/v1/marginType", configuration.change_margin_type, TRADE),
        Route("GET", "/fapi/v1/symbolConfig", configuration.symbol_config, USER_DATA, weight=5),
        Route("GET", "/fapi/v1/accountConfig", configuration.account_config, USER_DATA, weight=5),
        Route("GET", "/fapi/v1/multiAssetsMargin", configuration.multi_assets_margin, USER_DATA, weight=30),
        Route("POST", "/fapi/v1/multiAssetsMargin", configuration.change_multi_assets_margin, TRADE),
        Route("GET", "/fapi/v1/positionSide/dual", configuration.position_mode, USER_DATA, weight=30),
        Route("POST", "/fapi/v1/positionSide/dual", configuration.change_position_mode, TRADE),
        Route("POST", "/fapi/v1/leverage", configuration.change_leverage, TRADE),
        Route("GET", "/fapi/v1/leverageBracket", configuration.leverage_brackets, USER_DATA),
        Route("POST", "/fapi/v1/positionMargin", configuration.change_position_margin, TRADE),
        # positions, account, balance
        Route("GET", "/fapi/v2/positionRisk", positions.position_risk_v2, USER_DATA, weight=5),
        Route("GET", "/fapi/v3/positionRisk", positions.position_risk_v3, USER_DATA, weight=5),
        Route("GET", "/fapi/v2/account", positions.account_v2, USER_DATA, weight=5),
        Route("GET", "/fapi/v3/account", positions.account_v3, USER_DATA, weight=5),
        Route("GET", "/fapi/v2/balance", positions.balance, USER_DATA, weight=5),
        Route("GET", "/fapi/v3/balance", positions.balance, USER_DATA, weight=5),
        # open orders
        Route("GET", "/fapi/v1/openOrders", orders.open_orders, USER_DATA, weight=1, weight_all_symbols=40),
        Route("GET", "/fapi/v1/openOrder", orders.open_order, USER_DATA),
        Route("DELETE", "/fapi/v1/allOpenOrders", orders.cancel_all_open_orders, TRADE),
        # the spot host's start-up paths
        Route("GET", "/api/v3/ping", market.ping),
        Route("GET", "/api/v3/time", market.server_time),
        Route("GET", "/sapi/v1/capital/config/getall", market.empty_list, USER_DATA, weight=10),
        Route("GET", "/sapi/v1/margin/allPairs", market.empty_list, USER_DATA),
    ]
)
