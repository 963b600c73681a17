"""Signers for the three key types Binance issues, written apart from the fake's verifiers on purpose.

Each returns the signature as it goes on the wire: HMAC as lowercase hex, RSA and Ed25519 as base64 that is then
percent-encoded once (`+`, `/` and `=` would otherwise change meaning in a form).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Protocol
from urllib.parse import quote

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa


class Signer(Protocol):
    """Signs the exact bytes a request puts on the wire; `key_type` names the Binance key type it signs for."""

    key_type: str

    def sign(self, payload: bytes) -> str:
        """The `signature` value for `payload`, ready for the wire."""
        ...


class HmacSigner:
    """HMAC-SHA256 with the key's secret, written as lowercase hex."""

    key_type = "HMAC"

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode("utf-8")

    def sign(self, payload: bytes) -> str:
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "HmacSigner(secret=***)"


class _PrivateKeySigner:
    key_type = ""

    def __init__(self, private_key_pem: str, password: bytes | None = None) -> None:
        self._key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=password)
        self._check(self._key)

    def _check(self, key: object) -> None:
        raise NotImplementedError

    def _raw_signature(self, payload: bytes) -> bytes:
        raise NotImplementedError

    def sign(self, payload: bytes) -> str:
        return quote(base64.b64encode(self._raw_signature(payload)).decode("ascii"), safe="")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(private_key=***)"


class RsaSigner(_PrivateKeySigner):
    """RSASSA-PKCS1-v1_5 with SHA-256, as Binance documents for RSA keys."""

    key_type = "RSA"

    def _check(self, key: object) -> None:
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("not an RSA private key")

    def _raw_signature(self, payload: bytes) -> bytes:
        assert isinstance(self._key, rsa.RSAPrivateKey)
        return self._key.sign(payload, padding.PKCS1v15(), hashes.SHA256())


class Ed25519Signer(_PrivateKeySigner):
    """Ed25519 (RFC 8032) over the signed bytes, base64-encoded."""

    key_type = "ED25519"

    def _check(self, key: object) -> None:
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")

    def _raw_signature(self, payload: bytes) -> bytes:
        assert isinstance(self._key, ed25519.Ed25519PrivateKey)
        return self._key.sign(payload)


def signer_for(*, secret: str | None = None, private_key: str | None = None) -> Signer:
    """An HMAC signer for a secret, or an RSA/Ed25519 signer for a PEM private key (its type decides)."""
    if (secret is None) == (private_key is None):
        raise ValueError("give exactly one of secret (HMAC) or private_key (RSA or Ed25519 PEM)")
    if secret is not None:
        return HmacSigner(secret)
    assert private_key is not None
    key = serialization.load_pem_private_key(private_key.encode("ascii"), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        return RsaSigner(private_key)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return Ed25519Signer(private_key)
    raise ValueError(f"unsupported private key type {type(key).__name__}")
