"""Cross-endpoint rules under concurrency: position mode, margin type, leverage, orders and seeds racing on one
account never leave it in a state Binance could not hold, and each change's answer matches what it did.

Threads in process (the Flask test client shares the app, so the domain's lock is what is tested): some flip the
position mode, some flip BTCUSDT's margin type, some set leverage, one seeds and cancels open orders through the
control API. Afterwards: every success of a flip is accounted for by the final state, and the invariants hold.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

from flask.testing import FlaskClient
from helpers import FROZEN_MS, HMAC_KEY, KEYS, make_config

from mockserver import create_app

ROUNDS = 60


def signed(client: FlaskClient, method: str, path: str, params: str) -> tuple[int, int]:
    payload = f"{params}&timestamp={FROZEN_MS}"
    query = f"{payload}&signature={KEYS['HMAC'].sign(payload)}"
    response = client.open(
        path, method=method, headers={"X-MBX-APIKEY": HMAC_KEY}, environ_overrides={"QUERY_STRING": query}
    )
    body = response.get_json()
    assert response.status_code in (200, 400), body
    return response.status_code, body.get("code", 200) if isinstance(body, dict) else 200


def test_mode_margin_leverage_and_orders_race_without_breaking_the_rules() -> None:
    app = create_app(make_config())
    errors: list[BaseException] = []
    outcomes: dict[str, list[tuple[str, int]]] = {"mode": [], "margin": [], "leverage": []}
    lock = threading.Lock()

    def run(worker: Callable[[FlaskClient, random.Random], None], seed: int) -> threading.Thread:
        def body() -> None:
            try:
                worker(app.test_client(), random.Random(seed))
            except BaseException as exc:  # a failure in a thread must fail the test
                errors.append(exc)

        return threading.Thread(target=body)

    def flip_mode(client: FlaskClient, rng: random.Random) -> None:
        for _ in range(ROUNDS):
            wanted = rng.choice(("true", "false"))
            _, code = signed(client, "POST", "/fapi/v1/positionSide/dual", f"dualSidePosition={wanted}")
            assert code in (200, -4059, -4067), code
            with lock:
                outcomes["mode"].append((wanted, code))

    def flip_margin(client: FlaskClient, rng: random.Random) -> None:
        for _ in range(ROUNDS):
            wanted = rng.choice(("ISOLATED", "CROSSED"))
            _, code = signed(client, "POST", "/fapi/v1/marginType", f"symbol=BTCUSDT&marginType={wanted}")
            assert code in (200, -4046, -4047), code
            with lock:
                outcomes["margin"].append((wanted, code))

    def set_leverage(client: FlaskClient, rng: random.Random) -> None:
        for _ in range(ROUNDS):
            leverage = rng.randint(1, 125)
            status, code = signed(client, "POST", "/fapi/v1/leverage", f"symbol=BTCUSDT&leverage={leverage}")
            assert (status, code) == (200, 200), code
            with lock:
                outcomes["leverage"].append((str(leverage), code))

    def churn_orders(client: FlaskClient, rng: random.Random) -> None:
        for _ in range(ROUNDS):
            if rng.random() < 0.5:
                seeded = client.put(f"/__mock__/accounts/{HMAC_KEY}/symbols/ETHUSDT", json={"openOrders": 1})
                assert seeded.status_code == 200, seeded.json
            else:
                assert signed(client, "DELETE", "/fapi/v1/allOpenOrders", "symbol=ETHUSDT") == (200, 200)

    threads = [
        run(flip_mode, 1),
        run(flip_mode, 2),
        run(flip_margin, 3),
        run(flip_margin, 4),
        run(set_leverage, 5),
        run(churn_orders, 6),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors

    state = app.test_client().get(f"/__mock__/accounts/{HMAC_KEY}").get_json()
    # Each success moved the state to what it asked for, starting from One-way Mode and CROSSED, so successes
    # alternate: as many "on" as "off", or one more "on", and the final state says which.
    mode_on = sum(1 for wanted, code in outcomes["mode"] if code == 200 and wanted == "true")
    mode_off = sum(1 for wanted, code in outcomes["mode"] if code == 200 and wanted == "false")
    assert mode_on - mode_off in (0, 1)
    assert state["dualSidePosition"] is (mode_on > mode_off)
    isolated = sum(1 for wanted, code in outcomes["margin"] if code == 200 and wanted == "ISOLATED")
    crossed = sum(1 for wanted, code in outcomes["margin"] if code == 200 and wanted == "CROSSED")
    assert isolated - crossed in (0, 1)
    assert mode_on and isolated, "no flip went through: the race this test is about never happened"
    btc = state["symbols"].get("BTCUSDT", {"marginType": "CROSSED", "leverage": 20})
    assert btc["marginType"] == ("ISOLATED" if isolated > crossed else "CROSSED")
    # The margin-type flips never reset leverage: the last leverage call is what the symbol holds.
    assert btc["leverage"] == int(outcomes["leverage"][-1][0])
    # Orders always sit on a leg of the account's mode.
    eth = state["symbols"].get("ETHUSDT", {"orders": []})
    legs = {"LONG", "SHORT"} if state["dualSidePosition"] else {"BOTH"}
    assert all(order["positionSide"] in legs for order in eth["orders"])
