"""Fault rules as the control API takes them: validation, matching, counts, probability with a seed."""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient

from mockserver.wire.faults import FaultBook, FaultKind, FaultSpecError, build_rule


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "explode", "path": "/fapi/v1/ping"}, "kind must be one of"),
        ({"kind": "drop", "path": "fapi/v1/ping"}, "path must be a Binance path"),
        ({"kind": "drop", "path": "/__mock__/reset"}, "path must be a Binance path"),
        ({"kind": "delay", "path": "/fapi/v1/ping"}, "needs delayMs"),
        ({"kind": "delay", "path": "/fapi/v1/ping", "delayMs": 10**9}, "delayMs must be an integer from 0 to 120000"),
        ({"kind": "drop", "path": "/fapi/v1/ping", "count": 0}, "count must be an integer from 1 to"),
        ({"kind": "drop", "path": "/fapi/v1/ping", "probability": 1.5}, "probability must be a number from 0.0 to 1.0"),
        ({"kind": "drop", "path": "/fapi/v1/ping", "probability": True}, "probability must be a number"),
        ({"kind": "unknown", "path": "/fapi/v1/ping", "applied": False}, "applied-then-failed"),
        ({"kind": "disconnected", "path": "/fapi/v1/ping", "applied": True}, "never applied"),
        ({"kind": "drop", "path": "/fapi/v1/ping", "method": "P O"}, "method must be"),
        ({"kind": "drop", "path": "/fapi/v1/ping", "when": "now"}, "unknown fault fields: when"),
    ],
)
def test_invalid_fault_specs(client: FlaskClient, spec: dict[str, object], message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        build_rule(spec)
    response = client.post("/__mock__/faults", json=spec)
    assert response.status_code == 400 and message in response.json["error"]  # type: ignore[index]


def test_count_method_and_account_scope() -> None:
    book = FaultBook()
    book.add({"kind": "disconnected", "path": "/fapi/v1/marginType", "method": "post", "count": 2, "account": "a"})
    assert book.draw("POST", "/fapi/v1/marginType", "b") is None  # another account
    assert book.draw("GET", "/fapi/v1/marginType", "a") is None  # another method
    assert book.draw("POST", "/fapi/v1/ping", "a") is None  # another path
    drawn = [book.draw("POST", "/fapi/v1/marginType", "a") for _ in range(3)]
    assert [f.kind if f else None for f in drawn] == [FaultKind.DISCONNECTED, FaultKind.DISCONNECTED, None]
    assert book.rules() == []


def test_probability_with_a_seed_repeats_and_clear_by_account() -> None:
    def outcomes() -> list[bool]:
        book = FaultBook()
        book.add({"kind": "drop", "path": "/fapi/v1/ping", "probability": 0.3, "seed": 42, "account": "a"})
        return [book.draw("GET", "/fapi/v1/ping", "a") is not None for _ in range(200)]

    first = outcomes()
    assert first == outcomes()
    assert 30 <= sum(first) <= 90
    book = FaultBook()
    book.add({"kind": "drop", "path": "/fapi/v1/ping", "probability": 0.5, "account": "a"})
    book.add({"kind": "drop", "path": "/fapi/v1/ping", "probability": 0.5, "account": "b"})
    book.clear("a")
    assert [r["account"] for r in book.rules()] == ["b"]
    book.clear()
    assert book.rules() == []


def test_fault_applied_defaults() -> None:
    assert build_rule({"kind": "unknown", "path": "/fapi/v1/ping"}).applied is True
    assert build_rule({"kind": "delay", "path": "/fapi/v1/ping", "delayMs": 5}).applied is True
    assert build_rule({"kind": "timeout", "path": "/fapi/v1/ping"}).applied is False
    assert build_rule({"kind": "drop", "path": "/fapi/v1/ping", "applied": True}).applied is True


def test_faults_listed_and_cleared_through_the_control_api(client: FlaskClient) -> None:
    rule = client.post("/__mock__/faults", json={"kind": "timeout", "path": "/fapi/v1/ping", "count": 3}).json
    assert rule["remaining"] == 3 and rule["kind"] == "timeout"  # type: ignore[index]
    assert [r["id"] for r in client.get("/__mock__/faults").json] == [rule["id"]]  # type: ignore[index, union-attr]
    answer = client.get("/fapi/v1/ping")
    assert (answer.status_code, answer.json["code"], answer.headers["X-Mock-Fault"]) == (408, -1007, "timeout")  # type: ignore[index]
    assert client.get("/__mock__/faults").json[0]["remaining"] == 2  # type: ignore[index]
    assert client.delete("/__mock__/faults").status_code == 200
    assert client.get("/fapi/v1/ping").status_code == 200


def test_installed_rules_are_capped(client: FlaskClient) -> None:
    from mockserver.wire.faults import MAX_RULES
    from mockserver.wire.protocol import STATE_KEY

    book = client.application.extensions[STATE_KEY].faults
    for index in range(MAX_RULES):
        book.add({"kind": "timeout", "path": f"/fapi/v1/p{index}"})
    response = client.post("/__mock__/faults", json={"kind": "timeout", "path": "/fapi/v1/ping"})
    assert response.status_code == 400
    assert response.json == {"error": f"at most {MAX_RULES} fault rules can be installed at once; clear some first"}
    assert client.delete("/__mock__/faults").status_code == 200
    assert client.post("/__mock__/faults", json={"kind": "timeout", "path": "/fapi/v1/ping"}).status_code == 200


class CountingLock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.taken = 0

    def __enter__(self) -> None:
        self.taken += 1
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_a_request_looks_only_at_its_own_paths_rules() -> None:
    book = FaultBook()
    for index in range(500):
        book.add({"kind": "timeout", "path": f"/fapi/v1/p{index}", "count": 1_000_000})
    lock = CountingLock()
    book._lock = lock  # type: ignore[assignment]
    assert book.draw("GET", "/fapi/v1/ping", None) is None
    assert lock.taken == 0  # no scan, not even the lock, for a path without rules
    first = book.add({"kind": "drop", "path": "/fapi/v1/ping", "method": "POST", "count": 1})
    second = book.add({"kind": "disconnected", "path": "/fapi/v1/ping", "account": "a", "count": 2})
    third = book.add({"kind": "unknown", "path": "/fapi/v1/ping", "count": 1})
    # Installation order still decides which rule fires first on a path.
    assert book.draw("GET", "/fapi/v1/ping", "b").rule_id == third.rule_id  # type: ignore[union-attr]
    assert book.draw("POST", "/fapi/v1/ping", "a").rule_id == first.rule_id  # type: ignore[union-attr]
    assert book.draw("POST", "/fapi/v1/ping", "a").rule_id == second.rule_id  # type: ignore[union-attr]
    assert [r["id"] for r in book.rules()][-1] == second.rule_id
    assert [r["id"] for r in book.rules()] == sorted(r["id"] for r in book.rules())
    book.clear(account="a")
    assert len(book.rules()) == 500
    assert book.draw("POST", "/fapi/v1/ping", "a") is None
