"""Faults in both modes: each kind, and the applied-then-failed answer followed by a retry that gets -4046."""

import pytest
import requests
from signing import signed_query

MARGIN_TYPE = "/fapi/v1/marginType"


def post_margin_type(handle, margin_type="ISOLATED", timeout=5.0):
    query = signed_query(handle.secret, symbol="BTCUSDT", marginType=margin_type)
    url = f"{handle.base_url}{MARGIN_TYPE}?{query}"
    return requests.post(url, headers={"X-MBX-APIKEY": handle.api_key}, timeout=timeout)


@pytest.fixture(params=["live", "in-process"])
def handle(request):
    return request.getfixturevalue("fapi_mock" if request.param == "live" else "fapi_mock_inprocess")


def test_unknown_error_is_applied_then_a_retry_says_no_need(handle):
    handle.add_fault("unknown", count=1)
    first = post_margin_type(handle)
    assert first.status_code == 503
    assert first.json()["msg"] == "Unknown error, please check your request or try again later."
    assert handle.margin_type("BTCUSDT") == "ISOLATED"  # it landed, whatever the answer said
    retry = post_margin_type(handle)
    assert retry.json() == {"code": -4046, "msg": "No need to change margin type."}
    [faulted, _retry] = handle.journal()
    assert faulted["fault"] == {
        "kind": "unknown",
        "applied": True,
        "rule": faulted["fault"]["rule"],
        "realStatus": 200,
        "realCode": 200,
        "realExplanation": "applied",
    }


def test_disconnected_is_not_applied(handle):
    handle.add_fault("disconnected")
    answer = post_margin_type(handle)
    assert (answer.status_code, answer.json()) == (
        503,
        {"code": -1001, "msg": "Internal error; unable to process your request. Please try again."},
    )
    assert handle.margin_type("BTCUSDT") == "CROSSED"
    assert post_margin_type(handle).json()["code"] == 200


@pytest.mark.parametrize("applied", [False, True])
def test_backend_timeout_408(handle, applied):
    handle.add_fault("timeout", applied=applied)
    answer = post_margin_type(handle)
    assert answer.status_code == 408 and answer.json()["code"] == -1007
    assert handle.margin_type("BTCUSDT") == ("ISOLATED" if applied else "CROSSED")
    assert handle.journal()[0]["fault"]["applied"] is applied


@pytest.mark.parametrize("applied", [False, True])
def test_dropped_connection(handle, applied):
    handle.add_fault("drop", applied=applied)
    with pytest.raises(requests.ConnectionError):
        post_margin_type(handle)
    assert handle.margin_type("BTCUSDT") == ("ISOLATED" if applied else "CROSSED")


def test_delay_past_the_client_timeout(handle):
    handle.add_fault("delay", delay_ms=400)
    with pytest.raises(requests.ReadTimeout):
        post_margin_type(handle, timeout=0.2)
    # The fake still executed it, as Binance would: the caller cannot know.
    assert handle.margin_type("BTCUSDT") == "ISOLATED"


def test_fault_by_probability_with_a_seed_is_repeatable(handle):
    handle.add_fault("disconnected", path="/fapi/v1/ping", probability=0.5, seed=7)
    outcomes = [
        requests.get(f"{handle.base_url}/fapi/v1/ping", headers={"X-MBX-APIKEY": handle.api_key}, timeout=5).status_code
        for _ in range(12)
    ]
    assert set(outcomes) == {200, 503}
    handle.clear_faults()
    handle.add_fault("disconnected", path="/fapi/v1/ping", probability=0.5, seed=7)
    again = [
        requests.get(f"{handle.base_url}/fapi/v1/ping", headers={"X-MBX-APIKEY": handle.api_key}, timeout=5).status_code
        for _ in range(12)
    ]
    assert again == outcomes


def test_faults_are_not_rejections_but_what_they_hide_is(handle):
    handle.add_fault("delay", delay_ms=10)
    handle.add_fault("disconnected", path="/fapi/v1/ping")
    post_margin_type(handle)
    requests.get(f"{handle.base_url}/fapi/v1/ping", headers={"X-MBX-APIKEY": handle.api_key}, timeout=5)
    handle.assert_no_rejections()  # a late answer and an injected 503 are the test's own doing
    handle.add_fault("unknown")
    handle.secret = "wrong"  # the 503 hides a real -1022
    post_margin_type(handle)
    with pytest.raises(AssertionError, match="over the real answer 400 -1022"):
        handle.assert_no_rejections()
