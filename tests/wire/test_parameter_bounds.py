"""A request of too many parameters is refused with -1104 before they are parsed, on every Binance path, and is
still journaled within bounds: a 250 KB query of tiny parameters used to cost ~80 ms of CPU to decode."""

from __future__ import annotations

import pytest
from helpers import FROZEN_MS, Caller, compact, make_config

from mockserver import create_app
from mockserver.wire import params
from mockserver.wire.journal import MAX_PARAMS_KEPT
from mockserver.wire.params import MAX_PARAMS_PER_PART


def too_many(sent: int) -> bytes:
    return compact(
        {
            "code": -1104,
            "msg": f"Not all sent parameters were read; read '{MAX_PARAMS_PER_PART}' parameter(s) "
            f"but was sent '{sent}'.",
        }
    )


def tiny(count: int) -> str:
    return "&".join(f"p{i}=1" for i in range(count))


@pytest.fixture
def caller() -> Caller:
    return Caller(create_app(make_config(max_body_bytes=1 << 20)).test_client())


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every name and value the fake decodes, to show a refused request is not parsed whole."""
    seen: list[bytes] = []
    original = params.form_decode

    def counting(raw: bytes) -> str | None:
        seen.append(raw)
        return original(raw)

    monkeypatch.setattr(params, "form_decode", counting)
    return seen


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/fapi/v1/ping"),  # public
        ("GET", "/fapi/v1/openOrders"),  # weighed by its query before the rate limit
        ("POST", "/fapi/v1/marginType"),  # signed
    ],
)
def test_a_query_of_more_than_100_parameters_is_refused_with_1104(caller: Caller, method: str, path: str) -> None:
    response = caller.send(method, path, query=tiny(MAX_PARAMS_PER_PART + 1))
    assert (response.status_code, response.data) == (400, too_many(MAX_PARAMS_PER_PART + 1))


def test_a_body_of_more_than_100_parameters_is_refused_with_1104(caller: Caller) -> None:
    response = caller.send("POST", "/fapi/v1/marginType", body=f"{tiny(150)}&timestamp={FROZEN_MS}")
    assert (response.status_code, response.data) == (400, too_many(151))


def test_100_parameters_are_still_read(caller: Caller) -> None:
    response = caller.send("GET", "/fapi/v1/ping", query=tiny(MAX_PARAMS_PER_PART))
    assert (response.status_code, response.data) == (200, b"{}")


@pytest.mark.parametrize("path", ["/fapi/v1/ping", "/fapi/v1/openOrders", "/fapi/v1/nowhere"])
def test_a_250_kb_query_is_neither_decoded_whole_nor_left_out_of_the_journal(
    caller: Caller, decoded: list[bytes], path: str
) -> None:
    query = "&".join("a=1" for _ in range(64_000))  # 256 KB
    response = caller.send("GET", path, query=query)
    assert response.status_code == (404 if path.endswith("nowhere") else 400)
    assert len(decoded) <= 4 * MAX_PARAMS_PER_PART, len(decoded)  # names and values of at most 100 per part
    entry = caller.client.get("/__mock__/journal").json[-1]  # type: ignore[index]
    assert entry["path"] == path and entry["status"] == response.status_code
    assert len(entry["params"]) == MAX_PARAMS_KEPT and entry["paramsOmitted"] == 64_000 - MAX_PARAMS_KEPT
    if entry["status"] == 400:
        assert entry["code"] == -1104 and entry["detail"] == {"querySegments": 64_000, "bodySegments": 0}
