"""Webhook signatures, Stripe-style: what kzeditor sends and what a receiver checks.

Each delivery carries ``X-Kzeditor-Signature: t=<unix seconds>,v1=<hex>`` where
``<hex> = HMAC-SHA256(secret, f"{t}." + body)`` over the exact bytes of the request body. The
timestamp is inside the signed message, so a captured request cannot be replayed later with a
new time: receivers reject signatures older than a few minutes (``tolerance``) and
de-duplicate on ``X-Kzeditor-Delivery`` (the event id, the same on every redelivery).

Pure functions with no Django import: a receiver written in Python may copy this module."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_SCHEME = "v1"
DEFAULT_TOLERANCE = 300  # seconds


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else bytes(body)


def webhook_signature(secret: str, timestamp: int, body: bytes | str) -> str:
    """The ``X-Kzeditor-Signature`` header value for ``body`` sent at ``timestamp``."""
    timestamp = int(timestamp)
    return f"t={timestamp},{SIGNATURE_SCHEME}={_digest(secret, timestamp, _as_bytes(body))}"


def webhook_verify(
    secret: str,
    header: str,
    body: bytes | str,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """Whether ``header`` (an ``X-Kzeditor-Signature`` value) signs ``body`` with ``secret``
    and its timestamp is within ``tolerance`` seconds of ``now`` (default: the current time).

    Pass the raw request body, byte for byte, not a re-serialised copy of the parsed JSON.
    Several ``v1=`` entries are accepted (any may match), so a sender rotating its secret may
    sign with both. Digests are compared in constant time. Never raises on a malformed header."""
    if not header or not secret:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return False
        elif name == SIGNATURE_SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = _digest(secret, timestamp, _as_bytes(body))
    # Check every candidate (no early exit), each in constant time.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected.encode(), candidate.encode("utf-8", "replace"))
    return matched
