"""Fixture-kit benchmarks: live-server start+stop, plugin import time, in-process call cost.

Each number comes with a baseline measured in the same run, and the report gives the ratio:
- start+stop of the fake's ThreadedServer (app creation included, as the fixture does it) against a bare waitress
  server on a one-line WSGI app, started and stopped the same way (target: the fake's ≤ 30 ms together);
- importing `mockserver.testing.plugin` in a fresh interpreter that has already imported pytest, against the
  import of pytest itself (target ≤ 150 ms);
- one signed marginType call through `BinanceInterceptor` against the same call through the plainest bridge: a
  `responses` callback that hands the request to the same app's Flask test client (target ≤ 1.1×).

Run: `python benchmarks/fixture_kit.py [--quick]`. Loopback only; bounded counts.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import requests
import responses
from flask import Flask

from mockserver import BinanceInterceptor, Clock, MockConfig, ThreadedServer, create_app

FROZEN_MS = 1_700_000_000_000
KEY, SECRET = "benchKey", "benchSecret"
RESULTS = Path(__file__).resolve().parent / "results" / "fixture_kit.md"


def _config() -> MockConfig:
    clock = Clock()
    clock.set(frozen_at_ms=FROZEN_MS)
    return MockConfig(keys=[{"apiKey": KEY, "secret": SECRET}], clock=clock, weight_limit=None)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _timed(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def bench_start_stop(repeat: int) -> tuple[float, float]:
    def bare_app(environ: dict[str, object], start_response: Callable[..., object]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
        return [b"{}"]

    def fake() -> None:
        server = ThreadedServer(config=_config()).start()
        requests.get(server.url + "/fapi/v1/ping", timeout=5)
        server.stop()

    def bare() -> None:
        server = ThreadedServer(app=bare_app).start()  # type: ignore[arg-type]
        requests.get(server.url + "/", timeout=5)
        server.stop()

    fake(), bare()  # warm imports and the catalogue
    return _median_ms(_timed(fake, repeat)), _median_ms(_timed(bare, repeat))


def _import_ms(statement: str, repeat: int) -> float:
    code = f"import time, pytest\nbegan = time.perf_counter()\n{statement}\nprint(time.perf_counter() - began)\n"
    samples = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeat)
    ]
    return _median_ms(samples)


def bench_plugin_import(repeat: int) -> tuple[float, float]:
    plugin = _import_ms("import mockserver.testing.plugin", repeat)
    code = "import time\nbegan = time.perf_counter()\nimport pytest\nprint(time.perf_counter() - began)\n"
    pytest_alone = _median_ms(
        [
            float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)
        ]
    )
    return plugin, pytest_alone


def _signed_calls(count: int) -> list[str]:
    calls = []
    for index in range(count):
        target = "ISOLATED" if index % 2 == 0 else "CROSSED"  # alternating: every call succeeds
        query = f"symbol=BTCUSDT&marginType={target}&timestamp={FROZEN_MS}"
        signature = hmac.new(SECRET.encode(), query.encode(), hashlib.sha256).hexdigest()
        calls.append(f"https://fapi.binance.com/fapi/v1/marginType?{query}&signature={signature}")
    return calls


def _test_client_bridge(app: Flask) -> responses.RequestsMock:
    client = app.test_client()

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(str(request.url))
        reply = client.open(
            url.path,
            method=str(request.method),
            headers=dict(request.headers),
            environ_overrides={"QUERY_STRING": url.query},
        )
        return reply.status_code, dict(reply.headers), reply.get_data()

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add_callback("POST", "https://fapi.binance.com/fapi/v1/marginType", callback=answer, content_type=None)
    return mock


def bench_in_process(count: int, rounds: int) -> tuple[float, float]:
    calls = _signed_calls(count)
    headers = {"X-MBX-APIKEY": KEY}

    def run(session: requests.Session) -> float:
        began = time.perf_counter()
        for url in calls:
            reply = session.post(url, headers=headers)
            assert reply.status_code == 200, reply.text
        return (time.perf_counter() - began) / count

    ours, bare = [], []
    for _ in range(rounds):  # interleaved, so drift on a shared machine hits both alike
        with requests.Session() as session, BinanceInterceptor(config=_config()):
            ours.append(run(session))
        with requests.Session() as session, _test_client_bridge(create_app(_config())):
            bare.append(run(session))
    return _median_ms(ours), _median_ms(bare)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few-second smoke run with small counts")
    args = parser.parse_args()
    repeat, imports, calls, rounds = (5, 3, 100, 2) if args.quick else (50, 15, 1000, 5)

    fake_ms, bare_ms = bench_start_stop(repeat)
    plugin_ms, pytest_ms = bench_plugin_import(imports)
    ours_ms, bridge_ms = bench_in_process(calls, rounds)
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    rows = [
        (
            "live fake start + first call + stop",
            f"{fake_ms:.1f} ms",
            f"bare waitress app {bare_ms:.1f} ms",
            f"{fake_ms / bare_ms:.2f}×",
            "≤ 30 ms",
        ),
        (
            "`import mockserver.testing.plugin` after pytest",
            f"{plugin_ms:.1f} ms",
            f"`import pytest` {pytest_ms:.1f} ms",
            f"{plugin_ms / pytest_ms:.2f}×",
            "≤ 150 ms",
        ),
        (
            "in-process signed marginType call",
            f"{ours_ms * 1000:.0f} µs",
            f"responses → test-client bridge {bridge_ms * 1000:.0f} µs",
            f"{ours_ms / bridge_ms:.2f}×",
            "≤ 1.1×",
        ),
    ]
    table = ["| measure | fapi-mock | baseline (same run) | ratio | target |", "|---|---|---|---|---|"]
    table += [f"| {' | '.join(row)} |" for row in rows]
    report = "\n".join(
        [f"Machine: {machine}, {os.cpu_count()} cores; medians of {repeat}/{imports}/{rounds} runs.", "", *table]
    )
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
