"""Follow-ups for an event's leads: plan, queue, outcomes, letters, calendar and metrics.

The rules live in ``boothapp.core.followups``; this service feeds them lead facts from the
store and keeps every touch as a ``followups`` row with its subject, template and language.
The body is rendered when someone reads or sends it (``followup_bodies``, issue 23), so
what the rep previews is what goes out, from the lead as it is then. Sending lives in
``followup_send``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from boothapp.core.config.model import EventConfig
from boothapp.core.config.rep_names import rep_names
from boothapp.core.followups import reasons as R
from boothapp.core.followups.attempts import (
    Attempt,
    AttemptHistory,
    Outcome,
)
from boothapp.core.followups.attempts import (
    record_outcome as decide_outcome,
)
from boothapp.core.followups.cadence import LeadFacts, plan_touches
from boothapp.core.followups.capacity import enforce_slot_capacity, slots_read
from boothapp.core.followups.metrics import ResponseTimes
from boothapp.core.followups.timing import zone
from boothapp.core.followups.touches import PlannedTouch
from boothapp.core.hygiene.countries import normalise_country
from boothapp.core.messages.render import (
    MessageContext,
    RenderedMessage,
    default_renderer,
    normalise_language,
)
from boothapp.core.models import Channel, Event, Rating, Staff, Stage
from boothapp.core.pickling import pickled_as_values
from boothapp.services import followup_outputs
from boothapp.services.contact_facts import contact_facts, verdict_for
from boothapp.services.errors import NotFoundError
from boothapp.services.event_config import EventConfigService
from boothapp.services.followup_bodies import Bodies, LeadMessages, lead_messages, staff_of
from boothapp.services.followup_owners import event_owners
from boothapp.services.followup_replies import RepliesApplied, apply_replies, mark_unsubscribed
from boothapp.services.followup_rows import event_of, lead_name, touch_from_row
from boothapp.services.followup_send import FollowUpSender
from boothapp.services.followup_types import (
    OPEN_STATES,
    FollowUpSettings,
    MailPreview,
    OutcomeRequest,
    OutcomeResult,
    PlanSummary,
    QueueItem,
    SendReport,
    Touch,
    TouchState,
    parse_followup_section,
)
from boothapp.services.lead_changes import ChangeOrigin, LeadChanges, LeadTransaction
from boothapp.services.slot_book import SlotBook
from boothapp.store.bulk import in_chunks, insert_tuples, loaded_values
from boothapp.store.db import Database
from boothapp.store.tables import FollowUpRow, LeadRow, StaffRow
from boothapp.store.types import new_id, utcnow
from boothapp.sync.mail import SmtpSettings

if TYPE_CHECKING:
    from boothapp.sync.imap_inbox import InboxReplies

_CALL_OUTCOMES = (
    Outcome.REACHED,
    Outcome.VOICEMAIL,
    Outcome.NO_ANSWER,
    Outcome.NOT_INTERESTED,
    Outcome.MEETING_BOOKED,
)
# The show's last day ends in the evening of the event's zone: the 48 h window starts there.
_SHOW_CLOSE = time(18, 0)


@dataclass(frozen=True, slots=True)
class _LeadView:
    """What planning needs about one lead, read inside one session."""

    row: LeadRow
    facts: LeadFacts
    owner: str
    messages: LeadMessages

    @property
    def lead_id(self) -> str:
        return self.row.id

    def subject(self, template_id: str) -> RenderedMessage:
        """The touch's subject and language: what planning stores (the body is rendered when
        read, ``followup_bodies``; issue 23)."""
        return self.messages.render(template_id, body=False)


@dataclass(frozen=True, slots=True)
class PlanJob:
    """What planning a bulk capture's new leads needs, as plain values a worker process
    takes (issue 23): each lead's column values as the door inserts them, routed."""

    leads: list[dict[str, Any]]
    event: Event
    settings: FollowUpSettings
    config: EventConfig
    staff: dict[tuple[str, str], Staff | None]  # by (staff id, owner), as ``_staff_of``
    now: datetime


@pickled_as_values
@dataclass(frozen=True, slots=True)
class PreparedPlan:
    """A new lead's touches and their subjects, planned ahead (``prepare_plans``), as
    ``plan_in`` would plan them for it; ``problem`` when it cannot be planned."""

    lead_id: str
    owner: str
    touches: tuple[PlannedTouch, ...] = ()
    messages: dict[str, RenderedMessage] = field(default_factory=dict)  # subjects only
    problem: str = ""
    may_contact: bool = True  # False: the contact rule stops it, nothing planned

    def subject(self, template_id: str) -> RenderedMessage:
        return self.messages[template_id]


Prepared = Callable[[], "dict[str, PreparedPlan]"]


def prepare_plans(job: PlanJob) -> dict[str, PreparedPlan]:
    """Plan new leads (no touches yet) and render their subjects off the database: the pure
    part of ``plan_in``, run in a bulk capture's worker process while the door inserts (#23)."""
    now = job.now.astimezone(UTC)
    show_end = _show_end(job.event, now)
    out: dict[str, PreparedPlan] = {}
    for values in job.leads:
        lead = cast(LeadRow, _LeadValues(values))
        # The contact rule, as ``plan_in`` asks it: a new lead has no touches, so it reads
        # the lead alone; a lead it stops is not planned at all.
        if not verdict_for(lead).may_contact:
            out[lead.id] = PreparedPlan(lead.id, "", may_contact=False)
            continue
        try:
            staff = job.staff.get((lead.staff_id, lead.owner))
            view = _view_of(lead, job.event, job.settings, (), job.config, staff)
            touches = plan_touches(
                view.facts, show_end, job.settings.plan, now, event_tz=job.event.timezone
            )
        except ValueError as exc:
            out[lead.id] = PreparedPlan(lead.id, "", problem=str(exc))
            continue
        # Rendering fails the whole plan, not one lead, as in ``plan_in``.
        messages = {t.template_id: view.subject(t.template_id) for t in touches}
        out[lead.id] = PreparedPlan(lead.id, view.owner, tuple(touches), messages)
    return out


class _LeadValues:
    """A new lead's column values read as attributes, as from a ``loaded_row``: without the
    ORM's attribute descriptors, a Python call for each of the ~60 reads planning makes of
    a lead (over a second of a 50,000-lead build's worker, issue 23). Nothing here writes
    or stores it; a column it lacks fails loudly (AttributeError)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


# A new touch's columns as ``FollowUpService._touch_values`` gives them; a bulk plan's rows
# add their creation time (one for the statement, as the database's clock would give it).
_TOUCH_COLUMNS = (
    "id", "lead_id", "touch_number", "channel", "due_at", "timezone", "template_id", "reason",
    "subject", "body_text", "body_html", "state", "owner", "device_id", "language",
)  # fmt: skip
_NEW_TOUCH_COLUMNS = (*_TOUCH_COLUMNS, "created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class _EventPlanning:
    """What outcomes of one event read of it, once per transaction."""

    event: Event
    config: EventConfig
    settings: FollowUpSettings


class FollowUpService:
    def __init__(
        self,
        db: Database,
        configs: EventConfigService,
        device_id: str = "",
        changes: LeadChanges | None = None,
    ) -> None:
        self._db = db
        self._configs = configs
        self._device_id = device_id
        # Outcomes change the lead's stage through the lead door, which plans through us.
        self.changes = changes or LeadChanges(db, device_id, planner=self)

    @property
    def configs(self) -> EventConfigService:
        return self._configs

    # -- settings -------------------------------------------------------------------------
    def settings(self, event_id: str) -> FollowUpSettings:
        """The event's follow-up settings; PlanError names a bad field in the config."""
        return parse_followup_section(self._configs.get(event_id).followups)

    # -- planning -------------------------------------------------------------------------
    def plan(
        self,
        event_id: str,
        now: datetime,
        *,
        replan: bool = False,
        lead_ids: Sequence[str] | None = None,
    ) -> PlanSummary:
        """Plan touches for every lead without a plan. ``replan`` replaces the open
        (planned/approved) touches; sent, done, sending and review touches stay as they are."""
        with self._db.session() as s:
            return self.plan_in(s, event_id, now, replan=replan, lead_ids=lead_ids)

    def plan_in(
        self,
        s: Session,
        event_id: str,
        now: datetime,
        *,
        replan: bool = False,
        lead_ids: Iterable[str] | None = None,
        prepared: Prepared | None = None,
        book: SlotBook | None = None,
    ) -> PlanSummary:
        """``plan`` inside the caller's transaction (the lead door plans a saved lead in the
        save's own transaction). A lead the contact rule stops gets no touches, and its open
        ones are cancelled with the reason. ``prepared``: new leads' plans made ahead
        (``prepare_plans``, a bulk capture); used for a lead that still has no touches.
        ``book``: the open emails per slot as a bulk capture's earlier chunks left them."""
        now = now.astimezone(UTC)
        settings = self.settings(event_id)
        planned_leads = touches_n = skipped = 0
        problems: list[str] = []
        event = self._event(s, event_id)
        show_end = _show_end(event, now)
        # Plans made ahead are for leads this transaction inserted (a bulk capture's chunk):
        # with new ids they have no touches, which are not asked of the database.
        ahead = prepared() if prepared is not None else {}
        leads, existing = self._leads_and_touches(s, event_id, lead_ids, ahead.keys())
        order = {lead.id: i for i, lead in enumerate(leads)}
        fresh: list[tuple[str, PlannedTouch, _LeadView | PreparedPlan]] = []
        # Read once for the batch, not once per lead (a 1,000-lead capture chunk).
        config = self._configs.get(event_id)
        staff_cache: dict[tuple[str, str], Staff | None] = {}
        # Staff and event look-ups per lead need no flush of the touches being replaced.
        with s.no_autoflush:
            for lead in leads:
                rows = existing.get(lead.id, [])
                ready = None if rows else ahead.get(lead.id)
                if ready is not None:  # the worker asked the contact rule (no touches)
                    if not ready.may_contact:
                        skipped += 1
                        continue
                elif not (verdict := verdict_for(lead, rows)).may_contact:
                    _cancel_open(rows, verdict.reason)
                    skipped += 1
                    continue
                if rows and not replan:
                    continue
                kept = [r for r in rows if r.state not in OPEN_STATES]
                view: _LeadView | PreparedPlan
                try:
                    if ready is None:
                        view = self._view(s, lead, event, settings, rows, config, staff_cache)
                        touches = plan_touches(
                            view.facts, show_end, settings.plan, now, event_tz=event.timezone
                        )
                    elif ready.problem:
                        raise ValueError(ready.problem)
                    else:
                        view, touches = ready, list(ready.touches)
                except ValueError as exc:
                    problems.append(f"lead {lead.id} ({lead_name(lead)}): {exc}")
                    skipped += 1
                    continue
                for r in rows:
                    if r.state in OPEN_STATES:
                        s.delete(r)
                done_templates = {
                    r.template_id
                    for r in kept
                    if r.channel == Channel.EMAIL and r.state not in _NOT_SENT
                }
                n = max((r.touch_number for r in kept), default=0)
                for t in touches:
                    if t.channel is Channel.EMAIL and t.template_id in done_templates:
                        continue  # never send the same content twice on a re-plan
                    n += 1
                    fresh.append((f"{lead.id}:{n}", _renumber(t, n), view))
                planned_leads += 1
        s.flush()
        # Spread emails over slots together with the event's other open emails.
        # Only the days the new emails fall on can be full: a touch moves within its own
        # morning. Counting the whole event's open emails took ~0.1 s per saved lead at 50k.
        wanted = slots_read([t for _, t, _ in fresh], settings.plan)
        if book is None:
            booked = self._booked(s, event_id, wanted)
        else:  # a bulk capture's later chunk: only slots no chunk counted before (#23)
            booked = book.counts(wanted, partial(self._booked, s, event_id))
        # Leads saved together (a bulk capture) get the slots they would have had saved one
        # after the other, in capture order; a whole-event plan keeps the (due, id) order.
        rank = {k: order[v.lead_id] for k, _, v in fresh} if lead_ids is not None else None
        pairs = [(k, t) for k, t, _ in fresh]
        spread = enforce_slot_capacity(pairs, settings.plan, booked, rank)
        # One executemany, not an ORM object per touch (200,000 touches at 50k leads, #23).
        # One creation time for the rows of this one statement, as the database's own clock
        # would give them: formatting a moment per row was ~0.4 s of a 50k build (#23).
        stamp = utcnow()
        made = [(*self._touch_values(view, spread[key]), stamp, stamp) for key, _, view in fresh]
        insert_tuples(s, FollowUpRow, _NEW_TOUCH_COLUMNS, made)
        if book is not None:
            book.add(spread.values())
        touches_n += len(made)
        return PlanSummary(planned_leads, touches_n, skipped, tuple(problems))

    @staticmethod
    def _leads_and_touches(
        s: Session,
        event_id: str,
        lead_ids: Iterable[str] | None,
        untouched: Container[str] = (),
    ) -> tuple[list[LeadRow], dict[str, list[FollowUpRow]]]:
        """The leads to plan in capture order (ties: the order given), with their touches;
        ``untouched``: given leads known to have none (not asked)."""
        existing: dict[str, list[FollowUpRow]] = {}
        if lead_ids is None:
            q = select(LeadRow).where(LeadRow.event_id == event_id).order_by(LeadRow.created_at)
            fq = select(FollowUpRow).join(LeadRow).where(LeadRow.event_id == event_id)
            for frow in s.scalars(fq):
                existing.setdefault(frow.lead_id, []).append(frow)
            return list(s.scalars(q)), existing
        # By primary key: with the event in the query SQLite walked every lead of the event
        # (its index) for each save, 50,000 rows a save at a big show (issue 23).
        given = {lead_id: i for i, lead_id in enumerate(dict.fromkeys(lead_ids))}
        ids = list(given)
        # The lead door plans the rows it holds, every value loaded: read from the session,
        # not again from the file (a bulk capture's 5,000 just inserted, issue 23).
        held = {lead_id: row for lead_id in ids if (row := _loaded(s, lead_id)) is not None}
        leads = [row for row in held.values() if row.event_id == event_id]
        for part in in_chunks(ids):
            ask = [lead_id for lead_id in part if lead_id not in held]
            if ask:
                leads += [r for r in s.scalars(select(LeadRow).where(LeadRow.id.in_(ask)))
                          if r.event_id == event_id]  # fmt: skip
            touched = [lead_id for lead_id in part if lead_id not in untouched]
            if not touched:
                continue
            for frow in s.scalars(select(FollowUpRow).where(FollowUpRow.lead_id.in_(touched))):
                existing.setdefault(frow.lead_id, []).append(frow)
        leads.sort(key=lambda r: (_aware(r.created_at), given[r.id]))
        return leads, existing

    @staticmethod
    def _booked(s: Session, event_id: str, slots: set[datetime]) -> dict[datetime, int]:
        """Open emails of the event per due time, for the slots the capacity pass reads:
        counts, not rows, only those slots, from covering indexes (ix_followups_due,
        ix_leads_id_event: no body or lead row read). Counting every open mail over the
        span of a lead's touches made each save read most of a 50,000-lead show (#23)."""
        booked: dict[datetime, int] = {}
        wanted = sorted(slots)
        if not wanted:
            return booked
        # With no other event's leads in the file (one show per laptop, a demo build) every
        # follow-up is this event's (each has its lead, foreign keys on): counted from the
        # slot index alone, without looking up each touch's lead, a quarter of the time
        # (~1 s of a 50k build's saves, issue 23). Two index seeks tell.
        alone = all(
            s.scalar(select(agg(LeadRow.event_id))) in (event_id, None)
            for agg in (func.min, func.max)
        )
        for part in in_chunks(wanted):
            q = (
                select(FollowUpRow.due_at, func.count())
                .where(
                    FollowUpRow.channel == Channel.EMAIL.value,
                    FollowUpRow.state.in_([st.value for st in OPEN_STATES]),
                    FollowUpRow.due_at.in_(part),
                )
                .group_by(FollowUpRow.due_at)
            )
            if not alone:
                q = q.join(LeadRow).where(LeadRow.event_id == event_id)
            booked.update({_aware(due): n for due, n in s.execute(q)})
        return booked

    def reassign_open(self, s: Session, lead_id: str, owner: str) -> int:
        """The lead changed hands: its open touches go to the new owner (inside the caller's
        transaction); returns how many moved."""
        moved = 0
        for row in s.scalars(
            select(FollowUpRow).where(
                FollowUpRow.lead_id == lead_id,
                FollowUpRow.state.in_([st.value for st in OPEN_STATES]),
            )
        ):
            if row.owner != owner:
                row.owner = owner
                moved += 1
        return moved

    def _row_for(self, view: _LeadView, t: PlannedTouch) -> FollowUpRow:
        return FollowUpRow(**self._values_for(view, t))

    def _values_for(self, view: _LeadView | PreparedPlan, t: PlannedTouch) -> dict[str, Any]:
        return dict(zip(_TOUCH_COLUMNS, self._touch_values(view, t), strict=True))

    def _touch_values(self, view: _LeadView | PreparedPlan, t: PlannedTouch) -> tuple[Any, ...]:
        """A new touch's row, its ``_TOUCH_COLUMNS`` in order."""
        msg = view.subject(t.template_id)
        return (
            new_id(),
            view.lead_id,
            t.touch_number,
            t.channel.value,
            t.due_utc,
            t.tz,
            t.template_id,
            t.reason,
            # The subject stays stored: lists show it (the queue, `followups list`, the CRM
            # task), which would otherwise render it for every row they list. Rendering it
            # (mostly the lead's message context) is at most ~10 s CPU of a 50k build's
            # worker and ~12 MB of the file (measured in session 17).
            msg.subject,
            # No body: rendered from the lead when read or sent (followup_bodies, issue 23:
            # a 50k build stored ~264 MB of bodies few ever read, ~10 s CPU with them).
            "",
            "",
            TouchState.PLANNED.value,
            view.owner,
            self._device_id,
            msg.language,
        )

    def _view(
        self,
        s: Session,
        lead: LeadRow,
        event: Event,
        cfg: FollowUpSettings,
        touches: Sequence[FollowUpRow] = (),
        config: EventConfig | None = None,
        staff_cache: dict[tuple[str, str], Staff | None] | None = None,
    ) -> _LeadView:
        if staff_cache is None:
            staff = staff_of(s, lead)
        else:
            key = (lead.staff_id, lead.owner)
            if key not in staff_cache:
                staff_cache[key] = staff_of(s, lead)
            staff = staff_cache[key]
        return _view_of(lead, event, cfg, touches, config or self._configs.get(event.id), staff)

    def plan_job(
        self,
        s: Session,
        event_id: str,
        rows: Sequence[LeadRow],
        now: datetime,
        values: list[dict[str, Any]] | None = None,
    ) -> PlanJob:
        """What ``prepare_plans`` needs to plan new leads ``rows`` (routed, not yet inserted)
        elsewhere: their values, the event, its settings and their staff (issue 23).
        ``values``: every column of each row, when the caller read them already."""
        staff: dict[tuple[str, str], Staff | None] = {}
        for row in rows:
            key = (row.staff_id, row.owner)
            if key not in staff:
                staff[key] = staff_of(s, row)
        if values is None:
            columns = [a.key for a in inspect(LeadRow).column_attrs]
            values = [loaded_values(row, columns) for row in rows]
        return PlanJob(
            values,
            self._event(s, event_id),
            self.settings(event_id),
            self._configs.get(event_id),
            staff,
            now,
        )

    @staticmethod
    def _event(s: Session, event_id: str) -> Event:
        return event_of(s, event_id)

    # -- reading --------------------------------------------------------------------------
    def touches(self, event_id: str, lead_id: str | None = None) -> list[Touch]:
        with self._db.read() as s:
            q = (
                select(FollowUpRow)
                .join(LeadRow)
                .where(LeadRow.event_id == event_id)
                .order_by(FollowUpRow.due_at, FollowUpRow.lead_id, FollowUpRow.touch_number)
            )
            if lead_id is not None:
                q = q.where(FollowUpRow.lead_id == lead_id)
            return [touch_from_row(r) for r in s.scalars(q)]

    def lead_touches(self, lead_id: str) -> list[Touch]:
        return self.touches_of([lead_id])[lead_id]

    def touches_of(self, lead_ids: Sequence[str]) -> dict[str, list[Touch]]:
        """Each lead's touches in due order, read at once (a demo's 400 sampled leads: one
        read each was a quarter of its results, issue 23); a lead without any has []."""
        out: dict[str, list[Touch]] = {lead_id: [] for lead_id in lead_ids}
        with self._db.read() as s:
            for ids in in_chunks(list(out)):
                rows = s.scalars(
                    select(FollowUpRow)
                    .where(FollowUpRow.lead_id.in_(ids))
                    .order_by(FollowUpRow.due_at, FollowUpRow.touch_number)
                )
                for r in rows:
                    out[r.lead_id].append(touch_from_row(r))
        return out

    def get_touch(self, touch_id: str) -> Touch:
        with self._db.read() as s:
            return touch_from_row(self._touch_row(s, touch_id))

    def queue(
        self, event_id: str, owner: str | None, day: date, tz: str | None = None
    ) -> list[QueueItem]:
        """Open touches due by the end of ``day`` (in ``tz``, default the event's zone),
        overdue first, plus interrupted sends waiting for review; ``owner`` None: everyone's."""
        with self._db.read() as s:
            event = self._event(s, event_id)
            zone_ = zone(tz or event.timezone or "UTC")
            day_start = datetime.combine(day, time(0, 0), tzinfo=zone_).astimezone(UTC)
            day_end = day_start + timedelta(days=1)
            q = (
                select(FollowUpRow, LeadRow)
                .join(LeadRow)
                .where(
                    LeadRow.event_id == event_id,
                    # Interrupted sends wait for a person, so they show up in the queue too.
                    FollowUpRow.state.in_(
                        [st.value for st in OPEN_STATES] + [TouchState.REVIEW.value]
                    ),
                    FollowUpRow.due_at < day_end,
                )
                .order_by(FollowUpRow.due_at, FollowUpRow.touch_number)
            )
            if owner is not None:
                q = q.where(FollowUpRow.owner == owner)
            return [
                QueueItem(
                    touch=touch_from_row(f),
                    lead_name=lead_name(lead),
                    company=lead.company,
                    email=lead.email,
                    phone=lead.phone,
                    overdue=f.due_at < day_start,
                )
                for f, lead in s.execute(q)
            ]

    def call_script(self, touch_id: str, reader_language: str) -> RenderedMessage:
        """A call touch's script for the rep reading the queue (issue 21): headings in
        their language, the words to say in the lead's (the planned text has both in the
        lead's)."""
        with self._db.read() as s:
            row = self._touch_row(s, touch_id)
            lead = s.get(LeadRow, row.lead_id)
            if lead is None:
                raise NotFoundError(f"no lead {row.lead_id}")
            return (
                Bodies(s, self._configs).lead(lead).render_for_rep(row.template_id, reader_language)
            )

    def message(self, touch_id: str) -> RenderedMessage:
        """A touch's message as the lead gets it (``followup_bodies``): the stored one when the
        row holds it (sent), else rendered from the lead now, so a name fixed after planning
        is in it. The queue's preview of a call, letter or CRM task (an e-mail: ``preview``)."""
        with self._db.read() as s:
            row = self._touch_row(s, touch_id)
            lead = s.get(LeadRow, row.lead_id)
            if lead is None:
                raise NotFoundError(f"no lead {row.lead_id}")
            return Bodies(s, self._configs).message(row, lead)

    def rep_subjects(self, touches: Sequence[Touch], reader_language: str) -> dict[str, str]:
        """Call subjects in the reader's language for a whole list (issue 21), by touch id:
        only calls planned in another language, and only the subject block (the lead's name
        and company, read in one query per 500 leads), so listing every touch of a big show
        stays one pass. A touch missing from the answer keeps its planned subject."""
        reader = normalise_language(reader_language)
        calls = [t for t in touches if t.channel is Channel.CALL and t.language != reader]
        if not calls:
            return {}
        ids = list({t.lead_id for t in calls})
        names: dict[str, MessageContext] = {}
        with self._db.read() as s:
            for part in in_chunks(ids):
                rows = s.execute(
                    select(
                        LeadRow.id, LeadRow.first_name, LeadRow.last_name, LeadRow.company
                    ).where(LeadRow.id.in_(part))
                )
                for lead_id, first, last, company in rows:
                    names[lead_id] = MessageContext(
                        first_name=(first or "").strip(),
                        last_name=(last or "").strip(),
                        company=(company or "").strip(),
                    )
        renderer = default_renderer()
        out: dict[str, str] = {}
        for t in calls:
            ctx = names.get(t.lead_id)
            subject = (
                None if ctx is None else renderer.subject_for_reader(t.template_id, reader, ctx)
            )
            if subject is not None:
                out[t.id] = subject
        return out

    def owners(self, event_id: str) -> list[str]:
        with self._db.read() as s:
            return event_owners(s.connection(), event_id)  # by index, not every touch

    def owner_choices(self, event_id: str) -> list[tuple[str, str]]:
        """(owner id, name to show) for the queue's owner picker: routing stores rep ids, people
        read the rep's name (an owner taken from the CRM is its own name)."""
        names = rep_names(self._configs.get(event_id).routing.reps)  # reader's words (#21)
        return [(o, names.get(o, o)) for o in self.owners(event_id) if o]

    @staticmethod
    def _touch_row(s: Session, touch_id: str) -> FollowUpRow:
        row = s.get(FollowUpRow, touch_id)
        if row is None:
            raise NotFoundError(f"no follow-up touch {touch_id}")
        return row

    # -- people act -----------------------------------------------------------------------
    def approve(self, touch_id: str, staff_id: str = "") -> Touch:
        """A person read the message: it may go out when due."""
        with self._db.session() as s:
            row = self._touch_row(s, touch_id)
            if row.state != TouchState.PLANNED:
                raise ValueError(f"touch {touch_id} is {row.state}, only planned touches approve")
            row.state = TouchState.APPROVED.value
            row.reason += "; " + R.english(R.APPROVED_BY, who=staff_id or "staff")
            return touch_from_row(row)

    def record_outcome(
        self,
        touch_id: str,
        outcome: Outcome | str,
        staff_id: str = "",
        now: datetime | None = None,
        note: str = "",
    ) -> OutcomeResult:
        """Log what happened on a touch. The 5-attempt rule and the next action come from
        ``core.followups.attempts``; the stage change is written to the lead's history."""
        request = OutcomeRequest(touch_id, Outcome(outcome), now, note)
        return self.record_outcomes([request], staff_id)[0]

    def record_outcomes(
        self, requests: Sequence[OutcomeRequest], staff_id: str = ""
    ) -> list[OutcomeResult]:
        """``record_outcome`` for many touches in one transaction through the lead door:
        all are recorded or none (a touch already closed fails them all, ValueError). A
        demo's or an import's hundred outcomes: one commit and one re-plan, not one each."""
        known: dict[str, _EventPlanning] = {}
        with self.changes.transaction(ChangeOrigin.OUTCOME, staff_id) as tx:
            return [self._record(tx, request, known) for request in requests]

    def _record(
        self, tx: LeadTransaction, request: OutcomeRequest, known: dict[str, _EventPlanning]
    ) -> OutcomeResult:
        """One outcome in ``tx``; ``known``: what the transaction read of each event so far
        (the demo's outcomes read the event, its config and settings once, not ~80 times)."""
        outcome, note = request.outcome, request.note
        now = (request.at or datetime.now(UTC)).astimezone(UTC)
        s = tx.session
        row = self._touch_row(s, request.touch_id)
        if row.state not in OPEN_STATES and row.state != TouchState.SENT:
            raise ValueError(f"touch {request.touch_id} is already {row.state}")
        lead = s.get(LeadRow, row.lead_id)
        assert lead is not None
        planning = known.get(lead.event_id)
        if planning is None:
            planning = known[lead.event_id] = _EventPlanning(
                self._event(s, lead.event_id),
                self._configs.get(lead.event_id),
                self.settings(lead.event_id),
            )
        event, settings = planning.event, planning.settings
        all_rows = list(
            s.scalars(
                select(FollowUpRow)
                .where(FollowUpRow.lead_id == lead.id)
                .order_by(FollowUpRow.done_at, FollowUpRow.touch_number)
            )
        )
        view = self._view(s, lead, event, settings, config=planning.config)
        history = AttemptHistory(
            lead_id=lead.id,
            tz=view.facts.tz,
            country=view.facts.country,
            stage=Stage(lead.stage),
            has_email=view.facts.has_email,
            has_phone=view.facts.has_phone,
            consent_marketing=view.facts.consent_marketing,
            attempts=tuple(_attempts(r for r in all_rows if r.id != row.id)),
            touch_count=max((r.touch_number for r in all_rows), default=0),
        )
        decision = decide_outcome(
            history, outcome, now, settings.plan, channel=Channel(row.channel)
        )
        if row.state != TouchState.SENT:
            row.state = TouchState.DONE.value
        row.outcome = outcome.value
        row.done_at = now
        row.attempts += 1
        if note.strip():
            row.reason += "; " + R.english(R.NOTE, text=" ".join(note.split()))
        new_stage = decision.new_stage
        if new_stage is not None:
            tx.update(lead, {"stage": new_stage.value})
        if decision.next_touch is None:
            # Not interested or a meeting: the automatic plan stops; rows are kept.
            for other in all_rows:
                if other.id != row.id and other.state in OPEN_STATES:
                    other.state = TouchState.CANCELLED.value
                    other.reason += "; " + R.english(R.CANCELLED, why=decision.reason)
        next_row: FollowUpRow | None = None
        if decision.next_touch is not None:
            next_row = self._row_for(view, decision.next_touch)
            next_row.reason = R.english(
                R.FOLLOWS, next=decision.next_touch.reason, why=decision.reason
            )
            s.add(next_row)
        s.flush()
        return OutcomeResult(
            touch=touch_from_row(row),
            new_stage=new_stage.value if new_stage is not None else None,
            next_touch=touch_from_row(next_row) if next_row is not None else None,
            reason=decision.reason,
        )

    def send_due(
        self,
        event_id: str,
        smtp_settings: SmtpSettings,
        password: str | None,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
        **options: Any,
    ) -> SendReport:
        """Send due email touches through the durable queue (see ``followup_send``)."""
        return FollowUpSender(self._db, self).send_due(
            event_id, smtp_settings, password, dry_run=dry_run, progress=progress, **options
        )

    def preview(self, touch_id: str) -> MailPreview:
        """The exact mail of a touch, as the next send run would build it."""
        return FollowUpSender(self._db, self).preview(touch_id)

    def review_list(self, event_id: str) -> list[QueueItem]:
        """Interrupted sends waiting for a person (``resolve_review``)."""
        far = datetime.now(UTC).date() + timedelta(days=3650)
        return [
            item
            for item in self.queue(event_id, None, far)
            if item.touch.state is TouchState.REVIEW
        ]

    def resolve_owner(self, event_id: str, text: str) -> str:
        """The owner key touches carry for a rep or staff member given by id or name
        (issue 16: ``--staff "Jonas Weber"`` failed where only the id worked)."""
        wanted = text.strip().casefold()
        if not wanted:
            raise ValueError("no staff member given")
        choices = self.owner_choices(event_id)
        reps = self._configs.get(event_id).routing.reps
        with self._db.read() as s:
            staff = [
                (r.id, r.name)
                for r in s.scalars(select(StaffRow).where(StaffRow.event_id == event_id))
            ]
        for key, name in [*choices, *((r.id, r.name) for r in reps)]:
            if wanted in (key.casefold(), name.casefold()):
                return key
        for staff_id, name in staff:
            if wanted in (staff_id.casefold(), name.casefold()):
                # Touches of a staff member (not a routing rep) carry the name as owner.
                rep = next((r.id for r in reps if r.name.casefold() == name.casefold()), None)
                return rep or name
        known = ", ".join(sorted({name for _, name in choices} | {r.name for r in reps}))
        raise NotFoundError(f"no staff member or rep {text!r} in this event (known: {known})")

    def mark_unsubscribed(self, lead_id: str, now: datetime | None = None) -> bool:
        """The lead asked for no more mail (issue 16); True when that is news."""
        return mark_unsubscribed(self.changes, lead_id, now)

    def apply_replies(self, event_id: str, replies: InboxReplies) -> RepliesApplied:
        """Unsubscribe replies and late bounces read from the follow-up mailbox."""
        return apply_replies(self._db, self, event_id, replies)

    def resolve_review(self, touch_id: str, was_sent: bool, staff_id: str = "") -> Touch:
        return FollowUpSender(self._db, self).resolve_review(touch_id, was_sent, staff_id)

    # -- outputs (followup_outputs) -------------------------------------------------------
    def letters_pdf(
        self, event_id: str, path: Path, now: datetime | None = None, mark_printed: bool = True
    ) -> int:
        """Print the letter touches due by today into one PDF; they are marked done
        (outcome "printed") so the next run does not print them again."""
        sender = self.settings(event_id).sender
        return followup_outputs.letters_pdf(
            self._db, self._configs, sender, event_id, path, now, mark_printed
        )

    def calendar(self, event_id: str, staff_name: str, now: datetime | None = None) -> str:
        """An iCalendar document of a staff member's open touches (UID = touch id)."""
        return followup_outputs.calendar(self._db, self._configs, event_id, staff_name, now)

    def metrics(self, event_id: str) -> ResponseTimes:
        """Capture -> first contact per lead, with medians per owner and for the event."""
        return followup_outputs.metrics(self._db, event_id)


CALL_OUTCOMES: tuple[Outcome, ...] = _CALL_OUTCOMES


def _attempts(rows: Iterable[FollowUpRow]) -> list[Attempt]:
    out: list[Attempt] = []
    for r in rows:
        if r.done_at is None or not r.outcome:
            continue
        try:
            outcome = Outcome(r.outcome)
        except ValueError:
            continue  # "printed": not an attempt that can go unanswered
        out.append(Attempt(r.done_at, Channel(r.channel), outcome))
    out.sort(key=lambda a: a.at_utc)
    return out


# Closed touches whose message never went out: a re-plan may plan that content again.
_NOT_SENT = frozenset({TouchState.CANCELLED.value, TouchState.FAILED.value})


def _view_of(
    lead: LeadRow,
    event: Event,
    cfg: FollowUpSettings,
    touches: Sequence[FollowUpRow],
    config: EventConfig,
    staff: Staff | None,
) -> _LeadView:
    """What planning and rendering need about one lead (no database: a worker runs it too)."""
    country = normalise_country(lead.country) or event.country or ""
    # One string per zone and owner, not one per lead: what a bulk capture's worker sends
    # back pickles each once (issue 23).
    tz = sys.intern(lead.timezone.strip() or event.timezone or "UTC")
    zone(tz)  # a bad zone names itself
    facts = LeadFacts(
        id=lead.id,
        rating=Rating(lead.rating),
        qualified=lead.qualified,
        tz=tz,
        country=country,
        has_email=bool(lead.email.strip()),
        has_phone=bool(lead.phone.strip()),
        consent_marketing=lead.consent_given_at is not None,
        captured_at_utc=lead.created_at,
        bounced=contact_facts(lead, touches).bounced,
    )
    owner = sys.intern(lead.owner.strip() or (staff.name if staff else ""))
    return _LeadView(lead, facts, owner, lead_messages(lead, event, cfg, config, staff))


def _cancel_open(rows: Iterable[FollowUpRow], reason: str) -> None:
    for r in rows:
        if r.state in OPEN_STATES:
            r.state = TouchState.CANCELLED.value
            r.reason += "; " + R.english(R.CANCELLED, why=reason)


def _aware(stamp: datetime) -> datetime:
    # SQLite hands back naive datetimes that were written in UTC.
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _renumber(t: PlannedTouch, n: int) -> PlannedTouch:
    if t.touch_number == n:
        return t  # a new lead's touches are numbered so already (200,000 at 50k, issue 23)
    return PlannedTouch(n, t.channel, t.due_utc, t.tz, t.template_id, t.reason)


def _planned_of(r: FollowUpRow) -> PlannedTouch:
    return PlannedTouch(
        r.touch_number, Channel(r.channel), r.due_at, r.timezone, r.template_id, r.reason
    )


_LEAD_COLUMN_KEYS = frozenset(a.key for a in inspect(LeadRow).column_attrs)


def _loaded(s: Session, lead_id: str) -> LeadRow | None:
    """The session's row of the lead when it holds one with every column loaded."""
    row = s.identity_map.get(Session.identity_key(LeadRow, lead_id))
    if not isinstance(row, LeadRow):
        return None
    # Every column in the row's own dict: an expired value leaves it (SQLAlchemy removes
    # it), so no ``inspect(row).unloaded``, a set built per lead (~0.2 s of a 50k build).
    return row if row.__dict__.keys() >= _LEAD_COLUMN_KEYS else None


def _show_end(event: Event, now: datetime) -> datetime:
    last = event.ends_on or event.starts_on
    if last is None:
        return now
    return datetime.combine(last, _SHOW_CLOSE, tzinfo=zone(event.timezone or "UTC")).astimezone(UTC)
