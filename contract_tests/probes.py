"""The server contract's cases, as tables every run covers in full and as a Hypothesis strategy for the rest.

- single faults: every mistake × every placement (query, body, mixed) × every key type, each variant at least once;
- pairs: every two compatible mistakes from different checks, whose answer is the earlier check's;
- boundaries: the edges of the timing rules (serverTime+999/+1000, exactly recvWindow / recvWindow+1 behind, the
  default window, recvWindow 1 and the maximum, LONG's largest value) on a pinned clock, or with a safety margin
  where the clock cannot be pinned;
- valid requests in every placement and key type, uppercase HMAC hex, and the query winning over the body.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import strategies as st

from contract_tests.cases import (
    AHEAD,
    BAD_RECV_WINDOW,
    INVALID_SYMBOL,
    OUTSIDE,
    PARAMS,
    PLACEMENTS,
    SYMBOLS,
    CaseClass,
    ContractCase,
    Expected,
    Mutation,
    base_case,
    compatible,
)

KEY_TYPES = ("HMAC", "RSA", "ED25519")
COMBINATIONS = tuple(itertools.product(PLACEMENTS, KEY_TYPES))
LONG_MAX = 2**63 - 1
# Where the clock cannot be pinned, timing cases keep this far from an edge: network time never decides them.
SAFETY_MARGIN_MS = 3000


def single_fault_cases() -> list[ContractCase]:
    cases = []
    for mutation in Mutation:
        for index, (placement, key_type) in enumerate(COMBINATIONS):
            detail = mutation.details[index % len(mutation.details)]
            base = base_case(index, key_type, placement)
            cases.append(replace(base, mistakes=((mutation, detail),), kind=CaseClass.SINGLE, tamper_at=index * 7))
    return cases


def pair_cases() -> list[ContractCase]:
    cases = []
    pairs = [(a, b) for a, b in itertools.combinations(Mutation, 2) if a.rank != b.rank and compatible(a, b)]
    for index, (first, second) in enumerate(pairs):
        placement, key_type = COMBINATIONS[index % len(COMBINATIONS)]
        base = base_case(index, key_type, placement)
        mistakes = ((first, first.details[0]), (second, second.details[0]))
        cases.append(replace(base, mistakes=mistakes, kind=CaseClass.PAIR, tamper_at=index))
    return cases


def valid_cases() -> list[ContractCase]:
    cases = [
        replace(base_case(index, key_type, placement), kind=CaseClass.VALID)
        for index, (placement, key_type) in enumerate(COMBINATIONS)
    ]
    cases += [
        replace(base_case(1, "HMAC", placement), uppercase_hex=True, label="valid, HMAC hex in upper case")
        for placement in PLACEMENTS
    ]
    cases.append(replace(base_case(2, "HMAC", "body"), recv_window="60000", label="valid, recvWindow 60000"))
    # A name in both parts: the query's value counts. The symbol goes to the query, its shadow to the body...
    query_first = replace(base_case(3, "HMAC", "mixed"), order=("symbol", "marginType", "timestamp", "recvWindow"))
    cases.append(replace(query_first, shadow_symbol="NOPEUSDT", label="valid symbol in the query, bad in the body"))
    # ...and the other way round, where the bad symbol in the query must win.
    body_first = replace(base_case(4, "HMAC", "mixed"), order=("marginType", "timestamp", "symbol", "recvWindow"))
    cases.append(
        replace(
            body_first,
            shadow_symbol="NOPEUSDT",
            label="bad symbol in the query, valid in the body",
            boundary_answer=INVALID_SYMBOL,
            kind=CaseClass.SINGLE,
        )
    )
    return cases


def boundary_cases(exact: bool) -> list[ContractCase]:
    """Timing edges. `exact`: the target's clock is pinned, so a case can sit one millisecond from an edge."""
    base = replace(base_case(5, "HMAC", "query"), kind=CaseClass.BOUNDARY)

    def case(label: str, offset: int, window: str | None = None, answer: Expected | None = None) -> ContractCase:
        return replace(base, label=label, timestamp_offset_ms=offset, recv_window=window, boundary_answer=answer)

    if not exact:
        margin = SAFETY_MARGIN_MS
        return [
            case(f"{margin} ms ahead", margin, answer=AHEAD),
            case(f"{margin} ms past the default window", -5000 - margin, answer=OUTSIDE),
            case("well inside the default window", -5000 + margin),
            case(f"{margin} ms past recvWindow 10000", -10000 - margin, "10000", OUTSIDE),
            case("recvWindow 0", 0, "0", BAD_RECV_WINDOW),
            case("recvWindow 60001", 0, "60001", BAD_RECV_WINDOW),
        ]
    return [
        case("serverTime+999", 999),
        case("serverTime+1000", 1000, answer=AHEAD),
        case("exactly the default window (5000) behind", -5000),
        case("the default window + 1 behind", -5001, answer=OUTSIDE),
        case("exactly recvWindow 10000 behind", -10000, "10000"),
        case("recvWindow 10000 + 1 behind", -10001, "10000", OUTSIDE),
        case("recvWindow 1, on time", 0, "1"),
        case("recvWindow 1, exactly 1 behind", -1, "1"),
        case("recvWindow 1, 2 behind", -2, "1", OUTSIDE),
        case("recvWindow 60000, exactly 60000 behind", -60000, "60000"),
        case("recvWindow 60000, 60001 behind", -60001, "60000", OUTSIDE),
        case("recvWindow 0", 0, "0", BAD_RECV_WINDOW),
        case("recvWindow 60001", 0, "60001", BAD_RECV_WINDOW),
        replace(case("timestamp = LONG's largest value", 0, answer=AHEAD), absolute_timestamp=LONG_MAX),
    ]


# --- the Hypothesis strategy: any valid shape, or one or two mistakes, drawn at random ---
@st.composite
def contract_cases(draw: st.DrawFn, key_types: tuple[str, ...] = ("HMAC",), valid_share: float = 0.4) -> ContractCase:
    base = ContractCase(
        symbol=draw(st.sampled_from(SYMBOLS)),
        margin_type=draw(st.sampled_from(("ISOLATED", "CROSSED"))),
        key_type=draw(st.sampled_from(key_types)),
        placement=draw(st.sampled_from(PLACEMENTS)),
        order=tuple(draw(st.permutations(PARAMS))),
        recv_window=draw(st.one_of(st.none(), st.integers(min_value=5000, max_value=60000).map(str))),
        tamper_at=draw(st.integers(min_value=0, max_value=63)),
    )
    if draw(st.floats(min_value=0, max_value=1)) < valid_share:
        return base
    first = draw(st.sampled_from(list(Mutation)))
    mistakes = [(first, draw(st.sampled_from(first.details)))]
    partners = [m for m in Mutation if m.rank != first.rank and compatible(first, m)]
    pair: bool = draw(st.booleans())
    if partners and pair:
        second = draw(st.sampled_from(partners))
        mistakes.append((second, second.details[0]))
    if any(m in (Mutation.STALE_TIMESTAMP, Mutation.FUTURE_TIMESTAMP) for m, _ in mistakes):
        base = replace(base, recv_window=None)  # the default window keeps the edge far from network time
    kind = CaseClass.PAIR if len(mistakes) == 2 else CaseClass.SINGLE
    return replace(base, mistakes=tuple(mistakes), kind=kind)
