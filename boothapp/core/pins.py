"""PIN hashing: PBKDF2-SHA256 with a per-PIN salt; PINs are never stored plain."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_ITERATIONS = 120_000
_SCHEME = "pbkdf2_sha256"


def validate_pin(pin: str) -> str | None:
    """The problem with a PIN, or None when it is acceptable."""
    if not pin.isdigit():
        return "the PIN must be digits only"
    if not 4 <= len(pin) <= 8:
        return "the PIN must have 4 to 8 digits"
    return None


def hash_pin(pin: str, *, iterations: int = _ITERATIONS) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), iterations)
    return f"{_SCHEME}${iterations}${salt}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != _SCHEME:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest)
