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
        self._offset_ms = 0
        self._frozen_at_ms: int | None = None

    def now_ms(self) -> int:
        with self._lock:
            if self._frozen_at_ms is not None:
                return self._frozen_at_ms
            return self._source() + self._offset_ms

    @property
    def offset_ms(self) -> int:
        return self._offset_ms

    @property
    def frozen_at_ms(self) -> int | None:
        return self._frozen_at_ms

    def set(self, *, offset_ms: int | None = None, frozen_at_ms: int | None = None, unfreeze: bool = False) -> None:
        """Move or freeze the clock; a frozen instant wins over the offset until `unfreeze`."""
        with self._lock:
            if offset_ms is not None:
                self._offset_ms = offset_ms
            if unfreeze:
                self._frozen_at_ms = None
            if frozen_at_ms is not None:
                self._frozen_at_ms = frozen_at_ms

    def advance(self, ms: int) -> None:
        """Move time forward: a frozen clock moves its instant, a running one its offset."""
        with self._lock:
            if self._frozen_at_ms is not None:
                self._frozen_at_ms += ms
            else:
                self._offset_ms += ms
