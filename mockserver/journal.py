"""The journal: a bounded record of what the fake received and why it answered as it did.

It explains rejections (the exact string verified for -1022, the times for -1021, which of key, permission or IP
failed for -2015) and never holds a secret: only the API key, which Binance sends in clear in a header.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from typing import Any

DEFAULT_JOURNAL_SIZE = 1000


class Journal:
    def __init__(self, max_entries: int = DEFAULT_JOURNAL_SIZE) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=max_entries)
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = next(self._sequence)
            self._entries.append(entry)

    def entries(self, limit: int | None = None, account: str | None = None) -> list[dict[str, Any]]:
        """Newest last; `limit` keeps only the most recent entries, `account` only that account's calls."""
        with self._lock:
            entries = list(self._entries)
        if account is not None:
            entries = [e for e in entries if e.get("account") == account]
        return entries[-limit:] if limit else entries

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
