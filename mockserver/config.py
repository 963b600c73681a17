"""What a fake starts with: keys, accounts, limits and the clock; loaded from code or an accounts file."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.domain.catalogue import SymbolCatalogue
from mockserver.domain.clock import Clock

# The key pair of Binance's own HMAC signing example: the CLI's account when none is configured.
DEMO_API_KEY = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83"
DEMO_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
DEFAULT_MAX_BODY_BYTES = 64 * 1024
# Binance's limits, the defaults of the fields below; the wire layer reads them from here so that configuration
# depends on nothing above the domain.
MAX_RECV_WINDOW = 60000  # the largest recvWindow fapi accepts
DEFAULT_WEIGHT_LIMIT = 2400  # REQUEST_WEIGHT per IP per minute, as exchangeInfo's rateLimits say
DEFAULT_JOURNAL_SIZE = 1000


class ConfigError(ValueError):
    """An accounts file or option the fake cannot start with."""


@dataclass
class MockConfig:
    """Everything `create_app` needs; `keys` and `accounts` use the control API's camelCase shapes."""

    keys: list[Mapping[str, Any]] = field(default_factory=list, repr=False)  # they hold secrets
    accounts: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    recv_window_max: int = MAX_RECV_WINDOW
    weight_limit: int | None = DEFAULT_WEIGHT_LIMIT  # REQUEST_WEIGHT per IP per minute; 0 or None: no limit
    journal_size: int = DEFAULT_JOURNAL_SIZE
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    clock: Clock = field(default_factory=Clock)
    catalogue: SymbolCatalogue | None = None
    # Who may use the control API (it mints keys and shows secrets): loopback peers only, unless opened here.
    control_from_anywhere: bool = False
    control_token: str | None = field(default=None, repr=False)  # when set, every control call must send it

    @classmethod
    def demo(cls, **overrides: Any) -> MockConfig:
        """One HMAC account: the key pair from Binance's signing example."""
        return cls(keys=[{"type": "HMAC", "apiKey": DEMO_API_KEY, "secret": DEMO_SECRET}], **overrides)

    @classmethod
    def from_accounts_file(cls, path: str | Path, **overrides: Any) -> MockConfig:
        """Read `{"keys": [...], "accounts": {id: {...}}}` from a .json or .toml file."""
        path = Path(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read accounts file {path}: {exc.strerror}") from None
        try:
            data: Any = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"accounts file {path} is not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}") from None
        return cls.from_mapping(data, source=str(path), **overrides)

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = "accounts", **overrides: Any) -> MockConfig:
        if not isinstance(data, Mapping):
            raise ConfigError(f"{source}: the top level must be an object with 'keys' and/or 'accounts'")
        unknown = set(data) - {"keys", "accounts"}
        if unknown:
            raise ConfigError(f"{source}: unknown top-level entries: {', '.join(sorted(unknown))}")
        keys = data.get("keys", [])
        accounts = data.get("accounts", {})
        if not isinstance(keys, list) or not isinstance(accounts, Mapping):
            raise ConfigError(f"{source}: 'keys' must be a list and 'accounts' an object")
        return cls(keys=list(keys), accounts=dict(accounts), **overrides)
