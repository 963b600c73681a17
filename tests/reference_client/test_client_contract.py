"""The client contract (contract_tests.client_contract) run against the reference client.

The official SDK runs it too, through the adapter in tests/examples/test_client_contract_adapter.py.
"""

from __future__ import annotations

from contract_tests.adapters import ReferenceClientAdapter
from contract_tests.client_contract import client_contract

# The active profile's examples and steps, every key type, faults and ten-minute clock skew.
TestReferenceClient = client_contract(ReferenceClientAdapter)
