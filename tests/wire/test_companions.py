"""The endpoints clients call around marginType: shapes, JSON types, spellings and weights."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers import FROZEN_MS, HMAC_KEY, Caller

REQUIRED_SYMBOLS = {
    f"{base}USDT" for base in ("BTC", "ETH", "BNB", "SOL", "XRP", "ADA", "DOGE", "LINK", "AVAX", "TRX", "LTC", "DOT")
}
SYMBOL_FIELDS = {
    "symbol",
    "pair",
    "contractType",
    "deliveryDate",
    "onboardDate",
    "status",
    "maintMarginPercent",
    "requiredMarginPercent",
    "baseAsset",
    "quoteAsset",
    "marginAsset",
    "pricePrecision",
    "quantityPrecision",
    "baseAssetPrecision",
    "quotePrecision",
    "underlyingType",
    "underlyingSubType",
    "settlePlan",
    "triggerProtect",
    "filters",
    "orderTypes",
    "timeInForce",
    "liquidationFee",
    "marketTakeBound",
}


def test_ping(client: FlaskClient) -> None:
    response = client.get("/fapi/v1/ping")
    assert (response.status_code, response.data) == (200, b"{}")
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"


def test_time_follows_the_fake_clock(client: FlaskClient) -> None:
    assert client.get("/fapi/v1/time").data == b'{"serverTime":%d}' % FROZEN_MS
    client.put("/__mock__/clock", json={"frozenAtMs": FROZEN_MS + 1234})
    assert client.get("/fapi/v1/time").json == {"serverTime": FROZEN_MS + 1234}


def test_exchange_info(client: FlaskClient) -> None:
    info = client.get("/fapi/v1/exchangeInfo").json
    assert info is not None
    assert list(info)[:2] == ["timezone", "serverTime"] and info["serverTime"] == FROZEN_MS
    limits = {(r["rateLimitType"], r["interval"], r["intervalNum"]): r["limit"] for r in info["rateLimits"]}
    assert limits[("REQUEST_WEIGHT", "MINUTE", 1)] == 2400 and limits[("ORDERS", "MINUTE", 1)] == 1200
    symbols = {s["symbol"]: s for s in info["symbols"]}
    assert len(symbols) >= 50 and REQUIRED_SYMBOLS <= set(symbols)
    assert {s["contractType"] for s in symbols.values()} >= {"PERPETUAL", "CURRENT_QUARTER", "NEXT_QUARTER"}
    for symbol in symbols.values():
        assert SYMBOL_FIELDS <= set(symbol), symbol["symbol"]
    quarterly = symbols["BTCUSDT_261225"]
    assert quarterly["deliveryDate"] == 1798185600000  # 2026-12-25 08:00 UTC
    assert {f["filterType"] for f in symbols["BTCUSDT"]["filters"]} >= {"PRICE_FILTER", "LOT_SIZE", "MIN_NOTIONAL"}


def test_symbol_config_one_symbol(caller: Caller) -> None:
    caller.client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/BTCUSDT", json={"marginType": "ISOLATED", "leverage": 10})
    response = caller.signed("GET", "/fapi/v1/symbolConfig", "symbol=BTCUSDT")
    assert response.status_code == 200
    assert response.json == [
        {
            "symbol": "BTCUSDT",
            "marginType": "ISOLATED",
            "isAutoAddMargin": False,
            "leverage": 10,
            "maxNotionalValue": "230000000",
        }
    ]
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"


def test_symbol_config_all_symbols_defaults(caller: Caller) -> None:
    listing = caller.signed("GET", "/fapi/v1/symbolConfig", "").json
    info = caller.client.get("/fapi/v1/exchangeInfo").json
    assert [c["symbol"] for c in listing] == [s["symbol"] for s in info["symbols"]]  # type: ignore[index, union-attr]
    assert all(c["marginType"] == "CROSSED" and c["leverage"] == 20 for c in listing)  # type: ignore[union-attr]


def test_symbol_config_unknown_symbol(caller: Caller) -> None:
    response = caller.signed("GET", "/fapi/v1/symbolConfig", "symbol=NOPE")
    assert (response.status_code, response.data) == (400, b'{"code":-1121,"msg":"Invalid symbol."}')


def test_position_risk_v2_spells_margin_types_lowercase_and_writes_strings(caller: Caller) -> None:
    caller.client.put(
        f"/__mock__/accounts/{HMAC_KEY}/symbols/ETHUSDT", json={"marginType": "ISOLATED", "positionAmt": 1.5}
    )
    isolated = caller.signed("GET", "/fapi/v2/positionRisk", "symbol=ETHUSDT").json[0]  # type: ignore[index]
    crossed = caller.signed("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT").json[0]  # type: ignore[index]
    assert (isolated["marginType"], crossed["marginType"]) == ("isolated", "cross")
    assert isolated["positionAmt"] == "1.5" and isolated["leverage"] == "20" and isolated["isAutoAddMargin"] == "false"
    assert isolated["positionSide"] == "BOTH"
    assert isinstance(isolated["updateTime"], int)
    assert all(isinstance(v, str) for k, v in isolated.items() if k != "updateTime")


def test_multi_assets_margin_read_and_change(caller: Caller) -> None:
    read = caller.signed("GET", "/fapi/v1/multiAssetsMargin", "")
    assert (read.data, read.headers["X-MBX-USED-WEIGHT-1M"]) == (b'{"multiAssetsMargin":false}', "30")
    on = caller.signed("POST", "/fapi/v1/multiAssetsMargin", "multiAssetsMargin=true")
    assert (on.status_code, on.data) == (200, b'{"code":200,"msg":"success"}')
    assert caller.signed("GET", "/fapi/v1/multiAssetsMargin", "").json == {"multiAssetsMargin": True}
    again = caller.signed("POST", "/fapi/v1/multiAssetsMargin", "multiAssetsMargin=true")
    assert (again.status_code, again.data) == (
        400,
        b'{"code":-4171,"msg":"Adjusted asset mode is currently set and does not need to be adjusted repeatedly."}',
    )
    assert caller.margin_type("BTCUSDT", "ISOLATED").json["code"] == -4168  # type: ignore[index]


def test_multi_assets_refused_while_a_symbol_is_isolated(caller: Caller) -> None:
    assert caller.margin_type("BTCUSDT", "ISOLATED").status_code == 200
    response = caller.signed("POST", "/fapi/v1/multiAssetsMargin", "multiAssetsMargin=true")
    assert (response.status_code, response.json) == (
        400,
        {
            "code": -4167,
            "msg": "Unable to adjust to Multi-Assets mode with symbols of USDⓈ-M Futures under isolated-margin mode.",
        },
    )
    # -4171 is checked before -4167: asking for the mode the account already has says so.
    assert caller.signed("POST", "/fapi/v1/multiAssetsMargin", "multiAssetsMargin=false").json["code"] == -4171  # type: ignore[index]


@pytest.mark.parametrize("value", ["", "TRUE", "1", "yes"])
def test_multi_assets_margin_value_must_be_true_or_false(caller: Caller, value: str) -> None:
    response = caller.signed("POST", "/fapi/v1/multiAssetsMargin", f"multiAssetsMargin={value}")
    assert response.data == (
        b'{"code":-1102,"msg":"Mandatory parameter \'multiassetsmargin\' was not sent, was empty/null, or malformed."}'
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/fapi/v1/symbolConfig"), ("GET", "/fapi/v2/positionRisk"), ("GET", "/fapi/v1/multiAssetsMargin")],
)
def test_user_data_reads_are_signed(caller: Caller, method: str, path: str) -> None:
    response = caller.send(method, path, api_key=None)
    assert (response.status_code, response.json) == (401, {"code": -2014, "msg": "API-key format invalid."})


def test_get_ignores_a_body(caller: Caller) -> None:
    # Binance reads GET parameters from the query string only.
    response = caller.send("GET", "/fapi/v1/symbolConfig", body=f"timestamp={FROZEN_MS}&signature=00")
    assert response.json["code"] == -1102  # type: ignore[index]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/fapi/v1/nothing", 404),
        ("GET", "/", 404),
        ("GET", "/fapi/v1/marginType", 405),
        ("DELETE", "/fapi/v1/ping", 405),
        ("OPTIONS", "/fapi/v1/marginType", 405),
    ],
)
def test_unknown_paths_and_methods_answer_binance_json(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.json["code"] == -1000 and isinstance(response.json["msg"], str)  # type: ignore[index]
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"


def test_every_response_names_the_fake(client: FlaskClient) -> None:
    for path in ("/fapi/v1/ping", "/nothing", "/__mock__/journal"):
        assert client.get(path).headers["X-Mock-Exchange"].startswith("fapi-mock/")


def test_body_over_the_cap_is_refused_before_reading(caller: Caller) -> None:
    response = caller.send("POST", "/fapi/v1/marginType", body="a=" + "x" * (64 * 1024))
    assert response.status_code == 413
    assert response.json == {"code": -1000, "msg": "Request body is larger than 65536 bytes."}


def test_httpx_wsgi_transport_with_a_non_latin1_path_gets_a_binance_404() -> None:
    import httpx
    from helpers import make_config

    from mockserver import create_app

    with httpx.Client(transport=httpx.WSGITransport(app=create_app(make_config())), base_url="http://fake") as http:
        response = http.get("/fapi/v1/%E2%82%AC")
    assert response.status_code == 404 and response.json()["code"] == -1000


def test_odd_content_length_in_process_is_no_crash(client: FlaskClient) -> None:
    response = client.post("/fapi/v1/marginType", environ_overrides={"CONTENT_LENGTH": "²"})
    assert response.status_code == 401 and response.json["code"] == -2014  # type: ignore[index]


class _Unreadable:
    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")


def test_declared_body_over_the_cap_is_never_read(client: FlaskClient) -> None:
    response = client.post(
        "/fapi/v1/marginType",
        environ_overrides={"CONTENT_LENGTH": str(64 * 1024 + 1), "wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413 and response.json["code"] == -1000  # type: ignore[index]
