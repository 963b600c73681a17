#!/usr/bin/env bash
# make wheel-smoke: fapi-mock as a downstream project meets it, in a venv that has never seen this repository.
#
# Builds the sdist and the wheel (the wheel from the sdist), creates a fresh venv in a temporary folder, installs
# `fapi-mock[contract]` from the built wheel with its dependencies from PyPI, writes a small downstream project (a bot
# and its tests on the `fapi_mock` fixtures, written from the README alone), runs its tests, then runs
# `pytest --pyargs contract_tests` in that venv. Not part of `make test`: it downloads, and takes a minute or two.
#
# Only PyPI is used: the caller's pip configuration (extra indexes, find-links, constraints) is set aside, so a
# dependency that only a local mirror has fails here. SMOKE_PIP_CONFIG=inherit keeps it; KEEP=1 keeps the folder;
# PYTHON picks the interpreter of the fresh venv (default python3, 3.11 or later).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fapi-wheel-smoke.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "keeping $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

if [ "${SMOKE_PIP_CONFIG:-}" != inherit ]; then
    export PIP_CONFIG_FILE=/dev/null
    unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_CONSTRAINT PIP_NO_INDEX
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset PYTHONPATH VIRTUAL_ENV FAPI_MOCK_URL

started=$SECONDS
step() { printf '\n== %s (%ds)\n' "$1" $((SECONDS - started)); }
last_line() { grep -E '(passed|failed|error)' "$1" | tail -1 | sed 's/^=* *//; s/ *=*$//'; }

step "build the sdist and the wheel"
if [ -x .venv/bin/python ] && .venv/bin/python -c 'import build' 2>/dev/null; then
    builder=.venv/bin/python
else
    "$PYTHON" -m venv "$WORK/build-venv"
    "$WORK/build-venv/bin/python" -m pip install --quiet build
    builder=$WORK/build-venv/bin/python
fi
# With build isolation, as a user's build: the backend (setuptools>=77) comes from PyPI too.
if ! "$builder" -m build --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1; then
    tail -40 "$WORK/build.log"
    exit 1
fi
wheel=$(ls "$WORK"/dist/*.whl)
echo "built $(basename "$wheel")"
if grep -E '^WARNING|absent from the `packages`' "$WORK/build.log"; then
    echo "the build warned (above)" >&2
    exit 1
fi

step "a fresh venv with fapi-mock[contract] from the wheel, dependencies from PyPI"
"$PYTHON" -m venv "$WORK/venv"
venv=$WORK/venv/bin
"$venv/python" -m pip install --quiet "fapi-mock[contract] @ file://$wheel"
"$venv/python" -m pip check
"$venv/fapi-mock" --help >/dev/null
echo "fapi-mock --help: ok"

step "a downstream project, written from the README"
project=$WORK/downstream-bot
mkdir -p "$project/tests"
cat >"$project/pyproject.toml" <<'EOF'
[project]
name = "downstream-bot"
version = "0"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
filterwarnings = ["error"]
fapi_mock_strict = true  # a call the fake refused fails the test unless the test expected it
EOF
cat >"$project/bot.py" <<'EOF'
"""The code under test: a bot that puts a symbol on isolated margin, signing with its own few lines of HMAC."""

import hashlib
import hmac
import time
from urllib.parse import urlencode

import requests

PRODUCTION = "https://fapi.binance.com"


class BinanceRefused(Exception):
    def __init__(self, answer: dict) -> None:
        super().__init__(f"{answer.get('code')}: {answer.get('msg')}")
        self.code = answer.get("code")


class MarginBot:
    def __init__(self, api_key: str, secret: str, base_url: str = PRODUCTION) -> None:
        self.api_key, self.secret, self.base_url = api_key, secret, base_url

    def _post(self, path: str, **params: object) -> dict:
        query = urlencode({**params, "timestamp": int(time.time() * 1000)})
        signature = hmac.new(self.secret.encode(), query.encode(), hashlib.sha256).hexdigest()
        url = f"{self.base_url}{path}?{query}&signature={signature}"
        return requests.post(url, headers={"X-MBX-APIKEY": self.api_key}, timeout=10).json()

    def ensure_isolated(self, symbol: str) -> bool:
        """True if it changed the margin type, False if it already was ISOLATED."""
        answer = self._post("/fapi/v1/marginType", symbol=symbol, marginType="ISOLATED")
        if answer.get("code") == 200:
            return True
        if answer.get("code") == -4046:  # No need to change margin type.
            return False
        raise BinanceRefused(answer)
EOF
cat >"$project/tests/test_bot.py" <<'EOF'
import pytest
import requests

from bot import BinanceRefused, MarginBot


def test_sets_isolated_once(fapi_mock):
    bot = MarginBot(fapi_mock.api_key, fapi_mock.secret, fapi_mock.base_url)
    assert bot.ensure_isolated("BTCUSDT") is True
    with fapi_mock.expect_rejections(-4046):
        assert bot.ensure_isolated("BTCUSDT") is False
    assert fapi_mock.margin_type("BTCUSDT") == "ISOLATED"
    fapi_mock.assert_called("/fapi/v1/marginType", params={"symbol": "BTCUSDT"}, code=200, times=1)


def test_an_open_position_blocks_the_change(fapi_mock):
    fapi_mock.seed_symbol("ETHUSDT", position_amt="0.5")
    fapi_mock.expect_rejections(-4048)
    with pytest.raises(BinanceRefused) as refused:
        MarginBot(fapi_mock.api_key, fapi_mock.secret, fapi_mock.base_url).ensure_isolated("ETHUSDT")
    assert refused.value.code == -4048
    assert fapi_mock.margin_type("ETHUSDT") == "CROSSED"


def test_the_production_url_in_process(fapi_mock_inprocess):
    bot = MarginBot(fapi_mock_inprocess.api_key, fapi_mock_inprocess.secret)  # https://fapi.binance.com
    assert bot.ensure_isolated("SOLUSDT") is True
    assert fapi_mock_inprocess.state()["symbols"]["SOLUSDT"]["marginType"] == "ISOLATED"


def test_other_hosts_are_refused_in_process(fapi_mock_inprocess):
    with pytest.raises(requests.ConnectionError, match="in-process mode sends nothing to the network"):
        requests.get("https://example.invalid/", timeout=5)


def test_a_second_key_on_the_same_account(fapi_mock):
    minted = fapi_mock.add_key("HMAC")
    assert minted["account"] == fapi_mock.account and minted["type"] == "HMAC"
    assert MarginBot(minted["apiKey"], minted["secret"], fapi_mock.base_url).ensure_isolated("BTCUSDT") is True
    assert fapi_mock.margin_type("BTCUSDT") == "ISOLATED"


def test_an_unknown_outcome_still_lands(fapi_mock):
    fapi_mock.add_fault("unknown", count=1)
    with pytest.raises(BinanceRefused):
        MarginBot(fapi_mock.api_key, fapi_mock.secret, fapi_mock.base_url).ensure_isolated("BTCUSDT")
    assert fapi_mock.margin_type("BTCUSDT") == "ISOLATED"  # applied, whatever the 503 said
EOF
(cd "$project" && "$venv/python" - <<'EOF'
import importlib.metadata, sys
import client, contract_tests, mockserver
site = sys.prefix
for module in (mockserver, client, contract_tests):
    assert module.__file__.startswith(site), f"{module.__name__} imported from {module.__file__}, not the venv"
print(f"fapi-mock {importlib.metadata.version('fapi-mock')} imported from the venv's site-packages")
EOF
)
(cd "$project" && "$venv/pytest" -q >"$WORK/downstream.log" 2>&1) || {
    cat "$WORK/downstream.log"
    exit 1
}
downstream=$(last_line "$WORK/downstream.log")
echo "downstream: $downstream"

step "pytest --pyargs contract_tests -q, from the downstream project"
(cd "$project" && "$venv/pytest" --pyargs contract_tests -q >"$WORK/contract.log" 2>&1) || {
    tail -60 "$WORK/contract.log"
    exit 1
}
contract=$(last_line "$WORK/contract.log")
grep -E '^contract parity:' "$WORK/contract.log" || true
echo "contract_tests: $contract"

printf '\nwheel-smoke passed in %ds: downstream %s; contract_tests %s\n' $((SECONDS - started)) "$downstream" "$contract"
