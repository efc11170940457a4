"""The one place a follow-up touch's message comes from (issue 23, big events).

Planning stores each touch's subject, template, language and reason, and leaves ``body_text``
and ``body_html`` empty: rendering and storing every body at plan time was ~15 s of a
50,000-lead build and ~276 MB of its file, for messages read one at a time (the queue's
preview) or a few at a time (a send run, the letters due today). An empty body means "render
it from the lead when it is needed", and every reader asks here: the queue's preview and call
script, the send run (which then stores the message that went out on the row, so the record
is what was sent), the letters PDF, the calendar's descriptions and the CLI's preview. So a
name or company fixed after the touches were planned is in what the rep reads and what the
lead receives.

A row with a stored body shows that body: a sent touch keeps what went out, and a database
planned before this change keeps the bodies it planned. No migration is needed for those:
they read as they always did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.core.config.model import EventConfig
from boothapp.core.hygiene.countries import normalise_country
from boothapp.core.messages.personal import (
    SubjectFacts,
    render_for_lead,
    render_for_rep,
    render_subject,
    subject_facts,
)
from boothapp.core.messages.render import MessageContext, RenderedMessage
from boothapp.core.models import Event, Lead, Staff
from boothapp.services.errors import NotFoundError
from boothapp.services.event_config import EventConfigService
from boothapp.services.followup_rows import (
    country_languages,
    event_of,
    known_language,
    language_for_country,
)
from boothapp.services.followup_types import FollowUpSettings, parse_followup_section
from boothapp.store.bulk import in_chunks
from boothapp.store.mappers import lead_from_row, staff_from_row
from boothapp.store.tables import FollowUpRow, LeadRow, StaffRow


@dataclass(frozen=True, slots=True)
class LeadMessages:
    """What rendering one lead's messages needs, read once and shared by its touches."""

    lead_id: str
    rep_id: str  # the routed owner as stored on the lead (its signature, meeting link)
    lead: Lead
    event: Event
    config: EventConfig
    settings: FollowUpSettings
    staff: Staff | None
    languages: tuple[str, ...]  # the fallback chain: lead -> event -> en (configurable)
    subjects: SubjectFacts  # what its subjects read, once for its touches
    # The lead's message contexts by language, shared by the touches rendered for it.
    contexts: dict[str, MessageContext] = field(default_factory=dict)

    def render(self, template_id: str, *, body: bool = True) -> RenderedMessage:
        """The message as the lead receives it; ``body`` False: subject and language only."""
        if not body:
            subject = render_subject(template_id, self.languages, self.subjects)
            if subject is not None:
                return subject
        return render_for_lead(
            template_id,
            self.lead,
            self.event,
            self.config,
            self.settings.content,
            self.languages,
            staff=self.staff,
            rep_id=self.rep_id,
            sender_company=self.settings.sender.company,
            unsubscribe_url=self.settings.sender.unsubscribe_for(self.lead_id),
            contexts=self.contexts,
            body=body,
        )

    def render_for_rep(self, template_id: str, reader_language: str) -> RenderedMessage:
        """A call script for the rep reading it (issue 21), see ``render_for_rep``."""
        return render_for_rep(
            template_id,
            self.lead,
            self.event,
            self.config,
            self.settings.content,
            self.languages,
            reader_language,
            staff=self.staff,
            rep_id=self.rep_id,
            sender_company=self.settings.sender.company,
        )


def lead_messages(
    lead: LeadRow,
    event: Event,
    settings: FollowUpSettings,
    config: EventConfig,
    staff: Staff | None,
) -> LeadMessages:
    """One lead's renderer (no database: a bulk capture's worker process plans with it)."""
    country = normalise_country(lead.country) or event.country or ""
    model = lead_from_row(lead, staff.name if staff else "")
    chain = settings.content.languages(country_languages(country), known_language(event.country))
    subjects = subject_facts(model, event, settings.content, settings.sender.company)
    return LeadMessages(lead.id, lead.owner, model, event, config, settings, staff, chain, subjects)


def staff_of(s: Session, lead: LeadRow) -> Staff | None:
    """The staff member whose name and address a lead's messages carry: who captured it, else
    the staff member its owner names."""
    row = s.get(StaffRow, lead.staff_id) if lead.staff_id else None
    if row is None and lead.owner:
        row = s.scalar(
            select(StaffRow).where(StaffRow.event_id == lead.event_id, StaffRow.name == lead.owner)
        )
    return staff_from_row(row) if row else None


def has_body(row: FollowUpRow) -> bool:
    """Whether the row holds its message (sent, or planned before bodies were rendered when
    read); False: the body is rendered from the lead."""
    return bool(row.body_text or row.body_html)


def stored_message(row: FollowUpRow, lead: LeadRow) -> RenderedMessage:
    """The message a row holds (``has_body``)."""
    language = row.language or language_for_country(lead.country)
    return RenderedMessage(row.template_id, language, row.subject, row.body_text, row.body_html)


class Bodies:
    """Renders touches' messages in one session: each event's settings and configuration,
    each lead's view and each staff member are looked up once per batch, whatever the number
    of touches asked for."""

    def __init__(self, s: Session, configs: EventConfigService) -> None:
        self._s = s
        self._configs = configs
        self._events: dict[str, tuple[Event, FollowUpSettings, EventConfig]] = {}
        self._staff: dict[tuple[str, str], Staff | None] = {}
        self._leads: dict[str, LeadMessages] = {}

    def lead(self, lead: LeadRow) -> LeadMessages:
        """The lead's renderer, built once per batch."""
        found = self._leads.get(lead.id)
        if found is None:
            event, settings, config = self._event(lead.event_id)
            key = (lead.staff_id, lead.owner)
            if key not in self._staff:
                self._staff[key] = staff_of(self._s, lead)
            found = lead_messages(lead, event, settings, config, self._staff[key])
            self._leads[lead.id] = found
        return found

    def message(self, row: FollowUpRow, lead: LeadRow) -> RenderedMessage:
        """The touch's message: the stored one, else rendered from the lead as it is now."""
        if has_body(row):
            return stored_message(row, lead)
        return self.lead(lead).render(row.template_id)

    def messages(
        self, rows: Iterable[FollowUpRow], leads: Mapping[str, LeadRow] | None = None
    ) -> dict[str, RenderedMessage]:
        """Touch id -> message for ``rows``; ``leads`` by id when the caller read them already
        (the others are read here, 500 at a time)."""
        rows = list(rows)
        known = dict(leads or {})
        wanted = list({r.lead_id for r in rows if r.lead_id not in known})
        for part in in_chunks(wanted):
            known.update(
                (r.id, r) for r in self._s.scalars(select(LeadRow).where(LeadRow.id.in_(part)))
            )
        out: dict[str, RenderedMessage] = {}
        for row in rows:
            lead = known.get(row.lead_id)
            if lead is None:
                raise NotFoundError(f"no lead {row.lead_id}")
            out[row.id] = self.message(row, lead)
        return out

    def _event(self, event_id: str) -> tuple[Event, FollowUpSettings, EventConfig]:
        found = self._events.get(event_id)
        if found is None:
            config = self._configs.get(event_id)
            found = (event_of(self._s, event_id), parse_followup_section(config.followups), config)
            self._events[event_id] = found
        return found


def message_of(
    s: Session, configs: EventConfigService, row: FollowUpRow, lead: LeadRow
) -> RenderedMessage:
    """One touch's message (``Bodies.message``)."""
    return Bodies(s, configs).message(row, lead)
