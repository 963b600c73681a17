"""State sequences over the wire: a Hypothesis state machine that changes a target's account through the API (and,
on a fake, moves positions and orders under it through the control API) while a model predicts every answer.

What it pins: -4046 when already so, -4168 (ISOLATED under Multi-Assets) before -4048 (a position) before -4047
(open orders); Multi-Assets refused with -4167 while a symbol is ISOLATED and -4171 when already so; a margin-type
change changes only the margin type (leverage stays); changes alternate 200 / -4046. The model starts from what
the target's API reports, so it runs against an account whose state the kit did not choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from contract_tests.cases import CaseClass
from contract_tests.report import ParityReport
from contract_tests.runner import Answer, call
from contract_tests.targets import Target

SYMBOLS = ("BTCUSDT", "ETHUSDT")
MARGIN_TYPES = ("ISOLATED", "CROSSED")


@dataclass
class SymbolState:
    margin_type: str = "CROSSED"
    leverage: int = 20
    position: Decimal = Decimal(0)
    orders: int = 0


@dataclass
class Model:
    symbols: dict[str, SymbolState] = field(default_factory=dict)
    multi_assets: bool = False
    isolated_elsewhere: bool = False  # a symbol the sequence does not touch is ISOLATED: -4167 holds regardless

    def margin_type_answer(self, symbol: str, target: str) -> int:
        held = self.symbols[symbol]
        if held.margin_type == target:
            return -4046
        if target == "ISOLATED" and self.multi_assets:
            return -4168
        if held.position != 0:
            return -4048
        if held.orders:
            return -4047
        return 200

    def multi_assets_answer(self, enabled: bool) -> int:
        if self.multi_assets == enabled:
            return -4171
        if enabled and (self.isolated_elsewhere or any(s.margin_type == "ISOLATED" for s in self.symbols.values())):
            return -4167
        return 200


class StateSequence(RuleBasedStateMachine):
    """Bind `target` and `report` with `bound(target, report)` before running."""

    target: Target
    report: ParityReport

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()

    @classmethod
    def bound(cls, target: Target, report: ParityReport) -> type[StateSequence]:
        return type("BoundStateSequence", (cls,), {"target": target, "report": report})

    def expect(self, what: str, answer: Answer, expected: int) -> None:
        got = answer.code
        self.report.add(what, str(expected), f"{answer.status} {got}", got == expected, CaseClass.SEQUENCE.value)
        assert got == expected, f"{what}: the target answered {answer.status} {answer.body}, the rules say {expected}"

    @initialize()
    def read_the_account(self) -> None:
        if self.target.can_seed:
            # Every run starts from the same account, so what Hypothesis draws never depends on an earlier run.
            self.target.seed_account(multiAssetsMargin=False)
            for symbol in SYMBOLS:
                self.target.seed_symbol(symbol, marginType="CROSSED", leverage=20, positionAmt="0", openOrders=0)
        configs = call(self.target, "GET", "/fapi/v1/symbolConfig").body
        assert isinstance(configs, list), configs
        by_symbol = {c["symbol"]: c for c in configs}
        self.model.isolated_elsewhere = any(
            c["marginType"] == "ISOLATED" for c in configs if c["symbol"] not in SYMBOLS
        )
        positions = call(self.target, "GET", "/fapi/v2/positionRisk").body
        assert isinstance(positions, list), positions
        for symbol in SYMBOLS:
            held = sum((Decimal(p["positionAmt"]) for p in positions if p["symbol"] == symbol), Decimal(0))
            orders = call(self.target, "GET", "/fapi/v1/openOrders", {"symbol": symbol}).body
            assert isinstance(orders, list), orders
            config = by_symbol[symbol]
            self.model.symbols[symbol] = SymbolState(config["marginType"], config["leverage"], held, len(orders))
        multi = call(self.target, "GET", "/fapi/v1/multiAssetsMargin").body
        assert isinstance(multi, dict), multi
        self.model.multi_assets = bool(multi["multiAssetsMargin"])

    @rule(symbol=st.sampled_from(SYMBOLS), margin_type=st.sampled_from(MARGIN_TYPES))
    def change_margin_type(self, symbol: str, margin_type: str) -> None:
        expected = self.model.margin_type_answer(symbol, margin_type)
        answer = call(self.target, "POST", "/fapi/v1/marginType", {"symbol": symbol, "marginType": margin_type})
        self.expect(f"marginType {symbol} to {margin_type}", answer, expected)
        if expected == 200:
            self.model.symbols[symbol].margin_type = margin_type

    @rule(enabled=st.booleans())
    def switch_multi_assets(self, enabled: bool) -> None:
        expected = self.model.multi_assets_answer(enabled)
        flag = "true" if enabled else "false"
        answer = call(self.target, "POST", "/fapi/v1/multiAssetsMargin", {"multiAssetsMargin": flag})
        self.expect(f"multiAssetsMargin {flag}", answer, expected)
        if expected == 200:
            self.model.multi_assets = enabled

    @rule(symbol=st.sampled_from(SYMBOLS), leverage=st.integers(min_value=1, max_value=20))
    def set_leverage(self, symbol: str, leverage: int) -> None:
        if self.model.symbols[symbol].position:
            return  # with a position, -4161/-2027/-2028 depend on margin the kit does not model
        answer = call(self.target, "POST", "/fapi/v1/leverage", {"symbol": symbol, "leverage": str(leverage)})
        self.expect(f"leverage {symbol} to {leverage}", answer, 200)
        self.model.symbols[symbol].leverage = leverage

    # --- the exchange moving under the account: fakes only ---
    def seedable(self) -> bool:
        return self.target.can_seed

    @precondition(seedable)
    @rule(symbol=st.sampled_from(SYMBOLS), amount=st.sampled_from(("0.01", "-2", "0")))
    def move_position(self, symbol: str, amount: str) -> None:
        self.target.seed_symbol(symbol, positionAmt=amount)
        self.model.symbols[symbol].position = Decimal(amount)

    @precondition(seedable)
    @rule(symbol=st.sampled_from(SYMBOLS), orders=st.sampled_from((0, 1, 3)))
    def move_orders(self, symbol: str, orders: int) -> None:
        self.target.seed_symbol(symbol, openOrders=orders)
        self.model.symbols[symbol].orders = orders

    @invariant()
    def symbol_config_matches_the_model(self) -> None:
        if not self.model.symbols:
            return
        configs = call(self.target, "GET", "/fapi/v1/symbolConfig").body
        assert isinstance(configs, list), configs
        by_symbol = {c["symbol"]: c for c in configs}
        for symbol, expected in self.model.symbols.items():
            held = (by_symbol[symbol]["marginType"], by_symbol[symbol]["leverage"])
            assert held == (expected.margin_type, expected.leverage), (
                f"{symbol}: symbolConfig shows {held}, the rules leave {(expected.margin_type, expected.leverage)} "
                "(a margin-type change must change only the margin type)"
            )


# --- scripted sequences: the orderings the rules depend on, every run, not left to the draw ---
def _code(target: Target, method: str, path: str, params: dict[str, str]) -> int | None:
    return call(target, method, path, params).code


def _margin(target: Target, symbol: str, margin_type: str) -> int | None:
    return _code(target, "POST", "/fapi/v1/marginType", {"symbol": symbol, "marginType": margin_type})


def _multi_assets(target: Target, enabled: bool) -> int | None:
    return _code(target, "POST", "/fapi/v1/multiAssetsMargin", {"multiAssetsMargin": "true" if enabled else "false"})


def _config(target: Target, symbol: str) -> tuple[str, int]:
    body = call(target, "GET", "/fapi/v1/symbolConfig", {"symbol": symbol}).body
    assert isinstance(body, list) and body, body
    return body[0]["marginType"], body[0]["leverage"]


def _clean(target: Target, symbol: str) -> None:
    """The symbol flat, CROSSED at 20x, and no ISOLATED symbol anywhere on the account (Multi-Assets needs that)."""
    target.seed_account(multiAssetsMargin=False)
    configs = call(target, "GET", "/fapi/v1/symbolConfig").body
    assert isinstance(configs, list), configs
    for config in configs:
        if config["marginType"] == "ISOLATED":
            target.seed_symbol(config["symbol"], marginType="CROSSED")
    target.seed_symbol(symbol, marginType="CROSSED", leverage=20, positionAmt="0", openOrders=0)


def position_before_orders(target: Target) -> list[tuple[str, object, object]]:
    """A position and open orders together: -4048 first; without the position -4047; without both, 200."""
    _clean(target, "ETHUSDT")
    target.seed_symbol("ETHUSDT", positionAmt="1", openOrders=2)
    steps: list[tuple[str, object, object]] = [
        ("with a position and orders", -4048, _margin(target, "ETHUSDT", "ISOLATED"))
    ]
    target.seed_symbol("ETHUSDT", positionAmt="0")
    steps.append(("with orders only", -4047, _margin(target, "ETHUSDT", "ISOLATED")))
    target.seed_symbol("ETHUSDT", openOrders=0)
    steps.append(("with neither", 200, _margin(target, "ETHUSDT", "ISOLATED")))
    return steps


def multi_assets_against_isolated(target: Target) -> list[tuple[str, object, object]]:
    """Multi-Assets refuses an ISOLATED symbol (-4167), and under Multi-Assets ISOLATED is refused (-4168), even
    for a symbol with a position (-4168 comes before -4048)."""
    _clean(target, "BTCUSDT")
    steps: list[tuple[str, object, object]] = [("ISOLATED", 200, _margin(target, "BTCUSDT", "ISOLATED"))]
    steps.append(("Multi-Assets with an ISOLATED symbol", -4167, _multi_assets(target, True)))
    steps.append(("back to CROSSED", 200, _margin(target, "BTCUSDT", "CROSSED")))
    steps.append(("Multi-Assets", 200, _multi_assets(target, True)))
    target.seed_symbol("BTCUSDT", positionAmt="0.5")
    steps.append(("ISOLATED under Multi-Assets, with a position", -4168, _margin(target, "BTCUSDT", "ISOLATED")))
    target.seed_symbol("BTCUSDT", positionAmt="0")
    steps.append(("Multi-Assets off", 200, _multi_assets(target, False)))
    return steps


def change_changes_only_the_margin_type(target: Target) -> list[tuple[str, object, object]]:
    """Leverage 7, then margin-type changes both ways: leverage stays 7; repeats answer -4046."""
    _clean(target, "SOLUSDT")
    steps: list[tuple[str, object, object]] = [
        ("leverage 7", 200, _code(target, "POST", "/fapi/v1/leverage", {"symbol": "SOLUSDT", "leverage": "7"})),
        ("ISOLATED", 200, _margin(target, "SOLUSDT", "ISOLATED")),
        ("ISOLATED again", -4046, _margin(target, "SOLUSDT", "ISOLATED")),
        ("symbolConfig after", ("ISOLATED", 7), _config(target, "SOLUSDT")),
        ("CROSSED", 200, _margin(target, "SOLUSDT", "CROSSED")),
        ("CROSSED again", -4046, _margin(target, "SOLUSDT", "CROSSED")),
        ("symbolConfig after", ("CROSSED", 7), _config(target, "SOLUSDT")),
    ]
    return steps


SCRIPTS = (position_before_orders, multi_assets_against_isolated, change_changes_only_the_margin_type)
