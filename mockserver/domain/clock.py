"""The fake's one clock: `/fapi/v1/time`, timestamp checks and rate-limit windows all read it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """Wall-clock milliseconds, shifted by an offset or frozen at an instant, so tests never sleep."""

    def __init__(self, source: Callable[[], int] = _wall_clock_ms) -> None:
        self._source = source
        self._lock = threading.Lock()
        # (offset, frozen instant) replaced as one tuple, so a read needs no lock: it is on every request's path.
        self._setting: tuple[int, int | None] = (0, None)
        self.changes = 0  # bumped by every set or advance, so a state file knows when to save

    def now_ms(self) -> int:
        offset, frozen = self._setting
        return frozen if frozen is not None else self._source() + offset

    @property
    def offset_ms(self) -> int:
        return self._setting[0]

    @property
    def frozen_at_ms(self) -> int | None:
        return self._setting[1]

    def set(self, *, offset_ms: int | None = None, frozen_at_ms: int | None = None, unfreeze: bool = False) -> None:
        """Move or freeze the clock; a frozen instant wins over the offset until `unfreeze`."""
        with self._lock:
            offset, frozen = self._setting
            if offset_ms is not None:
                offset = offset_ms
            if unfreeze:
                frozen = None
            if frozen_at_ms is not None:
                frozen = frozen_at_ms
            self._setting = (offset, frozen)
            self.changes += 1

    def advance(self, ms: int) -> None:
        """Move time forward: a frozen clock moves its instant, a running one its offset."""
        with self._lock:
            offset, frozen = self._setting
            self._setting = (offset, frozen + ms) if frozen is not None else (offset + ms, None)
            self.changes += 1
