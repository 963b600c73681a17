"""The server under clients that hold connections: idle floods, a slowloris, Expect without a body. Loopback only,
bounded in count and time; each test stops by itself."""

from __future__ import annotations

import socket
import time

import pytest
import requests
from helpers import make_config

from mockserver.hosting import server as hosting_server
from mockserver.hosting.server import ThreadedServer


def answered_within(url: str, seconds: float) -> bool:
    try:
        return requests.get(url + "/fapi/v1/ping", timeout=seconds).json() == {}
    except requests.RequestException:
        return False


def test_three_hundred_idle_connections_lock_nobody_out() -> None:
    """waitress's default limit (100) let 98 idle sockets refuse every new client."""
    with ThreadedServer(config=make_config()) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(300)]
        try:
            assert answered_within(server.url, 2.0)
        finally:
            for sock in idle:
                sock.close()


def test_a_slowloris_is_closed_at_the_request_deadline_and_others_are_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hosting_server, "REQUEST_DEADLINE_S", 1.0)
    with ThreadedServer(config=make_config()) as server:
        slow = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(20)]
        for sock in slow:
            sock.sendall(b"GET /fapi/v1/ping HTTP/1.1\r\n")
        closed_at = None
        started = time.monotonic()
        try:
            while time.monotonic() - started < 6 and closed_at is None:
                assert answered_within(server.url, 2.0)  # everyone else is answered meanwhile
                for sock in slow:
                    try:
                        sock.sendall(b"X-Trickle: 1\r\n")  # never idle, never finished
                    except OSError:
                        closed_at = time.monotonic() - started
                time.sleep(0.3)
        finally:
            for sock in slow:
                sock.close()
        assert closed_at is not None and closed_at < 4, closed_at


def test_expect_100_continue_without_a_body_gets_the_answer() -> None:
    request = b"GET /fapi/v1/ping HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    with (
        ThreadedServer(config=make_config()) as server,
        socket.create_connection(("127.0.0.1", server.port), 3) as sock,
    ):
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 OK") and reply.endswith(b"{}")


def test_delayed_answers_hold_no_worker_so_everyone_else_is_answered() -> None:
    """A `delay` fault used to sleep in a waitress worker: 8 delayed calls stalled every other client."""
    threads, delay_ms = 8, 3000
    request = b"GET /fapi/v1/time HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with ThreadedServer(config=make_config(), threads=threads) as server:
        rule = {"kind": "delay", "path": "/fapi/v1/time", "delayMs": delay_ms, "count": threads}
        assert requests.post(server.url + "/__mock__/faults", json=rule, timeout=2).status_code == 200
        started = time.monotonic()
        delayed = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(threads)]
        try:
            for sock in delayed:
                sock.sendall(request)
            # Every delayed call is executed and journaled before its answer waits: all 8 are in flight.
            while len(requests.get(server.url + "/__mock__/journal", timeout=2).json()) < threads:
                assert time.monotonic() - started < 2
                time.sleep(0.02)
            assert answered_within(server.url, 1.0)
            assert requests.delete(server.url + "/__mock__/faults", timeout=1.0).status_code == 200
            assert time.monotonic() - started < delay_ms / 1000  # all of that while the delays still ran
            for sock in delayed:
                reply = b""
                while chunk := sock.recv(65536):
                    reply += chunk
                assert reply.startswith(b"HTTP/1.1 200 OK") and b"X-Mock-Fault: delay; delayMs=3000" in reply
            late = time.monotonic() - started
            assert delay_ms / 1000 - 0.05 <= late < delay_ms / 1000 + 1.5, late  # late, but not much later
        finally:
            for sock in delayed:
                sock.close()


@pytest.mark.parametrize("megabytes", [2, 8])
def test_a_body_over_the_cap_sent_without_expect_still_gets_its_413(megabytes: int) -> None:
    """http.client sends the whole body before it reads: closing with it unread reset the connection every time."""
    import http.client

    with ThreadedServer(config=make_config()) as server:
        for _ in range(3):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            try:
                connection.request("POST", "/fapi/v1/marginType", body=b"a" * (megabytes << 20))
                answer = connection.getresponse()
                assert answer.status == 413
                assert answer.read() == b'{"code":-1000,"msg":"Request body is larger than 65536 bytes."}'
            finally:
                connection.close()
        assert answered_within(server.url, 2.0)


def test_clients_that_pipeline_large_answers_and_never_read_do_not_hold_the_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three clients pipeline 400 exchangeInfo requests each and read nothing: without a write timeout both workers
    wait on them for ever and nobody else is answered."""
    monkeypatch.setattr(hosting_server, "WRITE_TIMEOUT_S", 1.0)
    with ThreadedServer(config=make_config(), threads=2) as server:
        hogs = []
        try:
            for _ in range(3):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # read nothing, buffer little
                sock.connect(("127.0.0.1", server.port))
                sock.sendall(b"GET /fapi/v1/exchangeInfo HTTP/1.1\r\nHost: x\r\n\r\n" * 400)  # ~46 MB of answers
                hogs.append(sock)
            time.sleep(3)  # long enough for both workers to be waiting on the hogs
            started = time.monotonic()
            assert answered_within(server.url, 5.0)
            assert time.monotonic() - started < 3.0
        finally:
            for sock in hogs:
                sock.close()
