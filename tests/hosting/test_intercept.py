"""The responses bridge leaves a user's own mocks and unrelated hosts alone: before, during and after."""

from __future__ import annotations

import re

import pytest
import requests
import responses
from helpers import FROZEN_MS, HMAC_KEY, KEYS, make_config

from mockserver import BinanceInterceptor, create_app

OTHER = "https://api.example.test/v1/thing"


def refused_by_responses(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
    except requests.ConnectionError as exc:
        return "Connection refused by Responses" in str(exc)
    return False


def test_scoped_mock_passes_other_hosts_through_to_a_users_mock() -> None:
    with responses.RequestsMock() as users:
        users.get(OTHER, json={"mine": True})
        assert requests.get(OTHER, timeout=2).json() == {"mine": True}  # before
        with BinanceInterceptor(config=make_config()) as fake:
            assert requests.get(OTHER, timeout=2).json() == {"mine": True}  # during
            assert requests.get(fake.url + "/fapi/v1/ping", timeout=2).json() == {}
            assert users.registered()[0].url == OTHER and len(users.registered()) == 1
        assert requests.get(OTHER, timeout=2).json() == {"mine": True}  # after
        # And the Binance host is the user's business again: their strict mock refuses it.
        assert refused_by_responses("https://fapi.binance.com/fapi/v1/ping")


def test_registering_into_a_users_mock_and_removing_on_exit() -> None:
    with responses.RequestsMock() as users:
        users.get(OTHER, body="x")
        before = list(users.registered())
        passthru_before = tuple(users.passthru_prefixes)
        with BinanceInterceptor(config=make_config(), mock=users):
            assert requests.get("https://demo-fapi.binance.com/fapi/v1/time", timeout=2).json() == {
                "serverTime": FROZEN_MS
            }
            assert requests.get(OTHER, timeout=2).text == "x"
        assert users.registered() == before
        assert users.passthru_prefixes == passthru_before
        assert refused_by_responses("https://fapi.binance.com/fapi/v1/ping")


def test_module_default_mock_is_never_touched() -> None:
    registered_before = list(responses.mock.registered())
    with BinanceInterceptor(config=make_config()):
        assert responses.mock.registered() == registered_before
        assert not responses.mock.passthru_prefixes
    assert responses.mock.registered() == registered_before


def test_real_adapter_is_back_after_exit() -> None:
    send_before = requests.adapters.HTTPAdapter.send
    with BinanceInterceptor(config=make_config()):
        assert requests.adapters.HTTPAdapter.send is not send_before
    assert requests.adapters.HTTPAdapter.send is send_before


def test_extra_base_url_with_a_path_prefix() -> None:
    with BinanceInterceptor(config=make_config(), base_urls=["http://binance.local/proxy/"]):
        assert requests.get("http://binance.local/proxy/fapi/v1/ping", timeout=2).json() == {}


def test_raw_query_and_body_bytes_reach_the_app_unchanged() -> None:
    key = KEYS["HMAC"]
    query = "symbol=BTCUSDT&marginType=ISOLATED&note=a%2Fb%3Dc"
    body = f"timestamp={FROZEN_MS}"
    signature = key.sign(query + body)
    with BinanceInterceptor(config=make_config()) as fake:
        response = requests.post(
            f"{fake.url}/fapi/v1/marginType?{query}",
            data=f"{body}&signature={signature}",
            headers={"X-MBX-APIKEY": HMAC_KEY, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=2,
        )
        assert response.json() == {"code": 200, "msg": "success"}
        assert fake.state.exchange.describe_account(HMAC_KEY)["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"  # type: ignore[index]


def test_interceptor_over_an_existing_app() -> None:
    app = create_app(make_config())
    with BinanceInterceptor(app) as fake:
        assert fake.app is app
    with pytest.raises(ValueError, match="not both"):
        BinanceInterceptor(app, config=make_config())


def test_start_twice_is_an_error() -> None:
    fake = BinanceInterceptor(config=make_config()).start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            fake.start()
    finally:
        fake.stop()
    fake.stop()


def test_unmatched_path_regex_does_not_swallow_lookalike_hosts() -> None:
    with responses.RequestsMock() as users:
        users.get(re.compile(r"https://fapi\.binance\.com\.evil\.test/.*"), body="evil")
        with BinanceInterceptor(config=make_config()):
            assert requests.get("https://fapi.binance.com.evil.test/fapi/v1/ping", timeout=2).text == "evil"


def test_the_spot_hosts_start_up_paths_are_answered_in_process() -> None:
    """python-binance pings the spot host on construction and ccxt reads two sapi lists there: no network either."""
    with BinanceInterceptor(config=make_config()):
        assert requests.get("https://api.binance.com/api/v3/ping", timeout=2).json() == {}
        spot = requests.get("https://api.binance.com/api/v3/time", timeout=2).json()
        futures = requests.get("https://fapi.binance.com/fapi/v1/time", timeout=2).json()
        assert spot == futures == {"serverTime": FROZEN_MS}
        unsigned = requests.get("https://api.binance.com/sapi/v1/margin/allPairs", timeout=2)
        assert (unsigned.status_code, unsigned.json()["code"]) == (401, -2014)
        # A spot path the fake does not serve is the fake's 404, never a request to the real exchange.
        unknown = requests.get("https://api.binance.com/api/v3/account", timeout=2)
        assert (unknown.status_code, unknown.json()["code"]) == (404, -1000)


# --- the network guard ---
def test_other_hosts_are_refused_with_the_way_out() -> None:
    """No call leaves the process: a typo'd host, another Binance host, any site; the error says how to allow it."""
    with BinanceInterceptor(config=make_config()):
        for url in ("https://fapi.binanec.com/fapi/v1/ping", "https://dapi.binance.com/dapi/v1/ping", OTHER):
            with pytest.raises(requests.ConnectionError, match="in-process mode sends nothing to the network") as info:
                requests.get(url, timeout=2)
            host = url.split("/")[2]
            assert f"allow_hosts=[{host!r}]" in str(info.value)
        with pytest.raises(requests.ConnectionError, match="This Binance host is not one the fake serves"):
            requests.get("https://dapi.binance.com/dapi/v1/ping", timeout=2)
        # The fake's own hosts are still answered, every time.
        for _ in range(3):
            assert requests.get("https://fapi.binance.com/fapi/v1/ping", timeout=2).json() == {}


def test_allowed_hosts_pass_through_to_what_requests_did_before() -> None:
    with responses.RequestsMock() as users:
        users.get(OTHER, json={"mine": True})
        with BinanceInterceptor(config=make_config(), allow_hosts=["api.example.test"]):
            assert requests.get(OTHER, timeout=2).json() == {"mine": True}


def test_a_users_mock_started_first_keeps_deciding_for_other_hosts() -> None:
    with responses.RequestsMock() as users:
        users.get(OTHER, json={"mine": True})
        with BinanceInterceptor(config=make_config()):
            assert requests.get(OTHER, timeout=2).json() == {"mine": True}
            assert refused_by_responses("https://nowhere.example.test/")  # their mock refuses, not the network


def test_without_the_guard_other_hosts_go_where_requests_sends_them() -> None:
    """For a long-lived interceptor (the contract kit's in-process target) that must not block the rest of a session."""
    from mockserver.hosting.server import ThreadedServer

    with ThreadedServer(config=make_config()) as server, BinanceInterceptor(config=make_config(), guard=False):
        assert requests.get(server.url + "/fapi/v1/ping", timeout=2).json() == {}
        assert requests.get("https://fapi.binance.com/fapi/v1/ping", timeout=2).json() == {}
