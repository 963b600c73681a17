"""What the server contract runs against: this fake in process (default), a running fake by URL, or Binance's own
demo or testnet with credentials from the environment.

    --contract-target inprocess | http://127.0.0.1:8080 | demo | testnet     (or FAPI_CONTRACT_TARGET)
    FAPI_CONTRACT_API_KEY plus FAPI_CONTRACT_API_SECRET (HMAC) or FAPI_CONTRACT_PRIVATE_KEY_FILE (RSA/Ed25519 PEM)

A target with a control API (a fake) can do more than the wire allows: pin its clock (boundary cases become exact),
seed positions and orders (state sequences), and mint keys with chosen permissions. Without one the kit runs
what the API alone can reach and skips the rest, saying why.
"""

from __future__ import annotations

import http.client
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from contract_tests.reference import DEMO_URL, TESTNET_URL, HmacSigner, Signer, signer_for

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
    control: Any = None  # the fake's control API (mockserver.testing.handle.Control), None for Binance
    raw_wire: bool = True  # send over http.client (byte-exact); False for the in-process fake
    account: str | None = None  # the account the credentials belong to, on a fake

    @property
    def can_pin_clock(self) -> bool:
        return self.control is not None

    @property
    def can_seed(self) -> bool:
        return self.control is not None and self.account is not None

    @property
    def can_mint_keys(self) -> bool:
        return self.control is not None and self.account is not None

    @contextmanager
    def pinned_clock(self) -> Iterator[int]:
        """Freeze the fake's clock for the block (restoring it after); yields the frozen server time."""
        if self.control is None:
            raise TargetUnavailable(f"{self.name} has no clock to pin")
        before = self.control.call("GET", "/clock")
        now = int(before["serverTime"])
        self.control.call("PUT", "/clock", {"frozenAtMs": now})
        try:
            yield now
        finally:
            self.control.call("PUT", "/clock", {"frozenAtMs": before["frozenAtMs"]})

    def mint_key(self, key_type: str, permissions: list[str]) -> Credential:
        """A new key on the contract's account with only `permissions` (TRADE, USER_DATA)."""
        if self.control is None or self.account is None:
            raise TargetUnavailable(f"{self.name} cannot mint keys")
        minted = self.control.call(
            "POST", "/keys", {"type": key_type, "account": self.account, "permissions": permissions}
        )
        signer = HmacSigner(minted["secret"]) if key_type == "HMAC" else signer_for(private_key=minted["privateKey"])
        return Credential(minted["apiKey"], signer)

    def seed_symbol(self, symbol: str, **fields: Any) -> None:
        if self.control is None or self.account is None:
            raise TargetUnavailable(f"{self.name} cannot be seeded")
        self.control.call("PUT", f"/accounts/{self.account}/symbols/{symbol}", fields)

    def seed_account(self, **fields: Any) -> None:
        if self.control is None or self.account is None:
            raise TargetUnavailable(f"{self.name} cannot be seeded")
        self.control.call("PUT", f"/accounts/{self.account}", fields)

    @property
    def key_types(self) -> tuple[str, ...]:
        return tuple(self.credentials)

    def server_time_ms(self, api_key: str) -> int:
        response = self.session.get(f"{self.base_url}/fapi/v1/time", headers={"X-MBX-APIKEY": api_key}, timeout=10)
        return int(response.json()["serverTime"])

    def send(self, method: str, path: str, query: str, body: str, headers: dict[str, str]) -> requests.Response:
        """Send exactly these bytes. requests and urllib3 re-quote a malformed escape (`%ZZ`) that a case sends
        on purpose, so over a socket the request goes through http.client; in process (where `responses` answers
        requests' calls) the URL is set after preparation, which requests leaves alone."""
        if self.raw_wire:
            return _send_raw(self.base_url, method, path, query, body, headers)
        request = requests.Request(
            method, f"{self.base_url}{path}", data=body.encode("ascii") if body else None, headers=headers
        )
        prepared = self.session.prepare_request(request)
        prepared.url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        return self.session.send(prepared, timeout=10)

    def close(self) -> None:
        self.session.close()
        if self.closer is not None:
            self.closer()


def _send_raw(
    base_url: str, method: str, path: str, query: str, body: str, headers: dict[str, str]
) -> requests.Response:
    parts = urlsplit(base_url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.netloc, timeout=10)
    try:
        data = body.encode("ascii") if body else None
        all_headers = {"Content-Length": str(len(data or b"")), **headers} if method != "GET" or data else headers
        connection.request(method, f"{parts.path}{path}" + (f"?{query}" if query else ""), data, all_headers)
        raw = connection.getresponse()
        response = requests.Response()
        response.status_code = raw.status
        response.headers = CaseInsensitiveDict(raw.getheaders())
        response._content = raw.read()
        response.encoding = "utf-8"
        response.url = base_url + path
        return response
    finally:
        connection.close()


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


def _mint_credentials(control: Any) -> tuple[str, dict[str, Credential]]:
    """One fresh account with a key of each type, on a fake reached through its control API."""
    from mockserver.testing.handle import open_account

    first = open_account(control, "", key_type="HMAC")
    credentials = {"HMAC": Credential(first.api_key, HmacSigner(first.secret or ""))}
    for key_type in ("RSA", "ED25519"):
        minted = first.add_key(key_type)
        credentials[key_type] = Credential(minted["apiKey"], signer_for(private_key=minted["privateKey"]))
    return first.account, credentials


def inprocess_target() -> Target:
    from mockserver.config import MockConfig
    from mockserver.hosting.intercept import BinanceInterceptor
    from mockserver.testing.handle import AppControl

    # Session-long, so nothing is patched process-wide: the target's own session is answered by the fake, and the
    # rest of the test session's calls (and their network guards) are left alone.
    interceptor = BinanceInterceptor(config=MockConfig(keys=[], weight_limit=None))
    target = fake_target("this fake, in process", interceptor.url, AppControl(interceptor.app))
    target.session = interceptor.session()
    target.raw_wire = False  # the fake's adapter receives requests' prepared bytes unchanged
    return target


def fake_target(name: str, base_url: str, control: Any, closer: Any = None) -> Target:
    """A fake reached at `base_url` whose control API is `control`: a fresh account with a key of each type."""
    account, credentials = _mint_credentials(control)
    return Target(name, base_url, credentials, closer=closer, control=control, account=account)


def url_target(url: str) -> Target:
    from mockserver.testing.handle import HttpControl

    url = url.rstrip("/")
    return fake_target(f"the fake at {url}", url, HttpControl(url))


def _env_credential(where: str) -> Credential:
    api_key = os.environ.get(API_KEY_ENV)
    secret = os.environ.get(SECRET_ENV)
    key_file = os.environ.get(PRIVATE_KEY_FILE_ENV)
    if not api_key or not (secret or key_file):
        raise TargetUnavailable(
            f"{where} needs {API_KEY_ENV} and {SECRET_ENV} or {PRIVATE_KEY_FILE_ENV} in the environment"
        )
    signer = signer_for(secret=secret) if secret else signer_for(private_key=Path(key_file or "").read_text())
    return Credential(api_key, signer)


def binance_target(which: str) -> Target:
    credential = _env_credential(f"Binance {which}")
    base_url = DEMO_URL if which == "demo" else TESTNET_URL
    return Target(f"Binance {which}", base_url, {credential.signer.key_type: credential}, is_fake=False)


def foreign_target(url: str) -> Target:
    """A server reached by URL with credentials from the environment and no control API (another fake, a proxy):
    the kit runs what the API alone can reach."""
    credential = _env_credential(f"the server at {url}")
    return Target(f"the server at {url} (API only)", url, {credential.signer.key_type: credential}, is_fake=False)


def open_target(spec: str) -> Target:
    """`inprocess`, a URL of a running fake (or, with credentials in the environment, of any server), `demo` or
    `testnet`."""
    if spec == "inprocess":
        return inprocess_target()
    if spec in ("demo", "testnet"):
        return binance_target(spec)
    if spec.startswith(("http://", "https://")):
        # Credentials in the environment mean "use these, like a client would": no control API is assumed.
        return foreign_target(spec.rstrip("/")) if os.environ.get(API_KEY_ENV) else url_target(spec)
    raise ValueError(f"unknown contract target {spec!r}: use inprocess, a URL, demo or testnet")
