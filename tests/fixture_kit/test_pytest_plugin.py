"""The pytest plugin as a downstream project meets it: entry point, xdist sharing, strict mode, options."""

from __future__ import annotations

import pytest

# The inner sessions need neither Hypothesis nor the cache; leaving them out keeps each subprocess quick.
FAST = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider")

SIGNING = """
import hashlib, hmac, time
from urllib.parse import urlencode

import requests


def margin_type(handle, symbol, target):
    query = urlencode({"symbol": symbol, "marginType": target, "timestamp": int(time.time() * 1000)})
    signature = hmac.new(handle.secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    url = f"{handle.base_url}/fapi/v1/marginType?{query}&signature={signature}"
    return requests.post(url, headers={"X-MBX-APIKEY": handle.api_key}, timeout=10).json()
"""


def test_xdist_workers_share_one_server_with_no_cross_talk(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_shared=SIGNING
        + """
import os, pathlib

import pytest


@pytest.mark.parametrize("n", range(24))
def test_flip(fapi_mock, n, tmp_path_factory):
    # Every test flips the same symbol of its own account; any cross-talk would show as -4046 or a wrong state.
    flips = 3 + n % 4
    for i in range(flips):
        target = "ISOLATED" if i % 2 == 0 else "CROSSED"
        assert margin_type(fapi_mock, "BTCUSDT", target) == {"code": 200, "msg": "success"}
    assert fapi_mock.margin_type("BTCUSDT") == ("ISOLATED" if flips % 2 else "CROSSED")
    assert len(fapi_mock.journal()) == flips
    record = pathlib.Path(os.environ["FAPI_RECORD_DIR"]) / f"{n}.txt"
    record.write_text(f"{fapi_mock.base_url} {os.environ.get('PYTEST_XDIST_WORKER')} {os.getpid()}")
"""
    )
    record_dir = pytester.mkdir("records")
    monkeypatch.setenv("FAPI_RECORD_DIR", str(record_dir))
    result = pytester.runpytest_subprocess(*FAST, "-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=24)
    lines = [path.read_text().split() for path in record_dir.iterdir()]
    assert len(lines) == 24
    assert len({url for url, _worker, _pid in lines}) == 1, "every worker used the one session server"
    assert {worker for _url, worker, _pid in lines} == {"gw0", "gw1"}
    assert len({pid for _url, _worker, pid in lines}) == 2


def test_strict_mode_fails_the_test_with_the_fakes_explanation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_strict=SIGNING
        + """
import pytest


@pytest.mark.fapi_mock(strict=True)
def test_wrong_secret(fapi_mock):
    fapi_mock.secret = "not the secret"
    margin_type(fapi_mock, "BTCUSDT", "ISOLATED")  # the answer is ignored: strict mode still notices


@pytest.mark.fapi_mock(strict=True)
def test_expected_rejection_is_fine(fapi_mock):
    margin_type(fapi_mock, "BTCUSDT", "ISOLATED")
    with fapi_mock.expect_rejections(-4046):
        assert margin_type(fapi_mock, "BTCUSDT", "ISOLATED")["code"] == -4046


def test_lenient_by_default(fapi_mock):
    fapi_mock.secret = "not the secret"
    assert margin_type(fapi_mock, "BTCUSDT", "ISOLATED")["code"] == -1022
"""
    )
    result = pytester.runpytest_subprocess(*FAST)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the fake rejected 1 call(s) of account acct*",
            "*POST /fapi/v1/marginType -> 400 -1022: the HMAC signature does not verify over the signed string*",
        ]
    )
    result.stdout.fnmatch_lines(['*"signedPayload": "symbol=BTCUSDT&marginType=ISOLATED&timestamp=*'])


def test_strict_mode_from_the_command_line_and_key_type_from_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfapi_mock_key_type = RSA\n")
    pytester.makepyfile(
        test_options="""
import requests


def test_key_type(fapi_mock):
    assert fapi_mock.key_type == "RSA" and fapi_mock.private_key.startswith("-----BEGIN PRIVATE KEY-----")


def test_unsigned_call_is_rejected(fapi_mock):
    requests.post(fapi_mock.base_url + "/fapi/v1/marginType", headers={"X-MBX-APIKEY": fapi_mock.api_key}, timeout=10)
"""
    )
    result = pytester.runpytest_subprocess(*FAST, "--fapi-mock-strict")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*-1102: timestamp is missing, empty or not a LONG*"])


def test_external_server_by_url(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver import MockConfig, ThreadedServer

    pytester.makepyfile(
        test_external="""
def test_uses_the_given_url(fapi_mock):
    import os
    assert fapi_mock.base_url == os.environ["EXPECTED_URL"]
"""
    )
    with ThreadedServer(config=MockConfig(keys=[])) as server:
        monkeypatch.setenv("EXPECTED_URL", server.url)
        result = pytester.runpytest_subprocess(*FAST, "--fapi-mock-url", server.url)
        result.assert_outcomes(passed=1)
        assert len(server.state.exchange.registered_keys()) == 1


def test_help_lists_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--fapi-mock-url=URL*", "*--fapi-mock-strict*", "*fapi_mock_key_type*"])
