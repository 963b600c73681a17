"""`fapi-mock --state FILE`: state survives a restart; the file is private, written atomically, and checked at start."""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
import stat
import time
from pathlib import Path

import pytest
import requests
from helpers import running_cli

from mockserver import MockConfig
from mockserver.hosting.cli import main
from mockserver.hosting.statefile import StateSaver, load_state_file
from mockserver.state import MockState


def signed(url: str, path: str, params: str, api_key: str, secret: str) -> requests.Response:
    server_time = requests.get(url + "/fapi/v1/time", timeout=5).json()["serverTime"]
    query = f"{params}&timestamp={server_time}"
    signature = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return requests.post(f"{url}{path}?{query}&signature={signature}", headers={"X-MBX-APIKEY": api_key}, timeout=5)


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with running_cli("--state", str(state_file)) as (process, url):
        minted = requests.post(f"{url}/__mock__/keys", json={"account": "carol"}, timeout=5).json()
        response = signed(url, "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED", **_key(minted))
        assert response.json() == {"code": 200, "msg": "success"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left behind
    with running_cli("--state", str(state_file)) as (process, url):
        assert process.stdout is not None
        assert f"state restored from {state_file}" in process.stdout.readline()
        carol = requests.get(f"{url}/__mock__/accounts/carol", timeout=5).json()
        assert carol["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"
        response = signed(url, "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED", **_key(minted))
        assert response.json() == {"code": -4046, "msg": "No need to change margin type."}  # the key still verifies
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def _key(minted: dict[str, str]) -> dict[str, str]:
    return {"api_key": minted["apiKey"], "secret": minted["secret"]}


def test_changes_are_saved_within_a_second_without_a_shutdown(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with running_cli("--state", str(state_file)) as (_process, url):
        requests.put(f"{url}/__mock__/clock", json={"offsetMs": 1234}, timeout=5)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if state_file.exists() and json.loads(state_file.read_text())["clock"]["offsetMs"] == 1234:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the state file was not written after a change")
        assert stat.S_IMODE(state_file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"version": 7}', "unsupported state version 7"),
        ('{"version": 1, "exchange": {}, "clock": {}, "faults": {}}', "unsupported state version None"),
    ],
)
def test_a_corrupt_state_file_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text(content)
    assert main(["--state", str(state_file), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert f"state file {state_file}" in err and message in err
    assert state_file.read_text() == content  # left as it was


def test_the_saver_writes_only_when_something_changed(tmp_path: Path) -> None:
    state = MockState(MockConfig.demo())
    path = tmp_path / "state.json"
    saver = StateSaver(state, path)
    saver.save_if_changed()
    assert not path.exists()
    state.exchange.register_key({"apiKey": "dave", "secret": "s"})
    saver.save_if_changed()
    written = path.stat().st_mtime_ns
    saver.save_if_changed()
    assert path.stat().st_mtime_ns == written
    restored = MockState(MockConfig())
    assert load_state_file(restored, path)
    assert restored.exchange.find_key("dave") is not None
    assert not load_state_file(restored, tmp_path / "missing.json")


def test_help_documents_the_state_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "--state FILE" in text and "0600" in text and "/__mock__/state" in text


def test_an_unwritable_state_file_is_refused_at_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--state", str(tmp_path / "no-such-dir" / "state.json"), "--port", "0"]) == 2
    assert "cannot write state file" in capsys.readouterr().err
