"""Where a case's time goes inside the Flask app: the WSGI app called in-process, without waitress or sockets.

Under load the server's CPU per request is waitress's work (the same in every case) plus the app's. Calling the app
directly, in one thread, with the same request bytes the load sends, times the app alone and lets cProfile attribute
that time deterministically: no GIL hand-offs between waitress's threads to blur a sampling profiler's picture.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Hotspot:
    name: str  # `function (package/module.py:line)`
    share: float  # fraction of the profiled time
    us_per_request: float  # that share of the unprofiled app time per request


@dataclass(frozen=True)
class AppProfile:
    requests: int
    us_per_request: float  # the app alone, unprofiled, wall time per request in one thread
    statuses: Counter[int]
    mockserver: list[Hotspot]  # mockserver functions by cumulative time (callees included)
    by_package: list[Hotspot]  # self time summed by package
    self_top: list[Hotspot]  # functions by self time


def build_environs(path: str, requests: Sequence[tuple[str, str]], count: int) -> list[dict[str, Any]]:
    """`count` WSGI environs for POST `path`, cycling through `(api key, form body)` pairs."""
    template = EnvironBuilder(method="POST", path=path, base_url=f"http://{HOST}:8080").get_environ()
    template.update(REMOTE_ADDR=HOST, CONTENT_TYPE="application/x-www-form-urlencoded")
    environs = []
    for index in range(count):
        api_key, body = requests[index % len(requests)]
        data = body.encode("ascii")
        environ = dict(template)
        environ.update({"wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data)), "HTTP_X_MBX_APIKEY": api_key})
        environs.append(environ)
    return environs


def call_all(app: Flask, environs: Iterable[dict[str, Any]], statuses: Counter[int]) -> None:
    status_line = [""]

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
        status_line[0] = status
        return lambda data: None

    for environ in environs:
        result = app(environ, start_response)
        try:
            for _chunk in result:
                pass
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        statuses[int(status_line[0][:3])] += 1


def _package(filename: str) -> str:
    if filename == "~":
        return "C built-ins (json, hashing, signature checks, ...)"
    for marker in ("site-packages/", "dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/mockserver/" in filename:
        return "mockserver"
    if "/benchmarks/" in filename:
        return "benchmarks (bare app)"
    if "/lib/python3" in filename:
        return "stdlib"
    return filename


def _label(filename: str, line: int, function: str) -> str:
    if filename == "~":
        return function
    for marker in ("site-packages/", "/mockserver/", "/benchmarks/", "/lib/python3.11/"):
        if marker in filename:
            short = filename.split(marker, 1)[1]
            if marker.startswith("/") and not marker.startswith("/lib"):
                short = marker.strip("/") + "/" + short
            return f"{function} ({short}:{line})"
    return f"{function} ({filename}:{line})"


def profile_app(
    make_app: Callable[[], Flask],
    path: str,
    requests: Sequence[tuple[str, str]],
    count: int = 4000,
    warmup: int = 500,
    top: int = 12,
) -> AppProfile:
    """Time `count` calls of a fresh app (after `warmup` calls), then profile `count` more on another fresh app.

    `requests` must keep the app on one path when replayed in order and cycled (the benchmark's pools do).
    """
    statuses: Counter[int] = Counter()
    app = make_app()
    environs = build_environs(path, requests, warmup + count)
    call_all(app, environs[:warmup], Counter())
    started = time.process_time()
    call_all(app, environs[warmup:], statuses)
    us_per_request = (time.process_time() - started) * 1e6 / count

    app = make_app()
    environs = build_environs(path, requests, warmup + count)
    call_all(app, environs[:warmup], Counter())
    profiler = cProfile.Profile()
    profiler.enable()
    call_all(app, environs[warmup:], Counter())
    profiler.disable()

    raw_stats: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    # The harness's own frames (this module's loop) are not the app's time.
    stats = {key: entry for key, entry in raw_stats.items() if not key[0].endswith("app_profile.py")}
    total = sum(entry[2] for entry in stats.values()) or 1e-12

    def hotspot(name: str, seconds: float) -> Hotspot:
        return Hotspot(name, seconds / total, seconds / total * us_per_request)

    mockserver = sorted(
        (
            hotspot(_label(*key), entry[3])
            for key, entry in stats.items()
            if "/mockserver/" in key[0] and not key[2].startswith("<")
        ),
        key=lambda h: -h.share,
    )[:top]
    packages: dict[str, float] = {}
    for key, entry in stats.items():
        package = _package(key[0])
        packages[package] = packages.get(package, 0.0) + entry[2]
    by_package = sorted((hotspot(name, seconds) for name, seconds in packages.items()), key=lambda h: -h.share)
    self_top = sorted((hotspot(_label(*key), entry[2]) for key, entry in stats.items()), key=lambda h: -h.share)[:top]
    return AppProfile(count, us_per_request, statuses, mockserver, by_package, self_top)
