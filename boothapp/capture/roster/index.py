"""In-memory attendee lookup: what a scan resolves against when the badge holds only an id."""

from __future__ import annotations

from collections.abc import Iterable

from boothapp.capture.badges.model import ParsedBadge
from boothapp.capture.roster.keys import normalise_id
from boothapp.capture.roster.reader import TOKEN_KEY
from boothapp.core.models import Attendee


def _normalise_url(url: str) -> str:
    u = url.strip().casefold().rstrip("/")
    for scheme in ("https://", "http://"):
        if u.startswith(scheme):
            u = u[len(scheme) :]
    return u.removeprefix("www.")


class RosterIndex:
    """Dict-based lookups by badge id (exact, then padding/case-insensitive), email, token
    and profile URL. Built once per event; first attendee wins on a clash."""

    def __init__(self, attendees: Iterable[Attendee] = ()) -> None:
        self._by_id: dict[str, Attendee] = {}
        self._by_norm_id: dict[str, Attendee] = {}
        self._by_email: dict[str, Attendee] = {}
        self._by_token: dict[str, Attendee] = {}
        self._by_url: dict[str, Attendee] = {}
        self._count = 0
        for attendee in attendees:
            self.add(attendee)

    def __len__(self) -> int:
        return self._count

    def add(self, attendee: Attendee) -> None:
        self._count += 1
        if attendee.badge_id:
            self._by_id.setdefault(attendee.badge_id, attendee)
            self._by_norm_id.setdefault(normalise_id(attendee.badge_id), attendee)
        email = attendee.contact.email.strip().casefold()
        if email:
            self._by_email.setdefault(email, attendee)
        token = attendee.extra.get(TOKEN_KEY, "").strip()
        if token:
            self._by_token.setdefault(token.casefold(), attendee)
        if attendee.contact.website:
            self._by_url.setdefault(_normalise_url(attendee.contact.website), attendee)

    def by_badge_id(self, badge_id: str) -> Attendee | None:
        found = self._by_id.get(badge_id) or self._by_id.get(badge_id.strip())
        return found or self._by_norm_id.get(normalise_id(badge_id))

    def by_email(self, email: str) -> Attendee | None:
        return self._by_email.get(email.strip().casefold())

    def by_token(self, token: str) -> Attendee | None:
        key = token.strip().casefold()
        # Some organisers put the scan token in the badge id column itself.
        return self._by_token.get(key) or self._by_norm_id.get(key)

    def by_url(self, url: str) -> Attendee | None:
        return self._by_url.get(_normalise_url(url))

    def resolve(self, parsed: ParsedBadge) -> Attendee | None:
        """The roster row a scanned badge refers to, trying the strongest key first."""
        for form in (parsed.badge_id, *parsed.id_forms):
            if form:
                found = self.by_badge_id(form)
                if found is not None:
                    return found
        if parsed.token:
            found = self.by_token(parsed.token)
            if found is not None:
                return found
        if parsed.contact.email:
            found = self.by_email(parsed.contact.email)
            if found is not None:
                return found
        if parsed.contact.website:
            return self.by_url(parsed.contact.website)
        return None
