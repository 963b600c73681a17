"""The public names of each package: pinned, importable, and documented.

A name added to or dropped from `__all__` is a change users see; this test makes it a deliberate one.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

PUBLIC_API = {
    "mockserver": {
        "DEMO_API_KEY",
        "DEMO_SECRET",
        "BinanceInterceptor",
        "Clock",
        "ConfigError",
        "ControlCallRefused",
        "LiveFake",
        "MockAccount",
        "MockConfig",
        "ThreadedServer",
        "create_app",
    },
    "client": {
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
    },
    "contract_tests": {
        "ClientAdapter",
        "ClientContract",
        "ParityReport",
        "ReferenceClientAdapter",
        "Target",
        "TargetUnavailable",
        "client_contract",
        "open_target",
    },
}


@pytest.mark.parametrize("package", sorted(PUBLIC_API))
def test_all_is_pinned(package: str) -> None:
    module = importlib.import_module(package)
    assert set(module.__all__) == PUBLIC_API[package]


@pytest.mark.parametrize(("package", "name"), sorted((p, n) for p, names in PUBLIC_API.items() for n in names))
def test_each_name_resolves_and_each_class_or_function_is_documented(package: str, name: str) -> None:
    value = getattr(importlib.import_module(package), name)
    if inspect.isclass(value):
        # Its own docstring: one inherited from a base class says nothing about this name.
        assert (vars(value).get("__doc__") or "").strip(), f"{package}.{name} has no docstring"
    elif inspect.isfunction(value):
        assert (value.__doc__ or "").strip(), f"{package}.{name} has no docstring"


def test_unknown_names_raise_attribute_error() -> None:
    missing = "NoSuchName"
    for package in PUBLIC_API:
        with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
            getattr(importlib.import_module(package), missing)


def test_every_fixture_returns_a_public_type() -> None:
    """The plugin's fixtures return types a user can import and annotate with."""
    import mockserver
    from mockserver.testing import plugin

    hints = {
        name: inspect.signature(getattr(plugin, name)).return_annotation
        for name in ("fapi_mock", "fapi_mock_inprocess", "fapi_mock_server")
    }
    assert hints == {
        "fapi_mock": "Iterator[MockAccount]",
        "fapi_mock_inprocess": "Iterator[MockAccount]",
        "fapi_mock_server": "Iterator[LiveFake]",
    }
    assert mockserver.MockAccount.__module__ == mockserver.LiveFake.__module__ == "mockserver.testing.handle"
