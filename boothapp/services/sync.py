"""CRM sync for an event: configure, queue, run the engine, show failures, retry.

* ``SyncEnqueuer.on_lead_saved`` runs inside ``LeadService.save_lead``'s transaction, so a lead
  is never saved without its queued items (when the event syncs automatically): for a CRM the
  lead, its note and its task, each its own idempotent item (issue 17); an item whose record
  did not change since it was sent is left alone.
* ``SyncService.run`` drains the event's CRM through ``SyncEngine`` + ``SqlOutbox``; call it from
  a worker thread (``boothapp.workers.sync_worker``) or the CLI, never the GUI thread.
* Secrets live in ``SecretStore`` (OS keyring) under ``"<event id>:<name>"``: never in the
  database, the config document, exports or logs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from boothapp.core.i18n import _, ngettext
from boothapp.core.i18n_format import format_number
from boothapp.core.models import Channel, SyncState
from boothapp.services import salesforce_connect
from boothapp.services.card_images import image_paths_in
from boothapp.services.errors import ValidationError
from boothapp.services.event_config import EventConfigService
from boothapp.services.followup_types import OPEN_STATES
from boothapp.services.lead_changes import LeadChanges
from boothapp.services.outbox_sql import SqlOutbox, enqueue_in
from boothapp.services.sync_pull import PullPolicy, PullSummary, pull_event
from boothapp.services.sync_targets import (
    ConnectionCheck,
    build_adapter,
    build_puller,
    check_connection,
)
from boothapp.store.db import Database
from boothapp.store.mappers import event_from_row, lead_from_row
from boothapp.store.tables import EventRow, FollowUpRow, LeadRow, OutboxRow, StaffRow
from boothapp.sync.credentials import SecretStore
from boothapp.sync.crm.base import CrmAdapter, CrmError, ItemKind, SyncRecord
from boothapp.sync.crm.card_files import CARD_CRMS, card_record
from boothapp.sync.crm.mapping import MappingContext, build_record, split_record, status_map
from boothapp.sync.engine import EngineConfig, ProgressCallback, StopReason, SyncEngine
from boothapp.sync.outbox import ItemState
from boothapp.sync.pacing import BreakerState
from boothapp.sync.pull import CrmPuller
from boothapp.sync.settings import CrmSettings, CrmSettingsError

log = logging.getLogger(__name__)


def settings_of(configs: EventConfigService, event_id: str) -> CrmSettings | None:
    return CrmSettings.from_tree(configs.get(event_id).crm)


def mapping_context(
    configs: EventConfigService, event_id: str, settings: CrmSettings
) -> MappingContext:
    cfg = configs.get(event_id)
    return MappingContext(
        statuses=status_map(settings.name, settings.stages),
        questions={q.id: q.label for q in cfg.questions},
        options={(q.id, o.id): o.label for q in cfg.questions for o in q.options},
    )


def record_for(
    s: Session,
    row: LeadRow,
    settings: CrmSettings,
    rep_names: Mapping[str, str] | None = None,
    context: MappingContext | None = None,
) -> SyncRecord:
    staff = s.scalar(select(StaffRow.name).where(StaffRow.id == row.staff_id)) or ""
    event_row = s.get(EventRow, row.event_id)
    event = event_from_row(event_row) if event_row is not None else None
    # The routed owner as CRM users know them (the rep's name), for the record's owner.
    owner_name = (rep_names or {}).get(row.owner, row.owner)
    # The lead's next planned call (or CRM task) follow-up becomes the CRM task for its owner,
    # so sales see it in the CRM's own task list. Records are rebuilt at each sync run.
    touch = s.execute(
        select(FollowUpRow.subject, FollowUpRow.reason, FollowUpRow.due_at)
        .where(
            FollowUpRow.lead_id == row.id,
            FollowUpRow.state.in_([t.value for t in OPEN_STATES]),
            FollowUpRow.channel.in_([Channel.CALL.value, Channel.CRM_TASK.value]),
        )
        .order_by(FollowUpRow.due_at)
        .limit(1)
    ).first()
    lead = lead_from_row(row, staff)
    if touch is None:
        return build_record(
            lead, event, settings.field_mapping(), owner_name=owner_name, context=context
        )
    subject = touch.subject or f"Call {lead.display_name}"
    return build_record(lead, event, settings.field_mapping(), task_subject=subject,
                        task_due=touch.due_at, owner_name=owner_name, context=context)  # fmt: skip


def items_for(
    s: Session,
    row: LeadRow,
    settings: CrmSettings,
    rep_names: Mapping[str, str] | None = None,
    context: MappingContext | None = None,
) -> list[SyncRecord]:
    """The outbox items of one lead for the event's target: for a CRM the lead, its note and
    its task as three items (each sent on create and on every later edit), and its card photo
    where the CRM takes files (issue 20); one record else."""
    record = record_for(s, row, settings, rep_names, context)
    if not settings.related_items:
        return [record]
    items = split_record(record)
    photos = image_paths_in(s, row.id) if settings.name in CARD_CRMS else []
    if photos:
        items.append(card_record(row.id, photos[-1], record.event_name))
    return items


def rep_names(configs: EventConfigService, event_id: str) -> dict[str, str]:
    return {rep.id: rep.name for rep in configs.get(event_id).routing.reps}


class SyncEnqueuer:
    """The lead door's CRM side: queue a changed lead in the change's own transaction."""

    def __init__(self, configs: EventConfigService, device_id: str = "") -> None:
        self._configs = configs
        self._device_id = device_id

    def on_lead_saved(self, s: Session, row: LeadRow) -> None:
        self.on_leads_saved(s, [row])

    def on_leads_saved(self, s: Session, rows: Sequence[LeadRow]) -> None:
        """Queue many changed leads: the event's CRM settings, rep names and mapping are read
        once per event, not once per lead (a 1,000-lead chunk read the config 3,000 times)."""
        by_event: dict[str, list[LeadRow]] = {}
        for row in rows:
            by_event.setdefault(row.event_id, []).append(row)
        for event_id, group in by_event.items():
            try:
                settings = settings_of(self._configs, event_id)
            except CrmSettingsError as exc:
                # A broken crm section (e.g. an imported config) must never cost a lead: it is
                # kept unqueued and "boothapp sync" names the problem.
                log.warning("%d lead(s) not queued for CRM sync: %s", len(group), exc)
                continue
            if settings is None:
                continue
            if not settings.auto_sync:
                # Not sent on save: the next "boothapp sync" queues every lead not queued.
                for row in group:
                    if row.sync_state != SyncState.PENDING.value:
                        row.sync_state = SyncState.NOT_QUEUED.value
                continue
            s.flush()
            names = rep_names(self._configs, event_id)
            context = mapping_context(self._configs, event_id, settings)
            now = datetime.now(UTC)
            for row in group:
                if len(group) == 1:
                    self._enqueue(s, row, settings, names, context, now)
                    continue
                try:  # one lead's broken record never costs the others their place
                    with s.begin_nested():
                        self._enqueue(s, row, settings, names, context, now)
                except Exception as exc:
                    log.warning("lead %s not queued for the CRM: %s", row.id, exc)

    def _enqueue(
        self,
        s: Session,
        row: LeadRow,
        settings: CrmSettings,
        names: Mapping[str, str],
        context: MappingContext,
        now: datetime,
    ) -> None:
        for record in items_for(s, row, settings, names, context):
            enqueue_in(s, settings.name, record, now, self._device_id)


@dataclass(frozen=True, slots=True)
class SyncFailure:
    lead_id: str
    name: str
    company: str
    error: str  # the CRM's own message
    attempts: int


@dataclass(frozen=True, slots=True)
class SyncSummary:
    crm: str
    synced: int
    failed: int
    remaining: int
    stopped: StopReason
    message: str
    failures: tuple[SyncFailure, ...]
    dry_run: bool = False
    # Booth owners no CRM user matched: those records went out without an owner (issue 17).
    unmatched_owners: tuple[str, ...] = ()
    leads_synced: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.failures and self.stopped == StopReason.IDLE

    @property
    def owners_text(self) -> str:
        if not self.unmatched_owners:
            return ""
        return (
            f"No {self.crm} user matches {', '.join(self.unmatched_owners)}: their leads went "
            f"out without an owner; add them as {self.crm} users (same name or e-mail) and sync "
            "again."
        )


@dataclass(frozen=True, slots=True)
class SyncStatus:
    configured: bool
    crm: str
    auto_sync: bool
    pending: int
    in_flight: int
    done: int
    failed: int
    not_queued: int
    last_sync: datetime | None
    secrets_set: tuple[str, ...]


ENGINE_DEFAULT = EngineConfig()
# (event id, run kind) -> a context yielding None when this device may run, else the holder
# (``device_name``, ``since``): ``HubService.run_lock``.
RunLock = Callable[[str, str], AbstractContextManager[Any]]


def lease_wait_text(outbox: SqlOutbox, crm: str) -> str:
    """Why a run waits: items another device's sync run has in hand, and until when."""
    held = outbox.foreign_leases(crm, datetime.now(UTC))
    if not held:
        return ""
    parts = [
        f"{n} item(s) held by device {device} until {until.astimezone():%H:%M:%S}"
        for device, n, until in held
    ]
    return "waiting: " + "; ".join(parts) + " (its sync run may still be sending them)"


class SyncService:
    def __init__(
        self,
        db: Database,
        configs: EventConfigService,
        secrets: SecretStore,
        device_id: str = "",
        engine_config: EngineConfig = ENGINE_DEFAULT,
        changes: LeadChanges | None = None,
        run_lock: RunLock | None = None,
    ) -> None:
        self._db = db
        # The event hub's lock (issue 19): one CRM sync per event across the booth's devices.
        self._run_lock = run_lock
        self._changes = changes or LeadChanges(db, device_id)
        self._configs = configs
        self._secrets = secrets
        self._device_id = device_id
        self._engine_config = engine_config
        self.outbox = SqlOutbox(db, device_id)
        self._engine: SyncEngine | None = None
        self._lock = threading.Lock()
        self.pull_policy = PullPolicy()
        self._reclaimed: set[str] = set()  # events whose own stale leases this process ended

    # -- configuration --------------------------------------------------------------------
    def settings(self, event_id: str) -> CrmSettings | None:
        return settings_of(self._configs, event_id)

    def configure(
        self, event_id: str, settings: CrmSettings, secrets: Mapping[str, str] | None = None
    ) -> None:
        """Save the event's CRM settings (new config revision) and its secrets (keyring)."""
        secrets = dict(secrets or {})
        unknown = sorted(set(secrets) - set(settings.secret_names))
        if unknown:
            raise ValidationError(f"{settings.name} has no secret named {', '.join(unknown)}")
        cfg = self._configs.get(event_id)
        self._configs.save(event_id, replace(cfg, crm=settings.to_tree()))
        for name, value in secrets.items():
            if value:
                self._secrets.set_secret(settings.name, f"{event_id}:{name}", value)
        log.info("CRM %s configured for event %s", settings.name, event_id)

    def _secret(self, event_id: str, crm: str, name: str) -> str:
        return self._secrets.get_secret(crm, f"{event_id}:{name}") or ""

    def _require(self, event_id: str) -> CrmSettings:
        try:
            settings = self.settings(event_id)
        except CrmSettingsError as exc:
            raise ValidationError(str(exc)) from None
        if settings is None:
            raise ValidationError(_("no CRM is configured for this event"))
        return settings

    def _secrets_of(self, event_id: str, settings: CrmSettings) -> dict[str, str]:
        return {n: self._secret(event_id, settings.name, n) for n in settings.secret_names}

    def _renewer(self, event_id: str, s: CrmSettings) -> Callable[[], str] | None:
        if s.name != "salesforce":
            return None
        refresh = self._secret(event_id, s.name, "refresh_token")
        return salesforce_connect.renewer(s, self._secrets, event_id, refresh)

    def adapter(self, event_id: str) -> CrmAdapter:
        s = self._require(event_id)
        return build_adapter(s, self._secrets_of(event_id, s), self._renewer(event_id, s))

    def connect_salesforce(
        self,
        event_id: str,
        open_browser: salesforce_connect.OpenBrowser,
        timeout_s: float = 300.0,
    ) -> ConnectionCheck:
        """Sign in to Salesforce in the browser (OAuth + PKCE); the tokens go to the keyring
        and the org's instance address into the settings. Blocks: call it off the GUI thread."""
        s = self._require(event_id)
        tokens = salesforce_connect.connect(s, open_browser, timeout_s)
        self.configure(
            event_id,
            replace(s, base_url=tokens.instance_url),
            {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token},
        )
        return ConnectionCheck(True, f"Salesforce connected: {tokens.instance_url}")

    def prepare_crm(self, event_id: str) -> ConnectionCheck:
        """Set the CRM up for what the sync writes: HubSpot's ``boothapp_*`` properties are
        created when missing (the token's missing scope explained). Blocking: CLI or worker."""
        s = self._require(event_id)
        if s.name != "hubspot":
            return ConnectionCheck(True, "")
        try:
            adapter = build_adapter(s, self._secrets_of(event_id, s))
            did = adapter.ensure_properties()  # type: ignore[attr-defined]
        except (ValidationError, CrmError) as exc:
            return ConnectionCheck(False, getattr(exc, "message", str(exc)))
        return ConnectionCheck(True, did or "HubSpot properties: all present")

    def test_connection(self, event_id: str) -> ConnectionCheck:
        """One harmless authenticated call; the CRM's own message on failure."""
        try:
            s = self._require(event_id)
            sec = self._secrets_of(event_id, s)
            build_adapter(s, sec)
        except ValidationError as exc:
            return ConnectionCheck(False, str(exc))
        return check_connection(s, sec, self._renewer(event_id, s))

    # -- queue ----------------------------------------------------------------------------
    def enqueue_event(self, event_id: str) -> int:
        """Queue every lead of the event not yet synced that this device sends (on a hub: the
        leads it captured or claimed) in one transaction; returns how many."""
        settings = self._require(event_id)
        now = datetime.now(UTC)
        with self._db.session() as s:
            rows = s.scalars(
                select(LeadRow).where(
                    LeadRow.event_id == event_id,
                    LeadRow.sync_state.in_((SyncState.NOT_QUEUED.value, SyncState.PENDING.value)),
                )
            ).all()
            # On an event hub another device queues its own leads (and a kiosk's it claimed).
            elsewhere = self._changes.owners_elsewhere(s, [row.id for row in rows])
            rows = [row for row in rows if row.id not in elsewhere]
            names = rep_names(self._configs, event_id)
            context = mapping_context(self._configs, event_id, settings)
            for row in rows:
                for record in items_for(s, row, settings, names, context):
                    enqueue_in(s, settings.name, record, now, self._device_id)
            return len(rows)

    def retry_failed(self, event_id: str) -> int:
        settings = self._require(event_id)
        return self.outbox.scoped(event_id).retry_failed(settings.name, datetime.now(UTC))

    # -- running --------------------------------------------------------------------------
    @property
    def breaker_state(self) -> BreakerState:
        engine = self._engine
        return engine.breaker_state if engine is not None else BreakerState.CLOSED

    def breaker_retry_at(self) -> datetime | None:
        """When the open breaker lets the next probe through (for "retrying at 10:42")."""
        engine = self._engine
        if engine is None or engine.breaker_state != BreakerState.OPEN:
            return None
        wait = engine.breaker.seconds_until_probe(engine.clock.monotonic())
        return datetime.now(UTC) + timedelta(seconds=wait)

    def run(
        self,
        event_id: str,
        crm: str | None = None,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        max_seconds: float | None = None,
        engine_config: EngineConfig | None = None,
    ) -> SyncSummary:
        """Drain the event's CRM queue; blocks until idle, cancelled, stopped or max_seconds."""
        settings = self._require(event_id)
        if crm is not None and crm != settings.name:
            raise ValidationError(
                _("this event syncs to {crm}, not {other}: configure it first").format(
                    crm=settings.name, other=crm
                )
            )
        # Only this event's leads: another event may sync to the same CRM type with its own
        # account (another HubSpot portal), and must never be sent with these credentials.
        outbox = self.outbox.scoped(event_id)
        if dry_run:
            counts = outbox.counts(settings.name)
            leads = outbox.counts(settings.name, ItemKind.LEAD)
            waiting = counts.pending + counts.in_flight
            n = leads.pending + leads.in_flight
            said = ngettext(
                "dry run: {count} lead would be sent", "dry run: {count} leads would be sent", n
            ).format(count=format_number(n))
            if waiting > n:
                said += ngettext(
                    " (and {count} note or task)", " (and {count} notes or tasks)", waiting - n
                ).format(count=format_number(waiting - n))
            return SyncSummary(
                settings.name, 0, 0, waiting, StopReason.IDLE, said,
                self.failures(event_id), dry_run=True,
            )  # fmt: skip
        adapter = self.adapter(event_id)
        if not self._lock.acquire(blocking=False):
            raise ValidationError(_("a sync is already running"))
        try:
            with self._event_run(event_id) as holder:
                if holder is not None:
                    raise ValidationError(
                        _(
                            "{device} is syncing this event to the CRM (since {since} UTC); "
                            "it sends every device's leads"
                        ).format(device=holder.device_name, since=f"{holder.since:%H:%M}")
                    )
                if event_id not in self._reclaimed:
                    # The first run of this process: leases this device still holds belong to a
                    # run that was killed (one run per device at a time), so they end now
                    # instead of after their 5 minutes. Other devices' leases still run out.
                    n = outbox.reclaim_own_leases(settings.name, datetime.now(UTC))
                    self._reclaimed.add(event_id)
                    if n:
                        log.info("reclaimed %d lease(s) of an interrupted sync run", n)
                self._engine = SyncEngine(outbox, adapter, engine_config or self._engine_config)
                report = self._engine.drain(
                    progress=progress,
                    cancel=cancel,
                    max_seconds=max_seconds,
                    wait_reason=lambda: lease_wait_text(outbox, settings.name),
                )
        finally:
            self._lock.release()
        failures = self.failures(event_id)
        return SyncSummary(
            settings.name, report.synced, report.failed, report.remaining, report.stopped,
            report.message, failures, unmatched_owners=report.unmatched_owners,
            leads_synced=report.leads_synced,
        )  # fmt: skip

    def _event_run(self, event_id: str) -> AbstractContextManager[Any]:
        if self._run_lock is None:
            return nullcontext()
        return self._run_lock(event_id, "crm_sync")

    def puller(self, event_id: str) -> CrmPuller:
        s = self._require(event_id)
        return build_puller(s, self._secrets_of(event_id, s), self._renewer(event_id, s))

    def pull_back(
        self,
        event_id: str,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> PullSummary:
        """Take owner/stage changes made in the CRM (see ``sync_pull.pull_event``); blocking:
        call it from a worker thread or the CLI. ``progress(checked, total)`` after each batch."""
        settings = self._require(event_id)
        return pull_event(
            self._db, self._changes, event_id, settings.name, self.puller(event_id),
            self._configs.get(event_id).routing.reps, self.pull_policy, progress, cancel,
        )  # fmt: skip

    def failures(self, event_id: str) -> tuple[SyncFailure, ...]:
        settings = self.settings(event_id)
        if settings is None:
            return ()
        with self._db.read() as s:
            rows = s.execute(
                select(OutboxRow, LeadRow)
                .join(LeadRow, LeadRow.id == OutboxRow.lead_id)
                .where(
                    LeadRow.event_id == event_id,
                    OutboxRow.crm == settings.name,
                    OutboxRow.state == ItemState.FAILED.value,
                )
                .order_by(OutboxRow.updated_at)
            ).all()
            return tuple(
                SyncFailure(
                    lead.id,
                    f"{lead.first_name} {lead.last_name}".strip(),
                    lead.company,
                    item.last_error,
                    item.failures,
                )
                for item, lead in rows
            )

    def status(self, event_id: str) -> SyncStatus:
        settings = self.settings(event_id)
        with self._db.read() as s:
            states: dict[str, Any] = dict(
                s.execute(
                    select(LeadRow.sync_state, func.count())
                    .where(LeadRow.event_id == event_id)
                    .group_by(LeadRow.sync_state)
                ).all()
            )
            outbox: dict[str, Any] = {}
            last = None
            if settings is not None:
                outbox = dict(
                    s.execute(
                        select(OutboxRow.state, func.count())
                        .join(LeadRow, LeadRow.id == OutboxRow.lead_id)
                        .where(
                            LeadRow.event_id == event_id,
                            OutboxRow.crm == settings.name,
                            OutboxRow.kind == ItemKind.LEAD.value,  # counts are of leads
                        )
                        .group_by(OutboxRow.state)
                    ).all()
                )
                last = s.scalar(
                    select(func.max(OutboxRow.updated_at))
                    .join(LeadRow, LeadRow.id == OutboxRow.lead_id)
                    .where(LeadRow.event_id == event_id, OutboxRow.state == "done")
                )
        secrets: tuple[str, ...] = ()
        if settings is not None:
            secrets = tuple(
                n for n in settings.secret_names if self._secret(event_id, settings.name, n)
            )
        return SyncStatus(
            configured=settings is not None,
            crm=settings.name if settings else "",
            auto_sync=settings.auto_sync if settings else False,
            pending=outbox.get("pending", 0),
            in_flight=outbox.get("in_flight", 0),
            done=outbox.get("done", 0),
            failed=outbox.get("failed", 0),
            not_queued=states.get(SyncState.NOT_QUEUED.value, 0),
            last_sync=last,
            secrets_set=secrets,
        )
