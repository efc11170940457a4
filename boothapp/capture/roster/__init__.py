"""The organiser's attendee roster: import from CSV/XLSX, guess the columns, look up badges."""

from boothapp.capture.roster.errors import RosterError
from boothapp.capture.roster.index import RosterIndex
from boothapp.capture.roster.keys import normalise_id
from boothapp.capture.roster.mapping import ColumnMapping, guess_mapping
from boothapp.capture.roster.reader import (
    TOKEN_KEY,
    RejectedRow,
    RosterReadResult,
    read_roster,
    sniff_delimiter,
)

__all__ = [
    "TOKEN_KEY",
    "ColumnMapping",
    "RejectedRow",
    "RosterError",
    "RosterIndex",
    "RosterReadResult",
    "guess_mapping",
    "normalise_id",
    "read_roster",
    "sniff_delimiter",
]
