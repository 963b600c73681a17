"""ThreadedServer: real sockets on loopback, Binance's header bytes, keep-alive, clean start and stop."""

from __future__ import annotations

import socket

import pytest
import requests
from helpers import make_config

from mockserver.hosting.server import ThreadedServer


def raw_exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while not chunks or b"\r\n\r\n" not in b"".join(chunks):
            chunks.append(sock.recv(65536))
        head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        length = int(
            next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")).split(b":")[1]
        )
        while len(body) < length:
            body += sock.recv(65536)
        return head + b"\r\n\r\n" + body


def test_serves_on_a_free_loopback_port_with_binance_header_bytes() -> None:
    with ThreadedServer(config=make_config()) as server:
        assert server.url.startswith("http://127.0.0.1:") and server.port > 0
        reply = raw_exchange(server.port, b"GET /fapi/v1/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 200 OK" and body == b"{}"
    assert b"X-MBX-USED-WEIGHT-1M: 1" in lines
    assert b"Content-Type: application/json" in lines and b"Content-Length: 2" in lines
    assert any(line.startswith(b"X-Mock-Exchange: fapi-mock/") for line in lines)


def test_keep_alive_session_and_errors_over_the_socket() -> None:
    with ThreadedServer(config=make_config()) as server, requests.Session() as session:
        for _ in range(3):
            assert session.get(server.url + "/fapi/v1/ping").json() == {}
        response = session.post(server.url + "/fapi/v1/marginType")
        assert (response.status_code, response.content) == (401, b'{"code":-2014,"msg":"API-key format invalid."}')
        assert response.headers["X-MBX-USED-WEIGHT-1M"] == "4"
        assert session.get(server.url + "/fapi/v1/nothing").json()["code"] == -1000


def test_bad_http_never_reaches_a_traceback() -> None:
    with ThreadedServer(config=make_config()) as server:
        reply = raw_exchange(
            server.port,
            b"POST /fapi/v1/marginType?%zz=%ff HTTP/1.1\r\nHost: x\r\nX-MBX-APIKEY: \xff\xfe\r\n"
            b"Content-Length: 3\r\nConnection: close\r\n\r\n\xff\x00&",
        )
    assert reply.startswith(b"HTTP/1.1 401 ")
    assert reply.endswith(b'{"code":-2014,"msg":"API-key format invalid."}')


def test_port_in_use_raises_instead_of_hanging() -> None:
    with ThreadedServer(config=make_config()) as first:
        second = ThreadedServer(config=make_config(), port=first.port)
        with pytest.raises(OSError):
            second.start()


def test_stop_frees_the_port() -> None:
    server = ThreadedServer(config=make_config()).start()
    port = server.port
    requests.get(server.url + "/fapi/v1/ping", timeout=5)
    server.stop()  # its duration is measured in benchmarks/, never asserted here
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/fapi/v1/ping", timeout=2)
    server.stop()  # stopping twice is harmless


def test_app_and_config_are_exclusive() -> None:
    from mockserver import create_app

    with pytest.raises(ValueError, match="not both"):
        ThreadedServer(create_app(make_config()), config=make_config())
    with pytest.raises(RuntimeError, match="not started"):
        _ = ThreadedServer(config=make_config()).url


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /fapi/v1/p\xffng HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /fapi/v1/marginType HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    ],
    ids=["raw-byte-in-uri", "bad-content-length"],
)
def test_requests_waitress_refuses_still_get_binance_json(request_bytes: bytes) -> None:
    with ThreadedServer(config=make_config()) as server:
        reply = raw_exchange(server.port, request_bytes)
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0].startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in lines and b"X-MBX-USED-WEIGHT-1M: 0" in lines
    assert body.startswith(b'{"code":-1000,"msg":"Bad Request: ')


def test_huge_declared_body_is_refused_by_the_server_without_waiting_for_it() -> None:
    with ThreadedServer(config=make_config()) as server:
        reply = raw_exchange(
            server.port,
            b"POST /fapi/v1/marginType HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" + b"a" * 70_000,
        )
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"Content-Type: application/json" in reply
    assert reply.endswith(b'{"code":-1000,"msg":"Request body is larger than 65536 bytes."}')


@pytest.mark.parametrize(("size", "status"), [(65_536, b"401"), (65_537, b"413")])
def test_the_body_cap_is_one_boundary_with_one_message_over_a_socket_and_in_process(size: int, status: bytes) -> None:
    """Exactly 64 KiB is read (and refused by the gate: no key); one byte more is 413, in the same words."""
    from mockserver import create_app

    body = b"a=" + b"b" * (size - 2)
    with ThreadedServer(config=make_config()) as server:
        reply = raw_exchange(
            server.port,
            b"POST /fapi/v1/marginType HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size + body,
        )
    in_process = create_app(make_config()).test_client().post("/fapi/v1/marginType", data=body)
    assert reply.startswith(b"HTTP/1.1 " + status) and in_process.status_code == int(status)
    assert reply.partition(b"\r\n\r\n")[2] == in_process.data


def test_an_unimplemented_transfer_coding_is_a_400_not_a_501() -> None:
    with ThreadedServer(config=make_config()) as server:
        reply = raw_exchange(
            server.port,
            b"POST /fapi/v1/marginType HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        )
    assert reply.startswith(b"HTTP/1.1 400 Bad Request") and b'"code":-1000' in reply


def test_waitress_refusals_on_control_paths_have_the_control_shape() -> None:
    with ThreadedServer(config=make_config()) as server:
        reply = raw_exchange(
            server.port, b"POST /__mock__/keys HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"
        )
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert reply.partition(b"\r\n\r\n")[2] == b'{"error":"Request body is larger than 65536 bytes."}'
    assert b"X-MBX-USED-WEIGHT-1M" not in reply
