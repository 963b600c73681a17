"""The wire layer: Binance's HTTP surface. The route table, the WSGI edge that answers every Binance path, the gate
of ordered checks, parameter parsing, rate limits, faults and the journal. It turns bytes into domain calls and
domain results back into Binance's bytes; no business rule lives here."""
