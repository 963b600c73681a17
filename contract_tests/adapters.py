"""The adapter a project writes to run the client contract (`contract_tests.client_contract`) against its own client.

The contract drives a client through four verbs and compares what the client reports with a model of the account
and with the fake's own state. An adapter maps those verbs onto the client under test:

- `change_margin_type(symbol, margin_type)` returns 200 when the change was made, or the Binance error code the
  client surfaced (-4046, -4168, -4048, -4047, ...). Binance rejections are returned, never raised; anything else
  (a transport failure, a 5xx the client gave up on) may raise and fails the contract with its traceback.
- `set_multi_assets_margin(enabled)` likewise (200, -4171, -4167).
- `margin_type(symbol)` reads the margin type back through the client: "ISOLATED" or "CROSSED".
- `syncs_time`: True if the client keeps its timestamps in step with the server's clock by itself (a sync with
  /fapi/v1/time, a re-sync after -1021). Only then does the contract skew the account's clock by up to ten minutes;
  otherwise skew stays within what a local-clock timestamp survives under the default recvWindow.
- `resolves_unknown_outcomes`: True if the client settles a change whose outcome is unknown (503 "Unknown error",
  408 -1007, a read timeout, a dropped connection) safely by itself, ending in the state the caller asked for. Only
  then does the contract inject those faults. The official SDK does not (it raises), so its adapter says False
  (see tests/examples/test_client_contract_adapter.py, the README's example of an adapter).
- `close()` (optional): called when a run ends, to release sessions.

A factory builds one adapter per run from the fresh account's credentials:
`factory(base_url, api_key, secret, private_key_pem)`, where `secret` is set for HMAC keys and `private_key_pem`
(PKCS#8 PEM) for RSA and Ed25519 keys. An adapter class whose constructor takes those four arguments is a factory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from client import AuthenticationError, BadRequestError, FuturesClient, signer_for

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
    """Builds an adapter for one fresh account: `secret` for an HMAC key, `private_key_pem` for RSA or Ed25519."""

    def __call__(
        self, base_url: str, api_key: str, secret: str | None, private_key_pem: str | None, /
    ) -> ClientAdapter: ...


class RecordingSleep:
    """A `sleep` to inject into a client: records each wait instead of waiting, so retries cost no time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class ReferenceClientAdapter:
    """`client.FuturesClient` as it ships: it re-syncs its clock after a -1021 and settles unknown outcomes itself.

    Its sleep is a `RecordingSleep` (`self.sleeps.waits`), so backoffs never really wait.
    """

    syncs_time = True
    resolves_unknown_outcomes = True

    def __init__(
        self,
        base_url: str,
        api_key: str,
        secret: str | None,
        private_key_pem: str | None,
        /,
        *,
        timeout_s: float = 10.0,
    ) -> None:
        self.sleeps = RecordingSleep()
        self.client = FuturesClient(
            api_key,
            signer_for(secret=secret, private_key=private_key_pem),
            base_url=base_url,
            timeout_s=timeout_s,
            sleep=self.sleeps,
        )

    def change_margin_type(self, symbol: str, margin_type: str) -> int:
        return _code(lambda: self.client.change_margin_type(symbol, margin_type))

    def set_multi_assets_margin(self, enabled: bool) -> int:
        return _code(lambda: self.client.set_multi_assets_margin(enabled))

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
