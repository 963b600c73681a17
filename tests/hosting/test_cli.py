"""`python -m mockserver` / `fapi-mock`: help, the demo account, accounts files, clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from helpers import running_cli

from mockserver import DEMO_API_KEY, DEMO_SECRET
from mockserver.hosting.cli import main


def signed_margin_type(url: str, api_key: str, secret: str) -> requests.Response:
    server_time = requests.get(url + "/fapi/v1/time", timeout=5).json()["serverTime"]
    query = f"symbol=BTCUSDT&marginType=ISOLATED&timestamp={server_time}"
    signature = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return requests.post(
        f"{url}/fapi/v1/marginType?{query}&signature={signature}", headers={"X-MBX-APIKEY": api_key}, timeout=5
    )


def test_help_lists_options_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--host", "--port", "--accounts", "--recv-window-max", "--log-level", "--weight-limit", "--threads"):
        assert option in text
    assert "default: 127.0.0.1" in text and "examples:" in text
    for control_path in ("/__mock__/keys", "/__mock__/accounts/<id>", "/__mock__/faults", "/__mock__/reset"):
        assert control_path in text


def test_the_help_accounts_example_is_a_valid_accounts_file() -> None:
    """The JSON shown in --help loads, minus the elided public key, and seeds what it says."""
    from mockserver import MockConfig, create_app
    from mockserver.hosting.cli import EPILOG

    shown = EPILOG.split("TOML has the same shape):\n", 1)[1].split("\n\n", 1)[0]
    data = json.loads(shown)
    data["keys"] = [k for k in data["keys"] if k["type"] == "HMAC"]  # the Ed25519 key's PEM is elided with "..."
    app = create_app(MockConfig.from_mapping(data))
    alice = app.test_client().get("/__mock__/accounts/alice").json
    assert alice is not None
    assert (alice["wallet"], alice["symbols"]["BTCUSDT"]["leverage"]) == ({"USDT": "5000"}, 10)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_demo_account_serves_and_stops_cleanly(sig: signal.Signals) -> None:
    with running_cli() as (process, url):
        assert process.stdout is not None
        banner = process.stdout.readline() + process.stdout.readline()
        assert DEMO_API_KEY in banner and DEMO_SECRET in banner
        response = signed_margin_type(url, DEMO_API_KEY, DEMO_SECRET)
        assert (response.status_code, response.json()) == (200, {"code": 200, "msg": "success"})
        process.send_signal(sig)
        assert process.wait(timeout=10) == 0
        assert "fapi-mock stopped" in process.stdout.read()


def test_accounts_file_in_toml(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        '[[keys]]\ntype = "HMAC"\napiKey = "aliceKey"\nsecret = "aliceSecret"\naccount = "alice"\n\n'
        '[accounts.alice.symbols.BTCUSDT]\nmarginType = "ISOLATED"\n'
    )
    with running_cli("--accounts", str(accounts)) as (process, url):
        assert process.stdout is not None
        assert "aliceKey" in process.stdout.readline()
        response = signed_margin_type(url, "aliceKey", "aliceSecret")
        assert response.json() == {"code": -4046, "msg": "No need to change margin type."}
        assert signed_margin_type(url, DEMO_API_KEY, DEMO_SECRET).json()["code"] == -2015  # no demo account
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_accounts_file_in_json_with_recv_window_max(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps({"keys": [{"apiKey": "bobKey", "secret": "bobSecret"}]}))
    with running_cli("--accounts", str(accounts), "--recv-window-max", "10000") as (_process, url):
        server_time = requests.get(url + "/fapi/v1/time", timeout=5).json()["serverTime"]
        query = f"symbol=BTCUSDT&marginType=ISOLATED&recvWindow=20000&timestamp={server_time}"
        signature = hmac.new(b"bobSecret", query.encode(), hashlib.sha256).hexdigest()
        response = requests.post(
            f"{url}/fapi/v1/marginType?{query}&signature={signature}", headers={"X-MBX-APIKEY": "bobKey"}, timeout=5
        )
        assert response.json() == {"code": -1130, "msg": "Data sent for parameter 'recvWindow' is not valid."}


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("{not json", ".json", "is not valid json"),
        ('[[keys]]\ntype = "DSA"\nsecret = "x"\n', ".toml", "key #1: type must be one of"),
        ('{"keys": [{"apiKey": "noSecret"}]}', ".json", "key #1: give its 'secret' (HMAC) or 'publicKey'"),
        ('{"keys": [], "extra": 1}', ".json", "unknown top-level entries: extra"),
        ('{"accounts": {"a": {"symbols": {"NOPE": {}}}}}', ".json", "'NOPE' is not in the symbol catalogue"),
    ],
)
def test_bad_accounts_file_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, suffix: str, message: str
) -> None:
    accounts = tmp_path / f"accounts{suffix}"
    accounts.write_text(content)
    assert main(["--accounts", str(accounts), "--port", "0"]) == 2
    assert message in capsys.readouterr().err


def test_missing_accounts_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--accounts", "/nonexistent/accounts.json", "--port", "0"]) == 2
    assert "cannot read accounts file" in capsys.readouterr().err


def test_port_in_use_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with running_cli() as (_process, url):
        port = url.rsplit(":", 1)[1]
        assert main(["--port", port]) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_bad_option_values_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--port", "-1"], ["--recv-window-max", "0"], ["--log-level", "loud"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
    assert "is negative" in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("fapi-mock")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0 and "usage: fapi-mock" in result.stdout


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
    ],
)
def test_non_loopback_hosts_are_recognised_for_the_warning(host: str, loopback: bool) -> None:
    from mockserver.wire.protocol import is_loopback

    assert is_loopback(host) is loopback


def test_a_fake_on_all_interfaces_keeps_its_control_api_to_loopback() -> None:
    from mockserver.hosting.cli import _config, build_parser

    default = _config(build_parser().parse_args([]))
    assert (default.control_from_anywhere, default.control_token) == (False, None)
    opened = _config(build_parser().parse_args(["--control-from-anywhere", "--control-token", "t0k"]))
    assert (opened.control_from_anywhere, opened.control_token) == (True, "t0k")
    with running_cli("--host", "0.0.0.0") as (process, url):
        note = process.stderr.readline() if process.stderr else ""
        assert "the control API answers loopback peers only" in note
        local = requests.get(url.replace("0.0.0.0", "127.0.0.1") + "/__mock__/keys", timeout=5)
        assert local.status_code == 200
