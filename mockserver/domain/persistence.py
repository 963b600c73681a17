"""The exchange's state as a versioned, JSON-able document, and back: what `--state FILE` keeps across restarts.

Keys keep what verifies their signatures (the HMAC secret, an RSA/Ed25519 public key as PEM; private keys are never
held). Reading a document validates all of it into fresh objects; nothing is installed until every part is good.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import serialization

from mockserver.domain.accounts import (
    ZERO,
    Account,
    MarginType,
    OpenOrder,
    Position,
    PositionSide,
    SeedError,
    SymbolSettings,
    WalletAsset,
    parse_decimal,
    position_sides,
)
from mockserver.domain.catalogue import SymbolCatalogue
from mockserver.domain.fields import INT64_MAX, SpecError, bounded_number, refuse_unknown_fields
from mockserver.domain.keys import ApiKey, KeySpecError, build_key
from mockserver.domain.seeding import MAX_CLOCK_OFFSET_MS

STATE_VERSION = 1
EXCHANGE_FIELDS = ("version", "keys", "accounts", "nextOrderId")
ACCOUNT_FIELDS = ("multiAssetsMargin", "dualSidePosition", "clockOffsetMs", "wallet", "symbols")
WALLET_FIELDS = ("balance", "updateTime")
SYMBOL_FIELDS = ("marginType", "leverage", "positions", "orders")
POSITION_FIELDS = ("amount", "entryPrice", "marginAdded", "updateTime")
ORDER_FIELDS = ("orderId", "clientOrderId", "side", "positionSide", "price", "quantity", "time")


class StateError(SpecError):
    """A state document that cannot be imported; nothing was changed."""


@dataclass(frozen=True)
class ExchangeState:
    """A validated document, ready to install."""

    keys: dict[str, ApiKey]
    accounts: dict[str, Account]
    next_order_id: int


# --- export ---
def export_key(key: ApiKey) -> dict[str, Any]:
    exported: dict[str, Any] = {
        "type": key.key_type.value,
        "apiKey": key.api_key,
        "account": key.account,
        "permissions": sorted(p.value for p in key.permissions),
        "ipAllowList": [str(n) for n in key.ip_allow_list],
        "enabled": key.enabled,
    }
    if key.secret is not None:
        exported["secret"] = key.secret
    if key.public_key is not None:
        exported["publicKey"] = key.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")
    return exported


def _number(value: Decimal) -> str:
    return format(value, "f")


def export_account(account: Account) -> dict[str, Any]:
    return {
        "multiAssetsMargin": account.multi_assets_margin,
        "dualSidePosition": account.dual_side_position,
        "clockOffsetMs": account.clock_offset_ms,
        "wallet": {
            asset: {"balance": _number(entry.balance), "updateTime": entry.update_time}
            for asset, entry in sorted(account.wallet.items())
        },
        "symbols": {
            symbol: {
                "marginType": settings.margin_type.value,
                "leverage": settings.leverage,
                "positions": {
                    side.value: {
                        "amount": _number(p.amount),
                        "entryPrice": _number(p.entry_price),
                        "marginAdded": _number(p.margin_added),
                        "updateTime": p.update_time,
                    }
                    for side, p in settings.positions
                },
                "orders": [
                    {
                        "orderId": o.order_id,
                        "clientOrderId": o.client_order_id,
                        "side": o.side,
                        "positionSide": o.position_side.value,
                        "price": _number(o.price),
                        "quantity": _number(o.quantity),
                        "time": o.time,
                    }
                    for o in settings.orders
                ],
            }
            for symbol, settings in sorted(account.symbols.items())
        },
    }


def export_exchange(keys: list[ApiKey], accounts: Mapping[str, Account], next_order_id: int) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "keys": [export_key(key) for key in keys],
        "accounts": {account_id: export_account(account) for account_id, account in sorted(accounts.items())},
        "nextOrderId": next_order_id,
    }


# --- import ---
def _object(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise StateError(f"{what} must be a JSON object")
    return value


def _fields(value: Any, allowed: tuple[str, ...], what: str) -> Mapping[str, Any]:
    spec = _object(value, what)
    refuse_unknown_fields(spec, allowed, what, StateError)
    missing = [name for name in allowed if name not in spec]
    if missing:
        raise StateError(f"{what}: missing {', '.join(missing)}")
    return spec


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise StateError(f"{what} must be true or false")
    return value


def _integer(value: Any, what: str, low: int = 0, high: int = INT64_MAX) -> int:
    result: int = bounded_number(value, what, low, high, StateError)
    return result


def _decimal(value: Any, what: str) -> Decimal:
    if not isinstance(value, str):
        raise StateError(f"{what} must be a decimal string")
    try:
        return parse_decimal(value, what)
    except SeedError as exc:
        raise StateError(str(exc)) from None


def _account_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or not value.isprintable():
        raise StateError(f"{what} must be a non-empty string of printable characters")
    return value


def _side(value: Any, what: str) -> PositionSide:
    if value not in PositionSide.__members__:
        raise StateError(f"{what} must be 'BOTH', 'LONG' or 'SHORT'")
    return PositionSide(value)


def parse_key(spec: Any, where: str) -> ApiKey:
    spec = _object(spec, where)
    if not (spec.get("secret") or spec.get("publicKey")):
        raise StateError(f"{where}: needs its 'secret' (HMAC) or 'publicKey' (RSA, ED25519)")
    if not spec.get("account"):
        raise StateError(f"{where}: needs its 'account'")
    try:
        return build_key(spec).key
    except KeySpecError as exc:
        raise StateError(f"{where}: {exc}") from None


def _position(spec: Any, side: PositionSide, where: str) -> Position:
    spec = _fields(spec, POSITION_FIELDS, where)
    amount = _decimal(spec["amount"], f"{where} amount")
    entry_price = _decimal(spec["entryPrice"], f"{where} entryPrice")
    margin_added = _decimal(spec["marginAdded"], f"{where} marginAdded")
    if (side is PositionSide.LONG and amount < 0) or (side is PositionSide.SHORT and amount > 0):
        raise StateError(f"{where}: a {side.value} leg's amount has the wrong sign")
    if entry_price < 0 or margin_added < 0:
        raise StateError(f"{where}: entryPrice and marginAdded must not be negative")
    if amount != 0 and entry_price == 0:
        raise StateError(f"{where}: a non-zero amount needs a non-zero entryPrice")
    if amount == 0 and margin_added == 0:
        raise StateError(f"{where}: a flat leg with no margin added is not stored; leave it out")
    return Position(amount, entry_price, margin_added, _integer(spec["updateTime"], f"{where} updateTime"))


def _order(spec: Any, sides: tuple[PositionSide, ...], where: str) -> OpenOrder:
    spec = _fields(spec, ORDER_FIELDS, where)
    client_order_id = spec["clientOrderId"]
    if not isinstance(client_order_id, str) or not 1 <= len(client_order_id) <= 36 or not client_order_id.isascii():
        raise StateError(f"{where}: clientOrderId must be 1 to 36 ASCII characters")
    if spec["side"] not in ("BUY", "SELL"):
        raise StateError(f"{where}: side must be 'BUY' or 'SELL'")
    position_side = _side(spec["positionSide"], f"{where} positionSide")
    if position_side not in sides:
        raise StateError(f"{where}: positionSide {position_side.value} is not a leg of the account's position mode")
    price = _decimal(spec["price"], f"{where} price")
    quantity = _decimal(spec["quantity"], f"{where} quantity")
    if price <= 0 or quantity <= 0:
        raise StateError(f"{where}: price and quantity must be positive")
    return OpenOrder(
        order_id=_integer(spec["orderId"], f"{where} orderId", 1),
        client_order_id=client_order_id,
        side=spec["side"],
        position_side=position_side,
        price=price,
        quantity=quantity,
        time=_integer(spec["time"], f"{where} time"),
    )


def _symbol(spec: Any, symbol: str, dual: bool, catalogue: SymbolCatalogue, where: str) -> SymbolSettings:
    spec = _fields(spec, SYMBOL_FIELDS, where)
    try:
        margin_type = MarginType(spec["marginType"])
    except ValueError:
        raise StateError(f"{where}: marginType must be 'ISOLATED' or 'CROSSED'") from None
    max_leverage = catalogue.brackets(symbol).max_leverage
    leverage = _integer(spec["leverage"], f"{where} leverage", 1, max_leverage)
    sides = position_sides(dual)
    settings = SymbolSettings(margin_type=margin_type, leverage=leverage)
    for side_name, leg in _object(spec["positions"], f"{where} positions").items():
        side = _side(side_name, f"{where} positions key")
        if side not in sides:
            raise StateError(f"{where}: a {side.value} leg is not a leg of the account's position mode")
        position = _position(leg, side, f"{where} {side.value}")
        if margin_type is MarginType.CROSSED and position.margin_added != ZERO:
            raise StateError(f"{where} {side.value}: marginAdded is for ISOLATED symbols only")
        settings = settings.with_position(side, position)
    orders = spec["orders"]
    if not isinstance(orders, list):
        raise StateError(f"{where} orders must be a list")
    return SymbolSettings(
        margin_type=margin_type,
        leverage=leverage,
        positions=settings.positions,
        orders=tuple(_order(o, sides, f"{where} order #{n + 1}") for n, o in enumerate(orders)),
    )


def parse_account(account_id: str, spec: Any, catalogue: SymbolCatalogue) -> Account:
    where = f"account {account_id!r}"
    spec = _fields(spec, ACCOUNT_FIELDS, where)
    account = Account(
        account_id,
        multi_assets_margin=_flag(spec["multiAssetsMargin"], f"{where} multiAssetsMargin"),
        dual_side_position=_flag(spec["dualSidePosition"], f"{where} dualSidePosition"),
        clock_offset_ms=_integer(
            spec["clockOffsetMs"], f"{where} clockOffsetMs", -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS
        ),
    )
    for asset, entry in _object(spec["wallet"], f"{where} wallet").items():
        if asset not in catalogue.assets:
            raise StateError(f"{where} wallet: {asset!r} is not a collateral asset ({', '.join(catalogue.assets)})")
        entry = _fields(entry, WALLET_FIELDS, f"{where} wallet {asset}")
        balance = _decimal(entry["balance"], f"{where} wallet {asset} balance")
        if balance < 0:
            raise StateError(f"{where} wallet {asset} balance must not be negative")
        account.wallet[asset] = WalletAsset(
            balance, _integer(entry["updateTime"], f"{where} wallet {asset} updateTime")
        )
    for symbol, settings in _object(spec["symbols"], f"{where} symbols").items():
        if symbol not in catalogue:
            raise StateError(f"{where}: {symbol!r} is not in the symbol catalogue")
        account.store(symbol, _symbol(settings, symbol, account.dual_side_position, catalogue, f"{where} {symbol}"))
    if account.multi_assets_margin and account.has_isolated_symbol():
        raise StateError(f"{where}: Multi-Assets mode and an ISOLATED symbol cannot go together")
    return account


def parse_exchange(data: Any, catalogue: SymbolCatalogue) -> ExchangeState:
    """Validate a whole exchange document; raises StateError naming the first mistake."""
    data = _object(data, "the state")
    if data.get("version") != STATE_VERSION:
        raise StateError(f"unsupported state version {data.get('version')!r}; this fake reads version {STATE_VERSION}")
    data = _fields(data, EXCHANGE_FIELDS, "state")
    accounts: dict[str, Account] = {}
    for account_id, spec in _object(data["accounts"], "accounts").items():
        accounts[account_id] = parse_account(_account_id(account_id, "an account id"), spec, catalogue)
    raw_keys = data["keys"]
    if not isinstance(raw_keys, list):
        raise StateError("keys must be a list")
    keys: dict[str, ApiKey] = {}
    for index, spec in enumerate(raw_keys):
        key = parse_key(spec, f"key #{index + 1}")
        if key.api_key in keys:
            raise StateError(f"key #{index + 1}: apiKey {key.api_key!r} appears twice")
        keys[key.api_key] = key
        if key.account not in accounts:
            raise StateError(f"key #{index + 1}: its account {key.account!r} is not in accounts")
    next_order_id = _integer(data["nextOrderId"], "nextOrderId", 1)
    seen: set[int] = set()
    for account in accounts.values():
        for settings in account.symbols.values():
            for order in settings.orders:
                if order.order_id in seen:
                    raise StateError(f"orderId {order.order_id} appears twice")
                if order.order_id >= next_order_id:
                    raise StateError(f"orderId {order.order_id} is not below nextOrderId {next_order_id}")
                seen.add(order.order_id)
    return ExchangeState(keys, accounts, next_order_id)
