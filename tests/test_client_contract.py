"""The client contract (contract_tests.client_contract) run against the reference client and the official SDK."""

from __future__ import annotations

from hypothesis import settings

from contract_tests.adapters import OfficialSdkAdapter, ReferenceClientAdapter
from contract_tests.client_contract import client_contract

# The active profile's examples and steps, every key type, faults and ten-minute clock skew.
TestReferenceClient = client_contract(ReferenceClientAdapter)

# The official SDK neither syncs its clock nor settles unknown outcomes: its adapter says so, so the contract keeps
# skew within the window and injects no faults. Fewer runs: each builds an SDK client.
TestOfficialSdk = client_contract(OfficialSdkAdapter, settings=settings(max_examples=20))
