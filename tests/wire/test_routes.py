"""The route table is the one place an endpoint's facts live: a new row is served with its security and weight.

These tests add an endpoint the fake does not have, as a row plus a handler and nothing else, and check what the
edge then does for it: the gate with the row's permission, the row's weight, HEAD by the GET row, 405 for others.
"""

from __future__ import annotations

import pytest
from flask import Flask
from helpers import HMAC_KEY, Caller, SigningKey, make_config

from mockserver import create_app
from mockserver.state import MockState
from mockserver.wire import routes
from mockserver.wire.edge import BinanceEdge
from mockserver.wire.protocol import STATE_KEY, WEIGHT_HEADER, compact_json
from mockserver.wire.routing import Call, Route, RouteTable, Security


def echo_account(state: MockState, call: Call) -> bytes:
    return compact_json({"account": call.account, "params": call.params})


def public_echo(state: MockState, call: Call) -> bytes:
    return compact_json(call.params)


def app_with(*extra: Route) -> Flask:
    app = create_app(make_config())
    state: MockState = app.extensions[STATE_KEY]
    edge = app.wsgi_app
    assert isinstance(edge, BinanceEdge)
    app.wsgi_app = BinanceEdge(state, edge.fallback, RouteTable([*routes.ROUTES, *extra]))  # type: ignore[method-assign]
    return app


@pytest.fixture
def caller() -> Caller:
    app = app_with(
        Route("GET", "/fapi/v9/echo", echo_account, Security.USER_DATA, weight=7, weight_all_symbols=40),
        Route("POST", "/fapi/v9/echo", echo_account, Security.TRADE, weight=3),
        Route("GET", "/fapi/v9/public", public_echo),
    )
    return Caller(app.test_client())


def test_a_signed_row_is_served_after_the_gate_with_the_authorized_call(caller: Caller) -> None:
    answer = caller.signed("GET", "/fapi/v9/echo", "symbol=BTCUSDT")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["account"] == HMAC_KEY
    assert body["params"]["symbol"] == "BTCUSDT" and "signature" not in body["params"]


def test_the_gate_runs_for_a_signed_row(caller: Caller) -> None:
    assert caller.send("GET", "/fapi/v9/echo", query="symbol=BTCUSDT", api_key=None).get_json()["code"] == -2014
    unsigned = caller.send("GET", "/fapi/v9/echo", query="symbol=BTCUSDT&timestamp=1")
    assert unsigned.get_json()["code"] == -1102


def test_the_rows_permission_is_required() -> None:
    app = app_with(Route("POST", "/fapi/v9/echo", echo_account, Security.TRADE))
    read_only = {"type": "HMAC", "apiKey": "readOnly", "secret": "s", "permissions": ["USER_DATA"]}
    app.extensions[STATE_KEY].exchange.register_key(read_only)
    answer = Caller(app.test_client()).signed("POST", "/fapi/v9/echo", "", key=SigningKey("readOnly", "HMAC", "s"))
    assert (answer.status_code, answer.get_json()["code"]) == (401, -2015)


def test_a_public_row_needs_no_key(caller: Caller) -> None:
    answer = caller.send("GET", "/fapi/v9/public", query="a=1", api_key=None)
    assert (answer.status_code, answer.get_json()) == (200, {"a": "1"})


def test_weights_come_from_the_row(caller: Caller) -> None:
    one = int(caller.signed("GET", "/fapi/v9/echo", "symbol=BTCUSDT").headers[WEIGHT_HEADER])
    all_symbols = int(caller.signed("GET", "/fapi/v9/echo", "").headers[WEIGHT_HEADER])
    post = int(caller.signed("POST", "/fapi/v9/echo", "").headers[WEIGHT_HEADER])
    head = int(caller.send("HEAD", "/fapi/v9/echo", query="symbol=BTCUSDT").headers[WEIGHT_HEADER])
    unknown = int(caller.send("GET", "/fapi/v9/nowhere").headers[WEIGHT_HEADER])
    assert (one, all_symbols - one, post - all_symbols, head - post, unknown - head) == (7, 40, 3, 7, 1)


def test_head_is_answered_by_the_get_row_without_a_body(caller: Caller) -> None:
    get = caller.send("GET", "/fapi/v9/public", query="a=1")
    head = caller.send("HEAD", "/fapi/v9/public", query="a=1")
    assert head.status_code == get.status_code == 200
    assert head.data == b"" and head.headers["Content-Length"] == get.headers["Content-Length"]


def test_other_methods_on_a_routed_path_are_405(caller: Caller) -> None:
    answer = caller.send("PUT", "/fapi/v9/public")
    assert (answer.status_code, answer.get_json()["code"]) == (405, -1000)


def test_a_table_refuses_a_route_listed_twice_or_a_head_row() -> None:
    with pytest.raises(ValueError, match="routed twice"):
        RouteTable([Route("GET", "/x", public_echo), Route("GET", "/x", public_echo)])
    with pytest.raises(ValueError, match="HEAD is served by the GET route"):
        RouteTable([Route("HEAD", "/x", public_echo)])


def test_a_public_call_has_no_account() -> None:
    with pytest.raises(RuntimeError, match="public route has no account"):
        _ = Call(request=None, params={}).account  # type: ignore[arg-type]
