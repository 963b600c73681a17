"""The hosting layer: ways to run a fake. `ThreadedServer` (a socket, waitress), `BinanceInterceptor` (in process,
through `responses`) and the `fapi-mock` command line."""
