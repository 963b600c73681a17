"""Request weight per client IP per clock minute, with Binance's 429 and escalating 418 bans."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from mockserver import errors
from mockserver.config import DEFAULT_WEIGHT_LIMIT
from mockserver.domain.clock import Clock
from mockserver.errors import BinanceRejection

MINUTE_MS = 60_000
FIRST_BAN_MS = 2 * MINUTE_MS
LONGEST_BAN_MS = 3 * 24 * 60 * MINUTE_MS


def _seconds_until(now_ms: int, then_ms: int) -> int:
    return max(1, -(-(then_ms - now_ms) // 1000))


@dataclass
class _IpUsage:
    minute: int = -1
    used: int = 0
    limited_minute: int = -1  # the minute in which this IP was last answered 429
    banned_until_ms: int = 0
    bans: int = 0


class RateLimiter:
    """Counts weight per IP; `limit=None` counts without ever refusing (the header stays exact)."""

    def __init__(self, clock: Clock, limit: int | None = DEFAULT_WEIGHT_LIMIT) -> None:
        self.clock = clock
        self.limit = limit
        self._usage: dict[str, _IpUsage] = {}
        self._lock = threading.Lock()
        self._swept_minute = -1

    def reset(self) -> None:
        with self._lock:
            self._usage.clear()

    def used_weight(self, ip: str) -> int:
        minute = self.clock.now_ms() // MINUTE_MS
        with self._lock:
            usage = self._usage.get(ip)
            return usage.used if usage is not None and usage.minute == minute else 0

    def admit(self, ip: str, weight: int) -> int:
        """Count a request's weight and return the IP's weight used this minute, or raise 429/418."""
        now = self.clock.now_ms()
        minute = now // MINUTE_MS
        with self._lock:
            if minute != self._swept_minute:
                self._sweep(now, minute)
            usage = self._usage.setdefault(ip, _IpUsage())
            if usage.minute != minute:
                usage.minute, usage.used = minute, 0
            if self.limit is None:
                usage.used += weight
                return usage.used
            if usage.banned_until_ms > now:
                raise self._rejection(errors.ip_banned(ip, usage.banned_until_ms), now, usage.banned_until_ms, usage)
            if usage.limited_minute == minute:
                # Still sending after a 429 in this minute: Binance bans, longer for each repeat offence.
                usage.bans += 1
                usage.banned_until_ms = now + min(FIRST_BAN_MS * 2 ** (usage.bans - 1), LONGEST_BAN_MS)
                raise self._rejection(errors.ip_banned(ip, usage.banned_until_ms), now, usage.banned_until_ms, usage)
            if usage.used + weight > self.limit:
                usage.limited_minute = minute
                raise self._rejection(errors.too_many_requests(ip, self.limit), now, (minute + 1) * MINUTE_MS, usage)
            usage.used += weight
            return usage.used

    def _sweep(self, now: int, minute: int) -> None:
        """Forget IPs with nothing left to remember (no weight this minute, no ban running, no recent offence that a
        next ban must escalate from): once a minute, so the table holds about one minute's IPs plus offenders."""
        self._swept_minute = minute
        stale = [
            ip
            for ip, usage in self._usage.items()
            if usage.minute < minute
            and usage.limited_minute < minute
            and (usage.banned_until_ms + LONGEST_BAN_MS if usage.bans else usage.banned_until_ms) <= now
        ]
        for ip in stale:
            del self._usage[ip]

    def tracked_ips(self) -> int:
        with self._lock:
            return len(self._usage)

    @staticmethod
    def _rejection(spec: errors.ErrorSpec, now: int, until_ms: int, usage: _IpUsage) -> BinanceRejection:
        rejection = BinanceRejection(
            spec, f"weight used {usage.used} this minute; refused until {until_ms}", {"retryAfterMs": until_ms - now}
        )
        rejection.headers["Retry-After"] = str(_seconds_until(now, until_ms))
        rejection.used_weight = usage.used
        return rejection
