"""Roles from the staff list and the scan page's status line (issue 15)."""

from __future__ import annotations

import pytest

from boothapp.app import AppContext
from boothapp.services.booth_status import BoothStatus, status_text
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent


def test_roles_are_stored_and_an_event_without_manager_keeps_one(ctx: AppContext) -> None:
    old = ctx.events.create_event(NewEvent(name="Before roles"))
    first = ctx.staff.add_staff(old.id, "Zeynep", "1111")
    second = ctx.staff.add_staff(old.id, "Ali", "2222")
    assert not first.is_manager and not second.is_manager  # as stored before roles
    assert ctx.staff.with_role(first).is_manager  # the first added keeps the settings door
    assert not ctx.staff.with_role(second).is_manager
    assert ctx.staff.sign_in(first.id, "1111").staff.is_manager  # type: ignore[union-attr]
    assert not ctx.staff.sign_in(second.id, "2222").staff.is_manager  # type: ignore[union-attr]

    new = ctx.events.create_event(NewEvent(name="With roles"))
    staff = ctx.staff.add_staff(new.id, "Ece", "3333")
    boss = ctx.staff.add_staff(new.id, "Mert", "4444", role="manager")
    assert boss.is_manager and ctx.staff.sign_in(boss.id, "4444").staff.is_manager  # type: ignore[union-attr]
    assert not ctx.staff.sign_in(staff.id, "3333").staff.is_manager  # type: ignore[union-attr]  # a manager exists: no fallback
    with pytest.raises(ValidationError, match="unknown role"):
        ctx.staff.add_staff(new.id, "Eve", "5555", role="admin")


def test_status_line_says_link_backlog_error_and_my_day() -> None:
    offline = BoothStatus(True, False, 3, "401 Session expired or invalid", 12, 2, 5)
    assert status_text(offline) == (
        "Offline: the CRM does not answer, leads are kept · 3 waiting to sync "
        "(last error: 401 Session expired or invalid) · you: 12 leads today, #2 of 5"
    )
    synced = BoothStatus(True, True, 0, "", 0, None, 0)
    assert status_text(synced) == "Online · all synced · you: 0 leads today"
    assert status_text(BoothStatus(False, True, 4, "", 1, 1, 1)).startswith(
        "No CRM set up · 4 leads kept on this laptop"
    )


def test_call_script_reads_answer_labels_not_codes(ctx: AppContext) -> None:
    """Issue 15: the call script said "over_250k"; it says what the rep can read aloud."""
    from datetime import UTC, datetime

    from boothapp.core.models import Contact, Rating
    from boothapp.services.leads import LeadDraft

    event = ctx.events.create_event(NewEvent(name="Script Expo", timezone="Europe/Istanbul",
                                             country="TR"))  # fmt: skip
    lead = ctx.leads.save_lead(
        LeadDraft(event_id=event.id, rating=Rating.HOT, rating_overridden=True,
                  contact=Contact(first_name="Ayşe", last_name="Yılmaz", phone="+905321234567",
                                  email="ayse@example.com.tr"),
                  answers={"budget": "over_250k", "authority": "decision_maker"})
    )  # fmt: skip
    ctx.followups.plan(event.id, datetime.now(UTC), lead_ids=[lead.id])
    scripts = [t for t in ctx.followups.lead_touches(lead.id) if t.template_id == "call_script"]
    assert scripts, "a hot lead with a phone gets a call"
    # The script as the rep opens it (rendered from the lead when read, issue 23).
    text = ctx.followups.message(scripts[0].id).text
    # The script is in the lead's language (Turkish here): default labels read in Turkish too.
    assert "250 binden fazla" in text and "Karar verici" in text, text
    assert "over_250k" not in text and "decision_maker" not in text


def test_status_line_speaks_the_readers_language() -> None:
    """The strip on the scan page comes from the core catalogue (issue 21)."""
    from boothapp.core.i18n import using

    offline = BoothStatus(True, False, 3, "401", 12, 2, 5)
    with using("tr"):
        assert status_text(offline) == (
            "Çevrimdışı: CRM yanıt vermiyor, adaylar saklanıyor · 3 aday gönderilmeyi bekliyor "
            "(son hata: 401) · siz: bugün 12 aday, 5 kişi arasında 2. sırada"
        )
    with using("fa"):
        assert status_text(offline).startswith("آفلاین") and "۱۲" in status_text(offline)
