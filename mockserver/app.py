"""`create_app(config)`: the fake as a Flask app. Binance paths are answered by the BinanceEdge in front of it
(`app.wsgi_app`); Flask serves the control API under /__mock__/ and renders its errors as `{"error": ...}`."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mockserver.config import MockConfig
from mockserver.control.api import control, json_response
from mockserver.state import MockState
from mockserver.wire.edge import BinanceEdge
from mockserver.wire.protocol import STATE_KEY

log = logging.getLogger("mockserver")


def create_app(config: MockConfig | None = None) -> Flask:
    """Build a fake from `config` (the demo account when None); each app has its own state."""
    app = Flask("mockserver")
    # OPTIONS must not get Flask's automatic empty 200: every answer of the fake is a JSON body.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    # werkzeug would answer /__mock__//journal with a 308 HTML redirect.
    app.url_map.merge_slashes = False
    state = MockState(config if config is not None else MockConfig.demo())
    app.extensions[STATE_KEY] = state
    app.register_blueprint(control)
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(UnicodeDecodeError, _render_undecodable)
    app.register_error_handler(Exception, _render_unexpected)
    app.wsgi_app = BinanceEdge(state, app.wsgi_app)  # type: ignore[method-assign]
    return app


def _render_http_error(exc: HTTPException) -> Response:
    status = exc.code or 400
    messages = {404: f"no control call {request.path}", 405: f"{request.method} is not allowed for {request.path}"}
    return json_response({"error": messages.get(status, exc.description or exc.name)}, status)


def _render_undecodable(exc: UnicodeDecodeError) -> Response:
    # werkzeug decodes control-API query arguments as UTF-8; raw bytes that are not UTF-8 are the caller's mistake.
    return json_response({"error": "the query string is not valid UTF-8"}, 400)


def _render_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error in the control API: %s %s", request.method, request.path)
    return json_response({"error": f"the fake failed: {type(exc).__name__}"}, 500)
