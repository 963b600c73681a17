"""The exchange's state and its rules: keys, accounts, margin-type changes, asset mode. Never imports Flask.

Every read-modify-write happens under one lock, so "check -4046, then apply" is atomic even with a threaded WSGI
server in front.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from mockserver import errors
from mockserver.domain.accounts import Account, MarginType, SeedError, SymbolSettings
from mockserver.domain.catalogue import SymbolCatalogue
from mockserver.domain.fields import bounded_number, refuse_unknown_fields
from mockserver.domain.keys import ApiKey, MintedKey, build_key
from mockserver.errors import BinanceRejection

MAX_CLOCK_OFFSET_MS = 10 * 365 * 24 * 3600 * 1000


class Exchange:
    def __init__(self, catalogue: SymbolCatalogue, keys: Iterable[ApiKey] = ()) -> None:
        self.catalogue = catalogue
        self._lock = threading.RLock()
        self._keys: dict[str, ApiKey] = {}
        self._accounts: dict[str, Account] = {}
        for key in keys:
            self._add_key(key)
        self._initial: tuple[dict[str, ApiKey], dict[str, Account]] = ({}, {})
        self.remember_as_initial()

    def remember_as_initial(self) -> None:
        """Make the present keys and accounts what `reset()` returns to."""
        with self._lock:
            self._initial = (dict(self._keys), self._copy_accounts())

    def reset(self) -> None:
        """Back to the configured keys and accounts: runtime keys and every change are dropped."""
        with self._lock:
            keys, accounts = self._initial
            self._keys = dict(keys)
            self._accounts = accounts
            self._initial = (keys, self._copy_accounts())

    def _copy_accounts(self) -> dict[str, Account]:
        # SymbolSettings are frozen, so copying each account's dict is a deep enough copy.
        return {
            account_id: Account(account_id, account.multi_assets_margin, dict(account.symbols), account.clock_offset_ms)
            for account_id, account in self._accounts.items()
        }

    # --- keys ---
    def _add_key(self, key: ApiKey) -> None:
        self._keys[key.api_key] = key
        self._accounts.setdefault(key.account, Account(key.account))

    def register_key(self, spec: Mapping[str, Any]) -> MintedKey:
        minted = build_key(spec)
        with self._lock:
            self._add_key(minted.key)
        return minted

    def find_key(self, api_key: str) -> ApiKey | None:
        with self._lock:
            return self._keys.get(api_key)

    def registered_keys(self) -> list[ApiKey]:
        with self._lock:
            return list(self._keys.values())

    # --- accounts, as the control API seeds and reads them ---
    def describe_account(self, account_id: str) -> dict[str, Any] | None:
        with self._lock:
            account = self._accounts.get(account_id)
            return None if account is None else account.describe()

    def seed_account(self, account_id: str, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Apply `{"multiAssetsMargin"?, "clockOffsetMs"?, "symbols"?}`; validated fully before anything changes."""
        if not isinstance(spec, Mapping):
            raise SeedError("an account must be a JSON object")
        refuse_unknown_fields(spec, ("multiAssetsMargin", "clockOffsetMs", "symbols"), "account", SeedError)
        multi_assets = spec.get("multiAssetsMargin")
        if multi_assets is not None and not isinstance(multi_assets, bool):
            raise SeedError("multiAssetsMargin must be true or false")
        clock_offset = spec.get("clockOffsetMs")
        if clock_offset is not None:
            bounded_number(clock_offset, "clockOffsetMs", -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS, SeedError)
        symbols = spec.get("symbols", {})
        if not isinstance(symbols, Mapping):
            raise SeedError("symbols must be an object keyed by symbol")
        with self._lock:
            account = self._accounts.get(account_id) or Account(account_id)
            staged = {name: self._seeded(account, name, seed) for name, seed in symbols.items()}
            self._accounts[account_id] = account
            if multi_assets is not None:
                account.multi_assets_margin = multi_assets
            if clock_offset is not None:
                account.clock_offset_ms = clock_offset
            for name, settings in staged.items():
                account.store(name, settings)
            return account.describe()

    def seed_symbol(self, account_id: str, symbol: str, seed: Mapping[str, Any]) -> dict[str, Any]:
        return self.seed_account(account_id, {"symbols": {symbol: seed}})

    def _seeded(self, account: Account, symbol: str, seed: Any) -> SymbolSettings:
        if symbol not in self.catalogue:
            raise SeedError(f"{symbol!r} is not in the symbol catalogue")
        if not isinstance(seed, Mapping):
            raise SeedError(f"the settings of {symbol} must be a JSON object")
        return account.settings(symbol).seeded(seed)

    # --- the Binance operations ---
    def _require(self, account_id: str) -> Account:
        # Every key's account exists from registration on; setdefault covers a key whose account was never seeded.
        return self._accounts.setdefault(account_id, Account(account_id))

    def require_symbol(self, symbol: str) -> None:
        if symbol not in self.catalogue:
            raise BinanceRejection(errors.INVALID_SYMBOL, f"{symbol!r} is not in the fake's symbol catalogue")

    def change_margin_type(self, account_id: str, symbol: str, target: MarginType) -> None:
        """POST /fapi/v1/marginType after its parameters were read: -1121, -4046, -4168, -4048, -4047 in order."""
        self.require_symbol(symbol)
        with self._lock:
            account = self._require(account_id)
            settings = account.settings(symbol)
            if settings.margin_type is target:
                raise BinanceRejection(
                    errors.NO_NEED_TO_CHANGE_MARGIN_TYPE, f"{symbol} is already {target.value} on this account"
                )
            if target is MarginType.ISOLATED and account.multi_assets_margin:
                raise BinanceRejection(errors.ISOLATED_UNDER_MULTI_ASSETS, "the account is in Multi-Assets mode")
            if settings.position_amt != 0:
                raise BinanceRejection(
                    errors.POSITION_EXISTS, f"{symbol} has a position of {format(settings.position_amt, 'f')}"
                )
            if settings.open_orders:
                raise BinanceRejection(errors.OPEN_ORDERS_EXIST, f"{symbol} has {settings.open_orders} open order(s)")
            account.store(symbol, SymbolSettings(target, settings.position_amt, 0, settings.leverage))

    def clock_offset_ms(self, account_id: str) -> int:
        with self._lock:
            account = self._accounts.get(account_id)
            return 0 if account is None else account.clock_offset_ms

    def multi_assets_margin(self, account_id: str) -> bool:
        with self._lock:
            return self._require(account_id).multi_assets_margin

    def change_multi_assets_margin(self, account_id: str, enabled: bool) -> None:
        """POST /fapi/v1/multiAssetsMargin: -4171 when already in that mode (checked first), then -4167."""
        with self._lock:
            account = self._require(account_id)
            if account.multi_assets_margin is enabled:
                raise BinanceRejection(
                    errors.ASSET_MODE_ALREADY_SET,
                    f"Multi-Assets mode is already {'on' if enabled else 'off'} for this account",
                )
            if enabled and account.has_isolated_symbol():
                raise BinanceRejection(errors.MULTI_ASSETS_WITH_ISOLATED_SYMBOLS, "a symbol is in ISOLATED margin")
            account.multi_assets_margin = enabled

    def symbol_settings(self, account_id: str, symbols: Iterable[str]) -> list[tuple[str, SymbolSettings]]:
        """A consistent snapshot of several symbols' settings (defaults for symbols never touched)."""
        with self._lock:
            account = self._require(account_id)
            return [(symbol, account.settings(symbol)) for symbol in symbols]
