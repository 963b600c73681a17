"""The control layer: the `/__mock__/` API that tests use to seed and inspect a fake (a Flask blueprint)."""
