"""Signature verification for the three key types Binance issues: HMAC-SHA256, RSA and Ed25519.

The server side only ever verifies; the reference client in `client/` signs with code of its own, so a symmetric
mistake cannot hide in shared code.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
from urllib.parse import unquote_to_bytes

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey


class KeyType(enum.StrEnum):
    HMAC = "HMAC"
    RSA = "RSA"
    ED25519 = "ED25519"


PublicKey = RSAPublicKey | Ed25519PublicKey


class KeyMaterialError(ValueError):
    """A public key that cannot be loaded, or one that does not match the declared key type."""


def load_public_key(pem: str, key_type: KeyType) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError) as exc:
        raise KeyMaterialError(f"publicKey is not a PEM SubjectPublicKeyInfo: {exc}") from None
    if key_type is KeyType.RSA and isinstance(key, RSAPublicKey):
        return key
    if key_type is KeyType.ED25519 and isinstance(key, Ed25519PublicKey):
        return key
    raise KeyMaterialError(f"publicKey is a {type(key).__name__}, not a {key_type.value} public key")


def decode_signature_value(raw: bytes) -> bytes:
    """Percent-decode the signature without turning '+' into a space: a forgotten-encoded base64 '+' still works."""
    return unquote_to_bytes(raw)


def hmac_hex(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def verify_hmac(secret: str, payload: bytes, signature: bytes) -> bool:
    # Binance accepts the hex digest in either case; compare_digest keeps the comparison constant-time.
    expected = hmac_hex(secret, payload).encode("ascii")
    return hmac.compare_digest(expected, signature.lower())


def _base64_signature(signature: bytes) -> bytes | None:
    try:
        return base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return None


def verify_public_key(key: PublicKey, payload: bytes, signature: bytes) -> bool:
    decoded = _base64_signature(signature)
    if decoded is None:
        return False
    try:
        if isinstance(key, RSAPublicKey):
            key.verify(decoded, payload, padding.PKCS1v15(), hashes.SHA256())
        else:
            key.verify(decoded, payload)
    except InvalidSignature:
        return False
    return True
