"""The reference client for the fake and for Binance USDⓈ-M futures (built in its own issue)."""
