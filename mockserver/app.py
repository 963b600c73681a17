"""`create_app(config)`: the Flask app of the fake, with one place that turns every error into a Binance body."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mockserver import errors
from mockserver.config import MockConfig
from mockserver.control_routes import control
from mockserver.edge import (
    DROP_ENVIRON_KEY,
    FAULT_HEADER,
    IN_PROCESS_ENVIRON_KEY,
    STATE_KEY,
    WEIGHT_HEADER,
    binance_error_response,
    call_record,
    client_ip,
    is_binance_path,
    journal_entry,
    json_response,
    mock_state,
    read_body,
    signed_request,
)
from mockserver.errors import BinanceRejection
from mockserver.fapi_routes import fapi
from mockserver.faults import Fault, FaultKind
from mockserver.ratelimit import endpoint_weight
from mockserver.state import MockState

log = logging.getLogger("mockserver")


def create_app(config: MockConfig | None = None) -> Flask:
    """Build a fake from `config` (the demo account when None); each app has its own state."""
    app = Flask("mockserver")
    # OPTIONS must not get Flask's automatic empty 200: every answer of the fake is a JSON body.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    # werkzeug would answer /fapi//v1/ping with a 308 HTML redirect; Binance paths are matched as sent.
    app.url_map.merge_slashes = False
    app.extensions[STATE_KEY] = MockState(config if config is not None else MockConfig.demo())
    app.register_blueprint(fapi)
    app.register_blueprint(control)
    app.before_request(_admit_binance_call)
    app.after_request(_finish_binance_call)
    app.register_error_handler(BinanceRejection, _render_rejection)
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(UnicodeDecodeError, _render_undecodable)
    app.register_error_handler(Exception, _render_unexpected)
    return app


def _admit_binance_call() -> Response | None:
    """Rate limit first (as Binance does), then the body cap; both answer before any parameter is read."""
    if not is_binance_path(request.path):
        return None
    state = mock_state()
    record = call_record()
    record.used_weight = state.rate_limiter.admit(client_ip(), endpoint_weight(request.method, request.path))
    record.raw_body = read_body(state.config.max_body_bytes)
    fault = state.faults.draw(request.method, request.path, state.account_of(request.headers.get("X-MBX-APIKEY")))
    if fault is None:
        return None
    record.fault = fault
    if fault.kind is FaultKind.DELAY:
        return None  # executed now, answered late (in _finish_binance_call)
    # A fault that is not applied answers now, instead of the endpoint; an applied one replaces the real answer.
    return None if fault.applied else _fault_response(fault)


def _fault_response(fault: Fault) -> Response:
    if fault.kind is FaultKind.DROP:
        # Only Flask's own test client ever sees this body: waitress and the responses bridge drop the connection.
        request.environ[DROP_ENVIRON_KEY] = True
        response = json_response({"code": -1000, "msg": "The connection was dropped by an injected fault."}, 503)
    else:
        answer = fault.answer
        assert answer is not None
        response = binance_error_response(answer)
    response.headers[FAULT_HEADER] = fault.kind.value
    return response


def _render_rejection(rejection: BinanceRejection) -> Response:
    if is_binance_path(request.path):
        call_record().rejection = rejection
    return binance_error_response(rejection.spec, rejection.headers)


def _render_http_error(exc: HTTPException) -> Response:
    status = exc.code or 400
    if not is_binance_path(request.path):
        messages = {404: f"no control call {request.path}", 405: f"{request.method} is not allowed for {request.path}"}
        return json_response({"error": messages.get(status, exc.description or exc.name)}, status)
    if status == 404:
        spec = errors.unknown_path(request.path)
    elif status == 405:
        spec = errors.method_not_allowed(request.method, request.path)
    else:
        spec = errors.ErrorSpec(status, -1000, exc.description or exc.name)
    return _render_rejection(BinanceRejection(spec))


def _render_undecodable(exc: UnicodeDecodeError) -> Response:
    # Only reached where werkzeug decodes for us (control-API query args); Binance paths parse raw bytes.
    if not is_binance_path(request.path):
        return json_response({"error": "the query string is not valid UTF-8"}, 400)
    return _render_rejection(BinanceRejection(errors.ILLEGAL_CHARACTERS, "bytes that are not UTF-8"))


def _render_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error while answering %s %s", request.method, request.path)
    return _render_rejection(BinanceRejection(errors.UNKNOWN_ERROR, f"{type(exc).__name__} inside the fake"))


def _finish_binance_call(response: Response) -> Response:
    if not is_binance_path(request.path):
        return response
    state = mock_state()
    record = call_record()
    rejection = record.rejection
    used = record.used_weight
    if rejection is not None and rejection.used_weight is not None:
        used = rejection.used_weight
    fault = record.fault
    if fault is not None:
        record.extra["fault"] = fault.describe()
        if fault.applied and fault.kind is not FaultKind.DELAY:
            # Executed for real; the caller is told something else. The journal keeps what really happened.
            record.extra["fault"].update(realStatus=response.status_code, realCode=_answer_code(response))
            response = _fault_response(fault)
        elif fault.kind is FaultKind.DELAY:
            response.headers[FAULT_HEADER] = f"delay; delayMs={fault.delay_ms}"
            if not request.environ.get(IN_PROCESS_ENVIRON_KEY):
                time.sleep(fault.delay_ms / 1000)
        if fault.kind is not FaultKind.DELAY:
            code = fault.answer.code if fault.answer is not None else None
            record.extra.update(code=code, explanation=f"injected fault: {fault.kind.value}")
    response.headers[WEIGHT_HEADER] = str(used)
    signed_request()  # parse for the journal even when the endpoint never read its parameters
    entry = journal_entry(response, record, state.clock.now_ms())
    state.journal.record(entry)
    log.info("%s %s -> %s %s", entry["method"], entry["path"], entry["status"], entry["code"] or "")
    return response


def _answer_code(response: Response) -> int | None:
    try:
        code = json.loads(response.get_data()).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, int) else None
