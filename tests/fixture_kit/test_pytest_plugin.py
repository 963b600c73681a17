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
        # The test's account and key were removed at teardown: an external fake does not pile them up.
        assert server.state.exchange.registered_keys() == []


def test_help_lists_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--fapi-mock-url=URL*", "*--fapi-mock-strict*", "*fapi_mock_key_type*"])


# --- defects a downstream project met (issue 10), each shown through pytester ---
def test_expect_rejections_as_a_statement_counts_in_strict_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_statement=SIGNING
        + """
import pytest


@pytest.mark.fapi_mock(strict=True)
def test_statement_form(fapi_mock):
    fapi_mock.expect_rejections(-4046)
    assert margin_type(fapi_mock, "BTCUSDT", "CROSSED")["code"] == -4046


@pytest.mark.fapi_mock(strict=True)
def test_block_form(fapi_mock):
    with fapi_mock.expect_rejections(-4046):
        assert margin_type(fapi_mock, "BTCUSDT", "CROSSED")["code"] == -4046


def test_no_codes_is_a_mistake(fapi_mock):
    with pytest.raises(TypeError, match="takes Binance codes"):
        fapi_mock.expect_rejections()
"""
    )
    pytester.runpytest_subprocess(*FAST).assert_outcomes(passed=3)


def test_strict_mode_sees_a_handle_from_getfixturevalue(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_dynamic=SIGNING
        + """
import pytest


@pytest.mark.parametrize("fixture", ["fapi_mock", "fapi_mock_inprocess"])
@pytest.mark.fapi_mock(strict=True)
def test_both_modes(request, fixture):
    handle = request.getfixturevalue(fixture)
    margin_type(handle, "BTCUSDT", "CROSSED")  # -4046, not expected: strict mode must fail the test
"""
    )
    result = pytester.runpytest_subprocess(*FAST)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*the fake rejected 1 call(s)*", "*400 -4046: BTCUSDT is already CROSSED*"])


CONFIG_OVERRIDE = """
import pytest
from mockserver import MockConfig


@pytest.fixture(scope="session")
def fapi_mock_config():
    return MockConfig(keys=[], recv_window_max=10_000)
"""

RECV_WINDOW_TEST = """
import hashlib, hmac, time
from urllib.parse import urlencode

import pytest
import requests


@pytest.mark.parametrize("n", range(4))
def test_the_override_applies(fapi_mock, n):
    query = urlencode({"symbol": "BTCUSDT", "marginType": "ISOLATED", "recvWindow": 20_000,
                       "timestamp": int(time.time() * 1000)})
    signature = hmac.new(fapi_mock.secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    url = f"{fapi_mock.base_url}/fapi/v1/marginType?{query}&signature={signature}"
    answer = requests.post(url, headers={"X-MBX-APIKEY": fapi_mock.api_key}, timeout=10).json()
    assert answer["code"] == -1130  # recv_window_max=10_000 refuses 20_000
"""


@pytest.mark.parametrize("workers", [None, "2"])
def test_a_config_override_applies_with_and_without_xdist(pytester: pytest.Pytester, workers: str | None) -> None:
    pytester.makeconftest(CONFIG_OVERRIDE)
    pytester.makepyfile(test_override=RECV_WINDOW_TEST)
    result = pytester.runpytest_subprocess(*FAST, *(("-n", workers) if workers else ()))
    result.assert_outcomes(passed=4)


def test_a_config_override_with_an_external_url_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFIG_OVERRIDE)
    pytester.makepyfile(test_override=RECV_WINDOW_TEST)
    result = pytester.runpytest_subprocess(*FAST, "--fapi-mock-url", "http://127.0.0.1:9")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*fapi_mock_config is overridden, but the session uses the fake at*"])


def test_a_foreign_mockserver_package_is_named_and_explained(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mockserver

    monkeypatch.delattr(mockserver, "__fapi_mock__")  # what another distribution's mockserver/__init__.py looks like
    pytester.makepyfile(test_any="def test_any():\n    pass\n")
    result = pytester.runpytest_inprocess(*FAST)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*is not fapi-mock's*mockserver-client*uninstall one of them*"])


def test_in_process_fakes_refuse_other_hosts_unless_allowed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mockserver import MockConfig, ThreadedServer

    pytester.makepyfile(
        test_guard="""
import os

import pytest
import requests


def test_refused(fapi_mock_inprocess):
    with pytest.raises(requests.ConnectionError, match="in-process mode sends nothing to the network"):
        requests.get(os.environ["LOCAL_URL"] + "/fapi/v1/ping", timeout=5)


def test_allowed(fapi_mock_inprocess, pytestconfig):
    if not pytestconfig.getoption("fapi_mock_allow_host"):
        pytest.skip("run with --fapi-mock-allow-host")
    assert requests.get(os.environ["LOCAL_URL"] + "/fapi/v1/ping", timeout=5).json() == {}
"""
    )
    with ThreadedServer(config=MockConfig(keys=[])) as server:
        monkeypatch.setenv("LOCAL_URL", server.url)
        pytester.runpytest_subprocess(*FAST, "-k", "refused").assert_outcomes(passed=1)
        allowed = pytester.runpytest_subprocess(*FAST, "-k", "allowed", "--fapi-mock-allow-host", "127.0.0.1")
        allowed.assert_outcomes(passed=1)
