"""API keys: what a registered key may do, from where, and how its signatures are checked."""

from __future__ import annotations

import enum
import ipaddress
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from mockserver.domain.fields import SpecError, refuse_unknown_fields
from mockserver.domain.signing import (
    KeyMaterialError,
    KeyType,
    PublicKey,
    load_public_key,
    verify_hmac,
    verify_public_key,
)

KEY_FIELDS = ("type", "apiKey", "secret", "publicKey", "account", "permissions", "ipAllowList", "enabled")
API_KEY_PATTERN = re.compile(r"[A-Za-z0-9]{1,64}")

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Permission(enum.StrEnum):
    TRADE = "TRADE"
    USER_DATA = "USER_DATA"


class KeySpecError(SpecError):
    """A key description (control API or accounts file) that cannot be registered."""


@dataclass(frozen=True)
class ApiKey:
    api_key: str
    key_type: KeyType
    account: str
    permissions: frozenset[Permission]
    ip_allow_list: tuple[IpNetwork, ...] = ()
    enabled: bool = True
    secret: str | None = field(default=None, repr=False)  # HMAC only; never journaled or logged
    public_key: PublicKey | None = field(default=None, repr=False)

    def allows_ip(self, client_ip: str) -> bool:
        if not self.ip_allow_list:
            return True
        try:
            address = ipaddress.ip_address(client_ip)
        except ValueError:
            return False
        return any(address in network for network in self.ip_allow_list)

    def verify(self, payload: bytes, signature: bytes) -> bool:
        if self.key_type is KeyType.HMAC:
            assert self.secret is not None
            return verify_hmac(self.secret, payload, signature)
        assert self.public_key is not None
        return verify_public_key(self.public_key, payload, signature)

    def describe(self) -> dict[str, Any]:
        """The key as the control API shows it: everything but the secret."""
        return {
            "apiKey": self.api_key,
            "type": self.key_type.value,
            "account": self.account,
            "permissions": sorted(p.value for p in self.permissions),
            "ipAllowList": [str(n) for n in self.ip_allow_list],
            "enabled": self.enabled,
        }


@dataclass(frozen=True)
class MintedKey:
    """A registered key plus what its owner needs to sign: the HMAC secret or a generated private key."""

    key: ApiKey
    private_key_pem: str | None = field(default=None, repr=False)

    def answer(self) -> dict[str, Any]:
        body: dict[str, Any] = {"apiKey": self.key.api_key, "account": self.key.account, "type": self.key.key_type}
        if self.key.secret is not None:
            body["secret"] = self.key.secret
        if self.private_key_pem is not None:
            body["privateKey"] = self.private_key_pem
        return body


def _string(spec: Mapping[str, Any], name: str) -> str | None:
    value = spec.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise KeySpecError(f"{name} must be a non-empty string")
    return value


def _permissions(spec: Mapping[str, Any]) -> frozenset[Permission]:
    raw = spec.get("permissions", [p.value for p in Permission])
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise KeySpecError("permissions must be a list of 'TRADE' and 'USER_DATA'")
    try:
        return frozenset(Permission(p) for p in raw)
    except ValueError:
        raise KeySpecError(f"permissions must be a list of 'TRADE' and 'USER_DATA', got {raw!r}") from None


def _ip_allow_list(spec: Mapping[str, Any]) -> tuple[IpNetwork, ...]:
    raw = spec.get("ipAllowList", [])
    if not isinstance(raw, list) or not all(isinstance(ip, str) for ip in raw):
        raise KeySpecError("ipAllowList must be a list of IP addresses or CIDR ranges")
    try:
        return tuple(ipaddress.ip_network(ip, strict=False) for ip in raw)
    except ValueError as exc:
        raise KeySpecError(f"ipAllowList: {exc}") from None


def _generate_private_key(key_type: KeyType) -> tuple[PublicKey, str]:
    private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    if key_type is KeyType.RSA:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private = ed25519.Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    return private.public_key(), pem


def build_key(spec: Mapping[str, Any]) -> MintedKey:
    """Turn a camelCase key description into a key; API keys, HMAC secrets and key pairs are minted when absent."""
    if not isinstance(spec, Mapping):
        raise KeySpecError("a key must be a JSON object")
    # A typo ("secrte") must not silently give the key a generated secret.
    refuse_unknown_fields(spec, KEY_FIELDS, "key", KeySpecError)
    try:
        key_type = KeyType(str(spec.get("type", "HMAC")).upper())
    except ValueError:
        raise KeySpecError("type must be one of HMAC, RSA, ED25519") from None
    api_key = _string(spec, "apiKey") or secrets.token_hex(32)
    if not API_KEY_PATTERN.fullmatch(api_key):
        raise KeySpecError("apiKey must be 1 to 64 ASCII letters or digits, as Binance sends them")
    enabled = spec.get("enabled", True)
    if not isinstance(enabled, bool):
        raise KeySpecError("enabled must be true or false")
    secret = _string(spec, "secret")
    public_pem = _string(spec, "publicKey")
    public_key: PublicKey | None = None
    private_pem: str | None = None
    if key_type is KeyType.HMAC:
        if public_pem is not None:
            raise KeySpecError("an HMAC key takes a secret, not a publicKey")
        secret = secret or secrets.token_hex(32)
    else:
        if secret is not None:
            raise KeySpecError(f"an {key_type.value} key takes a publicKey, not a secret")
        if public_pem is None:
            public_key, private_pem = _generate_private_key(key_type)
        else:
            try:
                public_key = load_public_key(public_pem, key_type)
            except KeyMaterialError as exc:
                raise KeySpecError(str(exc)) from None
    key = ApiKey(
        api_key=api_key,
        key_type=key_type,
        account=_string(spec, "account") or api_key,
        permissions=_permissions(spec),
        ip_allow_list=_ip_allow_list(spec),
        enabled=enabled,
        secret=secret,
        public_key=public_key,
    )
    return MintedKey(key, private_pem)
