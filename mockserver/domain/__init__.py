"""The domain layer: the exchange's state and rules (accounts, API keys, signature verification, the symbol
catalogue, the clock). Pure Python under locks: it never imports a web framework, a server or an HTTP client."""
