"""The HTTP edge of every Binance path: a WSGI callable in front of the Flask app, which keeps the control API.

It turns the WSGI environ into a `SignedRequest` (raw query and body bytes, key header, caller), runs rate limit,
body cap, faults and the endpoint, and writes the Binance answer, its headers and the journal entry. It works on the
environ directly because a fake's own overhead is what its users' benchmarks and CI pay for on every call: going
through Flask's request and response objects cost more than all of the fake's checks together (see benchmarks/).
No business rule lives here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from mockserver import errors
from mockserver.config import DEFAULT_WEIGHT_LIMIT
from mockserver.errors import BinanceRejection, ErrorSpec
from mockserver.state import MockState
from mockserver.wire.faults import Fault, FaultKind
from mockserver.wire.gate import SignedRequest, pass_gate
from mockserver.wire.params import MAX_PARAMS_PER_PART, ParamOrigin, count_segments, parse_part
from mockserver.wire.protocol import (
    DEFERS_DELAY_ENVIRON_KEY,
    DELAY_ENVIRON_KEY,
    DROP_ENVIRON_KEY,
    FAULT_HEADER,
    IN_PROCESS_ENVIRON_KEY,
    MOCK_IDENT,
    WEIGHT_HEADER,
    compact_json,
    is_control_path,
)
from mockserver.wire.routes import ROUTES
from mockserver.wire.routing import UNKNOWN_PATH_WEIGHT, Call, Route, RouteTable, Security

log = logging.getLogger("mockserver")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

BODY_METHODS = frozenset({"POST", "PUT", "DELETE"})
_STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}
DROPPED = errors.ErrorSpec(503, -1000, "The connection was dropped by an injected fault.")


@dataclass
class Answer:
    status: int
    body: bytes
    headers: list[tuple[str, str]]


def _text(raw: str) -> str:
    """A WSGI string (latin-1 of the wire bytes) as the UTF-8 text it carries, for the journal."""
    try:
        return raw.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:  # some in-process servers (httpx's WSGITransport) pass already-decoded text
        return raw


def _read_body(environ: dict[str, Any], method: str, cap: int) -> bytes:
    """The raw body, refused with 413 before it is read when it is larger than the cap."""
    if method not in BODY_METHODS:
        return b""
    declared = environ.get("CONTENT_LENGTH") or ""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if declared.isascii() and declared.isdigit():
        if int(declared) > cap:
            raise BinanceRejection(errors.body_too_large(cap), f"Content-Length {declared} is over the cap")
        return bytes(stream.read(int(declared))) if int(declared) else b""
    if not environ.get("wsgi.input_terminated"):
        return b""  # no length and no end marker: nothing a client could have meant as a body
    body = bytes(stream.read(cap + 1))
    if len(body) > cap:
        raise BinanceRejection(errors.body_too_large(cap), "the chunked body is over the cap")
    return body


def _refuse_too_many_parameters(query: bytes, body: bytes) -> None:
    """-1104 for a query or a body of more than MAX_PARAMS_PER_PART segments, counted before anything parses them.

    Binance answers a request with parameters it does not read with -1104 TOO_MANY_PARAMETERS ("read 'n'
    parameter(s) but was sent 'm'"), so that is the Binance-shaped answer for a request past the fake's bound: the
    read count is the bound, the sent count the segments of the larger part (empty segments counted: one scan)."""
    query_segments, body_segments = count_segments(query), count_segments(body)
    sent = max(query_segments, body_segments)
    if sent > MAX_PARAMS_PER_PART:
        raise BinanceRejection(
            errors.too_many_parameters(MAX_PARAMS_PER_PART, sent),
            f"more than {MAX_PARAMS_PER_PART} parameters in the query or the body",
            {"querySegments": query_segments, "bodySegments": body_segments},
        )


def _weight(route: Route | None, environ: dict[str, Any]) -> int:
    if route is None:
        return UNKNOWN_PATH_WEIGHT
    if route.weight_all_symbols is None:
        return route.weight
    # Only routes priced by "one symbol or all" pay for a look at the query before the rate limit.
    query = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    if count_segments(query) > MAX_PARAMS_PER_PART:
        return route.weight  # refused with -1104 next; not worth parsing
    return route.weight_of(any(p.name == "symbol" for p in parse_part(query, ParamOrigin.QUERY)))


class BinanceEdge:
    """Answers Binance paths itself and hands everything else (the control API) to `fallback`."""

    def __init__(self, state: MockState, fallback: WsgiApp, routes: RouteTable = ROUTES) -> None:
        self.state = state
        self.fallback = fallback
        self.routes = routes
        # Held from a TRADE handler's call to its journal entry, so the journal lists state changes in the order they
        # were applied: replaying its successful changes in journal order gives the final state.
        self._trade_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if is_control_path(path):
            return self.fallback(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        answer = self._answer(environ, method, path)
        start_response(_STATUS_LINES.get(answer.status, f"{answer.status} Unknown"), answer.headers)
        return [] if method == "HEAD" else [answer.body]

    def _answer(self, environ: dict[str, Any], method: str, path: str) -> Answer:
        with ExitStack() as ordered:
            answer, fault = self._answer_and_journal(environ, method, path, ordered)
        if fault is not None and fault.kind is FaultKind.DELAY and not environ.get(IN_PROCESS_ENVIRON_KEY):
            # Executed and journaled already; only the answer is late. A server that can hold the answer back
            # without a worker (ThreadedServer) is told how long; any other WSGI server sleeps here.
            if environ.get(DEFERS_DELAY_ENVIRON_KEY):
                environ[DELAY_ENVIRON_KEY] = fault.delay_ms / 1000
            else:
                time.sleep(fault.delay_ms / 1000)
        return answer

    def _answer_and_journal(
        self, environ: dict[str, Any], method: str, path: str, ordered: ExitStack
    ) -> tuple[Answer, Fault | None]:
        state = self.state
        ip = environ.get("REMOTE_ADDR") or "0.0.0.0"
        api_key = environ.get("HTTP_X_MBX_APIKEY")
        used_weight = 0
        raw_body = b""
        fault: Fault | None = None
        request: SignedRequest | None = None
        rejection: BinanceRejection | None = None
        journal_extra: dict[str, Any] = {}
        try:
            route, path_served = self.routes.find(method, path)
            used_weight = state.rate_limiter.admit(ip, _weight(route, environ))
            if route is None:
                if path_served:
                    raise BinanceRejection(errors.method_not_allowed(method, _text(path)))
                raise BinanceRejection(errors.unknown_path(_text(path)))
            raw_body = _read_body(environ, method, state.config.max_body_bytes)
            _refuse_too_many_parameters(environ.get("QUERY_STRING", "").encode("latin-1", "replace"), raw_body)
            fault = state.faults.draw(method, path, state.account_of(api_key))
            if fault is not None:
                fault = fault.at(state.clock.now_ms())
            if fault is not None and not fault.applied:
                answer = self._fault_answer(environ, fault)  # instead of the endpoint: nothing is executed
            else:
                request = self._parse(environ, method, path, raw_body, api_key, ip)
                call = self._call(route, request)
                if route.security is Security.TRADE:
                    ordered.enter_context(self._trade_lock)  # released once the journal entry is written
                answer = Answer(200, route.handler(state, call), [])
        except BinanceRejection as exc:
            rejection = exc
            if exc.used_weight is not None:
                used_weight = exc.used_weight
            answer = Answer(exc.spec.http_status, compact_json(exc.spec.body()), list(exc.headers.items()))
        except Exception as exc:  # a safety net: reaching it is a bug, and the fuzz tests look for it
            log.exception("unexpected error while answering %s %s", method, path)
            rejection = BinanceRejection(errors.UNKNOWN_ERROR, f"{type(exc).__name__} inside the fake")
            answer = Answer(rejection.spec.http_status, compact_json(rejection.spec.body()), [])
        if fault is not None:
            answer = self._apply_fault(environ, fault, answer, rejection, journal_extra)
        answer.headers += [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(answer.body))),
            ("X-Mock-Exchange", MOCK_IDENT),
            (WEIGHT_HEADER, str(used_weight)),
        ]
        if request is None:
            # Refused before the endpoint read it: parse it for the journal all the same, but only as many segments
            # as a request may carry (it may have been refused for carrying more), so journaling stays cheap.
            request = self._parse(environ, method, path, raw_body, api_key, ip, MAX_PARAMS_PER_PART)
            sent = count_segments(request.raw_query) + count_segments(raw_body)
        else:
            sent = None
        self._journal(request, answer, rejection, journal_extra, sent)
        return answer, fault

    def _call(self, route: Route, request: SignedRequest) -> Call:
        """The handler's input: through the gate with the route's permission when the route is signed."""
        permission = route.security.permission
        if permission is None:
            params = {name: p.value for name, p in request.merged().items() if p.value is not None}
            return Call(request, params)
        state = self.state
        authorized = pass_gate(
            request,
            permission,
            state.exchange.find_key,
            lambda key: state.server_time_ms(key.account),
            state.config.recv_window_max,
        )
        return Call(request, authorized.params, authorized.key)

    @staticmethod
    def _parse(
        environ: dict[str, Any],
        method: str,
        path: str,
        raw_body: bytes,
        api_key: str | None,
        ip: str,
        limit: int | None = None,
    ) -> SignedRequest:
        query = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
        return SignedRequest.from_wire(method, path, query, raw_body, api_key, ip, limit)

    def _fault_spec(self, environ: dict[str, Any], fault: Fault) -> ErrorSpec:
        """The Binance answer a fault gives instead of the real one (not for a delay, which answers for real)."""
        if fault.kind is FaultKind.DROP:
            return DROPPED
        if fault.kind is FaultKind.RATELIMITED:
            # Worded as the real limit words it: the caller's IP and the configured (or Binance's) weight limit.
            limit = self.state.config.weight_limit or DEFAULT_WEIGHT_LIMIT
            return errors.too_many_requests(environ.get("REMOTE_ADDR") or "0.0.0.0", limit)
        answer = fault.answer
        assert answer is not None
        return answer

    def _fault_answer(self, environ: dict[str, Any], fault: Fault) -> Answer:
        if fault.kind is FaultKind.DROP:
            # Only a plain WSGI test client ever sees this body: waitress and the responses bridge drop the connection.
            environ[DROP_ENVIRON_KEY] = True
        spec = self._fault_spec(environ, fault)
        headers = [(FAULT_HEADER, fault.kind.value)]
        if fault.retry_after_s is not None:
            headers.append(("Retry-After", str(fault.retry_after_s)))
        return Answer(spec.http_status, compact_json(spec.body()), headers)

    def _apply_fault(
        self,
        environ: dict[str, Any],
        fault: Fault,
        answer: Answer,
        rejection: BinanceRejection | None,
        journal_extra: dict[str, Any],
    ) -> Answer:
        described = fault.describe()
        journal_extra["fault"] = described
        if fault.kind is FaultKind.DELAY:
            answer.headers.append((FAULT_HEADER, f"delay; delayMs={fault.delay_ms}"))
            return answer
        if fault.applied:
            # Executed for real; the caller is told something else. The journal keeps what really happened.
            described.update(
                realStatus=answer.status,
                realCode=rejection.spec.code if rejection else 200,
                realExplanation=rejection.explanation if rejection else "applied",
            )
            answer = self._fault_answer(environ, fault)
        journal_extra.update(
            code=self._fault_spec(environ, fault).code if fault.kind is not FaultKind.DROP else None,
            explanation=f"injected fault: {fault.kind.value}",
        )
        return answer

    def _journal(
        self,
        request: SignedRequest,
        answer: Answer,
        rejection: BinanceRejection | None,
        extra: dict[str, Any],
        sent: int | None = None,
    ) -> None:
        state = self.state
        method = request.method
        entry: dict[str, Any] = {
            "time": state.clock.now_ms(),
            "method": method,
            "path": _text(request.path),
            "clientIp": request.client_ip,
            "apiKey": request.api_key,
            "account": state.account_of(request.api_key),
            "status": answer.status,
            "code": None,
            "explanation": "answered",
            "detail": {},
        }
        if rejection is not None:
            entry.update(code=rejection.spec.code, explanation=rejection.explanation, detail=rejection.detail)
        elif answer.status == 200 and method in BODY_METHODS:
            entry.update(code=200, explanation="applied")
        entry.update(extra)
        state.journal.record(entry, (*request.query_params, *request.body_params), sent)
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s -> %s %s", method, entry["path"], answer.status, entry["code"] or "")
