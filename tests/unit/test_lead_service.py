"""Lead service: saves, edits with history, please-delete instead of delete, search."""

from __future__ import annotations

from dataclasses import replace

import pytest

from boothapp.app import AppContext
from boothapp.core.models import Contact, LeadSource, Rating, Stage
from boothapp.services.audit import AuditAction
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.services.staff import PinStatus


@pytest.fixture
def event_id(ctx: AppContext) -> str:
    return ctx.events.create_event(NewEvent(name="Fair", timezone="Europe/Istanbul")).id


def test_walk_in_lead_is_saved_with_contact_and_staff(ctx: AppContext, event_id: str) -> None:
    staff = ctx.staff.add_staff(event_id, "Deniz", "4321")
    lead = ctx.leads.save_lead(
        LeadDraft(
            event_id=event_id,
            source=LeadSource.MANUAL,
            staff_id=staff.id,
            contact=Contact(first_name="  Γιώργος ", last_name="Παπαδόπουλος", company="Hellas"),
            rating=Rating.HOT,
            rating_overridden=True,  # staff know better than the rules
            consent_text="You may email me about products.",
            consent_given=True,
        )
    )
    again = ctx.leads.get_lead(lead.id)
    assert again.contact.first_name == "Γιώργος"  # trimmed
    assert again.staff_name == "Deniz"
    assert again.rating is Rating.HOT
    assert again.consent_text == "You may email me about products."
    assert again.consent_given_at is not None and again.consent_given_at.tzinfo is not None
    assert [e.action for e in ctx.audit.entries(lead_id=lead.id)] == [AuditAction.LEAD_CREATED]


def test_edit_keeps_field_history(ctx: AppContext, event_id: str) -> None:
    lead = ctx.leads.save_lead(
        LeadDraft(event_id=event_id, contact=Contact(first_name="Ann", company="Old Co"))
    )
    draft = ctx.leads.draft_of(lead)
    edited = ctx.leads.save_lead(
        replace(
            draft,
            contact=replace(draft.contact, company="New Co"),
            stage=Stage.IN_CONTACT,
            notes="call Tuesday",
        )
    )
    assert edited.contact.company == "New Co"
    assert edited.stage is Stage.IN_CONTACT
    changes = {(c.field, c.old_value, c.new_value) for c in ctx.leads.history(lead.id)}
    assert changes == {
        ("company", "Old Co", "New Co"),
        ("stage", "to_contact", "in_contact"),
        ("notes", "", "call Tuesday"),
    }


def test_please_delete_flags_and_never_removes(ctx: AppContext, event_id: str) -> None:
    lead = ctx.leads.save_lead(LeadDraft(event_id=event_id, contact=Contact(first_name="Mickey")))
    flagged = ctx.leads.set_please_delete(lead.id, True)
    assert flagged.please_delete
    assert [x.id for x in ctx.leads.list_leads(event_id)] == [lead.id]  # still there
    assert AuditAction.PLEASE_DELETE in {e.action for e in ctx.audit.entries(lead_id=lead.id)}


def test_search_matches_name_company_email_notes(ctx: AppContext, event_id: str) -> None:
    people = [
        Contact(first_name="Ayşe", last_name="Yılmaz", company="Anadolu", email="ayse@an.tr"),
        Contact(first_name="Bob", last_name="Stone", company="Rocks Ltd", email="bob@rocks.io"),
    ]
    for c in people:
        ctx.leads.save_lead(LeadDraft(event_id=event_id, contact=c, notes="budget approved"))
    assert [x.contact.last_name for x in ctx.leads.list_leads(event_id, search="rocks")] == [
        "Stone"
    ]
    assert len(ctx.leads.list_leads(event_id, search="BUDGET")) == 2
    assert ctx.leads.list_leads(event_id, search="nobody") == []


def test_unknown_lead_and_bad_staff_pin(ctx: AppContext, event_id: str) -> None:
    with pytest.raises(NotFoundError):
        ctx.leads.get_lead("nope")
    with pytest.raises(ValidationError, match="4 to 8 digits"):
        ctx.staff.add_staff(event_id, "Eve", "12")
    staff = ctx.staff.add_staff(event_id, "Eve", "2468")
    assert ctx.staff.sign_in(staff.id, "0000").status is PinStatus.WRONG
    check = ctx.staff.sign_in(staff.id, "2468")
    assert check.staff is not None and check.staff.name == "Eve"


def test_save_scores_qualifies_and_cleans_under_the_event_rules(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Rules Fair", country="TR"))
    answers = {
        "budget": "50k_250k",  # +15
        "authority": "decision_maker",  # +15
        "timeframe": "now",  # +20
        "interests": ["analytics"],
    }
    lead = ctx.leads.save_lead(
        LeadDraft(
            event_id=event.id,
            contact=Contact(first_name="Elif", phone="0532 123 45 67", country="Turkey"),
            answers=answers,
            referred_by="Ali Veli",  # +10
        )
    )
    assert lead.score == 60
    assert lead.qualified  # budget, authority, need and timeframe all met
    assert lead.rating is ctx.leads.evaluate(ctx.leads.draft_of(lead)).suggested_rating
    assert lead.contact.phone == "+905321234567"  # E.164 with the event's country
    assert lead.contact.country == "TR"
    assert lead.contact.timezone == "Europe/Istanbul"
    assert not lead.please_delete


def test_junk_is_flagged_for_review_not_dropped(ctx: AppContext, event_id: str) -> None:
    lead = ctx.leads.save_lead(
        LeadDraft(event_id=event_id, contact=Contact(first_name="Mickey", last_name="Mouse"))
    )
    assert lead.please_delete
    assert ctx.leads.get_lead(lead.id).contact.last_name == "Mouse"
