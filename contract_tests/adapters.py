"""The adapter a project writes to run the client contract (`contract_tests.client_contract`) against its own client.

The contract drives a client through its verbs and compares what the client reports with a model of the account,
with the fake's own state and with the requests the fake received (see the rules in `contract_tests.client_contract`).
An adapter maps those verbs onto the client under test:

- `change_margin_type(symbol, margin_type)` returns 200 when the change was made, or the Binance error code the
  client surfaced (-4046, -4168, -4048, -4047, and -1022/-2015 for a key Binance refuses, ...). Binance rejections
  are returned, never raised; anything else (a transport failure, a 5xx or 429 the client gave up on) may raise.
  Raising is how a change that keeps failing may end; where Binance's answer was due, it fails the contract.
- `set_multi_assets_margin(enabled)` likewise (200, -4171, -4167).
- `margin_type(symbol)` reads the margin type back through the client: "ISOLATED" or "CROSSED".
- `ensure_margin_type(symbol, margin_type)` (optional): for a client with an idempotent verb, True when the call
  changed the margin type, False when it already was so (-4046 is "already done", never an error); any other
  refusal (-4168, -4048, -4047, ...) raises. When present the contract calls it too.
- `syncs_time`: True if the client keeps its timestamps in step with the server's clock by itself (a sync with
  /fapi/v1/time, a re-sync after -1021). Only then does the contract skew the account's clock by up to ten minutes;
  otherwise skew stays within what a local-clock timestamp survives under the default recvWindow.
- `resolves_unknown_outcomes`: True if the client settles a change whose outcome is unknown (503 "Unknown error",
  408 -1007, a read timeout, a dropped connection) safely by itself, ending in the state the caller asked for. Only
  then does the contract inject those faults. The official SDK does not (it raises), so its adapter says False
  (see tests/examples/test_client_contract_adapter.py, the README's example of an adapter). A late answer comes 30
  seconds or more after the request: the client's read timeout must be shorter, or it waits for the answer.
- `honours_retry_after` (optional, default False): True if the client, answered 429 -1003, waits the Retry-After
  seconds and then sends again. Only then does the contract answer changes 429 with a Retry-After of a few seconds
  and require the real answer in the end.
- `gives_up` (optional, default True): the client stops retrying a change that keeps failing (503 -1001, 408, a
  dropped connection, 429) and surfaces an error: it raises, or reports a code that is neither success nor "already
  so". The contract fails every send of a change thirty times over and requires that; a client that never retries
  passes at once. Say False only for a client whose retries are bounded by time alone, and slowly.
- `close()` (optional): called when a run ends, to release sessions.

Whatever the flags, every change is judged by the requests the fake journaled for it: at most six sends; never a
re-send after an unknown outcome before a read of what the change changes; no outcome reported after an unknown one
without such a read; no request sooner than Retry-After after a 429; no re-send of a change Binance refused (but
-1021, which a re-sync heals).

A factory builds one adapter per run from the fresh account's credentials:
`factory(base_url, api_key, secret, private_key_pem)`, where `secret` is set for HMAC keys and `private_key_pem`
(PKCS#8 PEM) for RSA and Ed25519 keys. An adapter class whose constructor takes those four arguments is a factory.

Time, for clients that wait (backoff, Retry-After): the contract's fake runs on the contract's own clock, the wall
clock plus every wait asked of the contract's `sleep`. A factory that takes these keywords (by name, or through
`**kwargs`) gets them, and one that does not is called with the four arguments alone, as before:

- `sleep(seconds)`: waits on the contract's clock at once instead of sleeping; give it to the client as its sleep,
  so backoffs and Retry-After cost no time. The contract measures waits on the fake's journal: a client that
  sleeps for real moves the wall clock and passes too, only slower; one that skips a wait does not.
- `clock_ms()`: the contract's clock in epoch milliseconds, for the client to stamp requests with. A factory that
  takes `sleep` should take `clock_ms` too (or its client must sync with /fapi/v1/time), since the waits move the
  fake's clock ahead of the local one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from contract_tests.reference import AuthenticationError, BadRequestError, FuturesClient, signer_for

SUCCESS = 200


class ClientAdapter(Protocol):
    """What the client contract needs from a client; see the module docstring for the meaning of each member."""

    @property
    def syncs_time(self) -> bool: ...

    @property
    def resolves_unknown_outcomes(self) -> bool: ...

    def change_margin_type(self, symbol: str, margin_type: str) -> int:
        """200 on success, else the Binance code the client surfaced; never raises for a Binance rejection."""
        ...

    def set_multi_assets_margin(self, enabled: bool) -> int:
        """200 on success, else the Binance code the client surfaced; never raises for a Binance rejection."""
        ...

    def margin_type(self, symbol: str) -> str:
        """The symbol's margin type read through the client: "ISOLATED" or "CROSSED"."""
        ...


class ClientFactory(Protocol):
    """Builds an adapter for one fresh account: `secret` for an HMAC key, `private_key_pem` for RSA or Ed25519.

    It may also take the keywords `sleep` and `clock_ms` (see the module docstring); the contract passes only those
    it names."""

    def __call__(
        self, base_url: str, api_key: str, secret: str | None, private_key_pem: str | None, /
    ) -> ClientAdapter: ...


class RecordingSleep:
    """A `sleep` to inject into a client: records each wait instead of waiting, so retries cost no time; with `then`
    (the contract's `sleep`) each wait is passed on to it as well."""

    def __init__(self, then: Callable[[float], None] | None = None) -> None:
        self.waits: list[float] = []
        self._then = then

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self._then is not None:
            self._then(seconds)


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class ReferenceClientAdapter:
    """`client.FuturesClient` as it ships: it re-syncs its clock after a -1021, settles unknown outcomes itself,
    waits Retry-After and gives up after `RetryPolicy.max_attempts`.

    Its sleep is a `RecordingSleep` (`self.sleeps.waits`), so backoffs never really wait; under the contract it
    passes each wait on to the contract's `sleep` and stamps with the contract's `clock_ms`. `client_class` is the
    client it builds: a subclass tries a variant.
    """

    syncs_time = True
    resolves_unknown_outcomes = True
    honours_retry_after = True
    gives_up = True
    client_class: type[FuturesClient] = FuturesClient

    def __init__(
        self,
        base_url: str,
        api_key: str,
        secret: str | None,
        private_key_pem: str | None,
        /,
        *,
        timeout_s: float = 10.0,
        sleep: Callable[[float], None] | None = None,
        clock_ms: Callable[[], int] | None = None,
    ) -> None:
        self.sleeps = RecordingSleep(then=sleep)
        self.client = self.client_class(
            api_key,
            signer_for(secret=secret, private_key=private_key_pem),
            base_url=base_url,
            timeout_s=timeout_s,
            sleep=self.sleeps,
            clock_ms=clock_ms or _wall_clock_ms,
        )

    def change_margin_type(self, symbol: str, margin_type: str) -> int:
        return _code(lambda: self.client.change_margin_type(symbol, margin_type))

    def set_multi_assets_margin(self, enabled: bool) -> int:
        return _code(lambda: self.client.set_multi_assets_margin(enabled))

    def ensure_margin_type(self, symbol: str, margin_type: str) -> bool:
        return self.client.ensure_margin_type(symbol, margin_type)

    def margin_type(self, symbol: str) -> str:
        return self.client.margin_type(symbol)

    def close(self) -> None:
        self.client.close()


def _code(change: Callable[[], None]) -> int:
    """200 when the change went through, else the Binance code of the rejection the client raised."""
    try:
        change()
    except (BadRequestError, AuthenticationError) as rejection:
        if rejection.code is None:
            raise AssertionError(f"the client surfaced a rejection without a Binance code: {rejection!r}") from None
        return rejection.code
    return SUCCESS
