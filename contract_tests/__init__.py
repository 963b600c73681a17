"""The contract kit: a server contract to run against any target (`pytest --pyargs contract_tests`) and a client
contract to run any client against the fake (`client_contract(YourAdapter)`).

The names below load on first use: the kit's pytest plugin lives in this package and must stay cheap to load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contract_tests.adapters import ClientAdapter, ReferenceClientAdapter
    from contract_tests.client_contract import ClientContract, client_contract
    from contract_tests.report import ParityReport
    from contract_tests.targets import Target, TargetUnavailable, open_target

_EXPORTS = {
    "ClientAdapter": "contract_tests.adapters",
    "ReferenceClientAdapter": "contract_tests.adapters",
    "ClientContract": "contract_tests.client_contract",
    "client_contract": "contract_tests.client_contract",
    "ParityReport": "contract_tests.report",
    "Target": "contract_tests.targets",
    "TargetUnavailable": "contract_tests.targets",
    "open_target": "contract_tests.targets",
}
__all__ = [
    "ClientAdapter",
    "ClientContract",
    "ParityReport",
    "ReferenceClientAdapter",
    "Target",
    "TargetUnavailable",
    "client_contract",
    "open_target",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'contract_tests' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
