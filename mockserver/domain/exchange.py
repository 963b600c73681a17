"""The exchange's state and its rules: keys, accounts, and every account-configuration change. Never imports Flask.

Every read-modify-write happens under one lock, so "check -4046, then apply" is atomic even with a threaded WSGI
server in front; reads take a copy of the account under the lock and compute outside it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from mockserver import errors
from mockserver.domain import margin
from mockserver.domain.accounts import (
    ZERO,
    Account,
    MarginType,
    OpenOrder,
    PositionSide,
    SeedError,
    SymbolSettings,
    WalletAsset,
    position_sides,
)
from mockserver.domain.catalogue import SymbolCatalogue
from mockserver.domain.clock import Clock
from mockserver.domain.keys import ApiKey, KeySpecError, MintedKey, build_key
from mockserver.domain.persistence import ExchangeState, export_exchange, parse_exchange
from mockserver.domain.seeding import seed_account
from mockserver.errors import BinanceRejection

# What a new account holds: USDT only, funded, so a bot's balance check and ccxt's fetch_balance see money.
DEFAULT_WALLET = {"USDT": Decimal("10000")}
# Bounds on what callers can make the fake hold (each key or account is a few hundred bytes).
MAX_KEYS = 100_000
MAX_ACCOUNTS = 100_000
FIRST_ORDER_ID = 8_389_765_000_000_000_001  # the size of real fapi order ids, so clients that parse them stay honest


class Exchange:
    def __init__(self, catalogue: SymbolCatalogue, keys: Iterable[ApiKey] = (), clock: Clock | None = None) -> None:
        self.catalogue = catalogue
        self.clock = clock or Clock()
        self._lock = threading.RLock()
        self._keys: dict[str, ApiKey] = {}
        self._accounts: dict[str, Account] = {}
        self._order_ids = itertools.count(FIRST_ORDER_ID)
        # Bumped by every change under the lock: `--state FILE` saves when it moved, without exporting to compare.
        self.generation = 0
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
            self.generation += 1

    # --- state export and import (see persistence.py) ---
    def export_state(self) -> dict[str, Any]:
        """Keys, accounts and the next order id as a versioned JSON-able document (secrets included)."""
        with self._lock:
            next_id = next(self._order_ids)
            self._order_ids = itertools.count(next_id)
            return export_exchange(list(self._keys.values()), self._accounts, next_id)

    def parse_state(self, data: Any) -> ExchangeState:
        """Validate a document from `export_state` without changing anything; raises StateError."""
        return parse_exchange(data, self.catalogue)

    def install_state(self, parsed: ExchangeState) -> None:
        with self._lock:
            self._keys = dict(parsed.keys)
            self._accounts = {account_id: account.copy() for account_id, account in parsed.accounts.items()}
            self._order_ids = itertools.count(parsed.next_order_id)
            self.generation += 1

    def import_state(self, data: Any) -> None:
        """Replace keys, accounts and the order id counter; a bad document raises StateError and changes nothing."""
        self.install_state(self.parse_state(data))

    def _copy_accounts(self) -> dict[str, Account]:
        return {account_id: account.copy() for account_id, account in self._accounts.items()}

    def _new_account(self, account_id: str) -> Account:
        now = self.clock.now_ms()
        wallet = {asset: WalletAsset(balance, now) for asset, balance in DEFAULT_WALLET.items()}
        return Account(account_id, wallet=wallet)

    # --- keys ---
    def _add_key(self, key: ApiKey) -> None:
        self._keys[key.api_key] = key
        self.generation += 1
        if key.account not in self._accounts:
            self._accounts[key.account] = self._new_account(key.account)

    def register_key(self, spec: Mapping[str, Any]) -> MintedKey:
        minted = build_key(spec)
        with self._lock:
            if minted.key.api_key not in self._keys and len(self._keys) >= MAX_KEYS:
                raise KeySpecError(f"at most {MAX_KEYS} keys can be registered; delete accounts no longer used")
            if minted.key.account not in self._accounts and len(self._accounts) >= MAX_ACCOUNTS:
                raise KeySpecError(f"at most {MAX_ACCOUNTS} accounts; delete accounts no longer used")
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
        """Apply an account seed (see `seeding.seed_account`); validated fully before anything changes."""
        with self._lock:
            if account_id not in self._accounts and len(self._accounts) >= MAX_ACCOUNTS:
                raise SeedError(f"at most {MAX_ACCOUNTS} accounts; delete accounts no longer used")
            account = self._accounts.get(account_id) or self._new_account(account_id)
            staged = seed_account(account, spec, self.catalogue, self.clock.now_ms(), lambda: next(self._order_ids))
            self._accounts[account_id] = staged
            self.generation += 1
            return staged.describe()

    def seed_symbol(self, account_id: str, symbol: str, seed: Mapping[str, Any]) -> dict[str, Any]:
        return self.seed_account(account_id, {"symbols": {symbol: seed}})

    def delete_account(self, account_id: str) -> bool:
        """Drop an account and every key of it; False when there was no such account."""
        with self._lock:
            keys = [k for k, key in self._keys.items() if key.account == account_id]
            for api_key in keys:
                del self._keys[api_key]
            self.generation += 1
            return self._accounts.pop(account_id, None) is not None or bool(keys)

    def snapshot(self, account_id: str) -> Account:
        """A copy of the account, for reads that compute outside the lock."""
        with self._lock:
            return self._require(account_id).copy()

    # --- the Binance operations ---
    def _require(self, account_id: str) -> Account:
        # Every key's account exists from registration on; this covers a key whose account was never seeded.
        account = self._accounts.get(account_id)
        if account is None:
            account = self._accounts[account_id] = self._new_account(account_id)
            self.generation += 1
        return account

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
            if settings.has_position:
                legs = ", ".join(f"{side.value} {format(p.amount, 'f')}" for side, p in settings.positions if p.amount)
                raise BinanceRejection(errors.POSITION_EXISTS, f"{symbol} has a position: {legs}")
            if settings.orders:
                raise BinanceRejection(errors.OPEN_ORDERS_EXIST, f"{symbol} has {settings.open_orders} open order(s)")
            # Only the margin type changes: leverage, legs and everything else stay as they were.
            account.store(symbol, replace(settings, margin_type=target))
            self.generation += 1

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
            self.generation += 1

    def dual_side_position(self, account_id: str) -> bool:
        with self._lock:
            return self._require(account_id).dual_side_position

    def change_position_mode(self, account_id: str, dual_side_position: bool) -> None:
        """POST /fapi/v1/positionSide/dual: -4059 unchanged, -4067 an open order anywhere, -4068 a position anywhere."""
        with self._lock:
            account = self._require(account_id)
            if account.dual_side_position is dual_side_position:
                mode = "Hedge Mode" if dual_side_position else "One-way Mode"
                raise BinanceRejection(errors.NO_NEED_TO_CHANGE_POSITION_SIDE, f"the account is already in {mode}")
            with_orders = account.symbols_with_orders()
            if with_orders:
                raise BinanceRejection(
                    errors.POSITION_SIDE_WITH_OPEN_ORDERS, f"open orders on {', '.join(sorted(with_orders))}"
                )
            with_positions = account.symbols_with_positions()
            if with_positions:
                raise BinanceRejection(
                    errors.POSITION_SIDE_WITH_POSITION, f"positions on {', '.join(sorted(with_positions))}"
                )
            account.dual_side_position = dual_side_position
            self.generation += 1

    def change_leverage(self, account_id: str, symbol: str, leverage: int, as_sent: str) -> tuple[int, int]:
        """POST /fapi/v1/leverage after its parameters were read: -1121, -4028, -4161, -2027, -2028 in order.

        Returns the leverage and its maxNotionalValue. Both legs of a hedged symbol share one leverage."""
        self.require_symbol(symbol)
        brackets = self.catalogue.brackets(symbol)
        if not 1 <= leverage <= brackets.max_leverage:
            raise BinanceRejection(
                errors.leverage_not_valid(as_sent),
                f"{symbol} allows leverage 1 to {brackets.max_leverage} (its first bracket's initialLeverage)",
            )
        cap = brackets.max_notional(leverage)
        with self._lock:
            account = self._require(account_id)
            settings = account.settings(symbol)
            if settings.margin_type is MarginType.ISOLATED and settings.has_position and leverage < settings.leverage:
                raise BinanceRejection(
                    errors.ISOLATED_LEVERAGE_REDUCTION,
                    f"{symbol} is ISOLATED with a position at {settings.leverage}x; {leverage}x would reduce it",
                )
            held = sum((abs(p.notional) for _, p in settings.positions), ZERO)
            if held > cap:
                raise BinanceRejection(
                    errors.MAX_POSITION_AT_LEVERAGE,
                    f"the position's notional {format(held, 'f')} is over {cap}, the cap at {leverage}x",
                )
            changed = account.copy()
            changed.store(symbol, replace(settings, leverage=leverage))
            asset = self.catalogue.margin_asset(symbol)
            figures = next(f for f in margin.asset_figures(changed, self.catalogue) if f.asset == asset)
            if leverage < settings.leverage and figures.cross_wallet_balance - figures.initial_margin < 0:
                raise BinanceRejection(
                    errors.INSUFFICIENT_MARGIN_FOR_LEVERAGE,
                    f"at {leverage}x the initial margin {format(figures.initial_margin, 'f')} {asset} is more than "
                    f"the cross wallet {format(figures.cross_wallet_balance, 'f')}",
                )
            account.store(symbol, replace(settings, leverage=leverage))
            self.generation += 1
        return leverage, cap

    def adjust_position_margin(
        self, account_id: str, symbol: str, side: PositionSide | None, amount: Decimal, add: bool
    ) -> None:
        """POST /fapi/v1/positionMargin after its parameters were read: -1121, -4055, -4061, -4049, -4054, then
        -4050 (add beyond the available cross balance) or -4051 (reduce beyond what was added)."""
        self.require_symbol(symbol)
        if amount <= 0:
            raise BinanceRejection(errors.AMOUNT_MUST_BE_POSITIVE, f"amount {format(amount, 'f')} is not positive")
        with self._lock:
            account = self._require(account_id)
            sides = position_sides(account.dual_side_position)
            leg = side if side is not None else PositionSide.BOTH
            if leg not in sides:
                raise BinanceRejection(
                    errors.POSITION_SIDE_MISMATCH,
                    f"positionSide {leg.value} is not a leg of the account's "
                    + ("Hedge Mode (send LONG or SHORT)" if account.dual_side_position else "One-way Mode (BOTH)"),
                )
            settings = account.settings(symbol)
            if settings.margin_type is not MarginType.ISOLATED:
                raise BinanceRejection(errors.MARGIN_ONLY_FOR_ISOLATED, f"{symbol} is CROSSED")
            position = settings.position(leg)
            if position.amount == 0:
                raise BinanceRejection(errors.POSITION_IS_ZERO, f"{symbol} {leg.value} has no position")
            if add:
                asset = self.catalogue.margin_asset(symbol)
                free = margin.available(account, self.catalogue, asset)
                if amount > free:
                    raise BinanceRejection(
                        errors.CROSS_BALANCE_INSUFFICIENT,
                        f"adding {format(amount, 'f')} {asset}, available {format(free, 'f')}",
                    )
                changed = position.margin_added + amount
            else:
                if amount > position.margin_added:
                    raise BinanceRejection(
                        errors.ISOLATED_BALANCE_INSUFFICIENT,
                        f"reducing {format(amount, 'f')}, only {format(position.margin_added, 'f')} was added",
                    )
                changed = position.margin_added - amount
            account.store(symbol, settings.with_position(leg, replace(position, margin_added=changed)))
            self.generation += 1

    # --- open orders ---
    def open_orders(self, account_id: str, symbols: Iterable[str]) -> list[tuple[str, OpenOrder]]:
        with self._lock:
            account = self._require(account_id)
            return [(symbol, order) for symbol in symbols for order in account.settings(symbol).orders]

    def find_order(self, account_id: str, symbol: str, order_id: int | None, client_order_id: str | None) -> OpenOrder:
        """GET /fapi/v1/openOrder: by orderId when sent, else by origClientOrderId; -2013 when not open."""
        self.require_symbol(symbol)
        with self._lock:
            for order in self._require(account_id).settings(symbol).orders:
                if (order_id is not None and order.order_id == order_id) or (
                    order_id is None and order.client_order_id == client_order_id
                ):
                    return order
        wanted = f"orderId {order_id}" if order_id is not None else f"origClientOrderId {client_order_id!r}"
        raise BinanceRejection(errors.ORDER_DOES_NOT_EXIST, f"no open order with {wanted} on {symbol}")

    def cancel_all_open_orders(self, account_id: str, symbol: str) -> int:
        """DELETE /fapi/v1/allOpenOrders: every open order of the symbol is cancelled; returns how many."""
        self.require_symbol(symbol)
        with self._lock:
            account = self._require(account_id)
            settings = account.settings(symbol)
            account.store(symbol, replace(settings, orders=()))
            self.generation += 1
            return len(settings.orders)

    def symbol_settings(self, account_id: str, symbols: Iterable[str]) -> list[tuple[str, SymbolSettings]]:
        """A consistent snapshot of several symbols' settings (defaults for symbols never touched)."""
        with self._lock:
            account = self._require(account_id)
            return [(symbol, account.settings(symbol)) for symbol in symbols]
