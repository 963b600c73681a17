"""The spot-host paths futures clients call on start-up, answered on the fake's one host.

python-binance pings /api/v3/ping (and AsyncClient syncs with /api/v3/time); the Node clients sync with /api/v3/time;
ccxt's load_markets with keys reads /sapi/v1/capital/config/getall and /sapi/v1/margin/allPairs, signed. An empty
list for both lets load_markets derive currencies from the futures markets.
"""

from __future__ import annotations

import pytest
from helpers import ED25519_KEY, FROZEN_MS, HMAC_KEY, HMAC_SECRET, KEYS, Caller, hmac_signature

GETALL = "/sapi/v1/capital/config/getall"
ALL_PAIRS = "/sapi/v1/margin/allPairs"
BAD_KEY_FORMAT = b'{"code":-2014,"msg":"API-key format invalid."}'
REJECTED_KEY = b'{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action"}'
NO_TIMESTAMP = b'{"code":-1102,"msg":"Mandatory parameter \'timestamp\' was not sent, was empty/null, or malformed."}'
NO_SIGNATURE = b'{"code":-1102,"msg":"Mandatory parameter \'signature\' was not sent, was empty/null, or malformed."}'
BAD_SIGNATURE = b'{"code":-1022,"msg":"Signature for this request is not valid."}'


def weight(response: object) -> int:
    return int(response.headers["X-MBX-USED-WEIGHT-1M"])  # type: ignore[attr-defined]


# --- ping and time ---
@pytest.mark.parametrize("api_key", [None, HMAC_KEY, "unknownKey"])
def test_spot_ping(caller: Caller, api_key: str | None) -> None:
    response = caller.send("GET", "/api/v3/ping", api_key=api_key)
    assert (response.status_code, response.data) == (200, b"{}")
    assert response.headers["Content-Type"] == "application/json"
    assert weight(response) == 1


def test_spot_time_is_the_futures_time(caller: Caller) -> None:
    spot = caller.send("GET", "/api/v3/time", api_key=None)
    assert (spot.status_code, spot.data) == (200, b'{"serverTime":%d}' % FROZEN_MS)
    assert weight(spot) == 1
    assert caller.send("GET", "/fapi/v1/time", api_key=None).data == spot.data
    caller.client.put("/__mock__/clock", json={"frozenAtMs": FROZEN_MS + 4321})
    assert caller.send("GET", "/api/v3/time", api_key=None).data == b'{"serverTime":%d}' % (FROZEN_MS + 4321)
    assert caller.send("GET", "/fapi/v1/time", api_key=None).data == b'{"serverTime":%d}' % (FROZEN_MS + 4321)


@pytest.mark.parametrize("offset", [-2500, 7000])
def test_spot_time_shows_the_accounts_clock_offset(caller: Caller, offset: int) -> None:
    assert caller.client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"clockOffsetMs": offset}).status_code == 200
    shifted = b'{"serverTime":%d}' % (FROZEN_MS + offset)
    for path in ("/api/v3/time", "/fapi/v1/time"):
        assert caller.send("GET", path, api_key=HMAC_KEY).data == shifted, path
        # Without the key header, or with another account's key, the time is the fake's own.
        assert caller.send("GET", path, api_key=None).data == b'{"serverTime":%d}' % FROZEN_MS
        assert caller.send("GET", path, api_key=ED25519_KEY).data == b'{"serverTime":%d}' % FROZEN_MS
        assert caller.send("GET", path, api_key="unknownKey").data == b'{"serverTime":%d}' % FROZEN_MS


def test_a_client_that_syncs_on_spot_time_signs_in_the_accounts_time(caller: Caller) -> None:
    caller.client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"clockOffsetMs": -3000})
    server_time = caller.send("GET", "/api/v3/time").json["serverTime"]  # type: ignore[index]
    assert server_time == FROZEN_MS - 3000
    ahead = caller.signed("GET", "/fapi/v1/positionSide/dual", "")  # signed with the local, unsynced time
    assert (ahead.status_code, ahead.json["code"]) == (400, -1021)  # type: ignore[index]
    synced = caller.signed("GET", "/fapi/v1/positionSide/dual", "", timestamp=server_time)
    assert (synced.status_code, synced.data) == (200, b'{"dualSidePosition":false}')


@pytest.mark.parametrize("path", ["/api/v3/ping", "/api/v3/time"])
def test_spot_public_paths_answer_get_and_head_only(caller: Caller, path: str) -> None:
    head = caller.send("HEAD", path, api_key=None)
    assert (head.status_code, head.data) == (200, b"")
    post = caller.send("POST", path, api_key=None)
    assert (post.status_code, post.json["code"]) == (405, -1000)  # type: ignore[index]


# --- the sapi reads ---
@pytest.mark.parametrize(("path", "path_weight"), [(GETALL, 10), (ALL_PAIRS, 1)])
def test_sapi_reads_are_empty_lists(caller: Caller, path: str, path_weight: int) -> None:
    response = caller.signed("GET", path, "")
    assert (response.status_code, response.data) == (200, b"[]")
    assert response.headers["Content-Length"] == "2"
    assert weight(response) == path_weight
    with_recv_window = caller.signed("GET", path, "recvWindow=10000", key=KEYS["RSA"])
    assert (with_recv_window.status_code, with_recv_window.data) == (200, b"[]")
    assert weight(with_recv_window) == 2 * path_weight


@pytest.mark.parametrize("path", [GETALL, ALL_PAIRS])
def test_sapi_reads_go_through_the_gate(caller: Caller, path: str) -> None:
    no_key = caller.send("GET", path, api_key=None)
    assert (no_key.status_code, no_key.data) == (401, BAD_KEY_FORMAT)
    unknown = caller.send("GET", path, query=f"timestamp={FROZEN_MS}&signature=00", api_key="unknownKey")
    assert (unknown.status_code, unknown.data) == (401, REJECTED_KEY)
    unsigned = caller.send("GET", path)
    assert (unsigned.status_code, unsigned.data) == (400, NO_TIMESTAMP)
    no_signature = caller.send("GET", path, query=f"timestamp={FROZEN_MS}")
    assert (no_signature.status_code, no_signature.data) == (400, NO_SIGNATURE)
    payload = f"timestamp={FROZEN_MS}"
    wrong = caller.send("GET", path, query=f"{payload}&signature={hmac_signature(HMAC_SECRET + 'x', payload)}")
    assert (wrong.status_code, wrong.data) == (400, BAD_SIGNATURE)
    entry = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    assert (entry["path"], entry["code"], entry["detail"]) == (
        path,
        -1022,
        {"signedPayload": payload, "keyType": "HMAC"},
    )


@pytest.mark.parametrize("path", [GETALL, ALL_PAIRS])
def test_sapi_reads_are_get_only(caller: Caller, path: str) -> None:
    response = caller.signed("POST", path, "")
    assert (response.status_code, response.json["code"]) == (405, -1000)  # type: ignore[index]
