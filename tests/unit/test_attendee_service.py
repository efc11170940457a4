"""Roster rows in the local database: bulk import, re-import, offline lookup."""

from __future__ import annotations

from boothapp.app import AppContext
from boothapp.core.models import Attendee, Contact
from boothapp.services.events import NewEvent


def _att(badge: str, first: str, email: str = "") -> Attendee:
    return Attendee(
        id="", event_id="", badge_id=badge, contact=Contact(first_name=first, email=email)
    )


def test_import_then_lookup_by_badge_padding_and_email(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Roster Show"))
    seen: list[tuple[int, int]] = []
    summary = ctx.attendees.import_attendees(
        event.id,
        [_att("12", "Ayşe", "ayse@x.tr"), _att("13", "Bora"), _att("A-77", "Cem")],
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (summary.inserted, summary.replaced, summary.total) == (3, 0, 3)
    assert seen[-1] == (3, 3)
    assert ctx.attendees.find(event.id, badge_id="000012").contact.first_name == "Ayşe"  # type: ignore[union-attr]
    assert ctx.attendees.find(event.id, email="AYSE@X.TR").badge_id == "12"  # type: ignore[union-attr]
    assert ctx.attendees.find(event.id, badge_id="99") is None


def test_reimport_replaces_rows_with_the_same_badge(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Roster Show 2"))
    ctx.attendees.import_attendees(event.id, [_att("1", "Old"), _att("2", "Keep")])
    summary = ctx.attendees.import_attendees(event.id, [_att("1", "New"), _att("3", "Added")])
    assert (summary.inserted, summary.replaced, summary.total) == (1, 1, 3)
    names = {a.badge_id: a.contact.first_name for a in ctx.attendees.all(event.id)}
    assert names == {"1": "New", "2": "Keep", "3": "Added"}
