"""Recording scans: every scan kept, roster fills id-only badges, a second scan finds the lead."""

from __future__ import annotations

import pytest

from boothapp.app import AppContext
from boothapp.core.models import Attendee, Contact, LeadSource
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Yılmaz;Ayşe;;;\r\nFN:Ayşe Yılmaz\r\nORG:Anadolu A.Ş.\r\n"
    "EMAIL:ayse@anadolu.com.tr\r\nEND:VCARD"
)


@pytest.fixture
def event_id(ctx: AppContext) -> str:
    event = ctx.events.create_event(NewEvent(name="Scan Fair", country="TR"))
    ctx.attendees.import_attendees(
        event.id,
        [
            Attendee("", event.id, "12", Contact(first_name="Cem", last_name="Koç",
                                                 company="Koç Lojistik", email="cem@koc.tr")),
        ],
    )  # fmt: skip
    return event.id


def test_vcard_scan_prefills_and_keeps_the_raw_payload(ctx: AppContext, event_id: str) -> None:
    outcome = ctx.leads.record_scan(event_id, VCARD, symbology="QRCode")
    assert outcome.existing is None
    assert outcome.draft.contact.full_name == "Ayşe Yılmaz"
    assert outcome.draft.contact.company == "Anadolu A.Ş."
    assert outcome.draft.raw_payload == VCARD
    assert outcome.scan.payload == VCARD and outcome.scan.lead_id is None  # kept unsubmitted


def test_id_only_badge_resolves_through_the_roster(ctx: AppContext, event_id: str) -> None:
    outcome = ctx.leads.record_scan(event_id, "000012", symbology="Code39")
    assert outcome.from_roster
    assert outcome.draft.contact.full_name == "Cem Koç"
    assert outcome.draft.badge_id == "12"


def test_second_scan_opens_the_existing_lead_with_who_and_when(
    ctx: AppContext, event_id: str
) -> None:
    staff = ctx.staff.add_staff(event_id, "Deniz", "1111")
    first = ctx.leads.record_scan(event_id, "12", staff_id=staff.id)
    lead = ctx.leads.save_lead(first.draft, scan_id=first.scan.id)
    again = ctx.leads.record_scan(event_id, "000012", source=LeadSource.HANDHELD)
    assert again.existing is not None and again.existing.id == lead.id
    assert again.existing.staff_name == "Deniz"
    assert again.scan.lead_id == lead.id  # the repeat scan is kept and linked
    assert len(ctx.leads.list_leads(event_id)) == 1


def test_malformed_payload_is_kept_for_later(ctx: AppContext, event_id: str) -> None:
    outcome = ctx.leads.record_scan(event_id, "\x00\x01garbage;;;")
    assert outcome.scan.payload == "\x00\x01garbage;;;"
    assert outcome.draft.raw_payload == "\x00\x01garbage;;;"
    with pytest.raises(ValidationError):
        ctx.leads.record_scan(event_id, "")
