"""Leads: record scans, open or create the lead for a badge, edit with history, list.

Each public method is one transaction. A lead saved is a lead kept: staff never hard-delete,
they set "please delete" and an administrator reviews it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, overload

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.sql.elements import ColumnElement

from boothapp.capture.badges import DelimitedFieldMap, ParsedBadge, parse_badge
from boothapp.core.config.model import EventConfig
from boothapp.core.evaluation import Evaluation, evaluate_lead
from boothapp.core.i18n import _
from boothapp.core.models import (
    CONTACT_FIELDS,
    Attendee,
    Contact,
    Lead,
    LeadSource,
    Rating,
    Scan,
    Stage,
    SyncState,
)
from boothapp.core.routing import RoutingState
from boothapp.services.audit import AuditAction, record, record_many
from boothapp.services.badge_identity import BadgeIdentity, identity_of, roster_identity
from boothapp.services.badge_text import roster_match
from boothapp.services.bulk_evaluation import Evaluated, Item, clean_fields, evaluate_items
from boothapp.services.bulk_worker import BulkWorker, bulk_worker
from boothapp.services.card_images import image_paths_of
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.services.event_config import EventConfigService
from boothapp.services.followups import FollowUpService, Prepared, prepare_plans
from boothapp.services.lead_changes import ChangeOrigin, LeadChanges, LeadTransaction
from boothapp.services.routing import assign_owner, assign_owners, save_routing
from boothapp.services.sightings import Sighting, sightings_in
from boothapp.services.slot_book import SlotBook
from boothapp.store.bulk import in_chunks, insert_rows, insert_tuples, loaded_rows, loaded_values
from boothapp.store.commits_behind import CommitsBehind
from boothapp.store.db import Database
from boothapp.store.mappers import (
    attendee_from_row,
    lead_from_row,
    scan_from_row,
)
from boothapp.store.search_schema import indexed_at_end
from boothapp.store.tables import (
    AttendeeRow,
    EventRow,
    LeadAliasRow,
    LeadChangeRow,
    LeadRow,
    ScanRow,
    StaffRow,
    table_of,
)
from boothapp.store.types import new_id

BadgeParser = Callable[[str], ParsedBadge]


def field_map_of(cfg: EventConfig) -> DelimitedFieldMap | None:
    """The event's layout for delimited badges ("skip" in the config is the parser's ignore)."""
    fm = cfg.badge_field_map
    try:
        fields = tuple("ignore" if f == "skip" else f for f in fm.fields)
        return DelimitedFieldMap(fm.delimiter, fields)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class LeadDraft:
    """What the lead form edits. ``lead_id`` None means a new lead."""

    event_id: str
    contact: Contact = field(default_factory=Contact)
    lead_id: str | None = None
    source: LeadSource = LeadSource.MANUAL
    badge_key: str | None = None
    badge_id: str = ""
    raw_payload: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    rating: Rating = Rating.WARM
    rating_overridden: bool = False
    score: int = 0
    qualified: bool = False
    notes: str = ""
    consent_text: str = ""
    consent_given: bool = False
    referred_by: str = ""
    owner: str = ""
    stage: Stage = Stage.TO_CONTACT
    staff_id: str = ""


@dataclass(frozen=True, slots=True)
class CapturedLead:
    """A lead captured earlier or elsewhere (demo data, a bench), with its own capture time."""

    draft: LeadDraft
    captured_at: datetime
    device_id: str = ""


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    scan: Scan
    draft: LeadDraft  # pre-filled from the badge and the roster
    existing: Lead | None  # the lead this badge already has on this device, if any
    from_roster: bool = False
    warnings: tuple[str, ...] = ()
    # The visitor's first capture, on this device or another one of the event hub (issue 19).
    first_seen: Sighting | None = None

    @property
    def is_duplicate(self) -> bool:
        return self.existing is not None


@dataclass(frozen=True, slots=True)
class RosterOffer:
    """The attendee a photographed card or text-only badge names (issue 20)."""

    attendee: Attendee
    score: float  # 1.0 for the roster's own e-mail, else the name + company likeness
    existing: Lead | None  # the lead this attendee already has on this device, if any


def card_draft(draft: LeadDraft, contact: Contact, offer: RosterOffer | None) -> LeadDraft:
    """The form of a card read (issue 20): what the card says, or the roster's attendee
    completed by it; the roster's badge id then identifies the lead, so scanning that
    visitor's barcode later opens this lead."""
    if offer is None:
        return replace(draft, contact=contact, source=LeadSource.MANUAL)
    badge_id = offer.attendee.badge_id
    return replace(
        draft,
        contact=offer.attendee.contact.merged_with(contact),
        source=LeadSource.MANUAL,
        badge_id=badge_id,
        badge_key=roster_identity(badge_id).key if badge_id else None,
    )


@dataclass(frozen=True, slots=True)
class LeadChange:
    field: str
    old_value: Any
    new_value: Any
    staff_id: str
    changed_at: datetime


# Which door a new lead came through, by how it was captured.
_ORIGINS = {
    LeadSource.BADGE_SCAN: ChangeOrigin.SCAN,
    LeadSource.HANDHELD: ChangeOrigin.SCAN,
    LeadSource.KIOSK: ChangeOrigin.KIOSK,
    LeadSource.MANUAL: ChangeOrigin.WALK_IN,
    LeadSource.REFERRAL: ChangeOrigin.WALK_IN,
}

_LEAD_COLUMNS = tuple(c.key for c in table_of(LeadRow).columns)
_NO_VALUES = dict.fromkeys(_LEAD_COLUMNS)


def _values_of(row: LeadRow) -> dict[str, Any]:
    """Every column of a new lead row, as ``insert_rows`` takes it."""
    return loaded_values(row, _LEAD_COLUMNS)


# Where an id's random characters start (1-based, for SQL's substr): the last 12 of
# ``new_id``'s 74 random bits, and random in any uuid4 too.
_ID_RANDOM_END = 25


_EDITABLE = (
    "answers",
    "rating",
    "rating_overridden",
    "score",
    "qualified",
    "notes",
    "referred_by",
    "owner",
    "stage",
)


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A bulk capture's chunk, routed and planned ahead of its transaction (issue 23)."""

    rows: list[LeadRow]
    values: list[dict[str, Any]]  # every column of each row, routed: inserted and planned
    now: datetime
    routing: RoutingState | None  # where routing stands after these leads
    plans: Prepared | None


def _made_now(plans: Prepared | None) -> Prepared | None:
    """Plans made here now (before waiting for the worker); None when they fail, so that
    the door plans again in its savepoint and says why, as it does for one lead."""
    if plans is None:
        return None
    try:
        ready = plans()
    except Exception:
        return None
    return lambda: ready


# A captured badge's scan row as ``add_captured`` gives it, its columns in order.
_SCAN_COLUMNS = (
    "id", "event_id", "payload", "source", "lead_id", "staff_id", "device_id", "created_by",
    "created_at", "updated_at",
)  # fmt: skip


class _Parts(Sequence[Sequence[CapturedLead]]):
    """A bulk capture's chunks (``starts``: where each begins, then the end), each sliced
    from the leads once, when first asked for."""

    def __init__(self, leads: Sequence[CapturedLead], starts: list[int]) -> None:
        self._leads = leads
        self._starts = starts
        self._made: dict[int, Sequence[CapturedLead]] = {}

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, k: int) -> Sequence[CapturedLead]: ...
    @overload
    def __getitem__(self, k: slice) -> list[Sequence[CapturedLead]]: ...
    def __getitem__(self, k: int | slice) -> Sequence[CapturedLead] | list[Sequence[CapturedLead]]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        part = self._made.get(k)
        if part is None:
            part = self._made[k] = self._leads[self._starts[k] : self._starts[k + 1]]
        return part


# Chunks a bulk capture's worker evaluates ahead of the one being routed: two, so that it
# evaluates the next but one while this process saves the first chunk (the worker is ready
# before the capture starts) and has an evaluation in hand whenever a chunk's plans are done.
_EVALUATED_AHEAD = 2


class LeadService:
    def __init__(
        self,
        db: Database,
        device_id: str = "",
        parser: BadgeParser | None = None,
        configs: EventConfigService | None = None,
        changes: LeadChanges | None = None,
    ) -> None:
        self._db = db
        self._device_id = device_id
        self._parser = parser
        self._configs = configs or EventConfigService(db)
        # Every write below goes through the door (history, CRM queue, follow-up plan).
        self.changes = changes or LeadChanges(db, device_id)

    def parse(self, event_id: str, payload: str) -> ParsedBadge:
        if self._parser is not None:
            return self._parser(payload)
        return parse_badge(payload, field_map=field_map_of(self._configs.get(event_id)))

    # -- scanning -------------------------------------------------------------------------
    def record_scan(
        self,
        event_id: str,
        payload: str,
        *,
        symbology: str = "",
        source: LeadSource = LeadSource.BADGE_SCAN,
        staff_id: str = "",
        image_path: str = "",
    ) -> ScanOutcome:
        """Keep the scan (always) and say which lead it belongs to or how to pre-fill one."""
        if not payload and not image_path:
            raise ValidationError(_("empty scan: nothing was read from the badge"))
        parsed = self.parse(event_id, payload) if payload else None
        with self._db.session() as s:
            attendee = self._roster_match(s, event_id, parsed) if parsed else None
            # The roster's badge id is the visitor's identity when we have it, so a vCard
            # badge and an id-only badge of the same person open the same lead.
            ident = identity_of(parsed, attendee.badge_id if attendee else "") if parsed else None
            existing_row = None
            if ident is not None:
                existing_row = s.scalar(
                    select(LeadRow).where(
                        LeadRow.event_id == event_id, LeadRow.badge_key == ident.key
                    )
                )
            scan_row = ScanRow(
                event_id=event_id,
                payload=payload,
                symbology=symbology,
                source=source.value,
                lead_id=existing_row.id if existing_row else None,
                staff_id=staff_id,
                image_path=image_path,
                device_id=self._device_id,
                created_by=staff_id,
            )
            s.add(scan_row)
            s.flush()
            draft = _prefilled(event_id, payload, parsed, attendee, ident, source, staff_id)
            existing = self._lead_with_staff(s, existing_row) if existing_row else None
            warnings = parsed.warnings if parsed else ()
            seen = sightings_in(s, existing_row.id, self._device_id) if existing_row else []
            return ScanOutcome(
                scan=scan_from_row(scan_row),
                draft=draft,
                existing=existing,
                from_roster=attendee is not None,
                warnings=warnings,
                first_seen=seen[0] if seen else None,
            )

    def resume_scan(self, scan_id: str, staff_id: str = "") -> Lead:
        """An unfinished visitor (a scan with no lead, issue 18) becomes their lead, pre-filled
        from the badge and the roster as the scan page would have, through the lead door; a
        badge that has its lead by now gets the scan attached to it instead."""
        with self._db.read() as s:
            scan = s.get(ScanRow, scan_id)
            if scan is None:
                raise NotFoundError(_("no scan {scan}").format(scan=scan_id))
            if scan.lead_id is not None:
                raise ValidationError(
                    _("scan {scan} belongs to lead {lead}").format(scan=scan_id, lead=scan.lead_id)
                )
            event_id, payload = scan.event_id, scan.payload
            source = LeadSource(scan.source) if scan.source in set(LeadSource) else (
                LeadSource.BADGE_SCAN
            )  # fmt: skip
        if not payload:
            raise ValidationError(
                _("scan {scan} read nothing from the badge: type the visitor").format(scan=scan_id)
            )
        parsed = self.parse(event_id, payload)
        with self._db.read() as s:
            attendee = self._roster_match(s, event_id, parsed)
            ident = identity_of(parsed, attendee.badge_id if attendee else "")
            existing = None
            if ident is not None:
                existing = s.scalar(
                    select(LeadRow.id).where(
                        LeadRow.event_id == event_id, LeadRow.badge_key == ident.key
                    )
                )
        if existing is not None:
            with self._db.session() as s:
                scan = s.get(ScanRow, scan_id)
                if scan is not None and scan.lead_id is None:
                    scan.lead_id = existing
            return self.get_lead(existing)
        draft = _prefilled(event_id, payload, parsed, attendee, ident, source, staff_id)
        return self.save_lead(draft, scan_id=scan_id)

    def _roster_match(self, s: Session, event_id: str, parsed: ParsedBadge) -> Attendee | None:
        conds: list[ColumnElement[bool]] = []
        ids = {*parsed.id_forms, parsed.badge_id} - {""}
        if ids:
            conds.append(AttendeeRow.badge_id.in_(sorted(ids)))
        if parsed.contact.email:
            conds.append(func.lower(AttendeeRow.email) == parsed.contact.email.lower())
        if not conds:
            return None
        row = s.scalars(
            select(AttendeeRow).where(AttendeeRow.event_id == event_id, or_(*conds)).limit(1)
        ).first()
        return attendee_from_row(row) if row else None

    def card_in_roster(
        self, event_id: str, lines: Sequence[str], email: str = ""
    ) -> RosterOffer | None:
        """The roster's attendee a card or text-only badge names, when the match is strong
        (services/badge_text.py), with the lead they already have (issue 20)."""
        with self._db.read() as s:
            match = roster_match(s, event_id, lines, email)
            if match.attendee is None:
                return None
            existing = None
            if match.attendee.badge_id:
                key = roster_identity(match.attendee.badge_id).key
                row = s.scalar(
                    select(LeadRow).where(LeadRow.event_id == event_id, LeadRow.badge_key == key)
                )
                existing = self._lead_with_staff(s, row) if row else None
            return RosterOffer(match.attendee, match.score, existing)

    def capture_scan(self, event_id: str, payload: str, **kwargs: Any) -> tuple[Lead, bool]:
        """Record a scan and save its lead at once (CLI, handheld bulk). Returns (lead, created)."""
        outcome = self.record_scan(event_id, payload, **kwargs)
        if outcome.existing is not None:
            return outcome.existing, False
        return self.save_lead(outcome.draft, scan_id=outcome.scan.id), True

    def card_images(self, lead_id: str) -> list[Path]:
        """The lead's kept card (or badge) photos on this device, oldest first (issue 20)."""
        return image_paths_of(self._db, lead_id)

    # -- saving ---------------------------------------------------------------------------
    def evaluate(self, draft: LeadDraft) -> Evaluation:
        """Clean contact, score, suggested rating and qualification under the event's rules."""
        cfg = self._configs.get(draft.event_id)
        with self._db.read() as s:
            region = s.scalar(select(EventRow.country).where(EventRow.id == draft.event_id)) or ""
        return evaluate_lead(
            clean_fields(draft.contact),
            draft.answers,
            cfg,
            default_region=region,
            referred_by=draft.referred_by,
        )

    def save_lead(self, draft: LeadDraft, scan_id: str | None = None) -> Lead:
        """Create or update a lead in one transaction through the lead door (history, CRM
        queue, follow-up plan).

        The contact is cleaned (E.164 phone, ISO country, time zone), the score, suggested
        rating and qualification come from the event's rules; a rating staff chose wins.
        """
        evaluation = self.evaluate(draft)
        contact = evaluation.contact
        draft = replace(
            draft,
            score=evaluation.score.total,
            qualified=evaluation.qualification.qualified,
            rating=draft.rating if draft.rating_overridden else evaluation.suggested_rating,
        )
        junk = evaluation.hygiene.junk
        origin = _ORIGINS.get(draft.source, ChangeOrigin.EDIT)
        if draft.lead_id is not None:
            origin = ChangeOrigin.EDIT
        try:
            with self.changes.transaction(origin, draft.staff_id) as tx:
                s = tx.session
                if draft.lead_id is None:
                    row = self._insert(s, draft, contact, tx.now)
                    # Junk ("Mickey Mouse", "1234567") is flagged for review, never dropped.
                    row.please_delete = row.please_delete or junk
                    if not row.owner:
                        assign_owner(s, row, self._configs.get(draft.event_id))
                    tx.created(row)
                else:
                    row = self._update(tx, draft, contact)
                if scan_id:
                    scan = s.get(ScanRow, scan_id)
                    if scan is not None and scan.lead_id is None:
                        scan.lead_id = row.id
                lead_id = row.id
            return self.get_lead(lead_id)  # as committed, with the sync state the queue set
        except IntegrityError:
            # The hub merged this lead into another while the form was open: save it there.
            if draft.lead_id is not None and self._merged_into(draft.lead_id):
                return self.save_lead(draft, scan_id)
            # Another save of the same badge won the race: open that lead instead.
            if draft.lead_id is None and draft.badge_key:
                existing = self.find_by_badge_key(draft.event_id, draft.badge_key)
                if existing is not None:
                    return existing
            raise

    def add_captured(
        self,
        event_id: str,
        leads: Sequence[CapturedLead],
        chunk: int = 1000,
        progress: Callable[[int, int], None] | None = None,
        *,
        parallel: bool = False,
        worker: BulkWorker | None = None,
    ) -> int:
        """Many leads through the door, one transaction per chunk (history, routing, CRM
        queue and follow-up plans as for a scan), each with its own capture time.

        ``parallel``: the later chunks are evaluated (contact cleaned, scored) and their
        follow-ups planned and rendered in a worker process while the earlier ones are saved
        (``bulk_evaluation``; a big demo build). ``worker``: that worker, started by the
        caller beforehand (``BulkWorker.start``) and closed by it."""
        if not leads:
            return 0
        cfg = self._configs.get(event_id)
        with self._db.read() as s:
            region = s.scalar(select(EventRow.country).where(EventRow.id == event_id)) or ""
        done = 0
        # In parallel the first chunk is evaluated here while the worker process starts: a
        # fifth of a chunk covers its start, and the rest of the evaluating is the worker's.
        parallel = parallel or (worker is not None and worker.parallel)
        first = max(1, chunk // 5) if parallel and len(leads) > chunk else chunk
        starts = [0, *range(first, len(leads), chunk), len(leads)]
        # Each chunk sliced when the pipeline first needs it (its evaluation two chunks
        # ahead): ``leads`` may make its leads as they are asked for (the demo, #23).
        parts = _Parts(leads, starts)

        def items(k: int) -> list[Item]:
            return [(i.draft.contact, i.draft.answers, i.draft.referred_by) for i in parts[k]]

        own = bulk_worker(parallel and len(parts) > 1) if worker is None else nullcontext(worker)
        with own as worker, closing(CommitsBehind()) as commits, self._db.read() as reader:
            # A pipeline (issue 23): while chunk k commits on a thread of its own, this
            # process routes chunk k + 1 (the routing state carried from chunk to chunk as
            # in one transaction) and hands it to the worker, which plans and renders its
            # follow-ups while chunk k + 1 is inserted here, then evaluates chunk k + 3.
            evaluated: list[Callable[[], list[Evaluated]]] = [
                partial(evaluate_items, items(0), cfg, region)
            ]
            for k in range(1, min(1 + _EVALUATED_AHEAD, len(parts))):
                evaluated.append(worker.submit(evaluate_items, items(k), cfg, region))
            # The first chunk is planned here too, while the worker process starts.
            here = BulkWorker(parallel=False)
            # The open emails per slot, counted once and then kept as the chunks plan them.
            book = SlotBook()
            # Routing reads (staff, the event) on a connection of their own: the chunks'
            # keeps its page cache, and one of them is committing while the next is routed.
            ahead = self._routed(reader, event_id, parts[0], evaluated[0](), cfg, None, here)
            for k, part in enumerate(parts):
                current = ahead
                with (
                    self.changes.transaction(
                        ChangeOrigin.SCAN, now=current.now, behind=commits
                    ) as tx,
                    tx.session.no_autoflush,
                ):
                    self._add_part(tx, event_id, current)
                    tx.prepared_plans = _made_now(current.plans) if k == 0 else current.plans
                    tx.slot_book = book
                done += len(part)
                if progress is not None:
                    progress(done, len(leads))  # its commit may still be running
                if k + 1 < len(parts):
                    evaluations = evaluated[k + 1]()
                    ahead = self._routed(
                        reader, event_id, parts[k + 1], evaluations, cfg, current.routing, worker
                    )
                    if k + 1 + _EVALUATED_AHEAD < len(parts):
                        later = items(k + 1 + _EVALUATED_AHEAD)
                        evaluated.append(worker.submit(evaluate_items, later, cfg, region))
            commits.wait()  # the last chunk is stored when this returns
        return done

    def _routed(
        self,
        s: Session,
        event_id: str,
        part: Sequence[CapturedLead],
        evaluations: Sequence[Evaluated],
        cfg: EventConfig,
        routing: RoutingState | None,
        worker: BulkWorker,
    ) -> _Chunk:
        """A chunk's new lead rows, routed, with its follow-ups asked of the worker. Not
        stored yet: ``routing`` is where the previous chunk left the routing state."""
        chunk_values = []
        for item, ev in zip(part, evaluations, strict=True):
            draft = item.draft
            # Every column, as ``_values_of`` reads a constructed row: None where unset.
            values = dict(_NO_VALUES)
            values.update(self._new_values(draft, ev.contact, item.captured_at))
            # The draft as evaluated (no copy of it made: a tenth of this step, #23).
            values.update(
                id=new_id(),  # the column's default, here: the row is inserted below
                score=ev.score,
                qualified=ev.qualified,
                rating=(draft.rating if draft.rating_overridden else ev.suggested_rating).value,
                device_id=item.device_id or self._device_id,
                please_delete=ev.junk,
            )
            chunk_values.append(values)
        rows = loaded_rows(LeadRow, chunk_values)
        now = self.changes.clock()  # the chunk's transaction time, fixed for its plans
        routing = assign_owners(s, [r for r in rows if not r.owner], cfg, routing)
        # Read once per row, routed: inserted, logged and planned from these (issue 23).
        stored = [_values_of(row) for row in rows]
        plans = self._plans_ahead(s, event_id, rows, stored, now, worker)
        return _Chunk(rows, stored, now, routing, plans)

    def _add_part(self, tx: LeadTransaction, event_id: str, chunk: _Chunk) -> None:
        """One chunk of ``add_captured`` in its transaction through the lead door."""
        rows = chunk.rows
        if chunk.routing is not None:
            save_routing(tx.session, event_id, chunk.routing)
        # One executemany of plain tuples, then the rows join the session as stored: the
        # unit of work's flush of 5,000 new objects was a tenth of a demo build (#23).
        stored = chunk.values
        with indexed_at_end(tx.session):  # the search index in one statement (#23)
            insert_rows(tx.session, LeadRow, stored)
        for row in rows:
            make_transient_to_detached(row)
            tx.session.add(row)
        # A captured badge was a scan: keep it, as the live scanner does. Rows, not ORM
        # objects: nothing in this transaction reads them back (issue 23). Read from the
        # values just stored, not through the rows' attributes (a call each, #23).
        scans = [
            (
                new_id(), event_id, v["raw_payload"], v["source"], v["id"], v["staff_id"],
                v["device_id"], v["staff_id"], v["created_at"], v["created_at"],
            )
            for v in stored
            if v["raw_payload"]
        ]  # fmt: skip
        insert_tuples(tx.session, ScanRow, _SCAN_COLUMNS, scans)
        # As ``_insert`` records each lead saved one by one.
        record_many(
            tx.session,
            AuditAction.LEAD_CREATED,
            [dict(event_id=event_id, lead_id=v["id"], staff_id=v["staff_id"]) for v in stored],
            device_id=self._device_id,
        )
        for row, v in zip(rows, stored, strict=True):
            tx.created(row, staff_id=v["staff_id"], values=v)

    def _plans_ahead(
        self,
        s: Session,
        event_id: str,
        rows: Sequence[LeadRow],
        values: list[dict[str, Any]],
        now: datetime,
        worker: BulkWorker,
    ) -> Prepared | None:
        planner = self.changes.planner
        if not isinstance(planner, FollowUpService):
            return None
        try:
            job = planner.plan_job(s, event_id, rows, now, values)
        except Exception:  # a broken follow-up section: the door's own planning says so
            return None
        return worker.submit(prepare_plans, job)

    def _insert(self, s: Session, draft: LeadDraft, contact: Contact, now: datetime) -> LeadRow:
        row = self._new_row(draft, contact, now)
        s.add(row)
        s.flush()
        record(
            s,
            AuditAction.LEAD_CREATED,
            event_id=draft.event_id,
            lead_id=row.id,
            staff_id=draft.staff_id,
            device_id=self._device_id,
        )
        return row

    def _new_row(self, draft: LeadDraft, contact: Contact, now: datetime) -> LeadRow:
        return LeadRow(**self._new_values(draft, contact, now))

    def _new_values(self, draft: LeadDraft, contact: Contact, now: datetime) -> dict[str, Any]:
        """A new lead's column values, saved one by one or in bulk (one place, issue 23)."""
        return dict(
            event_id=draft.event_id,
            badge_key=draft.badge_key,
            badge_id=draft.badge_id,
            raw_payload=draft.raw_payload,
            source=draft.source.value,
            answers=dict(draft.answers),
            rating=draft.rating.value,
            rating_overridden=draft.rating_overridden,
            score=draft.score,
            qualified=draft.qualified,
            notes=draft.notes,
            consent_text=draft.consent_text if draft.consent_given else "",
            consent_given_at=now if draft.consent_given else None,
            referred_by=draft.referred_by,
            owner=draft.owner,
            stage=draft.stage.value,
            staff_id=draft.staff_id,
            crm_ids={},
            sync_state=SyncState.NOT_QUEUED.value,
            please_delete=False,
            routing_reason="",
            device_id=self._device_id,
            created_by=draft.staff_id,
            created_at=now,
            updated_at=now,
            **{name: getattr(contact, name) for name in CONTACT_FIELDS},
        )

    def _update(self, tx: LeadTransaction, draft: LeadDraft, contact: Contact) -> LeadRow:
        s = tx.session
        # A lead merged into another device's capture of the same visitor (event hub, issue
        # 19) is saved on the lead it became.
        row = s.get(LeadRow, tx.resolve(draft.lead_id)) if draft.lead_id else None
        if row is None:
            raise NotFoundError(_("no lead {lead}").format(lead=draft.lead_id))
        values: dict[str, Any] = {name: getattr(contact, name) for name in CONTACT_FIELDS}
        for name in _EDITABLE:
            value = getattr(draft, name)
            values[name] = value.value if hasattr(value, "value") else value
        consent_was = row.consent_given_at is not None
        if draft.consent_given and not consent_was:
            values["consent_text"] = draft.consent_text
            values["consent_given_at"] = tx.now
        elif not draft.consent_given and consent_was:
            values["consent_text"] = ""
            values["consent_given_at"] = None
        tx.update(row, values)
        if draft.consent_given != consent_was:
            record(
                s,
                AuditAction.CONSENT_CHANGED,
                event_id=row.event_id,
                lead_id=row.id,
                staff_id=draft.staff_id,
                device_id=self._device_id,
                detail={"given": draft.consent_given, "text": draft.consent_text},
            )
        return row

    def set_stages(self, stages: Mapping[str, Stage], staff_id: str = "") -> None:
        """Move many leads to a stage each, in one transaction through the lead door (their
        history, the CRM queue, follow-ups stopped for a closed lead, as a saved edit of the
        stage does): all or none. A lead the hub merged into another moves that one."""
        with self.changes.transaction(ChangeOrigin.EDIT, staff_id) as tx:
            for lead_id, stage in stages.items():
                row = tx.session.get(LeadRow, tx.resolve(lead_id))
                if row is None:
                    raise NotFoundError(_("no lead {lead}").format(lead=lead_id))
                tx.update(row, {"stage": Stage(stage).value})

    def set_please_delete(self, lead_id: str, flag: bool, staff_id: str = "") -> Lead:
        with self.changes.transaction(ChangeOrigin.PLEASE_DELETE, staff_id) as tx:
            s = tx.session
            row = s.get(LeadRow, lead_id)
            if row is None:
                raise NotFoundError(_("no lead {lead}").format(lead=lead_id))
            if tx.update(row, {"please_delete": flag}):
                record(
                    s,
                    AuditAction.PLEASE_DELETE,
                    event_id=row.event_id,
                    lead_id=row.id,
                    staff_id=staff_id,
                    device_id=self._device_id,
                    detail={"flag": flag},
                )
            return self._lead_with_staff(s, row)

    def review_deletion(self, lead_id: str, junk: bool, staff_id: str = "") -> Lead:
        """A manager's verdict on a lead flagged "please delete". Junk ("Mickey Mouse") is
        closed as not interested and stays flagged, its record kept (DOMAIN: never delete
        leads); a real visitor is kept and unflagged, and its follow-ups planned again."""
        with self.changes.transaction(ChangeOrigin.DELETE_REVIEW, staff_id) as tx:
            row = tx.session.get(LeadRow, lead_id)
            if row is None:
                raise NotFoundError(_("no lead {lead}").format(lead=lead_id))
            if not row.please_delete:
                raise ValidationError(
                    _("lead {lead} is not flagged for deletion").format(lead=lead_id)
                )
            if junk:
                tx.update(row, {"stage": Stage.NOT_INTERESTED.value})
            else:
                tx.update(row, {"please_delete": False})
            record(
                tx.session,
                AuditAction.PLEASE_DELETE,
                event_id=row.event_id,
                lead_id=row.id,
                staff_id=staff_id,
                device_id=self._device_id,
                detail={"review": "junk" if junk else "kept"},
            )
            return self._lead_with_staff(tx.session, row)

    def set_unsubscribed(
        self, lead_id: str, at: datetime | None = None, staff_id: str = ""
    ) -> Lead:
        """The visitor asked for no more mail (a reply to the unsubscribe address, a click):
        every open touch stops, the CRM hears of it."""
        with self.changes.transaction(ChangeOrigin.UNSUBSCRIBE, staff_id) as tx:
            row = tx.session.get(LeadRow, lead_id)
            if row is None:
                raise NotFoundError(_("no lead {lead}").format(lead=lead_id))
            if row.unsubscribed_at is None:
                tx.update(row, {"unsubscribed_at": at or tx.now})
            return self._lead_with_staff(tx.session, row)

    # -- reading --------------------------------------------------------------------------
    def _merged_into(self, lead_id: str) -> str | None:
        with self._db.read() as s:
            alias = s.get(LeadAliasRow, lead_id)
            return alias.lead_id if alias is not None else None

    def get_lead(self, lead_id: str) -> Lead:
        with self._db.read() as s:
            row = s.get(LeadRow, lead_id)
            for _hop in range(8):  # merged by the event hub (issue 19): follow the alias
                alias = s.get(LeadAliasRow, lead_id) if row is None else None
                if alias is None:
                    break
                lead_id = alias.lead_id
                row = s.get(LeadRow, lead_id)
            if row is None:
                raise NotFoundError(_("no lead {lead}").format(lead=lead_id))
            return self._lead_with_staff(s, row)

    def find_by_badge_key(self, event_id: str, badge_key: str) -> Lead | None:
        with self._db.read() as s:
            row = s.scalar(
                select(LeadRow).where(LeadRow.event_id == event_id, LeadRow.badge_key == badge_key)
            )
            return self._lead_with_staff(s, row) if row else None

    def list_leads(
        self, event_id: str, search: str = "", limit: int | None = None, *, sample: bool = False
    ) -> list[Lead]:
        """In capture order. ``sample``: ordered by the random end of the id instead, a
        stable, random-looking sample with ``limit`` (ids start with their creation time,
        ``new_id``: their order is the order the leads were saved in)."""
        with self._db.read() as s:
            where = [LeadRow.event_id == event_id]
            if search.strip():
                like = f"%{search.strip().lower()}%"
                where.append(
                    or_(
                        *(
                            func.lower(getattr(LeadRow, col)).like(like)
                            for col in ("first_name", "last_name", "company", "email", "notes")
                        )
                    )
                )
            q = (
                select(LeadRow, StaffRow.name)
                .outerjoin(StaffRow, StaffRow.id == LeadRow.staff_id)
                .where(*where)
            )
            if sample:
                # The ids first (an index holds them: no lead row decoded for the sort), then
                # only the chosen leads (reading all 50,000 to sort them took 10 s, #23).
                # The event compared as an expression, which no index answers: SQLite then
                # scans ix_leads_id_event, which holds both (~20 ms at 50,000), instead of
                # reading every lead of the event's own index back from the table for its
                # id (~0.2 s from the file, ~0.5 s from the log at the end of a demo build).
                ids = list(
                    s.scalars(
                        select(LeadRow.id)
                        .where(LeadRow.event_id.concat("") == event_id, *where[1:])
                        .order_by(func.substr(LeadRow.id, _ID_RANDOM_END), LeadRow.id)
                        .limit(limit)
                    )
                )
                rank = {lead_id: i for i, lead_id in enumerate(ids)}
                found = [
                    (row, staff)
                    for part in in_chunks(ids)
                    for row, staff in s.execute(q.where(LeadRow.id.in_(part)))
                ]
                found.sort(key=lambda pair: rank[pair[0].id])
                return [lead_from_row(row, staff or "") for row, staff in found]
            q = q.order_by(LeadRow.created_at)
            if limit:
                q = q.limit(limit)
            return [lead_from_row(row, staff or "") for row, staff in s.execute(q)]

    def history(self, lead_id: str) -> list[LeadChange]:
        with self._db.read() as s:
            rows = s.scalars(
                select(LeadChangeRow)
                .where(LeadChangeRow.lead_id == lead_id)
                .order_by(LeadChangeRow.created_at)
            )
            return [
                LeadChange(r.field, r.old_value, r.new_value, r.staff_id, r.created_at)
                for r in rows
            ]

    def draft_of(self, lead: Lead) -> LeadDraft:
        """The form values of an existing lead, to edit it."""
        return LeadDraft(
            event_id=lead.event_id,
            contact=lead.contact,
            lead_id=lead.id,
            source=lead.source,
            badge_id=lead.badge_id,
            raw_payload=lead.raw_payload,
            answers=dict(lead.answers),
            rating=lead.rating,
            rating_overridden=lead.rating_overridden,
            score=lead.score,
            qualified=lead.qualified,
            notes=lead.notes,
            consent_text=lead.consent_text,
            consent_given=lead.consent_given_at is not None,
            referred_by=lead.referred_by,
            owner=lead.owner,
            stage=lead.stage,
            staff_id=lead.staff_id,
        )

    def _lead_with_staff(self, s: Session, row: LeadRow) -> Lead:
        name = s.scalar(select(StaffRow.name).where(StaffRow.id == row.staff_id)) or ""
        return lead_from_row(row, name)


def _prefilled(
    event_id: str,
    payload: str,
    parsed: ParsedBadge | None,
    attendee: Attendee | None,
    ident: BadgeIdentity | None,
    source: LeadSource,
    staff_id: str,
) -> LeadDraft:
    """The form as a scan fills it: the badge's contact, completed by the roster."""
    contact = parsed.contact if parsed else Contact()
    if attendee is not None:
        contact = contact.merged_with(attendee.contact)
    return LeadDraft(
        event_id=event_id,
        contact=contact,
        source=source,
        badge_key=ident.key if ident else None,
        badge_id=(ident.badge_id if ident else "") or (attendee.badge_id if attendee else ""),
        raw_payload=payload,
        staff_id=staff_id,
    )
