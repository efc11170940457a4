"""Row-to-value helpers shared by the follow-up service modules."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

from babel.languages import get_official_languages
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from boothapp.core.followups.timing import zone
from boothapp.core.hygiene.countries import normalise_country
from boothapp.core.models import Channel, Event
from boothapp.services.errors import NotFoundError
from boothapp.services.followup_types import Touch, TouchState
from boothapp.store.bulk import in_chunks
from boothapp.store.mappers import event_from_row
from boothapp.store.tables import EventRow, FollowUpRow, LeadRow

# Every stored time is at or after this: "done_at >= _EVER" is "done_at IS NOT NULL" put so
# that SQLite answers it from the done_at index (migration 0015).
_EVER = datetime.min.replace(tzinfo=UTC)


def done_touches(conn: Connection, event_id: str) -> list[tuple[str, datetime, str]]:
    """(lead id, done at, outcome) of every done follow-up of the event's leads. Few are done:
    read them by the done_at index first, then keep this event's leads. SQLite without
    statistics plans the plain join as a walk over every lead's follow-ups instead (about
    two seconds cold at 50,000 leads; issue 23)."""
    done = conn.execute(
        select(FollowUpRow.lead_id, FollowUpRow.done_at, FollowUpRow.outcome).where(
            FollowUpRow.done_at >= _EVER
        )
    ).all()
    ids = list({lead_id for lead_id, _at, _outcome in done})
    ours: set[str] = set()
    for chunk in in_chunks(ids):
        ours.update(
            conn.scalars(
                select(LeadRow.id).where(LeadRow.event_id == event_id, LeadRow.id.in_(chunk))
            )
        )
    found: list[tuple[str, datetime, str]] = []
    for lead_id, at, outcome in done:
        if lead_id in ours and at is not None:
            found.append((lead_id, at, outcome))
    return found


@lru_cache(maxsize=1024)
def country_languages(country: str) -> tuple[str, ...]:
    """The country's official languages, most used first (CLDR via Babel): the "lead" step
    of the fallback chain, so an Indian lead falls to English, not to the event's language,
    and a Swiss one to German (issue 16). Kept per country: planning asks twice per lead,
    100,000 CLDR look-ups of the same few countries in a 50,000-lead build (issue 23)."""
    code = normalise_country(country) or ""
    if not code:
        return ()
    try:
        found = get_official_languages(code, de_facto=True)
    except (ValueError, KeyError):
        return ()
    return tuple(dict.fromkeys(lang.split("_")[0] for lang in found))


def language_for_country(country: str) -> str:
    return known_language(country) or "en"


def known_language(country: str) -> str:
    """The country's main language, or "" when unknown."""
    langs = country_languages(country)
    return langs[0] if langs else ""


def touch_from_row(row: FollowUpRow) -> Touch:
    return Touch(
        id=row.id,
        lead_id=row.lead_id,
        touch_number=row.touch_number,
        channel=Channel(row.channel),
        due_utc=row.due_at,
        tz=row.timezone,
        template_id=row.template_id,
        reason=row.reason,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        state=TouchState(row.state),
        owner=row.owner,
        message_id=row.message_id,
        attempts=row.attempts,
        outcome=row.outcome,
        done_at=row.done_at,
        language=row.language,
    )


def event_of(s: Session, event_id: str) -> Event:
    row = s.get(EventRow, event_id)
    if row is None:
        raise NotFoundError(f"no event {event_id}")
    return event_from_row(row)


def lead_name(lead: LeadRow) -> str:
    return " ".join(p for p in (lead.first_name, lead.last_name) if p).strip() or "(no name)"


def end_of_day(now: datetime, tz: str) -> datetime:
    local = now.astimezone(zone(tz or "UTC")).date() + timedelta(days=1)
    return datetime.combine(local, time(0, 0), tzinfo=zone(tz or "UTC")).astimezone(UTC)
