"""An offline fake of Binance USDⓈ-M futures' POST /fapi/v1/marginType and the endpoints around it."""

from mockserver.app import create_app
from mockserver.clock import Clock
from mockserver.config import DEMO_API_KEY, DEMO_SECRET, ConfigError, MockConfig

__all__ = ["DEMO_API_KEY", "DEMO_SECRET", "Clock", "ConfigError", "MockConfig", "create_app"]
