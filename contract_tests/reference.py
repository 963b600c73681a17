"""The reference client as the kit uses it, imported only after making sure `client` is fapi-mock's.

`client` is a common module name: a bot repository's own `client.py` found first on `sys.path` would shadow it and
fail later with a puzzling "cannot import name". The kit checks where `client` comes from and says so plainly.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_HOME = Path(__file__).resolve().parent.parent  # where fapi-mock's top-level packages sit side by side


def _check_reference_client() -> None:
    spec = importlib.util.find_spec("client")
    origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
    if origin is None or origin.parent.parent != _HOME or origin.name != "__init__.py":
        raise ImportError(
            f"the module 'client' found first on sys.path ({origin or 'none'}) is not fapi-mock's reference client "
            f"(expected {_HOME / 'client' / '__init__.py'}): a module of your own named 'client' shadows it. Rename "
            "it, or run pytest with --import-mode=importlib so your test directories stay off sys.path."
        )


_check_reference_client()

from client import (  # noqa: E402  (the check above must run first)
    DEMO_URL,
    TESTNET_URL,
    AuthenticationError,
    BadRequestError,
    FuturesClient,
    HmacSigner,
    Signer,
    signer_for,
)

__all__ = [
    "DEMO_URL",
    "TESTNET_URL",
    "AuthenticationError",
    "BadRequestError",
    "FuturesClient",
    "HmacSigner",
    "Signer",
    "signer_for",
]
