"""What a route is: method, path, handler, Binance security type and request weight, in one row.

The edge reads everything it needs to answer a Binance path from the route: the weight to count, whether the gate
runs and with which permission, and the handler to call with the authorized request. A handler never checks a
signature or a permission itself, so an endpoint's facts cannot drift apart across modules.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mockserver.domain.keys import ApiKey, Permission
from mockserver.wire.gate import SignedRequest

if TYPE_CHECKING:
    from mockserver.state import MockState


class Security(enum.StrEnum):
    """Binance's security type of an endpoint: NONE is public; the others are SIGNED and need that permission."""

    NONE = "NONE"
    USER_DATA = "USER_DATA"
    TRADE = "TRADE"

    @property
    def permission(self) -> Permission | None:
        return None if self is Security.NONE else Permission(self.value)


@dataclass(frozen=True)
class Call:
    """What a handler receives: the request as it arrived, its decoded parameters (signature removed) and, on a
    signed route, the key that passed the gate."""

    request: SignedRequest
    params: dict[str, str]
    key: ApiKey | None = None

    @property
    def account(self) -> str:
        """The account of the signing key; only signed routes have one."""
        if self.key is None:
            raise RuntimeError("a public route has no account: declare the route USER_DATA or TRADE")
        return self.key.account


Handler = Callable[["MockState", Call], bytes]


@dataclass(frozen=True)
class Route:
    """One Binance endpoint. `weight` is its REQUEST_WEIGHT per call; `weight_all_symbols`, when set, is the weight
    of a call that omits `symbol` (Binance prices "every symbol" reads higher)."""

    method: str
    path: str
    handler: Handler
    security: Security = Security.NONE
    weight: int = 1
    weight_all_symbols: int | None = None

    def weight_of(self, has_symbol: bool) -> int:
        return self.weight if has_symbol or self.weight_all_symbols is None else self.weight_all_symbols


UNKNOWN_PATH_WEIGHT = 1  # Binance counts a call to a path it does not serve like any other


class RouteTable:
    """Routes by path and method. HEAD is answered by the GET route, without the body, and weighs what GET does."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._by_path: dict[str, dict[str, Route]] = {}
        for route in routes:
            methods = self._by_path.setdefault(route.path, {})
            if route.method in methods:
                raise ValueError(f"{route.method} {route.path} is routed twice")
            if route.method == "HEAD":
                raise ValueError(f"{route.path}: HEAD is served by the GET route, do not route it")
            methods[route.method] = route

    def find(self, method: str, path: str) -> tuple[Route | None, bool]:
        """The route for `method path`, and whether the path is served at all (a 405 rather than a 404)."""
        methods = self._by_path.get(path)
        if methods is None:
            return None, False
        return methods.get("GET" if method == "HEAD" else method), True

    def __iter__(self) -> Iterator[Route]:
        for methods in self._by_path.values():
            yield from methods.values()
