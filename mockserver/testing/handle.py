"""The handle a test holds: one fresh account on a fake, its keys, and verbs to seed, skew, fault and assert.

Control calls travel by urllib (live fake) or straight into the app (in process), never through `requests`, so a
test's own `responses` mocks can neither see nor swallow them.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

from mockserver.wire.protocol import CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER

if TYPE_CHECKING:
    from mockserver.hosting.intercept import BinanceInterceptor

CONTROL_TIMEOUT_S = 10.0


class ControlCallRefused(AssertionError):
    """The fake refused a control call (a bad seed, an unknown symbol): the test set something up wrongly."""


class Control(Protocol):
    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any: ...


class HttpControl:
    """The control API of a fake reached over HTTP."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        # A fake started with --control-token wants it on every control call.
        self.token = token if token is not None else os.environ.get(CONTROL_TOKEN_ENV)

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers[CONTROL_TOKEN_HEADER] = self.token
        request = urllib.request.Request(f"{self.base_url}/__mock__{path}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=CONTROL_TIMEOUT_S) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise ControlCallRefused(
                f"{method} /__mock__{path}: {exc.code} {exc.read().decode(errors='replace')}"
            ) from None


class AppControl:
    """The control API of an in-process fake, called through Flask's test client."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        response = self.client.open(f"/__mock__{path}", method=method, json=body)
        if response.status_code >= 400:
            raise ControlCallRefused(
                f"{method} /__mock__{path}: {response.status_code} {response.get_data(as_text=True)}"
            )
        return response.get_json()


@dataclass
class LiveFake:
    """The session's live fake, as the `fapi_mock_server` fixture gives it: its base URL and its control API."""

    url: str
    control: Control = field(repr=False)


def describe_rejection(entry: Mapping[str, Any]) -> str:
    line = f"{entry['method']} {entry['path']} -> {entry['status']} {entry.get('code')}: {entry.get('explanation')}"
    detail = entry.get("detail")
    if detail:
        line += f" {json.dumps(detail)}"
    fault = entry.get("fault")
    if fault:
        line += f" (injected fault {fault['kind']}"
        if "realCode" in fault:
            line += f", over the real answer {fault['realStatus']} {fault['realCode']}: {fault['realExplanation']}"
        line += ")"
    return line


@dataclass
class MockAccount:
    """A fresh account on a fake with one freshly minted key (HMAC unless asked otherwise).

    `base_url` is what the code under test should call; `api_key` with `secret` (HMAC) or `private_key` (RSA,
    Ed25519 PEM) is what it should sign with.
    """

    base_url: str
    account: str
    api_key: str
    key_type: str
    secret: str | None = field(repr=False)  # pytest shows fixture values in failures: keep keys out of CI logs
    private_key: str | None = field(repr=False)
    control: Control = field(repr=False)
    strict: bool = False
    expected_codes: set[int] = field(default_factory=set)
    interceptor: BinanceInterceptor | None = field(default=None, repr=False)  # in-process fakes only

    # --- keys ---
    def add_key(self, key_type: str = "HMAC", **spec: Any) -> dict[str, Any]:
        """Another key on the same account: `{"apiKey", "secret"?, "privateKey"?, ...}`."""
        minted: dict[str, Any] = self.control.call("POST", "/keys", {"type": key_type, "account": self.account, **spec})
        return minted

    # --- state ---
    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.control.call("GET", f"/accounts/{self.account}")
        return state

    def margin_type(self, symbol: str) -> str:
        return str(self.state()["symbols"].get(symbol, {}).get("marginType", "CROSSED"))

    def seed_symbol(
        self,
        symbol: str,
        *,
        margin_type: str | None = None,
        leverage: int | None = None,
        position_amt: str | float | None = None,
        entry_price: str | float | None = None,
        position_side: str | None = None,
        open_orders: int | list[Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Seed one symbol of this account; returns the account's state.

        `position_side` picks the leg (BOTH in One-way Mode; LONG or SHORT in Hedge Mode, SHORT amounts negative);
        a position without `entry_price` opens at 100. `open_orders` is a count of default LIMIT orders or a list of
        `{"side", "price", "quantity", "positionSide"?, "clientOrderId"?}`."""
        seed = {
            "marginType": margin_type,
            "leverage": leverage,
            "positionSide": position_side,
            "positionAmt": position_amt,
            "entryPrice": entry_price,
            "openOrders": open_orders,
        }
        body = {name: value for name, value in seed.items() if value is not None}
        state: dict[str, Any] = self.control.call("PUT", f"/accounts/{self.account}/symbols/{symbol}", body)
        return state

    def set_position_mode(self, dual_side_position: bool) -> None:
        """Hedge Mode (True) or One-way Mode (False); refused while the account holds positions or open orders."""
        self.control.call("PUT", f"/accounts/{self.account}", {"dualSidePosition": dual_side_position})

    def set_wallet(self, balances: Mapping[str, str | float]) -> None:
        """Set wallet balances, e.g. `{"USDT": "500"}`; assets not named keep theirs."""
        self.control.call("PUT", f"/accounts/{self.account}", {"wallet": dict(balances)})

    def set_multi_assets_margin(self, enabled: bool) -> None:
        self.control.call("PUT", f"/accounts/{self.account}", {"multiAssetsMargin": enabled})

    def set_clock_offset(self, offset_ms: int) -> None:
        """Shift server time as this account sees it (checks and /fapi/v1/time with this key), and no one else's."""
        self.control.call("PUT", f"/accounts/{self.account}", {"clockOffsetMs": offset_ms})

    # --- faults ---
    def add_fault(
        self,
        kind: str,
        *,
        path: str = "/fapi/v1/marginType",
        method: str | None = None,
        count: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        delay_ms: int | None = None,
        applied: bool | None = None,
        retry_after_s: int | None = None,
    ) -> dict[str, Any]:
        """A fault for this account's calls only: delay, disconnected, unknown, timeout, drop or ratelimited (429
        -1003 with `Retry-After: retry_after_s`, by default the rest of the clock minute)."""
        spec = {
            "kind": kind,
            "path": path,
            "method": method,
            "account": self.account,
            "count": count,
            "probability": probability,
            "seed": seed,
            "delayMs": delay_ms,
            "applied": applied,
            "retryAfterS": retry_after_s,
        }
        rule: dict[str, Any] = self.control.call("POST", "/faults", {k: v for k, v in spec.items() if v is not None})
        return rule

    def clear_faults(self) -> None:
        self.control.call("DELETE", f"/faults?{urlencode({'account': self.account})}")

    # --- what the fake received ---
    def journal(self) -> list[dict[str, Any]]:
        """This account's calls, oldest first, each with status, code and the fake's explanation."""
        entries: list[dict[str, Any]] = self.control.call("GET", f"/journal?{urlencode({'account': self.account})}")
        return entries

    def calls(self, path: str | None = None, *, method: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.journal()
            if (path is None or e["path"] == path) and (method is None or e["method"] == method)
        ]

    def assert_called(
        self,
        path: str = "/fapi/v1/marginType",
        *,
        method: str | None = None,
        params: Mapping[str, str] | None = None,
        status: int | None = None,
        code: int | None = None,
        times: int | None = None,
    ) -> list[dict[str, Any]]:
        """Assert the fake received matching calls (`times` exactly, else at least one); returns them."""
        candidates = self.calls(path, method=method)
        matching = [e for e in candidates if _matches(e, params, status, code)]
        wanted = f"{method or 'any method'} {path}" + "".join(
            f" {label}={value!r}" for label, value in (("params", params), ("status", status), ("code", code)) if value
        )
        if (times is None and not matching) or (times is not None and len(matching) != times):
            seen = "\n".join(f"  {describe_rejection(e)} params={_params(e)}" for e in candidates) or "  (none)"
            expected = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(f"expected {wanted} {expected}, got {len(matching)}; calls to {path}:\n{seen}")
        return matching

    def expect_rejections(self, *codes: int) -> ExpectedRejections:
        """From now on (for the rest of the test), rejections with these codes are expected in strict mode.

        Works as a statement (`fapi_mock.expect_rejections(-4046)`) and as a block (`with ...:`), which reads well
        around the call that should be refused; either way the codes stay expected until the test ends."""
        if not codes or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes):
            raise TypeError(f"expect_rejections takes Binance codes such as -4046, not {codes!r}")
        self.expected_codes.update(codes)
        return ExpectedRejections(codes)

    def close(self) -> None:
        """Remove this account and its keys from the fake (the fixtures do this when the test ends)."""
        self.control.call("DELETE", f"/accounts/{self.account}")

    def unexpected_rejections(self) -> list[dict[str, Any]]:
        return [e for e in self.journal() if _rejected_code(e) not in (None, *self.expected_codes)]

    def assert_no_rejections(self) -> None:
        """Assert every call this account made was answered with success (faults and expected codes aside)."""
        rejected = self.unexpected_rejections()
        if rejected:
            lines = "\n".join(f"  {describe_rejection(e)}" for e in rejected)
            raise AssertionError(f"the fake rejected {len(rejected)} call(s) of account {self.account}:\n{lines}")


@dataclass(frozen=True)
class ExpectedRejections:
    """What `MockAccount.expect_rejections` returns: the codes now expected; usable as a `with` block too."""

    codes: tuple[int, ...]

    def __enter__(self) -> ExpectedRejections:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


def _rejected_code(entry: Mapping[str, Any]) -> int | None:
    """The code the fake really refused a call with; None when it accepted it. An injected fault is the test's own
    doing: a fault that was not applied hides nothing, an applied one is judged by the answer it replaced."""
    fault = entry.get("fault")
    if fault is None or fault["kind"] == "delay":
        return entry.get("code") if entry["status"] >= 400 else None
    if not fault["applied"] or fault.get("realStatus", 200) < 400:
        return None
    code: int | None = fault.get("realCode")
    return code


def _params(entry: Mapping[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in entry.get("params", []) if p["name"] != "signature"}


def _matches(entry: Mapping[str, Any], params: Mapping[str, str] | None, status: int | None, code: int | None) -> bool:
    if status is not None and entry["status"] != status:
        return False
    if code is not None and entry.get("code") != code:
        return False
    return params is None or all(_params(entry).get(k) == v for k, v in params.items())


def open_account(control: Control, base_url: str, *, key_type: str = "HMAC", strict: bool = False) -> MockAccount:
    """Mint a fresh account (a random id) with one key of `key_type` on the fake behind `control`."""
    account = f"acct{uuid.uuid4().hex}"
    minted = control.call("POST", "/keys", {"type": key_type, "account": account})
    return MockAccount(
        base_url=base_url,
        account=account,
        api_key=minted["apiKey"],
        key_type=minted["type"],
        secret=minted.get("secret"),
        private_key=minted.get("privateKey"),
        control=control,
        strict=strict,
    )
