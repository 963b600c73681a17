"""Server-contract cases: a signed marginType request built one of many valid ways, or wrong in exactly one way,
paired with the answer Binance gives it. Hypothesis strategies draw them; `build_request` puts one on the wire.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from hypothesis import strategies as st

from client.signing import Signer

SYMBOLS = (
    "BTCUSDT",
    "ETHUSDT",
    "BNBUSDT",
    "SOLUSDT",
    "XRPUSDT",
    "ADAUSDT",
    "DOGEUSDT",
    "LINKUSDT",
    "AVAXUSDT",
    "TRXUSDT",
    "LTCUSDT",
    "DOTUSDT",
)
PARAMS = ("symbol", "marginType", "recvWindow", "timestamp")


class Mutation(enum.Enum):
    NONE = "valid"
    NO_KEY = "no X-MBX-APIKEY"
    UNKNOWN_KEY = "unknown API key"
    TAMPERED_SIGNATURE = "tampered signature"
    WRONG_SIGNING_KEY = "signed with another secret"
    DUPLICATE = "duplicated parameter"
    MISSING = "missing parameter"
    BAD_ENUM = "bad marginType value"
    UNKNOWN_SYMBOL = "unknown symbol"
    STALE_TIMESTAMP = "timestamp older than recvWindow"
    FUTURE_TIMESTAMP = "timestamp 1000ms+ ahead"
    BAD_RECV_WINDOW = "recvWindow out of range"


@dataclass(frozen=True)
class Expected:
    status: int
    code: int
    msg: str


def _mandatory(name: str) -> Expected:
    return Expected(400, -1102, f"Mandatory parameter '{name.lower()}' was not sent, was empty/null, or malformed.")


SUCCESS = Expected(200, 200, "success")
NO_NEED = Expected(400, -4046, "No need to change margin type.")
FIXED_ANSWERS = {
    Mutation.NO_KEY: Expected(401, -2014, "API-key format invalid."),
    Mutation.UNKNOWN_KEY: Expected(401, -2015, "Invalid API-key, IP, or permissions for action"),
    Mutation.TAMPERED_SIGNATURE: Expected(400, -1022, "Signature for this request is not valid."),
    Mutation.WRONG_SIGNING_KEY: Expected(400, -1022, "Signature for this request is not valid."),
    Mutation.DUPLICATE: Expected(400, -1101, "Duplicate values for a parameter detected."),
    Mutation.BAD_ENUM: _mandatory("marginType"),
    Mutation.UNKNOWN_SYMBOL: Expected(400, -1121, "Invalid symbol."),
    Mutation.STALE_TIMESTAMP: Expected(400, -1021, "Timestamp for this request is outside of the recvWindow."),
    Mutation.FUTURE_TIMESTAMP: Expected(
        400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."
    ),
    Mutation.BAD_RECV_WINDOW: Expected(400, -1130, "Data sent for parameter 'recvWindow' is not valid."),
}


@dataclass(frozen=True)
class ContractCase:
    """One request: where each parameter goes, in which order, signed with which key type, and what is wrong."""

    symbol: str
    margin_type: str
    key_type: str
    placement: str  # query, body or mixed
    order: tuple[str, ...]
    recv_window: int | None
    mutation: Mutation = Mutation.NONE
    detail: str = ""  # the mutation's parameter or value
    tamper_at: int = 0

    @property
    def name(self) -> str:
        what = self.mutation.value + (f" ({self.detail})" if self.detail else "")
        window = f", recvWindow={self.recv_window}" if self.recv_window is not None else ""
        order = "/".join(p for p in self.order if p != "recvWindow" or window)
        return f"{what}: {self.symbol} to {self.margin_type}, {self.key_type}, {self.placement}, {order}{window}"

    def expected(self) -> Expected | None:
        """The answer for a wrong request; None for a valid one (200 or -4046, then -4046 on a repeat)."""
        if self.mutation is Mutation.MISSING:
            return _mandatory(self.detail)
        return FIXED_ANSWERS.get(self.mutation)


@dataclass
class WireRequest:
    method: str
    path: str
    query: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def reproduction(self, base_url: str) -> str:
        """A curl command that sends exactly these bytes."""
        header_args = " ".join(f"-H '{k}: {v}'" for k, v in self.headers.items())
        data = f" --data-raw '{self.body}'" if self.body else ""
        query = f"?{self.query}" if self.query else ""
        return f"curl -s -X {self.method} {header_args} '{base_url}{self.path}{query}'{data}"


def _tamper(signature: str, at: int) -> str:
    index = at % len(signature)
    alphabet = "0123456789abcdef" if all(c in "0123456789abcdef" for c in signature) else "ABCDEFGHIJKLMNOP"
    replacement = next(c for c in alphabet if c != signature[index])
    return signature[:index] + replacement + signature[index + 1 :]


def build_request(
    case: ContractCase, api_key: str, signer: Signer, server_time_ms: int, other_signer: Signer | None = None
) -> WireRequest:
    """The request as a client would send it, with the case's one mistake (if any) made on the way."""
    window = case.recv_window if case.recv_window is not None else 5000
    timestamp = server_time_ms
    if case.mutation is Mutation.STALE_TIMESTAMP:
        timestamp = server_time_ms - window - 2000
    elif case.mutation is Mutation.FUTURE_TIMESTAMP:
        timestamp = server_time_ms + 5000
    values = {
        "symbol": "NOPEUSDT" if case.mutation is Mutation.UNKNOWN_SYMBOL else case.symbol,
        "marginType": case.detail if case.mutation is Mutation.BAD_ENUM else case.margin_type,
        "timestamp": str(timestamp),
    }
    if case.mutation is Mutation.BAD_RECV_WINDOW:
        values["recvWindow"] = case.detail
    elif case.recv_window is not None:
        values["recvWindow"] = str(case.recv_window)
    params = [(name, values[name]) for name in case.order if name in values]
    if case.mutation is Mutation.MISSING:
        params = [(n, v) for n, v in params if n != case.detail]
    split = {"query": len(params), "body": 0, "mixed": len(params) // 2}[case.placement]
    query_params, body_params = params[:split], params[split:]
    if case.mutation is Mutation.DUPLICATE:
        part = query_params if any(n == case.detail for n, _ in query_params) else body_params
        part.append(next((n, v) for n, v in params if n == case.detail))
    query, body = urlencode(query_params), urlencode(body_params)
    signing = other_signer if case.mutation is Mutation.WRONG_SIGNING_KEY and other_signer else signer
    signature = signing.sign((query + body).encode("ascii"))
    if case.mutation is Mutation.TAMPERED_SIGNATURE:
        signature = _tamper(signature, case.tamper_at)
    if body:
        body = f"{body}&signature={signature}"
    else:
        query = f"{query}&signature={signature}" if query else f"signature={signature}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if case.mutation is Mutation.UNKNOWN_KEY:
        headers["X-MBX-APIKEY"] = secrets.token_hex(32)
    elif case.mutation is not Mutation.NO_KEY:
        headers["X-MBX-APIKEY"] = api_key
    return WireRequest("POST", "/fapi/v1/marginType", query, body, headers)


@st.composite
def contract_cases(draw: st.DrawFn, key_types: Sequence[str] = ("HMAC",), valid_share: float = 0.4) -> ContractCase:
    """A valid request (any symbol, type, placement, order, key type) or one wrong in exactly one way."""
    base = ContractCase(
        symbol=draw(st.sampled_from(SYMBOLS)),
        margin_type=draw(st.sampled_from(("ISOLATED", "CROSSED"))),
        key_type=draw(st.sampled_from(tuple(key_types))),
        placement=draw(st.sampled_from(("query", "body", "mixed"))),
        order=tuple(draw(st.permutations(PARAMS))),
        recv_window=draw(st.one_of(st.none(), st.integers(min_value=5000, max_value=60000))),
    )
    if draw(st.floats(min_value=0, max_value=1)) < valid_share:
        return base
    mutation = draw(st.sampled_from([m for m in Mutation if m is not Mutation.NONE]))
    detail = ""
    if mutation is Mutation.DUPLICATE or mutation is Mutation.MISSING:
        detail = draw(st.sampled_from(("symbol", "marginType", "timestamp")))
    elif mutation is Mutation.BAD_ENUM:
        detail = draw(st.sampled_from(("isolated", "crossed", "CROSS", "Isolated", "MARGIN", "")))
    elif mutation is Mutation.BAD_RECV_WINDOW:
        detail = str(draw(st.sampled_from((0, 60001, 99999999))))
    if mutation in (Mutation.STALE_TIMESTAMP, Mutation.FUTURE_TIMESTAMP, Mutation.BAD_RECV_WINDOW):
        base = replace(base, recv_window=None)  # the default window makes the edge exact
    tamper_at = draw(st.integers(min_value=0, max_value=63))
    return replace(base, mutation=mutation, detail=detail, tamper_at=tamper_at)
