"""What the endpoint handlers share: reading parameters the way Binance does, and writing numbers the way it does."""

from __future__ import annotations

import re
from decimal import Context, Decimal

from mockserver import errors
from mockserver.errors import BinanceRejection
from mockserver.state import MockState

SUCCESS = b'{"code":200,"msg":"success"}'
_EIGHT_PLACES = Decimal("0.00000001")
# Wide enough for any amount the fake can hold (seeds stay below 10**18 with 18 decimals; notional is their product).
_WIDE = Context(prec=80)
_PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,18})?", re.ASCII)


def required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise BinanceRejection(errors.mandatory_parameter(name), f"{name} is missing or empty")
    return value


def required_int(params: dict[str, str], name: str) -> tuple[int, str]:
    """A mandatory INT parameter, and its text as sent (some messages echo it)."""
    text = required(params, name)
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        raise BinanceRejection(errors.mandatory_parameter(name), f"{name} {text!r} is not a non-negative integer")
    return int(text), text


def required_decimal(params: dict[str, str], name: str) -> Decimal:
    """A mandatory DECIMAL parameter in plain notation: exponents ("1e-999999") would let one call store a number
    whose text is megabytes long."""
    text = required(params, name)
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise BinanceRejection(errors.mandatory_parameter(name), f"{name} {text!r} is not a plain decimal number")
    return Decimal(text)


def required_bool(params: dict[str, str], name: str) -> bool:
    """ "true"/"false" in any case: python-binance sends a Python bool as `True`/`False`, and Binance takes it."""
    text = params.get(name, "")
    if text.lower() not in ("true", "false"):
        raise BinanceRejection(errors.mandatory_parameter(name), f"{name} {text!r} is not 'true' or 'false'")
    return text.lower() == "true"


def requested_symbols(state: MockState, params: dict[str, str]) -> list[str]:
    """The optional `symbol` filter of the USER_DATA reads: one known symbol, or the whole catalogue."""
    symbol = params.get("symbol")
    if symbol is None:
        return list(state.exchange.catalogue)
    state.exchange.require_symbol(symbol)
    return [symbol]


def money(value: Decimal) -> str:
    """Balances and margins as Binance writes them: eight decimal places."""
    return format(value.quantize(_EIGHT_PLACES, context=_WIDE), "f")


def amount_text(value: Decimal) -> str:
    return format(value, "f")
