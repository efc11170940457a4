"""An event with leads in several time zones, captured at fixed times, for follow-up tests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from boothapp.app import AppContext
from boothapp.core.models import Contact, Lead, Rating
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadRow

# The show closes on Thursday 19 Nov 2026; leads were captured that afternoon.
SHOW_DAY = date(2026, 11, 19)
CAPTURED = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)
PLANNED_AT = datetime(2026, 11, 19, 13, 5, tzinfo=UTC)


@dataclass(frozen=True)
class Cast:
    event_id: str
    hot: str  # Berlin, hot, consent
    tokyo: str  # Tokyo, warm, consent
    chicago_no_consent: str  # Chicago, warm, phone, no consent
    istanbul: str  # Istanbul, cold, consent, Turkish


def _lead(
    ctx: AppContext,
    event_id: str,
    first: str,
    email: str,
    tz: str,
    country: str,
    rating: Rating,
    consent: bool,
    phone: str = "+49 30 1234567",
    owner: str = "Jo Lee",
) -> str:
    # The door plans a lead when it is saved; these tests plan explicitly at PLANNED_AT, after
    # the capture time is set, so leads are captured with planning held back.
    planner, ctx.changes.planner = ctx.changes.planner, None
    try:
        lead = _save(ctx, event_id, first, email, tz, country, rating, consent, phone, owner)
    finally:
        ctx.changes.planner = planner
    with ctx.db.session() as s:
        row = s.get(LeadRow, lead.id)
        assert row is not None
        row.created_at = CAPTURED
        row.timezone = tz
    return lead.id


def _save(
    ctx: AppContext,
    event_id: str,
    first: str,
    email: str,
    tz: str,
    country: str,
    rating: Rating,
    consent: bool,
    phone: str,
    owner: str,
) -> Lead:
    return ctx.leads.save_lead(
        LeadDraft(
            event_id=event_id,
            contact=Contact(
                first_name=first,
                last_name="Demir",
                email=email,
                phone=phone,
                company=f"{first} GmbH",
                country=country,
                timezone=tz,
            ),
            rating=rating,
            rating_overridden=True,
            consent_given=consent,
            consent_text="You may email me." if consent else "",
            owner=owner,
        )
    )


def make_cast(
    ctx: AppContext, followups: dict[str, object] | None = None, name: str = "CeMAT"
) -> Cast:
    event = ctx.events.create_event(
        NewEvent(
            name=name,
            timezone="Europe/Berlin",
            country="DE",
            venue="Hannover",
            starts_on=SHOW_DAY,
            ends_on=SHOW_DAY,
        )
    )
    if followups is not None:
        cfg = ctx.configs.get(event.id)
        ctx.configs.save(event.id, cfg.edited(followups=followups))
    return _cast(ctx, event.id)


def _cast(ctx: AppContext, event_id: str) -> Cast:
    return Cast(
        event_id=event_id,
        hot=_lead(ctx, event_id, "Heike", "heike@acme.de", "Europe/Berlin", "DE", Rating.HOT, True),
        tokyo=_lead(
            ctx,
            event_id,
            "Yuki",
            "yuki@nihon.jp",
            "Asia/Tokyo",
            "JP",
            Rating.WARM,
            True,
            owner="Ana Ruiz",
        ),
        chicago_no_consent=_lead(
            ctx,
            event_id,
            "Chuck",
            "chuck@corn.us",
            "America/Chicago",
            "US",
            Rating.WARM,
            False,
            phone="+1 312 555 0100",
        ),
        istanbul=_lead(
            ctx,
            event_id,
            "Ayşe",
            "ayse@anadolu.com.tr",
            "Europe/Istanbul",
            "TR",
            Rating.COLD,
            True,
        ),
    )


def planned_cast(ctx: AppContext, followups: dict[str, object] | None = None) -> Cast:
    """``make_cast`` with every lead's follow-ups planned at ``PLANNED_AT``."""
    cast = make_cast(ctx, followups)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    return cast


def fix_name(ctx: AppContext, lead_id: str, first: str, company: str) -> None:
    """Correct a lead's first name and company through the lead door, as the lead detail
    does after a badge misread: no follow-up depends on them, so nothing is re-planned."""
    lead = ctx.leads.get_lead(lead_id)
    contact = replace(lead.contact, first_name=first, company=company)
    ctx.leads.save_lead(replace(ctx.leads.draft_of(lead), contact=contact))
