"""Public paths (ping, time, exchangeInfo, on the futures and the spot host) and the sapi calls a client's start-up
makes before it trades futures."""

from __future__ import annotations

from mockserver.state import MockState
from mockserver.wire.protocol import compact_json
from mockserver.wire.routing import Call


def ping(state: MockState, call: Call) -> bytes:
    return b"{}"


def server_time(state: MockState, call: Call) -> bytes:
    # Clients send their key header on every call of a session; an account with a clock offset sees its own time,
    # on /api/v3/time as on /fapi/v1/time.
    return compact_json({"serverTime": state.server_time_ms(state.account_of(call.request.api_key))})


def exchange_info(state: MockState, call: Call) -> bytes:
    return compact_json(state.exchange.catalogue.exchange_info(state.clock.now_ms()))


def empty_list(state: MockState, call: Call) -> bytes:
    """The sapi start-up reads (coin configs, margin pairs): an empty list lets ccxt's load_markets finish, deriving
    currencies from the futures markets; a partial list would shrink them."""
    return b"[]"
