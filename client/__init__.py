"""The reference client: signing, clock skew, retries and Binance's errors done right (see client.errors)."""

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
from client.signing import Ed25519Signer, HmacSigner, RsaSigner, Signer, signer_for

__all__ = [
    "DEMO_URL",
    "PRODUCTION_URL",
    "TESTNET_URL",
    "AuthenticationError",
    "BadRequestError",
    "BinanceAPIError",
    "BinanceError",
    "Ed25519Signer",
    "FuturesClient",
    "HmacSigner",
    "IPBannedError",
    "NoChangeNeededError",
    "RateLimitedError",
    "RetryPolicy",
    "RsaSigner",
    "ServerError",
    "SignatureError",
    "Signer",
    "TimestampError",
    "TransportError",
    "signer_for",
]
