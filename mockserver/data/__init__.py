"""Bundled exchange data (exchangeInfo and leverage brackets as JSON), read with `importlib.resources`.

A regular package, so that the build ships these files as its package data and no tool has to guess.
"""
