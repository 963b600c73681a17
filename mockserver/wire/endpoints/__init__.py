"""Binance's endpoint handlers, by topic. Each is a plain function of the fake's state and the call (already through
the gate when its route is signed), returning the JSON body of a 200 answer or raising a BinanceRejection. Which path,
method, security type and weight each has is written once, in `mockserver.wire.routes`.

`market` (public and start-up paths), `configuration` (margin type, asset and position mode, leverage, brackets,
isolated margin), `positions` (positionRisk, account and balance reads), `orders` (open orders).
"""
