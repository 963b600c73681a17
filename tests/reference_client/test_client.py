"""The reference client against the fake: every error class from a real answer, every retry path, clock skew."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from helpers import ED25519_PRIVATE_PEM, HMAC_SECRET

from client import (
    AuthenticationError,
    BadRequestError,
    FuturesClient,
    IPBannedError,
    NoChangeNeededError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    SignatureError,
    TimestampError,
    TransportError,
    signer_for,
)
from client.signing import Ed25519Signer, HmacSigner
from mockserver import BinanceInterceptor, Clock, MockConfig
from mockserver.testing.handle import MockAccount


def client_for(handle: MockAccount, **options: object) -> FuturesClient:
    signer = signer_for(secret=handle.secret, private_key=handle.private_key)
    return FuturesClient(handle.api_key, signer, base_url=handle.base_url, **options)  # type: ignore[arg-type]


class Sleeps:
    """An injected sleep that records what the client waited and moves a fake clock instead of waiting."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.waits: list[float] = []
        self.clock = clock

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.clock is not None:
            self.clock.advance(int(seconds * 1000))


# --- signing, checked against the captured requests of real clients ---
def test_hmac_signer_matches_the_sdk_vector() -> None:
    payload = b"symbol=BTCUSDT&marginType=ISOLATED&timestamp=1700000000000"
    assert HmacSigner("testApiSecretABCDEF").sign(payload) == (
        "8ff60a748efced84dce8237d3e20052f2c734235076cb97d09a4266e3e0fd9f6"
    )


def test_ed25519_signer_matches_the_sdk_vector() -> None:
    # Ed25519 is deterministic, so the official SDK's captured signature must come out byte for byte.
    payload = b"symbol=BTCUSDT&marginType=ISOLATED&timestamp=1700000000000"
    assert Ed25519Signer(ED25519_PRIVATE_PEM).sign(payload) == (
        "I%2FzhlbLGillZ13IeUeJyEuGAysbNB1a5G84UAA2B%2BilSv%2B1ZnHzaVyDwJwob0wsY0Rt8DPSLgoVyZHLxzLw5AA%3D%3D"
    )


def test_signer_for_refuses_ambiguity_and_hides_secrets() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        signer_for(secret="s", private_key=ED25519_PRIVATE_PEM)
    with pytest.raises(ValueError, match="exactly one"):
        signer_for()
    assert HMAC_SECRET not in repr(signer_for(secret=HMAC_SECRET))


# --- the happy paths, on a live fake, each key type ---
@pytest.mark.parametrize("key_type", ["HMAC", "RSA", "ED25519"])
def test_change_and_ensure_margin_type(fapi_mock_server: object, key_type: str, request: pytest.FixtureRequest) -> None:
    from mockserver.testing.handle import open_account

    handle = open_account(fapi_mock_server.control, fapi_mock_server.url, key_type=key_type)  # type: ignore[attr-defined]
    client = client_for(handle)
    client.change_margin_type("BTCUSDT", "ISOLATED")
    assert handle.margin_type("BTCUSDT") == "ISOLATED" and client.margin_type("BTCUSDT") == "ISOLATED"
    with pytest.raises(NoChangeNeededError) as repeat:
        client.change_margin_type("BTCUSDT", "ISOLATED")
    assert (repeat.value.http_status, repeat.value.code, repeat.value.msg) == (
        400,
        -4046,
        "No need to change margin type.",
    )
    assert client.ensure_margin_type("BTCUSDT", "ISOLATED") is False
    assert client.ensure_margin_type("BTCUSDT", "CROSSED") is True
    assert client.used_weight is not None and client.used_weight >= 1
    handle.assert_called("/fapi/v1/marginType", code=200, times=2)


def test_reads(fapi_mock: MockAccount) -> None:
    client = client_for(fapi_mock)
    client.ping()
    assert abs(client.server_time() - client._clock_ms()) < 60_000
    configs = client.get_symbol_config()
    assert len(configs) > 50 and {c["marginType"] for c in configs} == {"CROSSED"}
    assert client.multi_assets_margin() is False
    client.set_multi_assets_margin(True)
    with pytest.raises(NoChangeNeededError) as again:
        client.set_multi_assets_margin(True)
    assert again.value.code == -4171
    with pytest.raises(BadRequestError) as refused:
        client.change_margin_type("BTCUSDT", "ISOLATED")
    assert refused.value.code == -4168 and type(refused.value) is BadRequestError


# --- every error class from a real answer ---
def test_bad_request_for_an_unknown_symbol(fapi_mock: MockAccount) -> None:
    with pytest.raises(BadRequestError) as error:
        client_for(fapi_mock).change_margin_type("NOPEUSDT", "ISOLATED")
    assert (error.value.code, error.value.msg) == (-1121, "Invalid symbol.")


def test_position_and_orders_are_bad_requests(fapi_mock: MockAccount) -> None:
    fapi_mock.seed_symbol("ETHUSDT", position_amt="1")
    with pytest.raises(BadRequestError) as error:
        client_for(fapi_mock).change_margin_type("ETHUSDT", "ISOLATED")
    assert error.value.code == -4048


def test_authentication_errors(fapi_mock: MockAccount) -> None:
    unknown = FuturesClient("unknownKey", HmacSigner("x"), base_url=fapi_mock.base_url)
    with pytest.raises(AuthenticationError) as error:
        unknown.change_margin_type("BTCUSDT", "ISOLATED")
    assert (error.value.http_status, error.value.code) == (401, -2015)
    malformed = FuturesClient("not-a-key!", HmacSigner("x"), base_url=fapi_mock.base_url)
    with pytest.raises(AuthenticationError) as error:
        malformed.get_symbol_config("BTCUSDT")
    assert error.value.code == -2014
    assert error.value.headers["X-MBX-USED-WEIGHT-1M"].isdigit()


def test_signature_error(fapi_mock: MockAccount) -> None:
    wrong = FuturesClient(fapi_mock.api_key, HmacSigner("wrong secret"), base_url=fapi_mock.base_url)
    with pytest.raises(SignatureError) as error:
        wrong.change_margin_type("BTCUSDT", "ISOLATED")
    assert (error.value.http_status, error.value.code) == (400, -1022)


def test_timestamp_error_after_one_resync(fapi_mock: MockAccount) -> None:
    # A local clock that jumps back an hour after every reading the sync makes: one re-sync cannot heal it.
    readings = iter(range(0, -(10**12), -3_600_000))
    client = client_for(fapi_mock, clock_ms=lambda: next(readings))
    with pytest.raises(TimestampError) as error:
        client.change_margin_type("BTCUSDT", "ISOLATED")
    assert error.value.msg == "Timestamp for this request is outside of the recvWindow."
    assert len(fapi_mock.calls("/fapi/v1/time")) == 1  # exactly one re-sync
    assert len(fapi_mock.calls("/fapi/v1/marginType")) == 2


@pytest.mark.parametrize("skew_ms", [-600_000, 600_000])
def test_clock_skew_of_ten_minutes_is_healed_by_sync(fapi_mock: MockAccount, skew_ms: int) -> None:
    fapi_mock.set_clock_offset(skew_ms)
    client = client_for(fapi_mock, sync_time=True)
    assert abs(client.time_offset_ms - skew_ms) < 5_000
    client.change_margin_type("BTCUSDT", "ISOLATED")
    fapi_mock.assert_no_rejections()


@pytest.mark.parametrize("skew_ms", [-600_000, 600_000])
def test_clock_skew_is_healed_after_a_1021(fapi_mock: MockAccount, skew_ms: int) -> None:
    fapi_mock.set_clock_offset(skew_ms)
    client_for(fapi_mock).change_margin_type("BTCUSDT", "ISOLATED")
    assert [e["code"] for e in fapi_mock.calls("/fapi/v1/marginType")] == [-1021, 200]


# --- rate limits, on an in-process fake whose clock the injected sleep moves ---
@pytest.fixture
def limited() -> Iterator[tuple[FuturesClient, Clock, Sleeps]]:
    clock = Clock()
    clock.set(frozen_at_ms=1_700_000_010_000)  # 30 s into a minute: Retry-After is 30 s
    config = MockConfig(keys=[{"apiKey": "limitedKey", "secret": "s"}], clock=clock, weight_limit=6)
    with BinanceInterceptor(config=config) as fake:
        sleeps = Sleeps(clock)
        client = FuturesClient("limitedKey", HmacSigner("s"), base_url=fake.url, sleep=sleeps, clock_ms=clock.now_ms)
        yield client, clock, sleeps


def test_429_waits_retry_after_then_succeeds(limited: tuple[FuturesClient, Clock, Sleeps]) -> None:
    client, _clock, sleeps = limited
    client.get_symbol_config("BTCUSDT")  # weight 5 of 6
    client.change_margin_type("BTCUSDT", "ISOLATED")  # 6 of 6
    client.change_margin_type("BTCUSDT", "CROSSED")  # 429, wait 30 s, then the next minute
    assert sleeps.waits == [30.0]
    assert client.used_weight == 1


def test_rate_limited_and_banned_errors(limited: tuple[FuturesClient, Clock, Sleeps]) -> None:
    client, _clock, _sleeps = limited
    impatient = FuturesClient(
        client.api_key,
        client.signer,
        base_url=client.base_url,
        retry=RetryPolicy(max_retry_wait_s=1),
        clock_ms=client._clock_ms,
    )
    impatient.get_symbol_config("BTCUSDT")
    impatient.ping()
    with pytest.raises(RateLimitedError) as limited_error:
        impatient.ping()
    assert (limited_error.value.http_status, limited_error.value.retry_after) == (429, 30.0)
    assert type(limited_error.value) is RateLimitedError
    with pytest.raises(IPBannedError) as banned:
        impatient.ping()
    assert (banned.value.http_status, banned.value.code, banned.value.retry_after) == (418, -1003, 120.0)


# --- faults: retried when safe, resolved when the outcome is unknown ---
@pytest.fixture(params=["live", "in-process"])
def handle(request: pytest.FixtureRequest) -> MockAccount:
    fixture: MockAccount = request.getfixturevalue("fapi_mock" if request.param == "live" else "fapi_mock_inprocess")
    return fixture


def test_disconnected_503_is_retried_with_backoff(handle: MockAccount) -> None:
    handle.add_fault("disconnected", count=2)
    sleeps = Sleeps()
    client_for(handle, sleep=sleeps).change_margin_type("BTCUSDT", "ISOLATED")
    assert sleeps.waits == [0.2, 0.4]
    assert [e["code"] for e in handle.calls("/fapi/v1/marginType")] == [-1001, -1001, 200]


def test_persistent_503_surfaces_as_server_error(handle: MockAccount) -> None:
    handle.add_fault("disconnected", count=10)
    with pytest.raises(ServerError) as error:
        client_for(handle, sleep=Sleeps()).change_margin_type("BTCUSDT", "ISOLATED")
    assert (error.value.http_status, error.value.code, error.value.outcome_unknown) == (503, -1001, False)
    assert len(handle.calls("/fapi/v1/marginType")) == 4


def test_applied_then_failed_is_resolved_by_reading_back(handle: MockAccount) -> None:
    handle.add_fault("unknown")
    client_for(handle).change_margin_type("BTCUSDT", "ISOLATED")
    assert handle.margin_type("BTCUSDT") == "ISOLATED"
    # One POST only: the state was read back, not the change repeated.
    assert [e["path"] for e in handle.journal()] == ["/fapi/v1/marginType", "/fapi/v1/symbolConfig"]


def test_unknown_outcome_that_did_not_land_is_sent_again(handle: MockAccount) -> None:
    handle.add_fault("timeout", applied=False)
    client_for(handle).change_margin_type("BTCUSDT", "ISOLATED")
    assert [(e["path"], e["code"]) for e in handle.journal()] == [
        ("/fapi/v1/marginType", -1007),
        ("/fapi/v1/symbolConfig", None),
        ("/fapi/v1/marginType", 200),
    ]


@pytest.mark.parametrize("applied", [False, True])
def test_dropped_connection_on_a_change(handle: MockAccount, applied: bool) -> None:
    handle.add_fault("drop", applied=applied)
    client_for(handle).change_margin_type("BTCUSDT", "ISOLATED")
    assert handle.margin_type("BTCUSDT") == "ISOLATED"
    assert len(handle.calls("/fapi/v1/marginType")) == (1 if applied else 2)


def test_read_timeout_on_a_change_is_resolved(handle: MockAccount) -> None:
    handle.add_fault("delay", delay_ms=500)
    client_for(handle, timeout_s=0.2).change_margin_type("BTCUSDT", "ISOLATED")
    assert len(handle.calls("/fapi/v1/marginType")) == 1 and handle.margin_type("BTCUSDT") == "ISOLATED"


def test_dropped_read_is_retried(handle: MockAccount) -> None:
    handle.add_fault("drop", path="/fapi/v1/symbolConfig")
    sleeps = Sleeps()
    assert client_for(handle, sleep=sleeps).margin_type("BTCUSDT") == "CROSSED"
    assert sleeps.waits == [0.2]


def test_transport_error_when_nothing_answers() -> None:
    client = FuturesClient("k", HmacSigner("s"), base_url="http://127.0.0.1:9", sleep=Sleeps())
    with pytest.raises(TransportError) as error:
        client.get_symbol_config("BTCUSDT")
    assert error.value.outcome_unknown is False
    with pytest.raises(TransportError) as change_error:
        client.change_margin_type("BTCUSDT", "ISOLATED")
    assert isinstance(change_error.value.__cause__, requests.ConnectionError)


def test_margin_type_value_is_checked_before_sending() -> None:
    client = FuturesClient("k", HmacSigner("s"), base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="margin_type"):
        client.change_margin_type("BTCUSDT", "isolated")


@pytest.mark.parametrize(("kind", "applied"), [("unknown", True), ("timeout", False), ("drop", True)])
def test_multi_assets_switch_settles_unknown_outcomes_too(handle: MockAccount, kind: str, applied: bool) -> None:
    handle.add_fault(kind, path="/fapi/v1/multiAssetsMargin", method="POST", applied=applied)
    client_for(handle).set_multi_assets_margin(True)
    assert handle.state()["multiAssetsMargin"] is True
    posts = [e for e in handle.calls("/fapi/v1/multiAssetsMargin") if e["method"] == "POST"]
    assert len(posts) == (1 if applied else 2)


def test_outcome_that_stays_unknown_surfaces_after_the_last_attempt(handle: MockAccount) -> None:
    handle.add_fault("timeout", applied=False, count=10)
    with pytest.raises(ServerError) as error:
        client_for(handle).change_margin_type("BTCUSDT", "ISOLATED")
    assert (error.value.http_status, error.value.code, error.value.outcome_unknown) == (408, -1007, True)
    assert len(handle.calls("/fapi/v1/marginType")) == 4  # each re-sent only after reading back that it had not landed
    assert len(handle.calls("/fapi/v1/symbolConfig")) == 3


def test_connection_that_keeps_dropping_surfaces_as_an_unknown_outcome(handle: MockAccount) -> None:
    handle.add_fault("drop", applied=False, count=10)
    with pytest.raises(TransportError) as error:
        client_for(handle).change_margin_type("BTCUSDT", "ISOLATED")
    assert error.value.outcome_unknown is True
    assert handle.margin_type("BTCUSDT") == "CROSSED"


def test_client_closes_only_the_session_it_created(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[requests.Session] = []
    monkeypatch.setattr(requests.Session, "close", lambda session: closed.append(session))
    with FuturesClient("k", HmacSigner("s")) as owned:
        pass
    assert closed == [owned.session]
    injected = requests.Session()
    FuturesClient("k", HmacSigner("s"), session=injected).close()
    assert closed == [owned.session]
