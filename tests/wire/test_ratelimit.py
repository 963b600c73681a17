"""Request weight per IP per clock minute: the header, 429 with Retry-After, and escalating 418 bans."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers import FROZEN_MS, HMAC_KEY, Caller, make_config

from mockserver import Clock, create_app
from mockserver.errors import BinanceRejection
from mockserver.wire.ratelimit import FIRST_BAN_MS, RateLimiter

MINUTE_START = FROZEN_MS - FROZEN_MS % 60_000


def limited_client(limit: int) -> tuple[FlaskClient, Clock]:
    config = make_config(weight_limit=limit)
    config.clock.set(frozen_at_ms=MINUTE_START + 10_000)
    return create_app(config).test_client(), config.clock


def weight(response: object) -> int:
    return int(response.headers["X-MBX-USED-WEIGHT-1M"])  # type: ignore[attr-defined]


def test_weight_header_counts_each_endpoints_weight(caller: Caller) -> None:
    assert weight(caller.client.get("/fapi/v1/ping")) == 1
    assert weight(caller.signed("GET", "/fapi/v1/symbolConfig", "symbol=BTCUSDT")) == 6
    assert weight(caller.signed("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT")) == 11
    assert weight(caller.signed("GET", "/fapi/v1/multiAssetsMargin", "")) == 41
    assert weight(caller.margin_type("BTCUSDT", "ISOLATED")) == 42
    assert weight(caller.send("POST", "/fapi/v1/marginType", api_key=None)) == 43  # errors count and carry it too
    assert weight(caller.client.get("/no/such/path")) == 44


def test_weight_is_per_client_ip(caller: Caller) -> None:
    caller.client.get("/fapi/v1/ping")
    other = caller.client.get("/fapi/v1/ping", environ_overrides={"REMOTE_ADDR": "127.0.0.2"})
    assert weight(other) == 1


def test_weight_resets_at_the_minute_boundary() -> None:
    client, clock = limited_client(2400)
    assert weight(client.get("/fapi/v1/ping")) == 1
    clock.set(frozen_at_ms=MINUTE_START + 59_999)
    assert weight(client.get("/fapi/v1/ping")) == 2
    clock.set(frozen_at_ms=MINUTE_START + 60_000)
    assert weight(client.get("/fapi/v1/ping")) == 1


def test_over_the_limit_is_429_with_retry_after_then_418() -> None:
    client, clock = limited_client(3)
    for expected in (1, 2, 3):
        assert weight(client.get("/fapi/v1/ping")) == expected
    refused = client.get("/fapi/v1/ping")
    assert refused.status_code == 429
    assert refused.json == {
        "code": -1003,
        "msg": "Too many requests; current limit of IP(127.0.0.1) is 3 requests per minute. "
        "Please use the websocket for live updates to avoid polling the API.",
    }
    assert refused.headers["Retry-After"] == "50" and weight(refused) == 3
    clock.advance(1_000)
    banned = client.get("/fapi/v1/time")
    until = MINUTE_START + 11_000 + FIRST_BAN_MS
    assert banned.status_code == 418
    assert banned.json == {
        "code": -1003,
        "msg": f"Way too many requests; IP(127.0.0.1) banned until {until}. "
        "Please use the websocket for live updates to avoid bans.",
    }
    assert banned.headers["Retry-After"] == "120"
    clock.advance(60_000)  # a new minute, but the ban still runs
    assert client.get("/fapi/v1/ping").status_code == 418
    clock.set(frozen_at_ms=until)
    assert client.get("/fapi/v1/ping").status_code == 200


def test_waiting_out_the_429_avoids_a_ban() -> None:
    client, clock = limited_client(1)
    client.get("/fapi/v1/ping")
    assert client.get("/fapi/v1/ping").status_code == 429
    clock.set(frozen_at_ms=MINUTE_START + 60_000)
    assert client.get("/fapi/v1/ping").status_code == 200


def test_a_refused_request_is_not_executed() -> None:
    client, clock = limited_client(1)
    client.get("/fapi/v1/ping")
    caller = Caller(client)
    refused = caller.margin_type("BTCUSDT", "ISOLATED", timestamp=clock.now_ms())
    assert refused.status_code == 429
    assert client.get("/__mock__/journal").json[-1]["code"] == -1003  # type: ignore[index]
    assert client.get(f"/__mock__/accounts/{HMAC_KEY}").json["symbols"] == {}  # type: ignore[index]


def test_bans_escalate_for_repeat_offenders() -> None:
    clock = Clock()
    clock.set(frozen_at_ms=0)
    limiter = RateLimiter(clock, limit=1)
    lengths = []
    for _ in range(14):
        limiter.admit("10.0.0.1", 1)
        for _ in range(2):
            try:
                limiter.admit("10.0.0.1", 1)
            except BinanceRejection as rejection:
                last = rejection
        lengths.append(int(last.headers["Retry-After"]))
        clock.advance(int(last.headers["Retry-After"]) * 1000)
    assert lengths[:4] == [120, 240, 480, 960]
    assert lengths == sorted(lengths) and lengths[-1] == 3 * 24 * 3600


def test_limit_off_still_counts() -> None:
    clock = Clock()
    limiter = RateLimiter(clock, limit=None)
    assert [limiter.admit("ip", 30) for _ in range(100)][-1] == 3000


def test_reset_clears_the_counters() -> None:
    client, _clock = limited_client(1)
    client.get("/fapi/v1/ping")
    assert client.get("/fapi/v1/ping").status_code == 429
    client.post("/__mock__/reset")
    assert client.get("/fapi/v1/ping").status_code == 200


@pytest.mark.parametrize("limit", [0, None])
def test_a_weight_limit_of_zero_or_none_is_off_in_code_as_on_the_command_line(limit: int | None) -> None:
    config = make_config(weight_limit=limit)
    app = create_app(config)
    client = app.test_client()
    weights = [
        int(client.get("/fapi/v1/ping").headers["X-MBX-USED-WEIGHT-1M"]) for _ in range(2500)
    ]  # past the default 2400: never refused, still counted
    assert weights[-1] == 2500


def test_a_negative_weight_limit_is_refused() -> None:
    from mockserver import ConfigError

    with pytest.raises(ConfigError, match="weight_limit must be a non-negative integer"):
        create_app(make_config(weight_limit=-1))


def test_ips_are_forgotten_once_they_have_nothing_left_to_count() -> None:
    clock = Clock()
    clock.set(frozen_at_ms=FROZEN_MS)
    limiter = RateLimiter(clock, limit=10)
    for n in range(5000):
        limiter.admit(f"10.0.{n // 256}.{n % 256}", 1)
    with pytest.raises(BinanceRejection):
        limiter.admit("10.9.9.9", 11)  # 429: this IP is remembered until its minute is over
    assert limiter.tracked_ips() == 5001
    clock.advance(60_000)
    limiter.admit("10.1.1.1", 1)
    assert limiter.tracked_ips() == 1
