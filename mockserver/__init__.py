"""An offline fake of Binance USDⓈ-M futures' account configuration, centred on POST /fapi/v1/marginType.

The names below load on first use, so `import mockserver` (and the pytest plugin that lives in this package) stays
cheap for test sessions that never start a fake.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.config import DEMO_API_KEY, DEMO_SECRET, ConfigError, MockConfig
    from mockserver.domain.clock import Clock
    from mockserver.hosting.intercept import BinanceInterceptor
    from mockserver.hosting.server import ThreadedServer
    from mockserver.testing.handle import ControlCallRefused, LiveFake, MockAccount

# What the pytest plugin checks to tell this package from another distribution's `mockserver` installed over it.
__fapi_mock__ = True

_EXPORTS = {
    "create_app": "mockserver.app",
    "DEMO_API_KEY": "mockserver.config",
    "DEMO_SECRET": "mockserver.config",
    "ConfigError": "mockserver.config",
    "MockConfig": "mockserver.config",
    "Clock": "mockserver.domain.clock",
    "BinanceInterceptor": "mockserver.hosting.intercept",
    "ThreadedServer": "mockserver.hosting.server",
    "ControlCallRefused": "mockserver.testing.handle",
    "LiveFake": "mockserver.testing.handle",
    "MockAccount": "mockserver.testing.handle",
}
__all__ = [
    "DEMO_API_KEY",
    "DEMO_SECRET",
    "BinanceInterceptor",
    "Clock",
    "ConfigError",
    "ControlCallRefused",
    "LiveFake",
    "MockAccount",
    "MockConfig",
    "ThreadedServer",
    "create_app",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
