"""The journal keeps what a person needs to see, within bounds: a request of thousands of parameters, or one huge
value, costs the journal a few kilobytes, not the request's size, for as long as the entry is kept."""

from __future__ import annotations

import json

from helpers import FROZEN_MS, HMAC_KEY, Caller, make_config

from mockserver import create_app
from mockserver.wire.journal import MAX_PARAMS_KEPT, MAX_TEXT_KEPT


def test_many_tiny_parameters_and_huge_values_are_journaled_within_bounds() -> None:
    caller = Caller(create_app(make_config(max_body_bytes=1 << 20)).test_client())
    tiny = "&".join(f"p{i}=1" for i in range(5000))
    huge = "x" * 60_000
    for _ in range(20):
        caller.send("POST", "/fapi/v1/marginType", query=f"{tiny}&timestamp={FROZEN_MS}")
        caller.send("POST", "/fapi/v1/marginType", body=f"symbol={huge}&timestamp={FROZEN_MS}&signature=00")
    entries = caller.client.get("/__mock__/journal").json
    assert entries is not None and len(entries) == 40
    size = len(json.dumps(entries))
    assert size < 40 * 12_000, size  # a few KB an entry, where the requests were 25-60 KB each
    many, big = entries[-2], entries[-1]
    assert len(many["params"]) == MAX_PARAMS_KEPT and many["paramsOmitted"] == 5001 - MAX_PARAMS_KEPT
    assert all(len(p["value"]) <= MAX_TEXT_KEPT + 1 for p in big["params"])
    assert big["params"][0]["value"].endswith("…")
    # What the journal is for still works: the call, its code and why.
    assert (big["status"], big["code"]) == (400, -1022) and big["apiKey"] == HMAC_KEY
