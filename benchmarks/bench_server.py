"""One server for one benchmark case, run as a child process of `throughput.py`.

Usage: `python benchmarks/bench_server.py SPEC.json`. The spec names the case (`bare` or a fake case), the waitress
thread count, and for the fake the keys to register and the instant to freeze the clock at. Once the server accepts
connections on 127.0.0.1, one JSON line `{"port": N, "pid": P}` goes to stdout; the server then runs until its
standard input is closed, so it never outlives the benchmark that started it.

Both kinds of server go through the same `ThreadedServer` (waitress, same thread count, same channel class), so the
only difference between `bare` and the fake cases is the Flask app behind it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from mockserver.app import create_app
from mockserver.config import MockConfig
from mockserver.domain.clock import Clock
from mockserver.hosting.server import ThreadedServer

MARGIN_TYPE_PATH = "/fapi/v1/marginType"
SUCCESS = {"code": 200, "msg": "success"}
# The parameters a signed marginType call carries; the bare app reads each one and checks none.
READ_PARAMS = ("symbol", "marginType", "recvWindow", "timestamp", "signature")


def create_bare_app() -> Flask:
    """The floor: the same endpoint and parameters as the fake, answering success with no check at all."""
    app = Flask("bare")

    @app.post(MARGIN_TYPE_PATH)
    def change_margin_type() -> Response:
        api_key = request.headers.get("X-MBX-APIKEY")
        params = {name: request.values.get(name) for name in READ_PARAMS}
        del api_key, params  # read, never checked: that is the point of the baseline
        body = json.dumps(SUCCESS, separators=(",", ":"))
        return Response(body, status=200, content_type="application/json")

    return app


def create_fake_app(spec: dict[str, Any]) -> Flask:
    """The real fake: the spec's keys, a clock frozen at the instant the requests were signed, no weight limit."""
    clock = Clock()
    clock.set(frozen_at_ms=int(spec["frozen_at_ms"]))
    config = MockConfig(keys=list(spec["keys"]), clock=clock, weight_limit=None)
    return create_app(config)


def build_app(spec: dict[str, Any]) -> Flask:
    return create_bare_app() if spec["case"] == "bare" else create_fake_app(spec)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: bench_server.py SPEC.json (started by throughput.py)", file=sys.stderr)
        return 2
    spec: dict[str, Any] = json.loads(Path(argv[0]).read_text("utf-8"))
    if spec.get("cpus"):
        # Before any thread starts, so waitress's threads inherit it: the GIL-bound server on its own core(s).
        os.sched_setaffinity(0, set(spec["cpus"]))
    server = ThreadedServer(app=build_app(spec), host="127.0.0.1", port=0, threads=int(spec["threads"]))
    server.start()
    try:
        print(json.dumps({"port": server.port, "pid": os.getpid()}), flush=True)
        sys.stdin.read()  # returns at EOF: the benchmark closed our stdin, or died
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
