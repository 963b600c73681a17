"""The client contract against your own client: an adapter with four verbs, its class handed to `client_contract`."""

from client import BadRequestError, FuturesClient, signer_for  # stands for your project's own client
from contract_tests.client_contract import client_contract


class MyClientAdapter:
    syncs_time = True  # it re-syncs with /fapi/v1/time after a -1021, so the contract skews the clock by minutes
    resolves_unknown_outcomes = True  # it reads the state back after a 503/408/timeout, so faults are injected

    def __init__(self, base_url, api_key, secret, private_key):
        signer = signer_for(secret=secret, private_key=private_key)  # HMAC secret, or an RSA/Ed25519 PEM
        self.client = FuturesClient(api_key, signer, base_url=base_url, sleep=lambda seconds: None)

    def change_margin_type(self, symbol, margin_type):
        return self._code(self.client.change_margin_type, symbol, margin_type)

    def set_multi_assets_margin(self, enabled):
        return self._code(self.client.set_multi_assets_margin, enabled)

    def margin_type(self, symbol):
        return self.client.margin_type(symbol)

    @staticmethod
    def _code(call, *args):
        try:
            call(*args)
        except BadRequestError as rejection:  # Binance said no: the contract checks which code
            return rejection.code
        return 200


TestMyClient = client_contract(MyClientAdapter)
