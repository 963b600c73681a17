"""An offline fake of Binance USDⓈ-M futures' POST /fapi/v1/marginType and the endpoints around it.

The names below load on first use, so `import mockserver` (and the pytest plugin that lives in this package) stays
cheap for test sessions that never start a fake.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.clock import Clock
    from mockserver.config import DEMO_API_KEY, DEMO_SECRET, ConfigError, MockConfig
    from mockserver.intercept import BinanceInterceptor
    from mockserver.server import ThreadedServer

_EXPORTS = {
    "create_app": "mockserver.app",
    "Clock": "mockserver.clock",
    "DEMO_API_KEY": "mockserver.config",
    "DEMO_SECRET": "mockserver.config",
    "ConfigError": "mockserver.config",
    "MockConfig": "mockserver.config",
    "BinanceInterceptor": "mockserver.intercept",
    "ThreadedServer": "mockserver.server",
}
__all__ = [
    "DEMO_API_KEY",
    "DEMO_SECRET",
    "BinanceInterceptor",
    "Clock",
    "ConfigError",
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
