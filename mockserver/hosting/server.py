"""Serving the fake over a socket with waitress: `ThreadedServer` in a background thread, `serve` in the foreground."""

from __future__ import annotations

import functools
import heapq
import socket
import threading
import time
from http import HTTPStatus
from typing import Any

from flask import Flask
from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import create_server
from waitress.task import ErrorTask, WSGITask

from mockserver.config import MockConfig
from mockserver.errors import body_too_large
from mockserver.hosting.host import FakeHost
from mockserver.wire.protocol import (
    DEFERS_DELAY_ENVIRON_KEY,
    DELAY_ENVIRON_KEY,
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
    def get_environment(self) -> Any:
        environ = super().get_environment()
        environ[DEFERS_DELAY_ENVIRON_KEY] = True  # a 'delay' fault is held back by the channel, not slept here
        return environ

    def write(self, data: bytes) -> None:
        environ = self.environ
        if environ is not None:
            # An injected 'drop' fault: write nothing and close, as a connection cut mid-request looks to a client.
            if environ.get(DROP_ENVIRON_KEY):
                self.close_on_finish = True
                self.content_bytes_written += len(data)  # counted as sent, so waitress does not warn of a short body
                return
            # An injected 'delay' fault: the answer waits in the channel's buffer; this worker moves on at once.
            delay_s = environ.pop(DELAY_ENVIRON_KEY, None)
            if delay_s:
                channel = self.channel
                assert isinstance(channel, _BinanceChannel)
                channel.hold_output(delay_s)
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
        self.channel.drain_before_close = True  # type: ignore[attr-defined]  # our channel class
        self.content_length = len(body)
        self.write(body)

    def build_response_header(self) -> bytes:
        return _binance_header_case(super().build_response_header())


class _BinanceRequestParser(HTTPRequestParser):
    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if self.expect_continue and not self.chunked and self.content_length == 0:
            # Nothing to continue to: waitress would send "100 Continue" and then never the answer.
            self.expect_continue = False


class _BinanceChannel(HTTPChannel):
    task_class = _BinanceHeaderTask
    error_task_class = _BinanceErrorTask
    parser_class = _BinanceRequestParser
    request_started = 0.0  # when the first byte of the request being read arrived
    held_until = 0.0  # time.monotonic() until which nothing is sent: an injected delay of the answer being written

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.time()
        return bool(super().received(data))

    def _flush_outbufs_below_high_watermark(self) -> None:
        """waitress makes a worker wait, without end, for a client to read answers it has piled up (pipelined
        requests it never reads): a few such clients took every worker. Wait WRITE_TIMEOUT_S, then drop the client."""
        if self.total_outbufs_len <= self.adj.outbuf_high_watermark:
            return
        deadline = time.monotonic() + WRITE_TIMEOUT_S
        with self.outbuf_lock:
            self._flush_exception(self._flush_some, do_close=False)  # type: ignore[attr-defined]
            while self.connected and self.total_outbufs_len > self.adj.outbuf_high_watermark:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.will_close = True
                    self.server.pull_trigger()
                    raise ClientDisconnected
                self.server.pull_trigger()
                self.outbuf_lock.wait(min(left, 0.5))

    # --- closing gently after a refused request (a body over the cap): the client may still be sending; closing
    # with its bytes unread makes the kernel reset the connection, and the client never reads the 413 ---
    drain_before_close = False
    draining_until = 0.0
    drained = 0

    def handle_close(self) -> None:
        if self.drain_before_close and not self.draining_until and self.connected and self.socket is not None:
            try:
                self.socket.shutdown(socket.SHUT_WR)  # the answer is out: say so, keep reading
            except OSError:
                super().handle_close()
                return
            self.draining_until = time.monotonic() + DRAIN_SECONDS
            self.will_close = False
            self.close_when_flushed = False
            return
        super().handle_close()

    def readable(self) -> bool:
        return True if self.draining_until else bool(super().readable())

    def handle_read(self) -> None:
        if not self.draining_until:
            super().handle_read()
            return
        try:
            data = self.socket.recv(65536) if self.socket is not None else b""
        except BlockingIOError:
            return
        except OSError:
            data = b""
        self.drained += len(data)
        if not data or self.drained > DRAIN_LIMIT_BYTES or time.monotonic() > self.draining_until:
            self.drain_before_close = False
            super().handle_close()

    def hold_output(self, delay_s: float) -> None:
        """Send nothing for `delay_s` seconds (called by a worker before it writes a delayed answer). The event loop
        wakes at the deadline (see `_next_wakeup`), so no thread sleeps through the delay."""
        until = time.monotonic() + delay_s
        self.held_until = max(self.held_until, until)
        server: Any = self.server
        with server.fapi_wakeups_lock:
            heapq.heappush(server.fapi_wakeups, until)
        server.pull_trigger()  # the loop may be polling with a longer timeout: let it see the new deadline

    def is_held(self) -> bool:
        return self.held_until > time.monotonic()

    def writable(self) -> bool:
        if self.draining_until:
            return False  # the answer is out and the write side shut: only reading is left
        # While held, not even a close-when-flushed makes the socket worth polling for writing (it would spin).
        if not self.will_close and self.is_held():
            return False
        return bool(super().writable())

    def _flush_some(self, do_close: bool = True) -> bool:
        if self.is_held():
            return False  # every flush (the loop's and a worker's write_soon) goes through here
        return bool(super()._flush_some(do_close=do_close))  # type: ignore[misc]  # not in waitress's stubs


def _close_slow_and_idle_channels(server: Any, now: float) -> None:
    """waitress closes channels idle for channel_timeout; a client that trickles one header line every few seconds
    is never idle, so a request still unfinished REQUEST_DEADLINE_S after its first byte is closed too."""
    for channel in list(server.active_channels.values()):
        if getattr(channel, "is_held", None) and channel.is_held():
            channel.last_activity = now  # waiting out an injected delay is not idling
    type(server).maintenance(server, now)
    for channel in list(server.active_channels.values()):
        if getattr(channel, "draining_until", 0.0) and time.monotonic() > channel.draining_until:
            channel.drain_before_close = False
            channel.handle_close()  # a client that stopped sending but never closed
            continue
        pending = getattr(channel, "request", None)
        if pending is not None and not pending.completed and now - channel.request_started > REQUEST_DEADLINE_S:
            channel.will_close = True


def _next_wakeup(server: Any, longest: float) -> float:
    """Seconds the event loop may poll before a held answer (a 'delay' fault) is due; past deadlines are dropped."""
    now = time.monotonic()
    with server.fapi_wakeups_lock:
        wakeups: list[float] = server.fapi_wakeups
        while wakeups and wakeups[0] <= now:
            heapq.heappop(wakeups)
        if not wakeups:
            return longest
        return min(longest, max(0.0, wakeups[0] - now) + 0.001)


DEFAULT_HOST = "127.0.0.1"  # loopback by default: a fake with known keys must not face a network
DEFAULT_THREADS = 8
# Connections: waitress's default (100) let 98 idle sockets lock every new client out. A thousand, closed after
# IDLE_TIMEOUT_S of silence or when a request is unfinished after REQUEST_DEADLINE_S, checked every second.
DEFAULT_CONNECTION_LIMIT = 1000
IDLE_TIMEOUT_S = 30
REQUEST_DEADLINE_S = 10.0
WRITE_TIMEOUT_S = 10.0  # how long a worker waits for a client to read the answers it has piled up
OUTBUF_HIGH_WATERMARK = 1 << 20  # bytes of unread answers per connection before its worker waits
# After refusing a request, read and drop at most this much of what the client still sends, for at most this long.
DRAIN_LIMIT_BYTES = 64 << 20
DRAIN_SECONDS = 5.0
CLEANUP_INTERVAL_S = 1


def _allow_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files toward `wanted` (never past the hard limit), so the connection
    limit, not the descriptor limit, is what refuses a flood."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


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
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
    ) -> None:
        super().__init__(app, config)
        self.host = host
        self.port = port
        self.threads = threads
        self.connection_limit = connection_limit
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
                connection_limit=self.connection_limit,
                outbuf_high_watermark=OUTBUF_HIGH_WATERMARK,
                channel_timeout=IDLE_TIMEOUT_S,
                cleanup_interval=CLEANUP_INTERVAL_S,
                **limits,
            )
        except Exception:
            listener.close()
            raise
        self._server.channel_class = _BinanceChannel
        self._server.maintenance = functools.partial(_close_slow_and_idle_channels, self._server)
        _allow_open_files(self.connection_limit + 64)
        # Read by the error task for the weight header; None when serving an app that is not a fake.
        self._server.fapi_state = state
        # Deadlines of answers held back by 'delay' faults: the event loop wakes at each to send the answer.
        self._server.fapi_wakeups = []
        self._server.fapi_wakeups_lock = threading.Lock()
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
        # poll(), not select(): select cannot watch descriptors past 1024. The short timeout lets the maintenance
        # that closes slow and idle channels run even when no socket stirs.
        while not self._stopping.is_set():
            timeout = _next_wakeup(server, CLEANUP_INTERVAL_S)
            server.asyncore.loop(timeout=timeout, map=server._map, count=1, use_poll=True)

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
