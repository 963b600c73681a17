"""Every Binance path the fake answers: one row per endpoint, with Binance's security type and request weight.

Adding an endpoint is one row here plus its handler (and its tests): the edge counts the weight, runs the gate for
signed routes with the row's permission, answers HEAD with the GET route, and 404/405 for anything not listed.
Weights are Binance's documented REQUEST_WEIGHT per call (USDⓈ-M "Account/Trades" and "Market Data" pages).
"""

from __future__ import annotations

from mockserver.wire import endpoints
from mockserver.wire.routing import Route, RouteTable, Security

ROUTES = RouteTable(
    [
        Route("GET", "/fapi/v1/ping", endpoints.ping),
        Route("GET", "/fapi/v1/time", endpoints.server_time),
        Route("GET", "/fapi/v1/exchangeInfo", endpoints.exchange_info),
        Route("POST", "/fapi/v1/marginType", endpoints.change_margin_type, Security.TRADE),
        Route("GET", "/fapi/v1/symbolConfig", endpoints.symbol_config, Security.USER_DATA, weight=5),
        Route("GET", "/fapi/v2/positionRisk", endpoints.position_risk, Security.USER_DATA, weight=5),
        Route("GET", "/fapi/v1/multiAssetsMargin", endpoints.multi_assets_margin, Security.USER_DATA, weight=30),
        Route("POST", "/fapi/v1/multiAssetsMargin", endpoints.change_multi_assets_margin, Security.TRADE),
    ]
)
