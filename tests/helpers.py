"""Test helpers: a fake with a frozen clock and one key of each type, plus independent test-side signing.

The signing here is written for the tests with `hmac`/`cryptography` directly, never through mockserver's
verifier, so a mistake on either side shows up as a failing test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mockserver import Clock, MockConfig

FROZEN_MS = 1_700_000_000_000
HMAC_KEY = "testApiKeyHmac"
HMAC_SECRET = "testApiSecretABCDEF"
ED25519_KEY = "testApiKeyEd25519"
RSA_KEY = "testApiKeyRsa"
# The throwaway Ed25519 key of the client wire-shape test vectors.
ED25519_PRIVATE_PEM = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIHjOJIjCrGFo7I6ZdFhePi/M14wO2wEVEVJETy7fp+QD
-----END PRIVATE KEY-----
"""
ED25519_PUBLIC_PEM = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAvtUlr4qUOxHrPTCrkjEcmawatKGZ8twpJFNv0DvrWHQ=
-----END PUBLIC KEY-----
"""


def _pem(private: rsa.RSAPrivateKey) -> tuple[str, str]:
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


RSA_PRIVATE_PEM, RSA_PUBLIC_PEM = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def hmac_signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def ed25519_signature(private_pem: str, payload: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return quote(base64.b64encode(key.sign(payload.encode())).decode(), safe="")


def rsa_signature(private_pem: str, payload: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    raw = key.sign(payload.encode(), padding.PKCS1v15(), hashes.SHA256())
    return quote(base64.b64encode(raw).decode(), safe="")


@dataclass(frozen=True)
class SigningKey:
    api_key: str
    kind: str  # HMAC, RSA or ED25519
    secret_or_pem: str

    def sign(self, payload: str) -> str:
        if self.kind == "HMAC":
            return hmac_signature(self.secret_or_pem, payload)
        if self.kind == "RSA":
            return rsa_signature(self.secret_or_pem, payload)
        return ed25519_signature(self.secret_or_pem, payload)


KEYS = {
    "HMAC": SigningKey(HMAC_KEY, "HMAC", HMAC_SECRET),
    "RSA": SigningKey(RSA_KEY, "RSA", RSA_PRIVATE_PEM),
    "ED25519": SigningKey(ED25519_KEY, "ED25519", ED25519_PRIVATE_PEM),
}


def make_config(**overrides: object) -> MockConfig:
    clock = Clock()
    clock.set(frozen_at_ms=FROZEN_MS)
    options: dict[str, object] = {"clock": clock, "weight_limit": None}
    options.update(overrides)
    return MockConfig(
        keys=[
            {"type": "HMAC", "apiKey": HMAC_KEY, "secret": HMAC_SECRET},
            {"type": "RSA", "apiKey": RSA_KEY, "publicKey": RSA_PUBLIC_PEM},
            {"type": "ED25519", "apiKey": ED25519_KEY, "publicKey": ED25519_PUBLIC_PEM},
        ],
        **options,  # type: ignore[arg-type]
    )


class Caller:
    """Sends signed calls the way real clients do: params in the query, the body, or split."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def send(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        body: str = "",
        api_key: str | None = HMAC_KEY,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        all_headers = dict(headers or {})
        if api_key is not None:
            all_headers["X-MBX-APIKEY"] = api_key
        return self.client.open(
            path,
            method=method,
            headers=all_headers,
            data=body.encode("latin-1") if body else None,
            content_type="application/x-www-form-urlencoded" if body else None,
            environ_overrides={"QUERY_STRING": query},
        )

    def signed(
        self,
        method: str,
        path: str,
        params: str,
        *,
        key: SigningKey = KEYS["HMAC"],
        where: str = "query",
        timestamp: int | None = FROZEN_MS,
    ) -> TestResponse:
        """Sign `params` (plus timestamp) with `key` and send them in the query or the body."""
        payload = "&".join(p for p in (params, f"timestamp={timestamp}" if timestamp is not None else "") if p)
        wire = f"{payload}&signature={key.sign(payload)}"
        if where == "query":
            return self.send(method, path, query=wire, api_key=key.api_key)
        return self.send(method, path, body=wire, api_key=key.api_key)

    def margin_type(self, symbol: str, margin_type: str, **options: object) -> TestResponse:
        return self.signed("POST", "/fapi/v1/marginType", f"symbol={symbol}&marginType={margin_type}", **options)  # type: ignore[arg-type]


@contextmanager
def running_cli(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m mockserver --port 0 ARGS` (what `make run` starts) in a subprocess; yields it and its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if not first.startswith("fapi-mock listening on http://"):
            process.kill()  # before reading stderr: a live process would never end it
            raise AssertionError(first + (process.stderr.read() if process.stderr else ""))
        yield process, first.rsplit(" ", 1)[1].strip()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


# --- seeding and expected bodies, for the endpoint tests ---
def compact(body: Any) -> bytes:
    """Binance's byte form of a JSON body: no spaces, non-ASCII kept."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def mandatory(name: str) -> bytes:
    """The -1102 body for a missing or malformed parameter (fapi lowercases the name)."""
    return (
        b'{"code":-1102,"msg":"Mandatory parameter \'%s\' was not sent, was empty/null, or malformed."}'
        % name.lower().encode()
    )


def seed_account(caller: Caller, **fields: object) -> None:
    """PUT /__mock__/accounts/<the HMAC key's account>, asserting the seed is taken."""
    response = caller.client.put(f"/__mock__/accounts/{HMAC_KEY}", json=fields)
    assert response.status_code == 200, response.json


def seed_symbol(caller: Caller, symbol: str, **fields: object) -> None:
    """PUT /__mock__/accounts/<the HMAC key's account>/symbols/<symbol>, asserting the seed is taken."""
    response = caller.client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/{symbol}", json=fields)
    assert response.status_code == 200, response.json
