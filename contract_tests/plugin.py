"""pytest plugin of the contract kit (entry point `fapi_contract`): its options and its Hypothesis profiles.

`--contract-target inprocess | URL | demo | testnet` ($FAPI_CONTRACT_TARGET) and `--contract-report PATH`
($FAPI_CONTRACT_REPORT) choose what `pytest --pyargs contract_tests` runs against and where its parity report goes.
The `fapi-*` Hypothesis profiles are registered when pytest configures (before Hypothesis loads the chosen profile),
never as a side effect of importing a module. Loading this plugin imports nothing but pytest.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from contract_tests.options import REPORT_ENV, TARGET_ENV


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fapi-contract", "fapi-mock contract kit (pytest --pyargs contract_tests)")
    group.addoption(
        "--contract-target",
        help=f"inprocess (default), a running fake's URL, demo or testnet (${TARGET_ENV})",
    )
    group.addoption("--contract-report", metavar="PATH", help=f"parity report path (${REPORT_ENV}; default: cache)")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis loads --hypothesis-profile in its own pytest_configure: a fapi-* profile must exist by then.
    # Hypothesis is imported only when such a profile is asked for, so sessions that never use it stay cheap.
    chosen = getattr(config.option, "hypothesis_profile", None) or os.environ.get("HYPOTHESIS_PROFILE") or ""
    if chosen.startswith("fapi-") and importlib.util.find_spec("hypothesis") is not None:
        from contract_tests.profiles import register_profiles

        register_profiles()
