"""In-process interception: `requests` calls to Binance's futures hosts answered by the fake's Flask app, no socket.

The routes go into a `responses.RequestsMock` that the caller passes in, or into one this module creates and scopes
to the `with` block. `responses`' module-level default mock is never touched, passthrough is never changed in a
mock the caller owns, and everything registered is removed on exit (moto's global takeover of `responses`, its
issues #3264 and #1026, is the pitfall this avoids).

The network guard: in a scope this module creates, a call to any other host never reaches the network. It goes on to
a `responses` mock the caller had already started (their mocks keep working), else to a host the caller allowed
(`allow_hosts`), else it is refused with a `requests.ConnectionError` that says why and how to allow it. A client's
start-up call to another Binance host (the spot host's ping, ccxt's sapi lists) is answered by the fake itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
import responses
from flask import Flask
from requests.adapters import HTTPAdapter
from responses.registries import FirstMatchRegistry
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mockserver.config import MockConfig
from mockserver.hosting.host import FakeHost
from mockserver.wire.protocol import FAULT_HEADER, IN_PROCESS_ENVIRON_KEY

# Production, the old testnet and the demo ("new testnet") REST hosts of USDⓈ-M futures, then the spot host whose
# start-up paths futures clients call (python-binance pings it, ccxt's load_markets reads two sapi lists there).
BINANCE_BASE_URLS = (
    "https://fapi.binance.com",
    "https://testnet.binancefuture.com",
    "https://demo-fapi.binance.com",
    "https://api.binance.com",
)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_DELAY = re.compile(r"delay; delayMs=(\d+)")


class _FirstMatchWins(FirstMatchRegistry):
    """The first registered match answers, and stays registered. responses' default registry pops a match when a
    later one also matches, which would retire the fake's routes the first time the guard's catch-all overlaps."""

    def find(self, request: requests.PreparedRequest) -> tuple[responses.BaseResponse | None, list[str]]:
        reasons: list[str] = []
        for response in self.registered:
            matched, reason = response.matches(request)
            if matched:
                return response, reasons
            reasons.append(reason)
        return None, reasons


class _FakeAdapter(HTTPAdapter):
    """A transport adapter that hands each request to the fake's app, as the `responses` callbacks do."""

    def __init__(self, interceptor: BinanceInterceptor) -> None:
        super().__init__()
        self.interceptor = interceptor

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, timeout: Any = None, **kwargs: Any
    ) -> requests.Response:
        request.req_kwargs = {"timeout": timeout}  # type: ignore[attr-defined]  # what _answer reads, as responses sets it
        result = self.interceptor._answer(request)
        if isinstance(result, Exception):
            raise result
        status, headers, content = result
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = content
        response.encoding = "utf-8"
        response.url = str(request.url)
        response.request = request
        return response


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        timeout = timeout[1] if len(timeout) > 1 else timeout[0]
    return float(timeout) if isinstance(timeout, (int, float)) else None


class BinanceInterceptor(FakeHost):
    """Answers `requests` calls to the Binance futures hosts (and any `base_urls` given) with the fake's app.

    >>> with BinanceInterceptor() as fake:
    ...     requests.get("https://fapi.binance.com/fapi/v1/ping").json()
    {}
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        config: MockConfig | None = None,
        base_urls: Iterable[str] = (),
        mock: responses.RequestsMock | None = None,
        client_ip: str = "127.0.0.1",
        allow_hosts: Iterable[str] = (),
        guard: bool = True,
    ) -> None:
        super().__init__(app, config)
        self.allow_hosts = tuple(h.lower() for h in allow_hosts)
        # guard=False: other hosts go where requests would send them (the network): for a long-lived interceptor
        # that must not stand in the way of everything else in its process, such as the contract kit's target.
        self.guard = guard
        self.base_urls = tuple(dict.fromkeys([*BINANCE_BASE_URLS, *(u.rstrip("/") for u in base_urls)]))
        self.client_ip = client_ip
        self._given_mock = mock
        self.mock: responses.RequestsMock | None = None
        self._registered: list[responses.BaseResponse] = []
        self._users_mock_active = False

    @property
    def url(self) -> str:
        """The base URL clients should use: Binance's production futures host, answered by the fake."""
        return self.base_urls[0]

    def start(self) -> BinanceInterceptor:
        if self.mock is not None:
            raise RuntimeError("the interceptor is already started")
        guarded = self._given_mock is None
        if self._given_mock is not None:
            self.mock = self._given_mock
        else:
            # `requests`' send as it was before this scope: the real one, or a mock the caller started earlier.
            previous_send = HTTPAdapter.send
            self._users_mock_active = previous_send is not responses._real_send
            self.mock = responses.RequestsMock(
                assert_all_requests_are_fired=False, real_adapter_send=previous_send, registry=_FirstMatchWins
            )
            self.mock.start()
        for base_url in self.base_urls:
            pattern = re.compile(re.escape(base_url) + r"(?:[/?#].*)?\Z")
            for method in METHODS:
                registered = self.mock.add_callback(method, pattern, callback=self._answer, content_type=None)
                self._registered.append(registered)
        if guarded:
            self._guard_other_hosts()
        return self

    def _guard_other_hosts(self) -> None:
        """Registered after the fake's routes, so it sees only what they did not match (first match wins)."""
        assert self.mock is not None
        anything = re.compile(r".*")
        for host in self.allow_hosts:
            allowed = re.compile(r"[a-z][a-z0-9+.-]*://" + re.escape(host) + r"(?::\d+)?(?:[/?#].*)?\Z", re.IGNORECASE)
            for method in METHODS:
                self.mock.add(responses.PassthroughResponse(method, allowed))
        for method in METHODS:
            if self._users_mock_active or not self.guard:
                self.mock.add(responses.PassthroughResponse(method, anything))  # their mock, or the network, decides
            else:
                self.mock.add_callback(method, anything, callback=self._refuse, content_type=None)

    def _refuse(self, request: requests.PreparedRequest) -> Any:
        host = urlsplit(str(request.url)).hostname or "?"
        why = (
            f"fapi-mock refused {request.method} {request.url}: in-process mode sends nothing to the network."
            + (
                " This Binance host is not one the fake serves"
                f" ({', '.join(urlsplit(u).hostname or u for u in self.base_urls)})."
                if host.endswith(("binance.com", "binancefuture.com", "binance.vision"))
                else ""
            )
            + f" To let calls to {host} through, pass allow_hosts=[{host!r}] (pytest: --fapi-mock-allow-host {host}"
            " or the fapi_mock_allow_hosts ini option), or start your own `responses` mock first."
        )
        return requests.ConnectionError(why, request=request)

    def stop(self) -> None:
        if self.mock is None:
            return
        if self._given_mock is None:
            self.mock.stop()
            self.mock.reset()
        else:
            for registered in self._registered:
                self.mock.remove(registered)
        self._registered.clear()
        self.mock = None

    def session(self) -> requests.Session:
        """A `requests.Session` of its own answered by this fake, with nothing patched process-wide: for a
        long-lived client (the contract kit's in-process target) that must not stand in other tests' way."""
        session = requests.Session()
        adapter = _FakeAdapter(self)
        for base_url in self.base_urls:
            session.mount(base_url, adapter)
        return session

    def _answer(self, request: requests.PreparedRequest) -> Any:
        url = urlsplit(str(request.url))
        base = next(b for b in self.base_urls if str(request.url).startswith(b))
        prefix = urlsplit(base).path
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        environ = EnvironBuilder(
            path=url.path[len(prefix) :] or "/",
            base_url=f"{url.scheme}://{url.netloc}",
            method=str(request.method),
            headers=list(request.headers.items()),
            data=body or b"",
            environ_overrides={
                # The raw query string, still percent-encoded: the signature was computed over these bytes.
                "QUERY_STRING": url.query,
                "REMOTE_ADDR": self.client_ip,
                IN_PROCESS_ENVIRON_KEY: True,
            },
        ).get_environ()
        app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
        try:
            content = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        fault = headers.get(FAULT_HEADER, "")
        if fault == "drop":
            return requests.ConnectionError("Connection aborted: dropped by an injected fault", request=request)
        delay = _DELAY.fullmatch(fault)
        timeout = _read_timeout(getattr(request, "req_kwargs", {}).get("timeout"))
        if delay and timeout is not None and int(delay.group(1)) / 1000 >= timeout:
            return requests.ReadTimeout(f"Read timed out: an injected delay of {delay.group(1)} ms", request=request)
        return int(status.split(" ", 1)[0]), dict(headers), content
