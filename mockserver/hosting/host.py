"""What the two ways of hosting a fake share: ThreadedServer (a socket) and BinanceInterceptor (requests' adapter)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from flask import Flask

from mockserver.app import create_app
from mockserver.config import MockConfig
from mockserver.state import MockState
from mockserver.wire.protocol import STATE_KEY


class FakeHost:
    """Hosts one fake app, given or built from a config; started and stopped, or used as a context manager."""

    def __init__(self, app: Flask | None = None, config: MockConfig | None = None) -> None:
        if app is not None and config is not None:
            raise ValueError("pass an app or a config, not both")
        self.app = app if app is not None else create_app(config)

    @property
    def state(self) -> MockState:
        """The fake's keys, accounts, journal, faults and clock, for tests that look inside."""
        state: MockState = self.app.extensions[STATE_KEY]
        return state

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
