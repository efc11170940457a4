"""Erasure tombstones (issue 18): an erased person must not come back.

``person erase`` removes everything about a visitor, yet the organiser's roster still lists
them, another laptop's database file still holds their lead, and the event hub still has the
changes that made it. A tombstone keeps only a keyed hash (HMAC-SHA256 with a random salt that
never leaves this database) of the erased e-mail address and badge ids: enough for a roster
re-import, a device merge and a hub pull to recognise and skip them, too little to tell who
they were.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.core.textfold import fold_email
from boothapp.store.tables import PrivacyStateRow, TombstoneRow

_SALT_KEY = "tombstone_salt"


class Kind(enum.StrEnum):
    EMAIL = "email"
    BADGE = "badge"


def _normal(kind: Kind, value: str) -> str:
    return fold_email(value) if kind is Kind.EMAIL else value.strip().casefold()


def salt_of(s: Session) -> bytes:
    """This database's tombstone salt, made on first use."""
    row = s.get(PrivacyStateRow, _SALT_KEY)
    if row is None:
        row = PrivacyStateRow(key=_SALT_KEY, value=secrets.token_hex(32))
        s.add(row)
        s.flush()
    return bytes.fromhex(row.value)


def digest(salt: bytes, kind: Kind, value: str) -> str:
    key = f"{kind.value}:{_normal(kind, value)}".encode()
    return hmac.new(salt, key, hashlib.sha256).hexdigest()


def bury(
    s: Session, *, emails: Iterable[str] = (), badge_ids: Iterable[str] = (), staff_id: str = ""
) -> int:
    """Add tombstones for these identifiers (empty ones skipped); returns how many are new."""
    salt = salt_of(s)
    added = 0
    wanted = [(Kind.EMAIL, e) for e in emails] + [(Kind.BADGE, b) for b in badge_ids]
    for kind, value in wanted:
        if not value.strip():
            continue
        key = digest(salt, kind, value)
        if s.get(TombstoneRow, key) is None:
            s.add(TombstoneRow(digest=key, kind=kind.value, created_by=staff_id))
            s.flush()
            added += 1
    return added


@dataclass
class Graveyard:
    """The tombstones loaded once, for checking many rows (a roster, a device file)."""

    salt: bytes
    digests: frozenset[str]

    @classmethod
    def load(cls, s: Session) -> Graveyard:
        # On the connection (no autoflush: ``bury`` flushes each tombstone it adds), and no
        # salt read when there is no tombstone: a hub pull loads this per transaction (#19).
        # (No salt is made just to look: the session may be a read-only one.)
        found = frozenset(s.connection().scalars(select(TombstoneRow.digest)))
        if not found:
            return cls(b"", found)
        row = s.get(PrivacyStateRow, _SALT_KEY)
        return cls(bytes.fromhex(row.value) if row else b"", found)

    def erased(self, *, email: str = "", badge_id: str = "") -> bool:
        if not self.digests:
            return False
        if email.strip() and digest(self.salt, Kind.EMAIL, email) in self.digests:
            return True
        return bool(badge_id.strip()) and digest(self.salt, Kind.BADGE, badge_id) in self.digests
