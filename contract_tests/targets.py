"""What the server contract runs against: this fake in process (default), a running fake by URL, or Binance's own
demo or testnet with credentials from the environment.

    --contract-target inprocess | http://127.0.0.1:8080 | demo | testnet     (or FAPI_CONTRACT_TARGET)
    FAPI_CONTRACT_API_KEY plus FAPI_CONTRACT_API_SECRET (HMAC) or FAPI_CONTRACT_PRIVATE_KEY_FILE (RSA/Ed25519 PEM)
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from client.client import DEMO_URL, TESTNET_URL
from client.signing import HmacSigner, Signer, signer_for

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

API_KEY_ENV = "FAPI_CONTRACT_API_KEY"
SECRET_ENV = "FAPI_CONTRACT_API_SECRET"
PRIVATE_KEY_FILE_ENV = "FAPI_CONTRACT_PRIVATE_KEY_FILE"
KEY_TYPES = ("HMAC", "RSA", "ED25519")


class TargetUnavailable(Exception):
    """The chosen target cannot be used here (no credentials): the suite skips rather than fails."""


@dataclass
class Credential:
    api_key: str
    signer: Signer


@dataclass
class Target:
    """A server under contract: where it is, the keys to sign with (by key type), how to send."""

    name: str
    base_url: str
    credentials: dict[str, Credential]
    session: requests.Session = field(default_factory=requests.Session)
    is_fake: bool = True
    closer: Any = None

    @property
    def key_types(self) -> tuple[str, ...]:
        return tuple(self.credentials)

    def server_time_ms(self, api_key: str) -> int:
        response = self.session.get(f"{self.base_url}/fapi/v1/time", headers={"X-MBX-APIKEY": api_key}, timeout=10)
        return int(response.json()["serverTime"])

    def send(self, method: str, path: str, query: str, body: str, headers: dict[str, str]) -> requests.Response:
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        return self.session.request(
            method, url, data=body.encode("ascii") if body else None, headers=headers, timeout=10
        )

    def close(self) -> None:
        self.session.close()
        if self.closer is not None:
            self.closer()


@cache
def stranger_signer(key_type: str) -> Signer:
    """A signer of `key_type` with a key no server knows: for requests signed with the wrong key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    if key_type == "HMAC":
        return HmacSigner(secrets.token_hex(32))
    private: PrivateKeyTypes = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if key_type == "RSA"
        else ed25519.Ed25519PrivateKey.generate()
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    return signer_for(private_key=pem)


def _mint_credentials(control: Any) -> dict[str, Credential]:
    """One fresh account with a key of each type, on a fake reached through its control API."""
    from mockserver.testing.handle import open_account

    first = open_account(control, "", key_type="HMAC")
    credentials = {"HMAC": Credential(first.api_key, HmacSigner(first.secret or ""))}
    for key_type in ("RSA", "ED25519"):
        minted = first.add_key(key_type)
        credentials[key_type] = Credential(minted["apiKey"], signer_for(private_key=minted["privateKey"]))
    return credentials


def inprocess_target() -> Target:
    from mockserver.config import MockConfig
    from mockserver.hosting.intercept import BinanceInterceptor
    from mockserver.testing.handle import AppControl

    interceptor = BinanceInterceptor(config=MockConfig(keys=[], weight_limit=None)).start()
    return Target(
        "this fake, in process",
        interceptor.url,
        _mint_credentials(AppControl(interceptor.app)),
        closer=interceptor.stop,
    )


def url_target(url: str) -> Target:
    from mockserver.testing.handle import HttpControl

    url = url.rstrip("/")
    return Target(f"the fake at {url}", url, _mint_credentials(HttpControl(url)))


def binance_target(which: str) -> Target:
    api_key = os.environ.get(API_KEY_ENV)
    secret = os.environ.get(SECRET_ENV)
    key_file = os.environ.get(PRIVATE_KEY_FILE_ENV)
    if not api_key or not (secret or key_file):
        raise TargetUnavailable(
            f"Binance {which} needs {API_KEY_ENV} and {SECRET_ENV} or {PRIVATE_KEY_FILE_ENV} in the environment"
        )
    signer = signer_for(secret=secret) if secret else signer_for(private_key=Path(key_file or "").read_text())
    base_url = DEMO_URL if which == "demo" else TESTNET_URL
    return Target(f"Binance {which}", base_url, {signer.key_type: Credential(api_key, signer)}, is_fake=False)


def open_target(spec: str) -> Target:
    """`inprocess`, a URL of a running fake, `demo` or `testnet`."""
    if spec == "inprocess":
        return inprocess_target()
    if spec in ("demo", "testnet"):
        return binance_target(spec)
    if spec.startswith(("http://", "https://")):
        return url_target(spec)
    raise ValueError(f"unknown contract target {spec!r}: use inprocess, a URL, demo or testnet")
