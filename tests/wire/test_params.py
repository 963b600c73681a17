"""Strict form decoding and Binance LONGs, checked against the standard library with Hypothesis."""

from __future__ import annotations

from urllib.parse import quote, quote_plus, unquote_to_bytes

from hypothesis import given
from hypothesis import strategies as st

from mockserver.wire.params import ParamOrigin, form_decode, has_illegal_characters, parse_long, parse_part


@given(st.text())
def test_form_decode_inverts_percent_encoding(text: str) -> None:
    assert form_decode(quote_plus(text).encode()) == text
    assert form_decode(quote(text, safe="").encode()) == text


@given(st.binary())
def test_form_decode_is_strict_utf8(raw: bytes) -> None:
    encoded = quote(raw, safe="").encode()
    try:
        expected: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        expected = None
    assert form_decode(encoded) == expected


@given(st.binary())
def test_form_decode_refuses_every_malformed_escape(raw: bytes) -> None:
    decoded = form_decode(raw)
    if decoded is not None:
        # Whatever decodes must be what a lenient decoder makes of it too.
        assert decoded == unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    for bad in (b"%", b"%4", b"%G1", b"%%"):
        assert form_decode(raw + bad) is None


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_parse_long_accepts_every_long(value: int) -> None:
    assert parse_long(str(value)) == value


@given(st.text())
def test_parse_long_is_only_ascii_digits(text: str) -> None:
    value = parse_long(text)
    if value is not None:
        assert text.isascii() and text.isdigit() and 1 <= len(text) <= 19 and value <= 2**63 - 1


def test_parse_long_edges() -> None:
    assert parse_long("9223372036854775807") == 2**63 - 1
    for text in ("", "9223372036854775808", "-1", "+1", " 1", "1.0", "١٢٣", "0x10"):
        assert parse_long(text) is None


def test_parse_part_keeps_raw_spans() -> None:
    raw = b"a=1&&b=%41+&c&signature=ff"
    params = parse_part(raw, ParamOrigin.BODY)
    assert [(p.key, p.value) for p in params] == [("a", "1"), ("b", "A "), ("c", ""), ("signature", "ff")]
    assert [raw[p.start : p.end] for p in params] == [b"a=1", b"b=%41+", b"c", b"signature=ff"]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20))
def test_illegal_characters_are_exactly_whitespace_and_non_printables(text: str) -> None:
    assert has_illegal_characters(text) == any(not c.isprintable() or c.isspace() for c in text)
    assert not has_illegal_characters("BTCUSDT") and not has_illegal_characters("币安人生USDT")
