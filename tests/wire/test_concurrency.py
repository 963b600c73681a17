"""Many clients flipping one symbol's margin type at once: the check-then-apply must be atomic.

Every answer is a success or -4046; successes must alternate ISOLATED, CROSSED, ISOLATED, ... so the final state is
fixed by how many of them there were, and the journal and the weight header must account for every request once.
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

import requests
from flask.testing import FlaskClient
from helpers import (
    ED25519_KEY,
    ED25519_PUBLIC_PEM,
    FROZEN_MS,
    HMAC_KEY,
    HMAC_SECRET,
    KEYS,
    RSA_KEY,
    RSA_PUBLIC_PEM,
    SigningKey,
    make_config,
)

from mockserver import Clock, MockConfig, create_app
from mockserver.hosting.server import ThreadedServer

SYMBOL = "BTCUSDT"
MARGIN_TYPE = "/fapi/v1/marginType"
THREADS = 16
CALLS_PER_THREAD = 25
OPPOSITE = {"ISOLATED": "CROSSED", "CROSSED": "ISOLATED"}


@dataclass(frozen=True)
class Answer:
    target: str
    status: int
    code: object
    weight: str | None


# A sender posts one signed marginType call and returns (status, JSON body, weight header).
Sender = Callable[[SigningKey, str], tuple[int, object, str | None]]


@functools.cache  # only two payloads per key; loading an RSA private key for every call would dominate the run
def signed_query(key: SigningKey, target: str) -> str:
    payload = f"symbol={SYMBOL}&marginType={target}&timestamp={FROZEN_MS}"
    return f"{payload}&signature={key.sign(payload)}"


def hammer(make_sender: Callable[[], tuple[Sender, Callable[[], None]]], keys: list[SigningKey]) -> list[Answer]:
    """THREADS threads, each sending CALLS_PER_THREAD calls; even threads ask for the opposite of what they last
    saw, odd ones for a random target. Exceptions in a thread fail the test instead of vanishing."""
    answers: list[Answer] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        rng = random.Random(index)
        key = keys[index % len(keys)]
        seen = "CROSSED"
        mine: list[Answer] = []
        send, close = make_sender()
        try:
            start.wait(timeout=10)
            for _ in range(CALLS_PER_THREAD):
                target = OPPOSITE[seen] if index % 2 == 0 else rng.choice(("ISOLATED", "CROSSED"))
                status, body, weight = send(key, target)
                code = body.get("code") if isinstance(body, dict) else body
                mine.append(Answer(target, status, code, weight))
                if (status, code) in ((200, 200), (400, -4046)):
                    seen = target  # either it was just applied or it already was
        except BaseException as exc:
            with lock:
                failures.append(exc)
        finally:
            close()
            with lock:
                answers.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,), name=f"flipper-{i}") for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"
    assert not failures, failures
    return answers


def check_answers(answers: list[Answer], final_margin_type: str, journal: list[dict[str, object]]) -> None:
    assert len(answers) == THREADS * CALLS_PER_THREAD
    odd = [a for a in answers if (a.status, a.code) not in ((200, 200), (400, -4046))]
    assert not odd, odd[:5]
    to_isolated = sum(1 for a in answers if a.status == 200 and a.target == "ISOLATED")
    to_crossed = sum(1 for a in answers if a.status == 200 and a.target == "CROSSED")
    # Starting CROSSED, successful changes alternate, so their count's parity decides the final state.
    assert to_isolated - to_crossed == (1 if final_margin_type == "ISOLATED" else 0), (to_isolated, to_crossed)
    assert final_margin_type == ("ISOLATED" if (to_isolated + to_crossed) % 2 else "CROSSED")
    assert to_isolated >= 1  # the even threads start by asking for ISOLATED, so somebody got it
    # Each call got its own weight count (the counter is updated atomically), and each is journaled once.
    assert sorted(int(a.weight or 0) for a in answers) == list(range(1, len(answers) + 1))
    calls = [e for e in journal if e["path"] == MARGIN_TYPE]
    assert len(calls) == len(answers)
    assert sum(1 for e in calls if e["status"] == 200) == to_isolated + to_crossed


def margin_type_of(account_state: dict[str, object]) -> str:
    symbols = account_state["symbols"]
    assert isinstance(symbols, dict)
    settings = symbols.get(SYMBOL, {})
    margin_type: str = settings.get("marginType", "CROSSED")
    return margin_type


def test_sixteen_socket_clients_flip_one_symbol() -> None:
    with ThreadedServer(config=make_config()) as server:
        base = server.url

        def make_sender() -> tuple[Sender, Callable[[], None]]:
            session = requests.Session()

            def send(key: SigningKey, target: str) -> tuple[int, object, str | None]:
                response = session.post(
                    f"{base}{MARGIN_TYPE}?{signed_query(key, target)}",
                    headers={"X-MBX-APIKEY": key.api_key},
                    timeout=10,
                )
                assert response.headers["Content-Type"] == "application/json"
                return response.status_code, response.json(), response.headers.get("X-MBX-USED-WEIGHT-1M")

            return send, session.close

        answers = hammer(make_sender, [KEYS["HMAC"]])
        with requests.Session() as session:
            state = session.get(f"{base}/__mock__/accounts/{HMAC_KEY}", timeout=10).json()
            journal = session.get(f"{base}/__mock__/journal", timeout=10).json()
    check_answers(answers, margin_type_of(state), journal)


def shared_account_config() -> MockConfig:
    """The three test keys, one of each type, all trading for one account."""
    clock = Clock()
    clock.set(frozen_at_ms=FROZEN_MS)
    return MockConfig(
        keys=[
            {"type": "HMAC", "apiKey": HMAC_KEY, "secret": HMAC_SECRET, "account": "shared"},
            {"type": "RSA", "apiKey": RSA_KEY, "publicKey": RSA_PUBLIC_PEM, "account": "shared"},
            {"type": "ED25519", "apiKey": ED25519_KEY, "publicKey": ED25519_PUBLIC_PEM, "account": "shared"},
        ],
        clock=clock,
        weight_limit=None,
    )


def test_threads_with_three_key_types_on_one_account_in_process() -> None:
    app = create_app(shared_account_config())

    def make_sender() -> tuple[Sender, Callable[[], None]]:
        client: FlaskClient = app.test_client()

        def send(key: SigningKey, target: str) -> tuple[int, object, str | None]:
            response = client.post(
                MARGIN_TYPE,
                headers={"X-MBX-APIKEY": key.api_key},
                environ_overrides={"QUERY_STRING": signed_query(key, target)},
            )
            assert response.headers["Content-Type"] == "application/json"
            return response.status_code, response.get_json(), response.headers.get("X-MBX-USED-WEIGHT-1M")

        return send, lambda: None

    answers = hammer(make_sender, [KEYS["HMAC"], KEYS["ED25519"], KEYS["RSA"]])
    client = app.test_client()
    state = client.get("/__mock__/accounts/shared").get_json()
    journal = client.get("/__mock__/journal").get_json()
    check_answers(answers, margin_type_of(state), journal)
    for key in (HMAC_KEY, RSA_KEY, ED25519_KEY):
        # The keys' own ids are not accounts here: every change landed on the shared one.
        assert client.get(f"/__mock__/accounts/{key}").status_code == 404
