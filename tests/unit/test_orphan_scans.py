"""Scans without a lead (a kill between storing a scan and its lead): listed, set aside."""

from __future__ import annotations

from boothapp.app import AppContext
from boothapp.services.audit import AuditAction
from boothapp.services.events import NewEvent
from boothapp.services.orphan_scans import OrphanScanService

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Yılmaz;Ayşe;;;\r\nFN:Ayşe Yılmaz\r\n"
    "EMAIL:ayse@anadolu.com.tr\r\nEND:VCARD"
)


def test_scan_whose_lead_was_never_saved_is_listed_and_set_aside(ctx: AppContext, cli) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Orphan Fair"))
    # Saved normally: scan and lead.
    saved = ctx.leads.record_scan(event.id, "BADGE-1")
    ctx.leads.save_lead(saved.draft, scan_id=saved.scan.id)
    # The app died after storing this scan and before its lead (what kill -9 left behind).
    lost = ctx.leads.record_scan(event.id, VCARD, symbology="QRCode")

    orphans = OrphanScanService(ctx.db)
    found = orphans.list(event.id)
    assert [(o.id, o.payload, o.matching_lead_id) for o in found] == [(lost.scan.id, VCARD, None)]

    out = cli("db", "check")
    assert out.code == 0, out.err
    assert "integrity: ok" in out.out
    assert "1 scan without a lead (unfinished visitor)" in out.out
    assert lost.scan.id in out.out and "Ayşe Yılmaz" in out.out

    gone = cli("db", "check", "--discard", lost.scan.id, "--reason", "walked away")
    assert gone.code == 0 and f"scan {lost.scan.id} set aside" in gone.out
    assert "0 scans without a lead" in gone.out
    assert orphans.list(event.id) == []
    entries = [e for e in ctx.audit.entries(event.id) if e.action is AuditAction.SCAN_DISCARDED]
    assert [e.detail for e in entries] == [{"scan_id": lost.scan.id, "reason": "walked away"}]


def test_discarding_a_scan_that_has_a_lead_is_refused(ctx: AppContext, cli) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Orphan Fair"))
    saved = ctx.leads.record_scan(event.id, "BADGE-2")
    ctx.leads.save_lead(saved.draft, scan_id=saved.scan.id)
    out = cli("db", "check", "--discard", saved.scan.id)
    assert out.code != 0 and "belongs to lead" in out.err
    assert (
        cli("db", "check", "--discard", "no-such-scan").err.strip().endswith("no scan no-such-scan")
    )


def test_an_unfinished_visitor_is_resumed_into_their_lead(ctx: AppContext, cli) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Orphan Fair"))
    lost = ctx.leads.record_scan(event.id, VCARD, symbology="QRCode")
    out = cli("db", "check", "--resume", lost.scan.id)
    assert out.code == 0, out.err
    assert f"scan {lost.scan.id} resumed" in out.out and "Ayşe Yılmaz" in out.out
    assert "0 scans without a lead" in out.out
    (lead,) = ctx.leads.list_leads(event.id)
    assert lead.contact.email == "ayse@anadolu.com.tr" and lead.raw_payload == VCARD
    # Left unfinished, then the visitor came back and was saved: resuming attaches the scan.
    left = ctx.leads.record_scan(event.id, "BADGE-9")
    back = ctx.leads.record_scan(event.id, "BADGE-9")
    ctx.leads.save_lead(back.draft, scan_id=back.scan.id)
    assert ctx.leads.resume_scan(left.scan.id).badge_id == "BADGE-9"
    assert len(ctx.leads.list_leads(event.id)) == 2
    assert OrphanScanService(ctx.db).list(event.id) == []
    again = cli("db", "check", "--resume", lost.scan.id)
    assert again.code != 0 and "belongs to lead" in again.err


def test_unfinished_visitors_with_leads_saved_later_event_by_event(ctx: AppContext) -> None:
    # The sign-in's look-up reads through indexes, and reads more only when something is
    # unfinished (issue 23); what it lists stays the same.
    fair = ctx.events.create_event(NewEvent(name="Orphan Fair"))
    other = ctx.events.create_event(NewEvent(name="Other Fair"))
    left = ctx.leads.record_scan(fair.id, "BADGE-7")  # closed without saving, then saved
    back = ctx.leads.record_scan(fair.id, "BADGE-7")
    ctx.leads.save_lead(back.draft, scan_id=back.scan.id)
    lost = ctx.leads.record_scan(fair.id, VCARD, symbology="QRCode")  # never saved here...
    there = ctx.leads.record_scan(other.id, VCARD)  # ...but saved at the other event
    ctx.leads.save_lead(there.draft, scan_id=there.scan.id)
    aside = ctx.leads.record_scan(fair.id, "BADGE-8")
    elsewhere = ctx.leads.record_scan(other.id, "BADGE-9")
    orphans = OrphanScanService(ctx.db)
    assert [o.id for o in orphans.list(fair.id)] == [left.scan.id, lost.scan.id, aside.scan.id]
    orphans.discard(aside.scan.id, reason="walked away")

    (saved,) = ctx.leads.list_leads(fair.id)
    assert [(o.id, o.matching_lead_id) for o in orphans.list(fair.id)] == [
        (left.scan.id, saved.id),
        (lost.scan.id, None),  # the same badge's lead at another event is not this one
    ]
    # Without the pass over the leads (the booth's dialog does not show it): the same scans.
    assert [(o.id, o.matching_lead_id) for o in orphans.list(fair.id, match_leads=False)] == [
        (left.scan.id, None),
        (lost.scan.id, None),
    ]
    assert [(o.id, o.event_id) for o in orphans.list()] == [
        (left.scan.id, fair.id),
        (lost.scan.id, fair.id),
        (elsewhere.scan.id, other.id),
    ]
    assert orphans.list(other.id)[0].payload == "BADGE-9"
