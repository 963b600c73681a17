"""Interop: Binance's official Python SDK for USDⓈ-M futures, unmodified, against a live fake on loopback.

The SDK (binance-sdk-derivatives-trading-usds-futures 18.1.0) signs with HMAC, RSA or Ed25519, stamps requests
with the local clock and parses answers into strict pydantic models. Two SDK behaviours shape these tests:

* An HTTP 400 becomes `binance_common.errors.BadRequestError` (401 `UnauthorizedError`); despite its name,
  `status_code` holds the Binance error code (e.g. -4046), `error_message` the Binance `msg`.
* An answer its model rejects does not raise: the SDK logs a warning and either strips `Strict` from the model
  class for the rest of the process or returns the raw JSON. So every test here fails on such a warning, checks
  that answers came back as model instances, and probes afterwards that the models are still strict.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import binance_common.utils
import pytest
import requests
from binance_common.configuration import ConfigurationRestAPI
from binance_common.errors import BadRequestError, UnauthorizedError
from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    ChangeMarginTypeMarginTypeEnum,
    ChangeMarginTypeResponse,
    ChangeMultiAssetsModeResponse,
    GetCurrentMultiAssetsModeResponse,
    PositionInformationV2Response,
    SymbolConfigurationResponse,
)
from binance_sdk_derivatives_trading_usds_futures.rest_api.rest_api import DerivativesTradingUsdsFuturesRestAPI
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from helpers import (
    ED25519_KEY,
    ED25519_PRIVATE_PEM,
    ED25519_PUBLIC_PEM,
    HMAC_KEY,
    HMAC_SECRET,
    RSA_KEY,
    RSA_PRIVATE_PEM,
    RSA_PUBLIC_PEM,
)
from pydantic import ValidationError

from mockserver import MockConfig
from mockserver.hosting.server import ThreadedServer

pytestmark = pytest.mark.interop

ISOLATED = ChangeMarginTypeMarginTypeEnum.ISOLATED
CROSSED = ChangeMarginTypeMarginTypeEnum.CROSSED
SYMBOL = "BTCUSDT"
CONTROL_TIMEOUT_S = 5
# Loopback answers in milliseconds; a wider timeout than the SDK's 1000 ms default only keeps a loaded CI box
# from flaking. retries=0 makes each SDK call exactly one HTTP request (the SDK would retry a failed GET).
SDK_TIMEOUT_MS = 5000

# The texts the SDK logs (binance_common.utils.send_request) when a model rejects an answer.
SDK_PARSE_WARNINGS = ("did not match the declared types", "Failed to parse the")


@dataclass(frozen=True)
class Credentials:
    kind: str  # HMAC, RSA or ED25519
    api_key: str
    secret: str | None = None
    private_pem: str | None = None

    def with_wrong_signing_key(self) -> Credentials:
        """The same API key with a secret or private key the fake does not know: a fresh one of the same type."""
        if self.kind == "HMAC":
            return Credentials(self.kind, self.api_key, secret=HMAC_SECRET + "-but-wrong")
        private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if self.kind == "RSA"
            else ed25519.Ed25519PrivateKey.generate()
        )
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        assert pem not in (RSA_PRIVATE_PEM, ED25519_PRIVATE_PEM)
        return Credentials(self.kind, self.api_key, private_pem=pem)


CREDENTIALS = [
    Credentials("HMAC", HMAC_KEY, secret=HMAC_SECRET),
    Credentials("RSA", RSA_KEY, private_pem=RSA_PRIVATE_PEM),
    Credentials("ED25519", ED25519_KEY, private_pem=ED25519_PRIVATE_PEM),
]
each_key_type = pytest.mark.parametrize("creds", CREDENTIALS, ids=[c.kind for c in CREDENTIALS])


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    # The real clock: the SDK stamps every request with time.time(), so a frozen fake clock would answer -1021.
    config = MockConfig(
        keys=[
            {"type": "HMAC", "apiKey": HMAC_KEY, "secret": HMAC_SECRET},
            {"type": "RSA", "apiKey": RSA_KEY, "publicKey": RSA_PUBLIC_PEM},
            {"type": "ED25519", "apiKey": ED25519_KEY, "publicKey": ED25519_PUBLIC_PEM},
        ],
        weight_limit=None,
    )
    with ThreadedServer(config=config, host="127.0.0.1", port=0) as running:
        yield running


def control(server: ThreadedServer, method: str, path: str) -> Any:
    response = requests.request(method, f"{server.url}/__mock__{path}", timeout=CONTROL_TIMEOUT_S)
    assert response.status_code == 200, response.text
    return response.json()


def margin_type_in_fake(server: ThreadedServer, account: str, symbol: str = SYMBOL) -> str:
    """The margin type the fake holds, read through the control API (each key's account id is its apiKey)."""
    described = control(server, "GET", f"/accounts/{account}")
    settings = described["symbols"].get(symbol)
    return "CROSSED" if settings is None else str(settings["marginType"])


def assert_models_still_strict() -> None:
    """A relaxed model (see the module docstring) would coerce these; a strict one must refuse them."""
    wrong_types: list[tuple[Any, dict[str, Any]]] = [
        (ChangeMarginTypeResponse, {"code": "200"}),
        (ChangeMultiAssetsModeResponse, {"code": "200"}),
        (SymbolConfigurationResponse, {"leverage": "20"}),
        (PositionInformationV2Response, {"leverage": 20}),
        (GetCurrentMultiAssetsModeResponse, {"multiAssetsMargin": "true"}),
    ]
    for model, body in wrong_types:
        with pytest.raises(ValidationError):
            model.model_validate(body)


@pytest.fixture(autouse=True)
def clean_fake(server: ThreadedServer, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    control(server, "POST", "/reset")
    yield
    parse_warnings = [
        record.getMessage()
        for record in caplog.get_records("call")
        if any(text in record.getMessage() for text in SDK_PARSE_WARNINGS)
    ]
    assert parse_warnings == [], "an SDK model rejected the fake's JSON"
    assert_models_still_strict()


@pytest.fixture
def sdk(server: ThreadedServer) -> Iterator[Callable[[Credentials], DerivativesTradingUsdsFuturesRestAPI]]:
    """Builds SDK REST clients the documented way; closes their keep-alive sessions afterwards."""
    built: list[DerivativesTradingUsdsFuturesRestAPI] = []

    def build(creds: Credentials) -> DerivativesTradingUsdsFuturesRestAPI:
        config = ConfigurationRestAPI(
            api_key=creds.api_key,
            api_secret=creds.secret,
            private_key=creds.private_pem,
            base_path=server.url,
            timeout=SDK_TIMEOUT_MS,
            retries=0,
        )
        rest_api = DerivativesTradingUsdsFutures(config_rest_api=config).rest_api
        built.append(rest_api)
        return rest_api

    yield build
    for rest_api in built:
        # The SDK offers no close(); without this each client leaves a keep-alive socket to the fake open.
        rest_api._session.close()


@each_key_type
def test_change_margin_type_then_repeat(
    server: ThreadedServer, sdk: Callable[[Credentials], DerivativesTradingUsdsFuturesRestAPI], creds: Credentials
) -> None:
    client = sdk(creds)
    assert margin_type_in_fake(server, creds.api_key) == "CROSSED"

    response = client.change_margin_type(symbol=SYMBOL, margin_type=ISOLATED)

    assert response.status == 200
    data = response.data()
    assert isinstance(data, ChangeMarginTypeResponse)
    assert (data.code, data.msg, data.additional_properties) == (200, "success", {})
    # The SDK reads the fake's X-MBX-USED-WEIGHT-1M header (marginType weighs 1; the reset zeroed the count).
    [weight] = response.rate_limits
    assert (weight.rateLimitType, weight.interval, weight.intervalNum, weight.count) == (
        "REQUEST_WEIGHT",
        "MINUTE",
        1,
        1,
    )
    assert margin_type_in_fake(server, creds.api_key) == "ISOLATED"
    described = server.state.exchange.describe_account(creds.api_key)
    assert described is not None
    assert list(described["symbols"]) == [SYMBOL]
    assert {k: described["symbols"][SYMBOL][k] for k in ("marginType", "positionAmt", "openOrders", "leverage")} == {
        "marginType": "ISOLATED",
        "positionAmt": "0",
        "openOrders": 0,
        "leverage": 20,
    }

    with pytest.raises(BadRequestError) as repeat:
        client.change_margin_type(symbol=SYMBOL, margin_type=ISOLATED)

    assert repeat.value.status_code == -4046
    assert repeat.value.error_message == "No need to change margin type."
    assert margin_type_in_fake(server, creds.api_key) == "ISOLATED"

    # What the SDK put on the wire, as the fake journaled it: every parameter signed in the query string.
    first, second = control(server, "GET", "/journal?limit=2")
    for entry, status, code in ((first, 200, 200), (second, 400, -4046)):
        assert (entry["method"], entry["path"], entry["apiKey"]) == ("POST", "/fapi/v1/marginType", creds.api_key)
        assert (entry["status"], entry["code"]) == (status, code)
        assert [param["name"] for param in entry["params"]] == ["symbol", "marginType", "timestamp", "signature"]
        assert {param["origin"] for param in entry["params"]} == {"query"}
        assert entry["params"][1]["value"] == "ISOLATED"

    # And back: CROSSED goes through the same way.
    assert client.change_margin_type(symbol=SYMBOL, margin_type=CROSSED).data().msg == "success"
    assert margin_type_in_fake(server, creds.api_key) == "CROSSED"


@each_key_type
def test_wrong_signing_key_is_refused_with_1022(
    server: ThreadedServer, sdk: Callable[[Credentials], DerivativesTradingUsdsFuturesRestAPI], creds: Credentials
) -> None:
    client = sdk(creds.with_wrong_signing_key())

    with pytest.raises(BadRequestError) as refused:
        client.change_margin_type(symbol=SYMBOL, margin_type=ISOLATED)

    assert refused.value.status_code == -1022
    assert refused.value.error_message == "Signature for this request is not valid."
    assert margin_type_in_fake(server, creds.api_key) == "CROSSED"
    # The right key still works afterwards: the refusal changed nothing.
    assert sdk(creds).change_margin_type(symbol=SYMBOL, margin_type=ISOLATED).data().code == 200


def test_unknown_api_key_is_unauthorized(
    server: ThreadedServer, sdk: Callable[[Credentials], DerivativesTradingUsdsFuturesRestAPI]
) -> None:
    client = sdk(Credentials("HMAC", "unknownApiKey", secret=HMAC_SECRET))

    with pytest.raises(UnauthorizedError) as refused:
        client.change_margin_type(symbol=SYMBOL, margin_type=ISOLATED)

    assert refused.value.status_code == -2015
    assert refused.value.error_message == "Invalid API-key, IP, or permissions for action"


@each_key_type
def test_symbol_configuration_and_position_risk_follow_the_change(
    server: ThreadedServer, sdk: Callable[[Credentials], DerivativesTradingUsdsFuturesRestAPI], creds: Credentials
) -> None:
    client = sdk(creds)

    def read_one() -> tuple[SymbolConfigurationResponse, PositionInformationV2Response]:
        [config] = client.symbol_configuration(symbol=SYMBOL).data()
        [position] = client.position_information_v2(symbol=SYMBOL).data()
        assert isinstance(config, SymbolConfigurationResponse)
        assert isinstance(position, PositionInformationV2Response)
        return config, position

    config, position = read_one()
    assert (config.symbol, config.margin_type, config.is_auto_add_margin, config.leverage) == (
        SYMBOL,
        "CROSSED",
        False,
        20,
    )
    assert config.max_notional_value == "100000000"
    assert (position.symbol, position.margin_type, position.leverage, position.position_amt) == (
        SYMBOL,
        "cross",
        "20",
        "0",
    )
    assert (position.is_auto_add_margin, position.position_side, position.update_time) == ("false", "BOTH", 0)

    client.change_margin_type(symbol=SYMBOL, margin_type=ISOLATED)

    config, position = read_one()
    assert config.margin_type == "ISOLATED"
    assert position.margin_type == "isolated"

    # Without a symbol both reads cover the whole catalogue, and every entry fits the models.
    catalogue_size = len(server.state.exchange.catalogue)
    every_config = client.symbol_configuration().data()
    every_position = client.position_information_v2().data()
    assert len(every_config) == len(every_position) == catalogue_size
    assert all(isinstance(item, SymbolConfigurationResponse) for item in every_config)
    assert all(isinstance(item, PositionInformationV2Response) for item in every_position)
    assert [item.symbol for item in every_config if item.margin_type == "ISOLATED"] == [SYMBOL]
    assert [item.symbol for item in every_position if item.margin_type == "isolated"] == [SYMBOL]


@each_key_type
def test_multi_assets_mode_and_its_interplay_with_isolated_margin(
    server: ThreadedServer, sdk: Callable[[Credentials], DerivativesTradingUsdsFuturesRestAPI], creds: Credentials
) -> None:
    client = sdk(creds)

    def mode() -> bool | None:
        data = client.get_current_multi_assets_mode().data()
        assert isinstance(data, GetCurrentMultiAssetsModeResponse)
        return data.multi_assets_margin

    def refused(call: Callable[[], object]) -> tuple[int | None, str]:
        with pytest.raises(BadRequestError) as error:
            call()
        return error.value.status_code, error.value.error_message

    assert mode() is False
    switched_on = client.change_multi_assets_mode(multi_assets_margin="true").data()
    assert isinstance(switched_on, ChangeMultiAssetsModeResponse)
    assert (switched_on.code, switched_on.msg) == (200, "success")
    assert mode() is True

    assert refused(lambda: client.change_multi_assets_mode(multi_assets_margin="true")) == (
        -4171,
        "Adjusted asset mode is currently set and does not need to be adjusted repeatedly.",
    )
    assert refused(lambda: client.change_margin_type(symbol=SYMBOL, margin_type=ISOLATED)) == (
        -4168,
        "Unable to adjust to isolated-margin mode under the Multi-Assets mode.",
    )
    assert margin_type_in_fake(server, creds.api_key) == "CROSSED"

    assert client.change_multi_assets_mode(multi_assets_margin="false").data().msg == "success"
    assert mode() is False
    assert client.change_margin_type(symbol=SYMBOL, margin_type=ISOLATED).data().msg == "success"
    assert refused(lambda: client.change_multi_assets_mode(multi_assets_margin="true")) == (
        -4167,
        "Unable to adjust to Multi-Assets mode with symbols of USDⓈ-M Futures under isolated-margin mode.",
    )
    assert mode() is False
    assert control(server, "GET", f"/accounts/{creds.api_key}")["multiAssetsMargin"] is False


def test_sdk_parse_warnings_would_be_caught() -> None:
    """Guards the guard: the texts the autouse fixture looks for are the ones this SDK version logs, at a level
    the root logger lets through to caplog."""
    source = inspect.getsource(binance_common.utils.send_request)
    assert all(text in source for text in SDK_PARSE_WARNINGS)
    assert logging.getLogger().getEffectiveLevel() <= logging.WARNING
