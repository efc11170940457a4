"""Composition root: builds paths, settings, database and services once, at start.

Nothing else constructs services; the CLI verbs and the shells receive an ``AppContext``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from boothapp.paths import AppPaths, resolve_paths
from boothapp.services.attendees import AttendeeService
from boothapp.services.audit import AuditService
from boothapp.services.dashboard import DashboardService
from boothapp.services.deals import DealService
from boothapp.services.event_config import EventConfigService
from boothapp.services.events import EventService
from boothapp.services.exports import ExportService
from boothapp.services.followups import FollowUpService
from boothapp.services.hub import HubService
from boothapp.services.lead_changes import LeadChanges
from boothapp.services.lead_queries import LeadQueryService
from boothapp.services.leads import LeadService
from boothapp.services.orphan_scans import OrphanScanService
from boothapp.services.privacy import PrivacyService
from boothapp.services.results import ResultsService
from boothapp.services.routing import RoutingService
from boothapp.services.staff import StaffService
from boothapp.services.sync import SyncEnqueuer, SyncService
from boothapp.settings import Settings, load_settings, save_settings
from boothapp.store.db import Database
from boothapp.store.keys import DatabaseKey, KeyStore, key_for_file
from boothapp.store.migrate import UpgradeReport, open_database, sqlite_file_of
from boothapp.sync.credentials import SecretStore

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    paths: AppPaths
    settings: Settings
    db: Database
    upgrade: UpgradeReport
    keys: KeyStore  # this device's database key (OS keyring; issue #18)
    db_key: DatabaseKey | None = None  # None: not an encrypted SQLite file
    changes: LeadChanges = field(init=False)
    events: EventService = field(init=False)
    staff: StaffService = field(init=False)
    leads: LeadService = field(init=False)
    audit: AuditService = field(init=False)
    attendees: AttendeeService = field(init=False)
    configs: EventConfigService = field(init=False)
    routing: RoutingService = field(init=False)
    exports: ExportService = field(init=False)
    queries: LeadQueryService = field(init=False)
    dashboard: DashboardService = field(init=False)
    followups: FollowUpService = field(init=False)
    sync: SyncService = field(init=False)
    deals: DealService = field(init=False)
    results: ResultsService = field(init=False)
    hub: HubService = field(init=False)
    privacy: PrivacyService = field(init=False)
    orphans: OrphanScanService = field(init=False)

    def __post_init__(self) -> None:
        device = self.settings.device_id
        self.events = EventService(self.db, device)
        self.staff = StaffService(self.db, device)
        self.configs = EventConfigService(self.db)
        # The lead door: every change to a lead goes through it (history, CRM queue, plan).
        self.changes = LeadChanges(self.db, device, enqueuer=SyncEnqueuer(self.configs, device))
        self.followups = FollowUpService(self.db, self.configs, device, self.changes)
        self.changes.planner = self.followups  # which records outcomes through the door
        self.leads = LeadService(self.db, device, configs=self.configs, changes=self.changes)
        self.routing = RoutingService(self.db, self.configs, device, self.changes)
        self.exports = ExportService(self.db, self.events, self.configs, self.staff, device)
        self.queries = LeadQueryService(self.db)
        self.dashboard = DashboardService(self.db, configs=self.configs)
        self.audit = AuditService(self.db, device)
        self.attendees = AttendeeService(self.db, device)
        secrets = self.keys.secrets
        # The event hub (issue 19): replicates the door's change log with the team's devices.
        self.hub = HubService(self.db, self.changes, self.settings, secrets, self.save_settings)
        self.changes.on_hub = lambda: self.hub.joined
        self.changes.push_only = lambda: self.hub.joined and self.settings.hub_push_only
        self.sync = SyncService(
            self.db, self.configs, secrets, device, changes=self.changes, run_lock=self.hub.run_lock
        )
        self.deals = DealService(self.db, device, self.sync)
        self.results = ResultsService(self.db, self.configs, self.deals)
        self.exports.results_of = self.results.compute  # the report's ROI pages
        # Person export and erase, retention (issue 18); CRM deletes through the sync target.
        self.orphans = OrphanScanService(self.db, device)  # unfinished visitors (issue 18)
        self.privacy = PrivacyService(
            self.db, self.changes, self.configs, device, adapter_for=self.sync.adapter
        )

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths.settings_file)

    def close(self) -> None:
        self.db.dispose()


def build_context(
    data_dir: str | None = None, db_url: str | None = None, *, encrypt_new: bool = True
) -> AppContext:
    """Resolve paths, load settings, open (and migrate) the database, wire the services.

    A new SQLite database is encrypted with SQLCipher under a key made now and kept in the OS
    keyring (``encrypt_new=False`` makes a plain one, for the benches' side-by-side figure);
    an existing file opens as it is, plain or encrypted (``boothapp db encrypt`` converts)."""
    paths = resolve_paths(data_dir, db_url)
    paths.ensure()
    settings = load_settings(paths.settings_file)
    if not paths.settings_file.exists():
        save_settings(settings, paths.settings_file)  # fixes this device's id for good
    keys = KeyStore(SecretStore(paths.secrets_file))
    db_file = sqlite_file_of(paths.db_url)
    key = key_for_file(db_file, keys, encrypt_new=encrypt_new) if db_file else None
    db, report = open_database(paths.db_url, paths.backups_dir, key.raw if key else None)
    paths.tighten()  # the database file SQLite just made, and any backup: 0600 (issue #18)
    if report.backup is not None:
        log.info(
            "database upgraded %s -> %s, backup at %s",
            report.from_revision,
            report.to_revision,
            report.backup,
        )
    return AppContext(paths=paths, settings=settings, db=db, upgrade=report, keys=keys, db_key=key)
