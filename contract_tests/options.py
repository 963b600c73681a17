"""The contract kit's two choices, from the command line or the environment: which target, where the report goes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TARGET_ENV = "FAPI_CONTRACT_TARGET"
REPORT_ENV = "FAPI_CONTRACT_REPORT"
DEFAULT_TARGET = "inprocess"


def target_spec(config: pytest.Config) -> str:
    spec: str = config.getoption("contract_target", None) or os.environ.get(TARGET_ENV) or DEFAULT_TARGET
    return spec


def report_path(config: pytest.Config) -> Path | None:
    """Where the parity report goes: the option, the environment, else pytest's cache directory (when enabled)."""
    chosen = config.getoption("contract_report", None) or os.environ.get(REPORT_ENV)
    if chosen:
        return Path(chosen)
    cache = getattr(config, "cache", None)
    return cache.mkdir("fapi-contract") / "parity.md" if cache is not None else None
