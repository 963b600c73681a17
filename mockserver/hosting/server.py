"""Serving the fake over a socket with waitress: `ThreadedServer` in a background thread, `serve` in the foreground."""

from __future__ import annotations

import socket
import threading
import time
from http import HTTPStatus
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask, WSGITask

from mockserver.config import MockConfig
from mockserver.errors import body_too_large
from mockserver.hosting.host import FakeHost
from mockserver.wire.protocol import (
    DROP_ENVIRON_KEY,
    MOCK_IDENT,
    STATE_KEY,
    WEIGHT_HEADER,
    compact_json,
    is_control_path,
)

# waitress capitalises header names word by word; Binance (behind CloudFront) sends this one in upper case, and a
# byte-faithful fake should too. Everything else waitress writes is already in the case Binance uses.
_HEADER_CASE_FIXES = ((b"\r\nX-Mbx-Used-Weight-1m:", b"\r\nX-MBX-USED-WEIGHT-1M:"),)


def _binance_header_case(header: bytes) -> bytes:
    for waitress_case, binance_case in _HEADER_CASE_FIXES:
        header = header.replace(waitress_case, binance_case)
    return header


class _BinanceHeaderTask(WSGITask):
    def write(self, data: bytes) -> None:
        # An injected 'drop' fault: write nothing and close, as a connection cut mid-request looks to a client.
        if self.environ is not None and self.environ.get(DROP_ENVIRON_KEY):
            self.close_on_finish = True
            self.content_bytes_written += len(data)  # counted as sent, so waitress does not warn of a short body
            return
        super().write(data)

    def build_response_header(self) -> bytes:
        return _binance_header_case(super().build_response_header())


class _BinanceErrorTask(ErrorTask):
    """waitress's own answer to a request it cannot parse (bad URI, bad Content-Length), as JSON not text/plain."""

    def execute(self) -> None:
        error: Any = self.request.error  # type: ignore[attr-defined]  # the stubs type request too narrowly
        state = getattr(self.channel.server, "fapi_state", None)
        # A transfer coding waitress does not implement is the client's request, not a server failure: 400, not 501.
        status = 400 if error.code == 501 else error.code
        reason = HTTPStatus(status).phrase
        message = f"{error.reason}: {error.body}"
        if error.code == 413 and state is not None:
            message = body_too_large(state.config.max_body_bytes).msg  # the same words as the in-process answer
        control = is_control_path(str(getattr(self.request, "path", "") or ""))
        body = compact_json({"error": message} if control else {"code": -1000, "msg": message})
        self.status = f"{status} {reason}"
        headers = [("Content-Type", "application/json"), ("X-Mock-Exchange", MOCK_IDENT)]
        if state is not None and not control:
            client_ip = self.channel.addr[0] if isinstance(self.channel.addr, tuple) else "0.0.0.0"
            headers.append((WEIGHT_HEADER, str(state.rate_limiter.used_weight(client_ip))))
        self.response_headers = [*self.response_headers, *headers]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)

    def build_response_header(self) -> bytes:
        return _binance_header_case(super().build_response_header())


class _BinanceChannel(HTTPChannel):
    task_class = _BinanceHeaderTask
    error_task_class = _BinanceErrorTask


DEFAULT_HOST = "127.0.0.1"  # loopback by default: a fake with known keys must not face a network
DEFAULT_THREADS = 8


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError:
        listener.close()
        raise
    return listener


class ThreadedServer(FakeHost):
    """The fake on `host:port` (a free port by default) in a daemon thread; a context manager.

    `start()` returns once the socket accepts connections and raises a bind error instead of hanging; `stop()`
    wakes the event loop at once rather than waiting out waitress's poll timeout.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        config: MockConfig | None = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        super().__init__(app, config)
        self.host = host
        self.port = port
        self.threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 5.0) -> ThreadedServer:
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        # Bind here, in the caller's thread, so a port in use raises OSError now and leaves nothing open behind.
        listener = _bind(self.host, self.port)
        state = getattr(self.app, "extensions", {}).get(STATE_KEY)
        # waitress refuses a body of max_request_body_size bytes or more; the fake refuses only more than its cap.
        limits = {"max_request_body_size": state.config.max_body_bytes + 1} if state is not None else {}
        try:
            # waitress refuses a body over the cap while reading it (as JSON, through the error task): a huge
            # declared Content-Length is never buffered.
            self._server = create_server(
                self.app,
                sockets=[listener],
                threads=self.threads,
                ident=MOCK_IDENT,
                clear_untrusted_proxy_headers=True,
                **limits,
            )
        except Exception:
            listener.close()
            raise
        self._server.channel_class = _BinanceChannel
        # Read by the error task for the weight header; None when serving an app that is not a fake.
        self._server.fapi_state = state
        self.port = int(self._server.effective_port)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"fapi-mock:{self.port}", daemon=True)
        self._thread.start()
        self._wait_until_answering(timeout)
        return self

    def _wait_until_answering(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=max(timeout, 0.05)):
                    return
            except OSError:
                if time.monotonic() >= deadline:
                    self.stop()
                    raise TimeoutError(
                        f"the fake did not answer on {self.host}:{self.port} within {timeout} s"
                    ) from None
                time.sleep(0.005)

    def _serve(self) -> None:
        server = self._server
        while not self._stopping.is_set():
            server.asyncore.loop(timeout=30.0, map=server._map, count=1)

    def stop(self, timeout: float = 2.0) -> None:
        if self._thread is None:
            return
        server = self._server
        self._stopping.set()
        server.pull_trigger()  # wake the poll() so the loop sees the flag now
        self._thread.join(timeout)
        server.close()
        for channel in list(server._map.values()):
            channel.close()
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=timeout)
        self._thread = None
        self._server = None
