"""Staff PINs: Argon2id hashes (each with its own random salt), never stored plain.

PINs have only 4-8 digits, so the hash alone cannot make guessing slow; the lockout
(``core.pin_lockout``) does that. The hash keeps a stolen database file from handing out
every PIN at once. Older databases hold PBKDF2 hashes: they still verify, and
``needs_rehash`` tells the staff service to replace them on the next right PIN (issue 14).
"""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from boothapp.core.i18n import _

# OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): ~35 ms per check on a booth laptop,
# off the GUI thread; the kiosk exit checks every staff member's hash in turn.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_LEGACY = "pbkdf2_sha256"


def validate_pin(pin: str) -> str | None:
    """The problem with a PIN, or None when it is acceptable."""
    if not pin.isdigit():
        return _("the PIN must be digits only")
    if not 4 <= len(pin) <= 8:
        return _("the PIN must have 4 to 8 digits")
    return None


def hash_pin(pin: str) -> str:
    """An Argon2id hash (``$argon2id$v=19$m=...``) with a fresh random salt."""
    return _HASHER.hash(pin)


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored`` (Argon2id, or a PBKDF2 hash of an older version).

    A damaged or unknown hash is simply "no match": never an exception for a wrong PIN.
    """
    if stored.startswith("$argon2"):
        try:
            return _HASHER.verify(stored, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    return _verify_legacy(pin, stored)


def needs_rehash(stored: str) -> bool:
    """True for anything but an Argon2id hash with today's parameters."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


def _verify_legacy(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != _LEGACY:
            return False
        candidate = hashlib.pbkdf2_hmac(
            "sha256", pin.encode(), bytes.fromhex(salt), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)
