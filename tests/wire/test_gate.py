"""Every row of the design's check order for SIGNED calls, with the exact body bytes, and which check wins."""

from __future__ import annotations

import pytest
from flask import Flask
from helpers import FROZEN_MS, HMAC_KEY, HMAC_SECRET, KEYS, Caller, hmac_signature

MARGIN_TYPE = "/fapi/v1/marginType"
PARAMS = "symbol=BTCUSDT&marginType=ISOLATED"

BAD_KEY_FORMAT = b'{"code":-2014,"msg":"API-key format invalid."}'
REJECTED_KEY = b'{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action"}'
DUPLICATE = b'{"code":-1101,"msg":"Duplicate values for a parameter detected."}'
ILLEGAL = b'{"code":-1100,"msg":"Illegal characters found in a parameter."}'
NO_TIMESTAMP = b'{"code":-1102,"msg":"Mandatory parameter \'timestamp\' was not sent, was empty/null, or malformed."}'
NO_SIGNATURE = b'{"code":-1102,"msg":"Mandatory parameter \'signature\' was not sent, was empty/null, or malformed."}'
BAD_RECV_WINDOW = b'{"code":-1130,"msg":"Data sent for parameter \'recvWindow\' is not valid."}'
AHEAD = b'{"code":-1021,"msg":"Timestamp for this request was 1000ms ahead of the server\'s time."}'
OUTSIDE = b'{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'
BAD_SIGNATURE = b'{"code":-1022,"msg":"Signature for this request is not valid."}'
SUCCESS = b'{"code":200,"msg":"success"}'


def signed_query(params: str, secret: str = HMAC_SECRET) -> str:
    return f"{params}&signature={hmac_signature(secret, params)}"


def assert_answer(response: object, status: int, body: bytes) -> None:
    assert (response.status_code, response.data) == (status, body)  # type: ignore[attr-defined]
    assert response.headers["Content-Type"] == "application/json"  # type: ignore[attr-defined]


# --- check 1: key format ---
@pytest.mark.parametrize(
    "api_key",
    [None, "", "has-dash", "a" * 65, "spa ce", "ключ"],
    ids=["absent", "empty", "dash", "65", "space", "utf8"],
)
def test_key_format(caller: Caller, api_key: str | None) -> None:
    query = signed_query(f"{PARAMS}&timestamp={FROZEN_MS}")
    headers = {} if api_key is None else {"X-MBX-APIKEY": api_key}
    if api_key is not None and not api_key.isascii():
        # HTTP header values travel as latin-1; send the UTF-8 bytes as a client would.
        headers["X-MBX-APIKEY"] = api_key.encode().decode("latin-1")
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query, api_key=None, headers=headers), 401, BAD_KEY_FORMAT)


def test_sixty_four_character_key_is_well_formed(caller: Caller) -> None:
    query = signed_query(f"{PARAMS}&timestamp={FROZEN_MS}")
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query, api_key="a" * 64), 401, REJECTED_KEY)


# --- check 2: key, permission, IP ---
def _register(app: Flask, **spec: object) -> str:
    response = app.test_client().post("/__mock__/keys", json={"type": "HMAC", "secret": HMAC_SECRET, **spec})
    assert response.status_code == 200, response.json
    api_key: str = response.json["apiKey"]  # type: ignore[index]
    return api_key


@pytest.mark.parametrize(
    ("spec", "failed"),
    [
        ({"enabled": False}, "key"),
        ({"permissions": ["USER_DATA"]}, "permission"),
        ({"ipAllowList": ["10.1.2.0/24"]}, "ip"),
    ],
)
def test_key_rejected(app: Flask, caller: Caller, spec: dict[str, object], failed: str) -> None:
    api_key = _register(app, **spec)
    response = caller.send("POST", MARGIN_TYPE, query=signed_query(f"{PARAMS}&timestamp={FROZEN_MS}"), api_key=api_key)
    assert_answer(response, 401, REJECTED_KEY)
    entry = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    assert entry["code"] == -2015 and entry["detail"]["failed"] == failed


def test_unknown_key(caller: Caller) -> None:
    response = caller.send("POST", MARGIN_TYPE, query=signed_query(f"{PARAMS}&timestamp={FROZEN_MS}"), api_key="nobody")
    assert_answer(response, 401, REJECTED_KEY)


def test_ip_allow_list_admits_the_caller(app: Flask, caller: Caller) -> None:
    api_key = _register(app, ipAllowList=["127.0.0.0/8"])
    response = caller.send("POST", MARGIN_TYPE, query=signed_query(f"{PARAMS}&timestamp={FROZEN_MS}"), api_key=api_key)
    assert_answer(response, 200, SUCCESS)


def test_user_data_key_cannot_trade_but_can_read(app: Flask, caller: Caller) -> None:
    api_key = _register(app, permissions=["USER_DATA"])
    query = signed_query(f"symbol=BTCUSDT&timestamp={FROZEN_MS}")
    assert caller.send("GET", "/fapi/v1/symbolConfig", query=query, api_key=api_key).status_code == 200


# --- check 3: duplicates ---
@pytest.mark.parametrize(
    ("query", "body"),
    [
        (f"symbol=BTCUSDT&symbol=ETHUSDT&marginType=ISOLATED&timestamp={FROZEN_MS}&signature=00", ""),
        ("", f"symbol=BTCUSDT&marginType=ISOLATED&marginType=CROSSED&timestamp={FROZEN_MS}&signature=00"),
        ("signature=00", f"{PARAMS}&timestamp={FROZEN_MS}&signature=00"),
    ],
    ids=["in-query", "in-body", "signature-in-both"],
)
def test_duplicate_parameter(caller: Caller, query: str, body: str) -> None:
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query, body=body), 400, DUPLICATE)


def test_same_name_in_query_and_body_is_not_a_duplicate_and_query_wins(caller: Caller) -> None:
    query = "symbol=BTCUSDT&marginType=ISOLATED"
    body = f"marginType=CROSSED&timestamp={FROZEN_MS}"
    signature = hmac_signature(HMAC_SECRET, query + body)
    response = caller.send("POST", MARGIN_TYPE, query=query, body=f"{body}&signature={signature}")
    assert_answer(response, 200, SUCCESS)
    account = caller.client.get(f"/__mock__/accounts/{HMAC_KEY}").json
    assert account["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"  # type: ignore[index]


# --- check 4: illegal characters ---
@pytest.mark.parametrize(
    "value",
    ["BTC%20USDT", "BTC+USDT", "BTC%09USDT", "BTC%01USDT", "BTC%7FUSDT", "BTC%G1", "BTC%4", "BTC%FF", "%E2%80%8B"],
    ids=["space", "plus", "tab", "control", "del", "bad-escape", "short-escape", "not-utf8", "zero-width"],
)
def test_illegal_characters(caller: Caller, value: str) -> None:
    query = f"symbol={value}&marginType=ISOLATED&timestamp={FROZEN_MS}&signature=00"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query), 400, ILLEGAL)


def test_illegal_characters_in_a_name_or_an_unknown_parameter(caller: Caller) -> None:
    for extra in ("bad%20name=1", "ignored=a%00b"):
        query = f"{PARAMS}&{extra}&timestamp={FROZEN_MS}&signature=00"
        assert_answer(caller.send("POST", MARGIN_TYPE, query=query), 400, ILLEGAL)


def test_cjk_symbol_passes_the_character_check(caller: Caller) -> None:
    # Binance lists symbols with Chinese characters; they are legal, just not in this fake's catalogue.
    params = f"symbol=%E5%B8%81%E5%AE%89%E4%BA%BA%E7%94%9FUSDT&marginType=ISOLATED&timestamp={FROZEN_MS}"
    response = caller.send("POST", MARGIN_TYPE, query=signed_query(params))
    assert_answer(response, 400, b'{"code":-1121,"msg":"Invalid symbol."}')


# --- check 5: timestamp ---
@pytest.mark.parametrize(
    "timestamp",
    [None, "", "-1", "%2B1700000000000", "1700000000000.0", "1e12", "12345678901234567890", "9223372036854775808"],
)
def test_timestamp_missing_or_malformed(caller: Caller, timestamp: str | None) -> None:
    params = PARAMS if timestamp is None else f"{PARAMS}&timestamp={timestamp}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=f"{params}&signature=00"), 400, NO_TIMESTAMP)


# --- check 6: signature ---
@pytest.mark.parametrize("tail", ["", "&signature="])
def test_signature_missing_or_empty(caller: Caller, tail: str) -> None:
    query = f"{PARAMS}&timestamp={FROZEN_MS}{tail}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query), 400, NO_SIGNATURE)


# --- check 7: recvWindow ---
@pytest.mark.parametrize("window", ["0", "60001", "-5", "5000.5", "", "abc", "99999999999999999999"])
def test_recv_window_invalid(caller: Caller, window: str) -> None:
    params = f"{PARAMS}&recvWindow={window}&timestamp={FROZEN_MS}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=signed_query(params)), 400, BAD_RECV_WINDOW)


def test_recv_window_maximum_accepted(caller: Caller) -> None:
    params = f"{PARAMS}&recvWindow=60000&timestamp={FROZEN_MS - 60000}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=signed_query(params)), 200, SUCCESS)


# --- checks 8 and 9: timing ---
@pytest.mark.parametrize(
    ("offset", "window", "expected"),
    [
        (1000, None, AHEAD),
        (999, None, SUCCESS),
        (-5000, None, SUCCESS),
        (-5001, None, OUTSIDE),
        (-10000, "10000", SUCCESS),
        (-10001, "10000", OUTSIDE),
    ],
)
def test_timestamp_window(caller: Caller, offset: int, window: str | None, expected: bytes) -> None:
    params = PARAMS + (f"&recvWindow={window}" if window else "") + f"&timestamp={FROZEN_MS + offset}"
    response = caller.send("POST", MARGIN_TYPE, query=signed_query(params))
    assert_answer(response, 200 if expected == SUCCESS else 400, expected)


def test_timestamp_rejection_is_explained_in_the_journal(caller: Caller) -> None:
    caller.send("POST", MARGIN_TYPE, query=signed_query(f"{PARAMS}&timestamp={FROZEN_MS - 6000}"))
    entry = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    assert entry["detail"] == {"serverTime": FROZEN_MS, "timestamp": FROZEN_MS - 6000, "recvWindow": 5000}


# --- check 10: signature ---
def test_wrong_signature(caller: Caller) -> None:
    params = f"{PARAMS}&timestamp={FROZEN_MS}"
    response = caller.send("POST", MARGIN_TYPE, query=signed_query(params, secret="another secret"))
    assert_answer(response, 400, BAD_SIGNATURE)
    entry = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    assert entry["detail"] == {"signedPayload": params, "keyType": "HMAC"}
    assert HMAC_SECRET not in str(entry)


def test_uppercase_hex_signature_verifies(caller: Caller) -> None:
    params = f"{PARAMS}&timestamp={FROZEN_MS}"
    query = f"{params}&signature={hmac_signature(HMAC_SECRET, params).upper()}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query), 200, SUCCESS)


def test_signature_not_last_fails_verification(caller: Caller) -> None:
    params = f"{PARAMS}&timestamp={FROZEN_MS}"
    query = f"signature={hmac_signature(HMAC_SECRET, params)}&{params}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query), 400, BAD_SIGNATURE)


def test_signature_alone_in_the_query_signs_the_body(caller: Caller) -> None:
    body = f"{PARAMS}&timestamp={FROZEN_MS}"
    response = caller.send("POST", MARGIN_TYPE, query=f"signature={hmac_signature(HMAC_SECRET, body)}", body=body)
    assert_answer(response, 200, SUCCESS)


def test_no_ampersand_between_query_and_body(caller: Caller) -> None:
    query, body = "symbol=BTCUSDT&marginType=ISOLATED", f"timestamp={FROZEN_MS}"
    signature = hmac_signature(HMAC_SECRET, query + body)
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query, body=f"{body}&signature={signature}"), 200, SUCCESS)
    signature = hmac_signature(HMAC_SECRET, query + "&" + body)
    response = caller.send("POST", MARGIN_TYPE, query=query, body=f"{body}&signature={signature}")
    assert_answer(response, 400, BAD_SIGNATURE)


def test_raw_percent_encoded_bytes_are_signed(caller: Caller) -> None:
    # The signature covers the wire form: %55 for 'U' verifies as sent, and fails when signed decoded.
    params = f"symbol=BTC%55SDT&marginType=ISOLATED&timestamp={FROZEN_MS}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=signed_query(params)), 200, SUCCESS)
    decoded_signature = hmac_signature(HMAC_SECRET, params.replace("%55", "U"))
    response = caller.send("POST", MARGIN_TYPE, query=f"{params}&signature={decoded_signature}")
    assert_answer(response, 400, BAD_SIGNATURE)


# --- which check wins when several fail ---
@pytest.mark.parametrize(
    ("query", "api_key", "expected"),
    [
        (f"symbol=A&symbol=B&timestamp={FROZEN_MS}&signature=00", None, BAD_KEY_FORMAT),
        (f"symbol=A&symbol=B&timestamp={FROZEN_MS}&signature=00", "unknownKey", REJECTED_KEY),
        ("symbol=A&symbol=B%20&signature=00", HMAC_KEY, DUPLICATE),
        ("symbol=B%20&signature=00", HMAC_KEY, ILLEGAL),
        ("recvWindow=0", HMAC_KEY, NO_TIMESTAMP),
        (f"recvWindow=0&timestamp={FROZEN_MS}", HMAC_KEY, NO_SIGNATURE),
        (f"recvWindow=0&timestamp={FROZEN_MS + 5000}&signature=00", HMAC_KEY, BAD_RECV_WINDOW),
        (f"timestamp={FROZEN_MS + 5000}&signature=00", HMAC_KEY, AHEAD),
        (f"timestamp={FROZEN_MS - 9000}&signature=00", HMAC_KEY, OUTSIDE),
        (f"marginType=bogus&timestamp={FROZEN_MS}&signature=00", HMAC_KEY, BAD_SIGNATURE),
    ],
)
def test_first_failure_wins(caller: Caller, query: str, api_key: str | None, expected: bytes) -> None:
    response = caller.send("POST", MARGIN_TYPE, query=query, api_key=api_key)
    assert response.data == expected


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_each_key_type_verifies_and_rejects(caller: Caller, kind: str) -> None:
    key = KEYS[kind]
    assert_answer(caller.margin_type("BTCUSDT", "ISOLATED", key=key), 200, SUCCESS)
    other = KEYS["HMAC" if kind != "HMAC" else "ED25519"]
    params = f"symbol=ETHUSDT&marginType=ISOLATED&timestamp={FROZEN_MS}"
    response = caller.send("POST", MARGIN_TYPE, query=f"{params}&signature={other.sign(params)}", api_key=key.api_key)
    assert_answer(response, 400, BAD_SIGNATURE)
    entry = caller.client.get("/__mock__/journal?limit=1").json[0]  # type: ignore[index]
    assert entry["detail"]["keyType"] == kind


# --- edges no other test pinned (found by breaking the fake on purpose) ---
def test_recv_window_of_one_is_accepted_exactly_at_its_edge(caller: Caller) -> None:
    for offset, expected in ((0, SUCCESS), (-1, b'{"code":-4046,"msg":"No need to change margin type."}')):
        params = f"{PARAMS}&recvWindow=1&timestamp={FROZEN_MS + offset}"
        assert_answer(
            caller.send("POST", MARGIN_TYPE, query=signed_query(params)), 200 if offset == 0 else 400, expected
        )
    params = f"{PARAMS}&recvWindow=1&timestamp={FROZEN_MS - 2}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=signed_query(params)), 400, OUTSIDE)


def test_an_illegal_character_in_the_body_wins_over_a_query_signature(caller: Caller) -> None:
    # The character check (4) comes before verification (10), wherever the signature and the bad value sit.
    query = signed_query(f"symbol=BTCUSDT&timestamp={FROZEN_MS}")
    assert_answer(caller.send("POST", MARGIN_TYPE, query=query, body="marginType=ISO%09LATED"), 400, ILLEGAL)


@pytest.mark.parametrize("name", ["%FF", "%FE", "a%ZZ"])
def test_a_parameter_name_that_is_not_utf8_is_illegal(caller: Caller, name: str) -> None:
    params = f"{PARAMS}&{name}=1&timestamp={FROZEN_MS}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=signed_query(params)), 400, ILLEGAL)


def test_a_zero_padded_twenty_digit_timestamp_is_malformed(caller: Caller) -> None:
    params = f"{PARAMS}&timestamp={str(FROZEN_MS).rjust(20, '0')}"
    assert_answer(caller.send("POST", MARGIN_TYPE, query=signed_query(params)), 400, NO_TIMESTAMP)


@pytest.mark.parametrize("kind", ["RSA", "ED25519"])
@pytest.mark.parametrize("spoil", ["!", "%2A", "%20"])
def test_a_non_base64_character_in_a_key_pair_signature_fails_verification(
    caller: Caller, kind: str, spoil: str
) -> None:
    key = KEYS[kind]
    params = f"{PARAMS}&timestamp={FROZEN_MS}"
    signature = key.sign(params)
    spoiled = signature[:10] + spoil + signature[11:]
    response = caller.send("POST", MARGIN_TYPE, query=f"{params}&signature={spoiled}", api_key=key.api_key)
    assert_answer(response, 400, BAD_SIGNATURE)


def test_ed25519_signs_query_and_body_with_no_ampersand_between(caller: Caller) -> None:
    key = KEYS["ED25519"]
    query, body = "symbol=BTCUSDT&marginType=ISOLATED", f"timestamp={FROZEN_MS}"
    response = caller.send(
        "POST", MARGIN_TYPE, query=query, body=f"{body}&signature={key.sign(query + body)}", api_key=key.api_key
    )
    assert_answer(response, 200, SUCCESS)
    joined = caller.send(
        "POST", MARGIN_TYPE, query=query, body=f"{body}&signature={key.sign(query + '&' + body)}", api_key=key.api_key
    )
    assert_answer(joined, 400, BAD_SIGNATURE)
