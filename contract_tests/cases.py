"""Server-contract cases: a signed marginType request built one of many valid ways, or wrong in one or more ways,
paired with the answer Binance gives it.

Each mistake belongs to one of Binance's ordered checks (the check-order table: 1 key format, 2 key/permission,
3 duplicates, 4 illegal characters, 5 timestamp, 6 signature present, 7 recvWindow, 8 ahead, 9 outside the window,
10 signature verifies, 11 the endpoint's parameters). A request wrong in several ways gets the answer of the
earliest check it fails: that table is the oracle for pairs. `build_request` puts a case on the wire.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from contract_tests.reference import Signer

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
PLACEMENTS = ("query", "body", "mixed")
DEFAULT_RECV_WINDOW = 5000


class CaseClass(enum.StrEnum):
    """What a case probes, as the parity report groups them."""

    VALID = "valid"
    SINGLE = "single fault"
    PAIR = "pair of faults"
    BOUNDARY = "boundary"
    SEQUENCE = "sequence"
    KEYS_AND_WEIGHTS = "keys and weights"


@dataclass(frozen=True)
class Expected:
    status: int
    code: int
    msg: str


def _mandatory(name: str) -> Expected:
    return Expected(400, -1102, f"Mandatory parameter '{name.lower()}' was not sent, was empty/null, or malformed.")


SUCCESS = Expected(200, 200, "success")
NO_NEED = Expected(400, -4046, "No need to change margin type.")
KEY_FORMAT = Expected(401, -2014, "API-key format invalid.")
REJECTED_KEY = Expected(401, -2015, "Invalid API-key, IP, or permissions for action")
DUPLICATE_PARAMETER = Expected(400, -1101, "Duplicate values for a parameter detected.")
ILLEGAL = Expected(400, -1100, "Illegal characters found in a parameter.")
BAD_TIMESTAMP = _mandatory("timestamp")
NO_SIGNATURE = _mandatory("signature")
BAD_RECV_WINDOW = Expected(400, -1130, "Data sent for parameter 'recvWindow' is not valid.")
AHEAD = Expected(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
OUTSIDE = Expected(400, -1021, "Timestamp for this request is outside of the recvWindow.")
BAD_SIGNATURE = Expected(400, -1022, "Signature for this request is not valid.")
INVALID_SYMBOL = Expected(400, -1121, "Invalid symbol.")


class Mutation(enum.Enum):
    """One way to get the request wrong: its check (rank), what it touches (slots), and Binance's answer.

    `details` lists the variants every run covers; the first is the one used in pairs."""

    NO_KEY = ("no X-MBX-APIKEY", 1.0, {"key"}, KEY_FORMAT, ("",))
    MALFORMED_KEY = ("malformed X-MBX-APIKEY", 1.0, {"key"}, KEY_FORMAT, ("bad-key!", "k" * 65))
    UNKNOWN_KEY = ("unknown API key", 2.0, {"key"}, REJECTED_KEY, ("",))
    DUPLICATE = ("duplicated parameter", 3.0, {"dup"}, DUPLICATE_PARAMETER, ("symbol", "marginType", "timestamp"))
    SIGNATURE_IN_BOTH = ("signature in query and body", 3.0, {"signature"}, DUPLICATE_PARAMETER, ("",))
    ILLEGAL_CHARACTER = (
        "illegal character in a value",
        4.0,
        {"symbol"},
        ILLEGAL,
        ("BTC USDT", "BTCUSDT\t", "BTC%ZZUSDT", "BTC%FFUSDT"),
    )
    MALFORMED_TIMESTAMP = (
        "timestamp not a LONG",
        5.0,
        {"timestamp"},
        BAD_TIMESTAMP,
        ("+", ".0", "-", "0pad20", "e3", "9223372036854775808"),
    )
    MISSING_TIMESTAMP = ("timestamp missing", 5.0, {"timestamp"}, BAD_TIMESTAMP, ("",))
    MISSING_SIGNATURE = ("signature missing", 6.0, {"signature"}, NO_SIGNATURE, ("", "empty"))
    RECV_WINDOW_OUT_OF_RANGE = (
        "recvWindow out of range",
        7.0,
        {"recvWindow"},
        BAD_RECV_WINDOW,
        ("0", "60001", "-1", "5000.5", "99999999999999999999"),
    )
    FUTURE_TIMESTAMP = ("timestamp 1000ms+ ahead", 8.0, {"timestamp"}, AHEAD, ("5000",))
    STALE_TIMESTAMP = ("timestamp older than recvWindow", 9.0, {"timestamp"}, OUTSIDE, ("7000",))
    TAMPERED_SIGNATURE = ("tampered signature", 10.0, {"signature"}, BAD_SIGNATURE, ("",))
    WRONG_SIGNING_KEY = ("signed with another key", 10.0, {"signature"}, BAD_SIGNATURE, ("",))
    SIGNATURE_NOT_LAST = ("signature not last", 10.0, {"signature", "order"}, BAD_SIGNATURE, ("",))
    MISSING_SYMBOL = ("symbol missing", 11.1, {"symbol", "dup"}, _mandatory("symbol"), ("",))
    BAD_MARGIN_TYPE = (
        "bad marginType value",
        11.2,
        {"marginType"},
        _mandatory("marginType"),
        ("", "isolated", "crossed", "CROSS", "Isolated", "missing"),
    )
    UNKNOWN_SYMBOL = ("unknown symbol", 11.3, {"symbol"}, INVALID_SYMBOL, ("NOPEUSDT", "btcusdt"))

    def __init__(self, label: str, rank: float, slots: set[str], answer: Expected, details: tuple[str, ...]) -> None:
        self.label = label
        self.rank = rank
        self.slots = frozenset(slots)
        self.answer = answer
        self.details = details


def compatible(first: Mutation, second: Mutation) -> bool:
    """Two mistakes that can be made in one request without one undoing the other."""
    if first is second or first.slots & second.slots:
        return False
    # A duplicated symbol is a duplicate only while the symbol is sent; MISSING_SYMBOL shares the "dup" slot.
    return not (first.rank == second.rank == 10.0)


@dataclass(frozen=True)
class ContractCase:
    """One request: where each parameter goes, in which order, signed with which key type, and what is wrong.

    `mistakes` pairs each Mutation with its detail. `timestamp_offset_ms`, when set, stamps the request at the
    target's server time plus that offset (boundary cases; a pinned clock makes them exact)."""

    symbol: str
    margin_type: str
    key_type: str
    placement: str  # query, body or mixed
    order: tuple[str, ...]
    recv_window: str | None
    mistakes: tuple[tuple[Mutation, str], ...] = ()
    timestamp_offset_ms: int = 0
    absolute_timestamp: int | None = None  # stamps the request with exactly this value (LONG's edges)
    uppercase_hex: bool = False
    shadow_symbol: str | None = None  # also sent, in the part that does not carry `symbol`: the query must win
    tamper_at: int = 0
    label: str = ""
    kind: CaseClass = CaseClass.VALID
    boundary_answer: Expected | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        if self.label:
            what = self.label
        elif self.mistakes:
            what = " + ".join(m.label + (f" ({d})" if d else "") for m, d in self.mistakes)
        else:
            what = "valid"
        window = f", recvWindow={self.recv_window}" if self.recv_window is not None else ""
        return f"{what}: {self.symbol} to {self.margin_type}, {self.key_type}, {self.placement}{window}"

    def expected(self) -> Expected | None:
        """The answer for a wrong request (the earliest failed check's); None for a valid one (200 or -4046, and
        -4046 when sent again)."""
        if self.boundary_answer is not None:
            return self.boundary_answer
        if not self.mistakes:
            return None
        first = min(self.mistakes, key=lambda pair: pair[0].rank)
        return first[0].answer

    def mistake(self, mutation: Mutation) -> str | None:
        return next((detail for m, detail in self.mistakes if m is mutation), None)


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


def _timestamp(case: ContractCase, server_time_ms: int) -> str:
    window = int(case.recv_window) if case.recv_window and case.recv_window.isdigit() else DEFAULT_RECV_WINDOW
    stamp = server_time_ms + case.timestamp_offset_ms if case.absolute_timestamp is None else case.absolute_timestamp
    if (ahead := case.mistake(Mutation.FUTURE_TIMESTAMP)) is not None:
        stamp = server_time_ms + int(ahead)
    if (behind := case.mistake(Mutation.STALE_TIMESTAMP)) is not None:
        stamp = server_time_ms - window - int(behind)
    text = str(stamp)
    malformed = case.mistake(Mutation.MALFORMED_TIMESTAMP)
    if malformed is None:
        return text
    return {
        "+": "+" + text,  # encoded as %2B: a sign, not a space
        ".0": text + ".0",
        "-": "-" + text,
        "0pad20": text.rjust(20, "0"),
        "e3": f"{stamp // 1000}e3",
        "9223372036854775808": "9223372036854775808",
    }[malformed]


def build_request(
    case: ContractCase, api_key: str, signer: Signer, server_time_ms: int, other_signer: Signer | None = None
) -> WireRequest:
    """The request as a client would send it, with the case's mistakes (if any) made on the way."""
    symbol = case.symbol
    if (bad := case.mistake(Mutation.UNKNOWN_SYMBOL)) is not None:
        symbol = bad
    if (bad := case.mistake(Mutation.ILLEGAL_CHARACTER)) is not None:
        symbol = bad.replace("\t", "%09").replace(" ", "+") if "%" not in bad else bad
    margin_type = case.margin_type
    bad_margin = case.mistake(Mutation.BAD_MARGIN_TYPE)
    if bad_margin is not None and bad_margin != "missing":
        margin_type = bad_margin
    values: dict[str, str] = {"symbol": symbol, "marginType": margin_type}
    if case.mistake(Mutation.MISSING_TIMESTAMP) is None:
        values["timestamp"] = _timestamp(case, server_time_ms)
    if (window := case.mistake(Mutation.RECV_WINDOW_OUT_OF_RANGE)) is not None:
        values["recvWindow"] = window
    elif case.recv_window is not None:
        values["recvWindow"] = case.recv_window
    if case.mistake(Mutation.MISSING_SYMBOL) is not None:
        values.pop("symbol")
    if bad_margin == "missing":
        values.pop("marginType")
    params = [(name, values[name]) for name in case.order if name in values]
    split = {"query": len(params), "body": 0, "mixed": len(params) // 2}[case.placement]
    query_params, body_params = params[:split], params[split:]
    if case.shadow_symbol is not None:
        (body_params if any(n == "symbol" for n, _ in query_params) else query_params).append(
            ("symbol", case.shadow_symbol)
        )
    if (name := case.mistake(Mutation.DUPLICATE)) is not None and name in values:
        part = query_params if any(n == name for n, _ in query_params) else body_params
        part.append((name, values[name]))

    def encoded(part: list[tuple[str, str]]) -> str:
        # Already-escaped values (illegal characters made on purpose, '+' for a space) go as they are.
        return "&".join(
            f"{n}={v}" if n == "symbol" and case.mistake(Mutation.ILLEGAL_CHARACTER) else f"{n}={quote(v, safe='')}"
            for n, v in part
        )

    query, body = encoded(query_params), encoded(body_params)
    signing = other_signer if case.mistake(Mutation.WRONG_SIGNING_KEY) is not None and other_signer else signer
    signature = signing.sign((query + body).encode("ascii"))
    if case.uppercase_hex:
        signature = signature.upper()
    if case.mistake(Mutation.TAMPERED_SIGNATURE) is not None:
        signature = _tamper(signature, case.tamper_at)
    if case.mistake(Mutation.MISSING_SIGNATURE) == "empty":
        signature = ""
    signature_part = "body" if body else "query"
    segment = f"signature={signature}"
    if case.mistake(Mutation.MISSING_SIGNATURE) == "":
        segment = ""
    elif case.mistake(Mutation.SIGNATURE_NOT_LAST) is not None:
        # Binance rebuilds the signed string by cutting the trailing signature: elsewhere it cannot.
        if signature_part == "body":
            body = f"{segment}&{body}"
        else:
            query = f"{segment}&{query}" if query else segment
    elif signature_part == "body":
        body = f"{body}&{segment}"
    else:
        query = f"{query}&{segment}" if query else segment
    if case.mistake(Mutation.SIGNATURE_IN_BOTH) is not None:
        if signature_part == "body":
            query = f"{query}&{segment}" if query else segment
        else:
            body = f"{body}&{segment}" if body else segment
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    malformed_key = case.mistake(Mutation.MALFORMED_KEY)
    if case.mistake(Mutation.UNKNOWN_KEY) is not None:
        headers["X-MBX-APIKEY"] = secrets.token_hex(32)
    elif malformed_key is not None:
        headers["X-MBX-APIKEY"] = malformed_key
    elif case.mistake(Mutation.NO_KEY) is None:
        headers["X-MBX-APIKEY"] = api_key
    return WireRequest("POST", "/fapi/v1/marginType", query, body, headers)


def base_case(index: int, key_type: str, placement: str) -> ContractCase:
    """A valid request, varied by `index` so a table of cases covers symbols, targets and parameter orders."""
    orders = (PARAMS, tuple(reversed(PARAMS)), ("timestamp", "symbol", "recvWindow", "marginType"))
    return ContractCase(
        symbol=SYMBOLS[index % len(SYMBOLS)],
        margin_type=("ISOLATED", "CROSSED")[index % 2],
        key_type=key_type,
        placement=placement,
        order=orders[index % len(orders)],
        recv_window=None,
    )


def with_mistakes(case: ContractCase, *mistakes: tuple[Mutation, str], kind: CaseClass) -> ContractCase:
    return replace(case, mistakes=tuple(mistakes), kind=kind)
