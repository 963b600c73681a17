"""Everything one fake holds, built from a MockConfig; `reset()` rebuilds it from the same configuration."""

from __future__ import annotations

from typing import Any

from mockserver.config import ConfigError, MockConfig
from mockserver.domain.catalogue import SymbolCatalogue
from mockserver.domain.exchange import Exchange
from mockserver.domain.fields import bounded_number, refuse_unknown_fields
from mockserver.domain.keys import ApiKey, KeySpecError, build_key
from mockserver.domain.persistence import STATE_VERSION, StateError
from mockserver.domain.seeding import MAX_CLOCK_OFFSET_MS
from mockserver.wire.faults import FaultBook, FaultSpecError
from mockserver.wire.journal import Journal
from mockserver.wire.ratelimit import RateLimiter


def _configured_keys(config: MockConfig) -> list[ApiKey]:
    keys = []
    for index, spec in enumerate(config.keys):
        # Generated secrets would be shown to no one: a configured key must bring its secret or public key.
        if isinstance(spec, dict) and not (spec.get("secret") or spec.get("publicKey")):
            raise ConfigError(f"key #{index + 1}: give its 'secret' (HMAC) or 'publicKey' (RSA, ED25519)")
        try:
            keys.append(build_key(spec).key)
        except KeySpecError as exc:
            raise ConfigError(f"key #{index + 1}: {exc}") from None
    return keys


STATE_FIELDS = ("version", "exchange", "clock", "faults")
LATEST_INSTANT_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, as the control API's clock allows


def _clock_setting(data: Any) -> tuple[int, int | None]:
    if not isinstance(data, dict):
        raise StateError("clock must be a JSON object")
    refuse_unknown_fields(data, ("offsetMs", "frozenAtMs"), "clock", StateError)
    if "offsetMs" not in data or "frozenAtMs" not in data:
        raise StateError("clock needs offsetMs and frozenAtMs (null when running)")
    offset: int = bounded_number(
        data["offsetMs"], "clock offsetMs", -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS, StateError
    )
    frozen = data["frozenAtMs"]
    if frozen is not None:
        frozen = bounded_number(frozen, "clock frozenAtMs (or null)", 0, LATEST_INSTANT_MS, StateError)
    return offset, frozen


class MockState:
    def __init__(self, config: MockConfig) -> None:
        if not 1 <= config.recv_window_max <= 2**63 - 1:
            raise ConfigError("recv_window_max must be a positive integer")
        if config.weight_limit is not None and (
            isinstance(config.weight_limit, bool) or not isinstance(config.weight_limit, int) or config.weight_limit < 0
        ):
            raise ConfigError("weight_limit must be a non-negative integer; 0 or None switches the limit off")
        self.config = config
        self.clock = config.clock
        # A fake built with a frozen or shifted clock returns to exactly that clock on reset.
        self._initial_clock = (config.clock.offset_ms, config.clock.frozen_at_ms)
        # Keys are minted once: a reset must give tests back the same configured keys, not fresh ones.
        self.exchange = Exchange(config.catalogue or SymbolCatalogue(), _configured_keys(config), config.clock)
        try:
            for account_id, spec in config.accounts.items():
                self.exchange.seed_account(account_id, spec)
        except ValueError as exc:
            raise ConfigError(f"accounts: {exc}") from None
        self.exchange.remember_as_initial()
        self.journal = Journal(config.journal_size)
        self.faults = FaultBook()
        # 0 means off, as on the command line and in the ini option.
        self.rate_limiter = RateLimiter(self.clock, config.weight_limit or None)

    def server_time_ms(self, account_id: str | None = None) -> int:
        """Server time, as seen by `account_id` when that account carries a clock offset."""
        offset = self.exchange.clock_offset_ms(account_id) if account_id is not None else 0
        return self.clock.now_ms() + offset

    def account_of(self, api_key: str | None) -> str | None:
        """The account behind an X-MBX-APIKEY header, if it names a registered key."""
        key = self.exchange.find_key(api_key) if api_key else None
        return key.account if key is not None else None

    @property
    def changes(self) -> int:
        """Grows with every change a state file keeps (exchange, clock, faults); cheap enough to poll."""
        return self.exchange.generation + self.clock.changes + self.faults.changes

    def export_state(self) -> dict[str, Any]:
        """What `--state FILE` keeps: keys (with secrets), accounts, the clock setting and the fault rules."""
        return {
            "version": STATE_VERSION,
            "exchange": self.exchange.export_state(),
            "clock": {"offsetMs": self.clock.offset_ms, "frozenAtMs": self.clock.frozen_at_ms},
            "faults": self.faults.export_state(),
        }

    def import_state(self, data: Any) -> None:
        """Replace keys, accounts, clock and faults with an `export_state` document. Everything is validated first:
        a bad document raises a SpecError (StateError or FaultSpecError) and changes nothing."""
        if not isinstance(data, dict):
            raise StateError("the state must be a JSON object")
        if data.get("version") != STATE_VERSION:
            raise StateError(
                f"unsupported state version {data.get('version')!r}; this fake reads version {STATE_VERSION}"
            )
        refuse_unknown_fields(data, STATE_FIELDS, "state", StateError)
        missing = [name for name in STATE_FIELDS if name not in data]
        if missing:
            raise StateError(f"state: missing {', '.join(missing)}")
        exchange = self.exchange.parse_state(data["exchange"])
        offset, frozen = _clock_setting(data["clock"])
        try:
            faults = self.faults.parse_state(data["faults"])
        except FaultSpecError as exc:
            raise StateError(f"faults: {exc}") from None
        self.exchange.install_state(exchange)
        self.clock.set(offset_ms=offset, frozen_at_ms=frozen, unfreeze=frozen is None)
        self.faults.install_state(faults)

    def reset(self) -> None:
        self.exchange.reset()
        self.journal.clear()
        self.faults.clear()
        self.rate_limiter.reset()
        offset, frozen = self._initial_clock
        self.clock.set(offset_ms=offset, frozen_at_ms=frozen, unfreeze=frozen is None)
