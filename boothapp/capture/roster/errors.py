"""The one error a roster import raises: its message names the problem for the user."""

from __future__ import annotations


class RosterError(Exception):
    """The roster file cannot be imported; ``str(error)`` says why, in the user's terms."""
