"""The testing layer: the pytest plugin (`fapi_mock` fixtures) and the `MockAccount` handle every fixture returns.
Importing this package loads nothing heavy: the plugin defers its imports until a fixture is used."""
