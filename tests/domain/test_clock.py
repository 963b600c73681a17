"""The injectable clock: offset, freeze, advance; and the per-account view of server time."""

from __future__ import annotations

from helpers import FROZEN_MS, HMAC_KEY, RSA_KEY, Caller
from hypothesis import given
from hypothesis import strategies as st

from mockserver import Clock


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=10**13))
def test_offset_and_freeze(offset: int, frozen: int) -> None:
    clock = Clock(source=lambda: 1_000_000)
    clock.set(offset_ms=offset)
    assert clock.now_ms() == 1_000_000 + offset
    clock.set(frozen_at_ms=frozen)
    assert clock.now_ms() == frozen  # a frozen instant wins over the offset
    clock.advance(5)
    assert clock.now_ms() == frozen + 5
    clock.set(unfreeze=True)
    assert clock.now_ms() == 1_000_000 + offset
    clock.advance(7)
    assert clock.now_ms() == 1_000_000 + offset + 7 and clock.offset_ms == offset + 7


def test_account_clock_offset_shifts_only_that_accounts_time(caller: Caller) -> None:
    caller.client.put(f"/__mock__/accounts/{HMAC_KEY}", json={"clockOffsetMs": -60_000})
    own = caller.client.get("/fapi/v1/time", headers={"X-MBX-APIKEY": HMAC_KEY}).json
    other = caller.client.get("/fapi/v1/time", headers={"X-MBX-APIKEY": RSA_KEY}).json
    anonymous = caller.client.get("/fapi/v1/time").json
    assert (own, other, anonymous) == (
        {"serverTime": FROZEN_MS - 60_000},
        {"serverTime": FROZEN_MS},
        {"serverTime": FROZEN_MS},
    )
    # Signed at the global time, the skewed account's request is a minute "ahead" of its server time.
    assert caller.margin_type("BTCUSDT", "ISOLATED").json["msg"] == (  # type: ignore[index]
        "Timestamp for this request was 1000ms ahead of the server's time."
    )
    assert caller.margin_type("BTCUSDT", "ISOLATED", timestamp=FROZEN_MS - 60_000).status_code == 200
