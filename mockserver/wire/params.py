"""Parameters as Binance reads them: raw query and raw form body, decoded strictly, origin kept.

The signature is computed by clients over the bytes they put on the wire, so every parameter keeps its raw span
as well as its decoded text; decoding problems are recorded, not raised, because the gate decides which check
they fail and in what order.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")


class ParamOrigin(enum.StrEnum):
    QUERY = "query"
    BODY = "body"


class WireParam(NamedTuple):
    """One `name=value` segment as received (a tuple: several are built for every request)."""

    origin: ParamOrigin
    raw_name: bytes
    raw_value: bytes
    start: int  # offsets of the segment in its part: a signature segment must end the part,
    end: int  # and the signed payload is everything before its '&'
    name: str | None  # None when the name is not valid percent-encoded UTF-8
    value: str | None  # None when the value is not valid percent-encoded UTF-8

    @property
    def key(self) -> str:
        """The name to compare for duplicates; undecodable names compare by their raw bytes."""
        return self.name if self.name is not None else self.raw_name.decode("latin-1")


def form_decode(raw: bytes) -> str | None:
    """Form-decode (`+` is a space, `%XX` a byte) as strict UTF-8; None for a bad escape or bad UTF-8."""
    if raw.isalnum():  # the usual name or value: nothing to decode
        return raw.decode("ascii")
    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        pieces = _ESCAPE.split(raw)
        # split() alternates text and captured hex pairs; a '%' left in the text is a malformed escape.
        out = bytearray()
        for index, piece in enumerate(pieces):
            if index % 2:
                out.append(int(piece, 16))
            elif b"%" in piece:
                return None
            else:
                out += piece
        raw = bytes(out)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


# The most parameters one part (query string or body) may carry. No fapi endpoint reads more than a few dozen, and
# decoding each costs CPU: a 250 KB query of tiny parameters cost ~80 ms. The edge refuses a part over this before
# parsing it (-1104), after counting its segments with one bytes.count.
MAX_PARAMS_PER_PART = 100


def count_segments(raw: bytes) -> int:
    """How many `&`-separated segments a part has, empty ones included: an upper bound, at the cost of one scan."""
    return raw.count(b"&") + 1 if raw else 0


def parse_part(raw: bytes, origin: ParamOrigin, limit: int | None = None) -> list[WireParam]:
    """Split one part (query string or body) into its segments; empty segments (`a=1&&b=2`) are skipped.

    `limit` parses only the first `limit` segments (the journal of a request refused for having too many)."""
    params: list[WireParam] = []
    start = 0
    segments = raw.split(b"&") if limit is None else raw.split(b"&", limit)[:limit]
    for segment in segments:
        if segment:
            raw_name, _, raw_value = segment.partition(b"=")
            end = start + len(segment)
            params.append(
                WireParam(origin, raw_name, raw_value, start, end, form_decode(raw_name), form_decode(raw_value))
            )
        start += len(segment) + 1
    return params


def has_illegal_characters(text: str) -> bool:
    """Whitespace, control and non-printable characters are refused with -1100; CJK symbols are fine."""
    # Every whitespace character but the ASCII space is already non-printable, so this equals checking each
    # character for isspace() or not isprintable(), at a tenth of the cost (a per-character loop was a hotspot).
    return not text.isprintable() or " " in text


def parse_long(text: str) -> int | None:
    """A Binance LONG: 1 to 19 ASCII digits, at most 2**63 - 1; no sign, no spaces, no decimal point."""
    if not 1 <= len(text) <= 19 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= 2**63 - 1 else None
