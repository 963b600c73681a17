"""The catalogue of every Binance error the fake can answer with.

Messages are part of the wire contract: clients match on them (ccxt matches the -4046 text), so each one is
copied byte for byte from Binance's USDⓈ-M error-code page or from a captured fapi response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorSpec:
    """One Binance error as it goes on the wire: HTTP status, Binance code and message."""

    http_status: int
    code: int
    msg: str

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "msg": self.msg}


class BinanceRejection(Exception):
    """A request rejected with a catalogue error; `explanation` and `detail` go to the journal only."""

    def __init__(self, spec: ErrorSpec, explanation: str = "", detail: dict[str, Any] | None = None) -> None:
        super().__init__(spec.msg)
        self.spec = spec
        self.explanation = explanation or spec.msg
        self.detail: dict[str, Any] = detail or {}
        self.headers: dict[str, str] = {}  # extra response headers, e.g. Retry-After on 429/418
        self.used_weight: int | None = None  # set when the rate limiter refused before counting


# --- security and request-format errors (the gate) ---
API_KEY_FORMAT_INVALID = ErrorSpec(401, -2014, "API-key format invalid.")
# Observed fapi wording since 2022 has no trailing period, unlike the docs page.
REJECTED_API_KEY = ErrorSpec(401, -2015, "Invalid API-key, IP, or permissions for action")
DUPLICATE_PARAMETER = ErrorSpec(400, -1101, "Duplicate values for a parameter detected.")
ILLEGAL_CHARACTERS = ErrorSpec(400, -1100, "Illegal characters found in a parameter.")
TIMESTAMP_AHEAD = ErrorSpec(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
TIMESTAMP_OUTSIDE_RECV_WINDOW = ErrorSpec(400, -1021, "Timestamp for this request is outside of the recvWindow.")
INVALID_SIGNATURE = ErrorSpec(400, -1022, "Signature for this request is not valid.")
INVALID_SYMBOL = ErrorSpec(400, -1121, "Invalid symbol.")


def mandatory_parameter(name: str) -> ErrorSpec:
    # fapi lowercases the parameter name in this message ('margintype'), unlike spot.
    return ErrorSpec(400, -1102, f"Mandatory parameter '{name.lower()}' was not sent, was empty/null, or malformed.")


def either_parameter(first: str, second: str) -> ErrorSpec:
    # Binance's "%s or %s" text; the names lowercased as fapi writes them in -1102 (unverified for this message).
    return ErrorSpec(
        400, -1102, f"Param '{first.lower()}' or '{second.lower()}' must be sent, but both were empty/null!"
    )


def too_many_parameters(read: int, sent: int) -> ErrorSpec:
    # Binance's TOO_MANY_PARAMETERS text (-1104), the answer to a request carrying parameters it does not read.
    return ErrorSpec(
        400, -1104, f"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'."
    )


def invalid_parameter(name: str) -> ErrorSpec:
    return ErrorSpec(400, -1130, f"Data sent for parameter '{name}' is not valid.")


# --- POST /fapi/v1/marginType ---
NO_NEED_TO_CHANGE_MARGIN_TYPE = ErrorSpec(400, -4046, "No need to change margin type.")
OPEN_ORDERS_EXIST = ErrorSpec(400, -4047, "Margin type cannot be changed if there exists open orders.")
POSITION_EXISTS = ErrorSpec(400, -4048, "Margin type cannot be changed if there exists position.")
ISOLATED_UNDER_MULTI_ASSETS = ErrorSpec(
    400, -4168, "Unable to adjust to isolated-margin mode under the Multi-Assets mode."
)

# --- POST /fapi/v1/multiAssetsMargin ---
MULTI_ASSETS_WITH_ISOLATED_SYMBOLS = ErrorSpec(
    400, -4167, "Unable to adjust to Multi-Assets mode with symbols of USDⓈ-M Futures under isolated-margin mode."
)
ASSET_MODE_ALREADY_SET = ErrorSpec(
    400, -4171, "Adjusted asset mode is currently set and does not need to be adjusted repeatedly."
)


# --- POST /fapi/v1/positionSide/dual ---
NO_NEED_TO_CHANGE_POSITION_SIDE = ErrorSpec(400, -4059, "No need to change position side.")
POSITION_SIDE_WITH_OPEN_ORDERS = ErrorSpec(400, -4067, "Position side cannot be changed if there exists open orders.")
POSITION_SIDE_WITH_POSITION = ErrorSpec(400, -4068, "Position side cannot be changed if there exists position.")


# --- POST /fapi/v1/leverage ---
def leverage_not_valid(leverage: str) -> ErrorSpec:
    # No trailing period, as in every captured instance of this message.
    return ErrorSpec(400, -4028, f"Leverage {leverage} is not valid")


ISOLATED_LEVERAGE_REDUCTION = ErrorSpec(
    400, -4161, "Leverage reduction is not supported in Isolated Margin Mode with open positions."
)
MAX_POSITION_AT_LEVERAGE = ErrorSpec(400, -2027, "Exceeded the maximum allowable position at current leverage.")
INSUFFICIENT_MARGIN_FOR_LEVERAGE = ErrorSpec(
    400, -2028, "Leverage is smaller than permitted: insufficient margin balance."
)

# --- POST /fapi/v1/positionMargin ---
AMOUNT_MUST_BE_POSITIVE = ErrorSpec(400, -4055, "Amount must be positive.")
MARGIN_ONLY_FOR_ISOLATED = ErrorSpec(400, -4049, "Add margin only support for isolated position.")
POSITION_IS_ZERO = ErrorSpec(400, -4054, "Cannot add position margin: position is 0.")
CROSS_BALANCE_INSUFFICIENT = ErrorSpec(400, -4050, "Cross balance insufficient.")
ISOLATED_BALANCE_INSUFFICIENT = ErrorSpec(400, -4051, "Isolated balance insufficient.")
POSITION_SIDE_MISMATCH = ErrorSpec(400, -4061, "Order's position side does not match user's setting.")

# --- open orders ---
ORDER_DOES_NOT_EXIST = ErrorSpec(400, -2013, "Order does not exist.")


# --- rate limits ---
def too_many_requests(ip: str, limit: int) -> ErrorSpec:
    return ErrorSpec(
        429,
        -1003,
        f"Too many requests; current limit of IP({ip}) is {limit} requests per minute. "
        "Please use the websocket for live updates to avoid polling the API.",
    )


def ip_banned(ip: str, until_ms: int) -> ErrorSpec:
    return ErrorSpec(
        418,
        -1003,
        f"Way too many requests; IP({ip}) banned until {until_ms}. "
        "Please use the websocket for live updates to avoid bans.",
    )


# --- requests the fake cannot route; Binance's own wording is unknown, these are the fake's ---
def unknown_path(path: str) -> ErrorSpec:
    return ErrorSpec(404, -1000, f"Unknown path {path!r}: the fake serves only the marginType endpoint family.")


def method_not_allowed(method: str, path: str) -> ErrorSpec:
    return ErrorSpec(405, -1000, f"Method {method} is not allowed for {path}.")


def body_too_large(limit: int) -> ErrorSpec:
    return ErrorSpec(413, -1000, f"Request body is larger than {limit} bytes.")


# A safety net only: a request that reaches it is a bug in the fake (the fuzz tests look for it).
UNKNOWN_ERROR = ErrorSpec(500, -1000, "An unknown error occured while processing the request.")

# --- injected faults (503/408 variants of the General Info page) ---
DISCONNECTED = ErrorSpec(503, -1001, "Internal error; unable to process your request. Please try again.")
EXECUTION_STATUS_UNKNOWN = ErrorSpec(503, -1000, "Unknown error, please check your request or try again later.")
BACKEND_TIMEOUT = ErrorSpec(
    408, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
)
