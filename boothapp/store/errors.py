"""Database problems a user can act on; each message is one line that says what to do."""

from __future__ import annotations


class DatabaseError(Exception):
    """A database problem a user can act on; the message says what to do."""


class NotADatabaseError(DatabaseError):
    pass


class DatabaseTooNewError(DatabaseError):
    pass


class DatabaseKeyMissingError(DatabaseError):
    """The file is encrypted and this device holds no key: the manager's recovery key brings
    it back (``boothapp db restore-key``)."""


class WrongDatabaseKeyError(DatabaseError):
    """The key at hand does not open the file (another device's database, a mistyped
    recovery key)."""


class RecoveryKeyError(DatabaseError):
    """A recovery key that cannot be right (wrong length, a typo caught by its check group)."""
