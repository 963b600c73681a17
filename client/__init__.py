"""The reference client: signing, clock skew, retries and Binance's errors done right (see client.errors), and the
typed structures its account reads return (see client.models)."""

from client.client import DEMO_URL, PRODUCTION_URL, TESTNET_URL, FuturesClient, RetryPolicy
from client.errors import (
    AuthenticationError,
    BadRequestError,
    BinanceAPIError,
    BinanceError,
    IPBannedError,
    NoChangeNeededError,
    RateLimitedError,
    ServerError,
    SignatureError,
    TimestampError,
    TransportError,
)
from client.models import (
    AccountConfig,
    Balance,
    LeverageBracket,
    LeverageChange,
    OpenOrder,
    Position,
    SymbolBrackets,
)
from client.signing import Ed25519Signer, HmacSigner, RsaSigner, Signer, signer_for

__all__ = [
    "DEMO_URL",
    "PRODUCTION_URL",
    "TESTNET_URL",
    "AccountConfig",
    "AuthenticationError",
    "BadRequestError",
    "Balance",
    "BinanceAPIError",
    "BinanceError",
    "Ed25519Signer",
    "FuturesClient",
    "HmacSigner",
    "IPBannedError",
    "LeverageBracket",
    "LeverageChange",
    "NoChangeNeededError",
    "OpenOrder",
    "Position",
    "RateLimitedError",
    "RetryPolicy",
    "RsaSigner",
    "ServerError",
    "SignatureError",
    "Signer",
    "SymbolBrackets",
    "TimestampError",
    "TransportError",
    "signer_for",
]
