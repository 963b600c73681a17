"""pytest plugin (entry point `fapi_mock`): a fake Binance USDⓈ-M futures for every test, live or in process.

Fixtures:
- `fapi_mock`: a fresh account with fresh keys on one session-wide live fake (`handle.base_url` is a loopback URL).
  Under pytest-xdist the controller starts the one fake and every worker uses it; accounts keep tests apart.
- `fapi_mock_inprocess`: a fresh in-process fake answering `requests` calls to the Binance futures hosts, no socket.
- `fapi_mock_server`: the session's live fake (`.url`, `.control`); `fapi_mock_config`: its MockConfig (override it).
- `fapi_mock_responses`: return your own `responses.RequestsMock` to have the in-process routes registered into it.

Options: `--fapi-mock-url URL` (or FAPI_MOCK_URL) uses a fake that is already running; `--fapi-mock-strict` (ini
`fapi_mock_strict`) fails a test whose calls the fake rejected unexpectedly; ini `fapi_mock_key_type` (HMAC, RSA or
ED25519) and `fapi_mock_weight_limit` (0: off). Per test: `@pytest.mark.fapi_mock(key_type="ED25519", strict=True)`.

This module imports only pytest at load time: everything else loads when a fixture is first used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import responses

    from mockserver.config import MockConfig
    from mockserver.testing.handle import Control, LiveFake, MockAccount

URL_ENV = "FAPI_MOCK_URL"
_WORKER_URL_KEY = "fapi_mock_url"
_STARTED_SERVER_KEY = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fapi-mock", "fake Binance USDⓈ-M futures")
    group.addoption("--fapi-mock-url", metavar="URL", help=f"use a running fake (default: ${URL_ENV}, else start one)")
    group.addoption(
        "--fapi-mock-strict",
        action="store_true",
        default=None,
        help="fail tests whose calls the fake rejected unexpectedly (ini: fapi_mock_strict)",
    )
    parser.addini(
        "fapi_mock_strict", "fail tests whose calls the fake rejected unexpectedly", type="bool", default=False
    )
    parser.addini("fapi_mock_key_type", "key type minted for each test: HMAC, RSA or ED25519", default="HMAC")
    parser.addini(
        "fapi_mock_weight_limit", "request weight per IP per minute of the session fake; 0 is off", default="0"
    )
    group.addoption(
        "--fapi-mock-allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="let in-process fakes pass calls to HOST through to the network (repeatable; ini: fapi_mock_allow_hosts)",
    )
    parser.addini("fapi_mock_allow_hosts", "hosts in-process fakes let through to the network", type="linelist")


_CLASH = (
    "the 'mockserver' package imported from {path} is not fapi-mock's: another distribution (probably "
    "'mockserver-client', the MockServer project's client, which uses the same top-level name) installed over it. "
    "fapi-mock and mockserver-client cannot share an environment: uninstall one of them (pip uninstall "
    "mockserver-client), then reinstall fapi-mock."
)


def pytest_configure(config: pytest.Config) -> None:
    import mockserver

    if not getattr(mockserver, "__fapi_mock__", False):
        raise pytest.UsageError(_CLASH.format(path=getattr(mockserver, "__file__", "?")))
    config.addinivalue_line(
        "markers", "fapi_mock(key_type='HMAC', strict=False): key type and strict mode of this test's fake account"
    )
    if _controller_shares_a_server(config):
        config.pluginmanager.register(_XdistHooks(config), "fapi-mock-xdist")


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_STARTED_SERVER_KEY, None)
    if server is not None:
        server.stop()


def _controller_shares_a_server(config: pytest.Config) -> bool:
    """The xdist controller (not a worker) with worker processes and no external fake named."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return False
    workers = config.getoption("numprocesses", None)
    return bool(workers) and not _external_url(config)


def _external_url(config: pytest.Config) -> str | None:
    url: str | None = config.getoption("fapi_mock_url", None) or os.environ.get(URL_ENV)
    if url is None and hasattr(config, "workerinput"):
        url = config.workerinput.get(_WORKER_URL_KEY)
    return url


class _XdistHooks:
    """Starts the one live fake in the controller when the first worker starts, and hands its URL to each worker.

    The controller cannot know which fixtures the workers will use, so any `-n` run starts it (about 7 ms), and a
    `fapi_mock_config` override in a conftest does not reach it: under xdist the shared fake has the default
    configuration, or use `--fapi-mock-url` with a fake you start yourself.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def _url(self) -> str:
        server = self.config.stash.get(_STARTED_SERVER_KEY, None)
        if server is None:
            from mockserver.hosting.server import ThreadedServer

            server = ThreadedServer(config=_default_config(self.config)).start()
            self.config.stash[_STARTED_SERVER_KEY] = server
        url: str = server.url
        return url

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[_WORKER_URL_KEY] = self._url()


_DEFAULT_MARK = "_fapi_mock_plugin_default"  # set on the plugin's own config, so an override can be told apart


def _default_config(config: pytest.Config) -> MockConfig:
    from mockserver.config import MockConfig

    limit = int(config.getini("fapi_mock_weight_limit") or 0)
    # No keys: every test mints its own account. A large journal, because many tests share it.
    built = MockConfig(keys=[], weight_limit=limit, journal_size=50_000)
    setattr(built, _DEFAULT_MARK, True)
    return built


@pytest.fixture(scope="session")
def fapi_mock_config(pytestconfig: pytest.Config) -> MockConfig:
    """The configuration of the session fake this plugin starts; override it in a conftest to change it."""
    return _default_config(pytestconfig)


@pytest.fixture(scope="session")
def fapi_mock_server(pytestconfig: pytest.Config, fapi_mock_config: MockConfig) -> Iterator[LiveFake]:
    from mockserver.testing.handle import HttpControl, LiveFake

    url = _external_url(pytestconfig)
    overridden = not getattr(fapi_mock_config, _DEFAULT_MARK, False)
    chosen_url = pytestconfig.getoption("fapi_mock_url", None) or os.environ.get(URL_ENV)
    if overridden and chosen_url:
        raise pytest.UsageError(
            f"fapi_mock_config is overridden, but the session uses the fake at {chosen_url} "
            f"(--fapi-mock-url or ${URL_ENV}), whose configuration this session cannot change: start that fake with "
            "the configuration you need (fapi-mock --accounts ...), or drop the URL to let the plugin start one"
        )
    if url is not None and not overridden:
        yield LiveFake(url.rstrip("/"), HttpControl(url))
        return
    # Here with an overridden configuration under xdist too: the controller's shared fake has the default one,
    # so this worker starts its own fake with the configuration asked for.
    from mockserver.hosting.server import ThreadedServer

    with ThreadedServer(config=fapi_mock_config) as server:
        yield LiveFake(server.url, HttpControl(server.url))


@pytest.fixture
def fapi_mock_responses() -> responses.RequestsMock | None:
    """Return your own RequestsMock (override this fixture) to have the in-process routes registered into it."""
    return None


def _account_options(request: pytest.FixtureRequest) -> tuple[str, bool]:
    marker = request.node.get_closest_marker("fapi_mock")
    options = dict(marker.kwargs) if marker else {}
    key_type = str(options.get("key_type", request.config.getini("fapi_mock_key_type"))).upper()
    strict_option = request.config.getoption("fapi_mock_strict", None)
    if strict_option is None:
        strict_option = request.config.getini("fapi_mock_strict")
    strict = bool(options.get("strict", strict_option))
    return key_type, strict


@pytest.fixture
def fapi_mock(request: pytest.FixtureRequest, fapi_mock_server: LiveFake) -> Iterator[MockAccount]:
    """A fresh account with a fresh key on the session's live fake."""
    from mockserver.testing.handle import open_account

    key_type, strict = _account_options(request)
    handle = open_account(fapi_mock_server.control, fapi_mock_server.url, key_type=key_type, strict=strict)
    _track(request, handle)
    yield handle
    # Drop the test's account and keys: a long session (or an external fake) must not pile them up.
    handle.close()


@pytest.fixture
def fapi_mock_inprocess(
    request: pytest.FixtureRequest, fapi_mock_responses: responses.RequestsMock | None
) -> Iterator[MockAccount]:
    """A fresh in-process fake: `requests` calls to the Binance futures hosts reach it with no socket.

    The handle's `base_url` is https://fapi.binance.com; `handle.interceptor` gives the app and its state.
    """
    from mockserver.hosting.intercept import BinanceInterceptor
    from mockserver.testing.handle import open_account

    key_type, strict = _account_options(request)
    app, control = _inprocess_app(request.config)
    allowed = [*request.config.getoption("fapi_mock_allow_host", []), *request.config.getini("fapi_mock_allow_hosts")]
    interceptor = BinanceInterceptor(app, mock=fapi_mock_responses, allow_hosts=allowed)
    interceptor.state.reset()  # one app per session, reset per test: as fresh as a new app, and 6 ms cheaper
    with interceptor:
        handle = open_account(control, interceptor.url, key_type=key_type, strict=strict)
        handle.interceptor = interceptor
        _track(request, handle)
        yield handle


_INPROCESS_KEY = pytest.StashKey[Any]()
_HANDLES_KEY = pytest.StashKey[list[Any]]()


def _inprocess_app(config: pytest.Config) -> tuple[Any, Control]:
    """The session's in-process app (built once: most of an app's cost is Flask's URL rules) and its control."""
    shared = config.stash.get(_INPROCESS_KEY, None)
    if shared is None:
        from mockserver.app import create_app
        from mockserver.config import MockConfig
        from mockserver.testing.handle import AppControl

        app = create_app(MockConfig(keys=[], weight_limit=0))
        shared = config.stash[_INPROCESS_KEY] = (app, AppControl(app))
    app, control = shared
    return app, control


def _track(request: pytest.FixtureRequest, handle: MockAccount) -> None:
    """Remember the test's handles for strict mode, however the test got them (argument or getfixturevalue)."""
    handles = request.node.stash.setdefault(_HANDLES_KEY, [])
    handles.append(handle)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Strict mode: a call the fake rejected and the test did not expect fails the test, with the fake's reasons."""
    result = yield
    for handle in item.stash.get(_HANDLES_KEY, []):
        if handle.strict:
            handle.assert_no_rejections()
    return result
