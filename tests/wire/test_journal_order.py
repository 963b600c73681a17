"""The journal lists state changes in the order they were applied: replaying its successful changes, in journal
order, reproduces the final state. The entry used to be written after the exchange lock was released, so two
concurrent flips could be journaled in the opposite order."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from helpers import HMAC_KEY, Caller, make_config

from mockserver import create_app

THREADS = 8
FLIPS_PER_THREAD = 50
SYMBOL = "BTCUSDT"
OPPOSITE = {"ISOLATED": "CROSSED", "CROSSED": "ISOLATED"}


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Threads switch as often as CPython allows, so a window between applying and journaling is hit."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def test_replaying_the_journal_in_order_gives_the_final_margin_type(busy_switching: None) -> None:
    app = create_app(make_config(journal_size=THREADS * FLIPS_PER_THREAD + 10))
    failures: list[BaseException] = []

    def flip(first: str) -> None:
        caller = Caller(app.test_client())
        target = first
        try:
            for _ in range(FLIPS_PER_THREAD):
                response = caller.margin_type(SYMBOL, target)
                assert response.status_code in (200, 400), response.data
                target = OPPOSITE[target]
        except BaseException as exc:  # a failing thread fails the test instead of vanishing
            failures.append(exc)

    workers = [threading.Thread(target=flip, args=(("ISOLATED", "CROSSED")[i % 2],)) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not failures, failures[0]

    client = app.test_client()
    entries = [e for e in client.get("/__mock__/journal").json if e["path"] == "/fapi/v1/marginType"]  # type: ignore[union-attr]
    assert len(entries) == THREADS * FLIPS_PER_THREAD
    replayed = "CROSSED"  # a symbol starts CROSSED
    for entry in entries:
        target = next(p["value"] for p in entry["params"] if p["name"] == "marginType")
        if entry["status"] == 200:
            # Replaying the change: it must have been a change (Binance answers -4046 to a no-op).
            assert target != replayed, f"journal seq {entry['seq']}: a 200 to {target} while already {target}"
            replayed = target
        else:
            assert entry["code"] == -4046 and target == replayed, entry
    final = client.get(f"/__mock__/accounts/{HMAC_KEY}").json
    assert final is not None
    # A symbol back at its defaults (CROSSED) is not listed.
    assert final["symbols"].get(SYMBOL, {}).get("marginType", "CROSSED") == replayed
