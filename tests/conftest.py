"""Fixtures shared by the project's tests; the helpers behind them live in tests/helpers.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import Caller, make_config

from contract_tests.profiles import load_project_profile
from mockserver import create_app

load_project_profile()


@pytest.fixture
def app() -> Flask:
    return create_app(make_config())


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def caller(client: FlaskClient) -> Caller:
    return Caller(client)


pytest_plugins = ["pytester"]
