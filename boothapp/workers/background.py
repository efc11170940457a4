"""What runs in the background for one event, built once per shell (desktop or kiosk).

The lead-change bridge, the CRM auto-sync with its sync worker, the follow-up auto-sender and
the retention sweep live here, not in a page: a kiosk on its own syncs its leads like the
desktop does, and the desktop's pages borrow these instead of owning them. A committed lead
change (from any door: scan, kiosk, edit, merge, pull) wakes the CRM sync and the sender once.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from boothapp.services.followups import FollowUpService
from boothapp.services.hub import HubService
from boothapp.services.lead_changes import ChangeOrigin, LeadChanges, LeadsChanged
from boothapp.services.privacy import PrivacyService
from boothapp.services.sync import SyncService
from boothapp.workers.crm_autosync import CrmAutoSync
from boothapp.workers.followup_autosend import FollowUpAutoSender
from boothapp.workers.hub_worker import HubWorker
from boothapp.workers.lead_events import LeadEvents
from boothapp.workers.retention_sweep import RetentionSweep
from boothapp.workers.sync_worker import SyncWorker
from boothapp.workers.tasks import TaskRunner


class Background(QObject):
    def __init__(
        self,
        changes: LeadChanges,
        sync: SyncService,
        followups: FollowUpService,
        runner: TaskRunner,
        event_id: str,
        parent: QObject | None = None,
        hub: HubService | None = None,
        privacy: PrivacyService | None = None,
    ) -> None:
        super().__init__(parent)
        self.event_id = event_id
        self.lead_events = LeadEvents(changes, self)
        self.sync_worker = SyncWorker(sync, self)
        self.crm_autosync = CrmAutoSync(sync, self.sync_worker, runner, event_id, self)
        self.autosend = FollowUpAutoSender(followups, runner, event_id, self)
        self.lead_events.changed.connect(self._leads_changed)
        # The event hub's replicator (issue 19), when this device joined one.
        self.hub_worker = HubWorker(hub, changes) if hub is not None and hub.joined else None
        # The event's retention rule, kept while the app runs (issue 18).
        self.retention = RetentionSweep(privacy, runner, self) if privacy is not None else None

    def start(self) -> None:
        self.crm_autosync.start()
        if self.hub_worker is not None:
            self.hub_worker.start()
        if self.retention is not None:
            self.retention.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self.crm_autosync.stop()
        self.autosend.stop()  # its run under way ends too: the app quits at once (issue 23)
        if self.retention is not None:
            self.retention.stop()
        if self.hub_worker is not None:
            self.hub_worker.stop()
        self.sync_worker.stop(timeout_s)  # a cancelled run hands its batch back to the queue
        self.lead_events.close()

    def _leads_changed(self, change: LeadsChanged) -> None:
        if self.event_id not in change.event_ids:
            return
        if change.origin is ChangeOrigin.HUB:
            return  # another device's change: that device sends it (issue 19)
        if change.origin is not ChangeOrigin.CRM_PULL:
            self.crm_autosync.lead_saved()  # coalesced: a burst of saves makes one run
        self.autosend.run_now()  # a hot lead's thank-you is due within minutes
