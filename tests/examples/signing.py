"""A few lines of HMAC signing, as a downstream project's own client would have them."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode


def signed_query(secret: str, **params: object) -> str:
    """`params` plus a timestamp, url-encoded, with the HMAC-SHA256 signature last."""
    query = urlencode({**params, "timestamp": int(time.time() * 1000)})
    return f"{query}&signature={hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()}"
