"""The journal: a bounded record of what the fake received and why it answered as it did.

It explains rejections (the exact string verified for -1022, the times for -1021, which of key, permission or IP
failed for -2015) and never holds a secret: only the API key, which Binance sends in clear in a header.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

from mockserver.config import DEFAULT_JOURNAL_SIZE
from mockserver.wire.params import WireParam


def describe_param(param: WireParam) -> dict[str, str]:
    return {
        "name": param.key,
        "value": param.value if param.value is not None else param.raw_value.decode("latin-1"),
        "origin": param.origin.value,
    }


# Bounds per entry, so one huge request cannot make the journal (kept for the next N calls) hold megabytes: the
# first parameters, each cut to a length a human reads, and explanation details cut likewise.
MAX_PARAMS_KEPT = 32
MAX_TEXT_KEPT = 256
TRUNCATED = "…"


def _bounded_param(param: WireParam) -> WireParam:
    if len(param.raw_value) <= MAX_TEXT_KEPT and len(param.raw_name) <= MAX_TEXT_KEPT:
        return param
    return param._replace(
        raw_name=param.raw_name[:MAX_TEXT_KEPT],
        raw_value=param.raw_value[:MAX_TEXT_KEPT],
        name=param.name[:MAX_TEXT_KEPT] if param.name is not None else None,
        value=param.value[:MAX_TEXT_KEPT] + TRUNCATED if param.value is not None else None,
    )


def _bounded_detail(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value[: MAX_TEXT_KEPT * 4] + TRUNCATED
        if isinstance(value, str) and len(value) > MAX_TEXT_KEPT * 4
        else value
        for key, value in detail.items()
    }


class Journal:
    def __init__(self, max_entries: int = DEFAULT_JOURNAL_SIZE) -> None:
        # Parameters are kept as received and described only when the journal is read: every request is
        # journaled, few journals are read.
        self._entries: deque[tuple[dict[str, Any], Sequence[WireParam]]] = deque(maxlen=max_entries)
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any], params: Sequence[WireParam] = (), sent: int | None = None) -> None:
        """`sent`: how many parameters the request carried when `params` holds only the first of them."""
        total = len(params) if sent is None else max(sent, len(params))
        if total > MAX_PARAMS_KEPT:
            entry["paramsOmitted"] = total - MAX_PARAMS_KEPT
        params = tuple(_bounded_param(p) for p in params[:MAX_PARAMS_KEPT])
        if entry.get("detail"):
            entry["detail"] = _bounded_detail(entry["detail"])
        if isinstance(entry.get("path"), str) and len(entry["path"]) > MAX_TEXT_KEPT * 4:
            entry["path"] = entry["path"][: MAX_TEXT_KEPT * 4] + TRUNCATED
        with self._lock:
            entry["seq"] = next(self._sequence)
            self._entries.append((entry, params))

    def entries(self, limit: int | None = None, account: str | None = None) -> list[dict[str, Any]]:
        """Newest last; `limit` keeps only the most recent entries, `account` only that account's calls."""
        with self._lock:
            recorded = list(self._entries)
        if account is not None:
            recorded = [(e, p) for e, p in recorded if e.get("account") == account]
        if limit:
            recorded = recorded[-limit:]
        return [{**entry, "params": [describe_param(p) for p in params]} for entry, params in recorded]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
