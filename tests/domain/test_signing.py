"""The server-side verifiers for HMAC, RSA and Ed25519, against signatures made independently."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from helpers import ED25519_PRIVATE_PEM, ED25519_PUBLIC_PEM, RSA_PRIVATE_PEM, RSA_PUBLIC_PEM
from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain.signing import (
    KeyMaterialError,
    KeyType,
    decode_signature_value,
    load_public_key,
    verify_hmac,
    verify_public_key,
)


def raw_signature(private_pem: str, payload: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        return base64.b64encode(key.sign(payload, padding.PKCS1v15(), hashes.SHA256()))
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return base64.b64encode(key.sign(payload))


@given(st.binary(max_size=200), st.text(min_size=1, max_size=40))
def test_hmac_verifies_its_own_payload_only(payload: bytes, secret: str) -> None:
    good = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    assert verify_hmac(secret, payload, good.encode())
    assert verify_hmac(secret, payload, good.upper().encode())
    assert not verify_hmac(secret, payload + b"x", good.encode())
    assert not verify_hmac(secret + "x", payload, good.encode())
    assert not verify_hmac(secret, payload, b"not hex at all")


@pytest.mark.parametrize(
    ("kind", "private_pem", "public_pem"),
    [("RSA", RSA_PRIVATE_PEM, RSA_PUBLIC_PEM), ("ED25519", ED25519_PRIVATE_PEM, ED25519_PUBLIC_PEM)],
)
def test_public_key_signatures(kind: str, private_pem: str, public_pem: str) -> None:
    key = load_public_key(public_pem, KeyType(kind))
    payload = b"symbol=BTCUSDT&marginType=ISOLATED&timestamp=1700000000000"
    signature = raw_signature(private_pem, payload)
    assert verify_public_key(key, payload, signature)
    assert not verify_public_key(key, payload + b"&x=1", signature)
    assert not verify_public_key(key, payload, b"!!not base64!!")
    assert not verify_public_key(key, payload, base64.b64encode(b"short"))
    assert not verify_public_key(key, payload, signature[:-4])


def test_public_key_must_match_its_type() -> None:
    with pytest.raises(KeyMaterialError, match="not a RSA public key"):
        load_public_key(ED25519_PUBLIC_PEM, KeyType.RSA)
    with pytest.raises(KeyMaterialError, match="not a PEM"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", KeyType.ED25519)


def test_signature_value_keeps_plus_signs() -> None:
    assert decode_signature_value(b"ab%2Bcd%3D%3D") == b"ab+cd=="
    assert decode_signature_value(b"ab+cd") == b"ab+cd"
