"""The lead door's broadcast, as a Qt signal on the GUI thread.

``LeadChanges`` calls its listeners on whichever thread committed (a task runner thread, the
sync worker, a CLI). ``LeadEvents.changed`` is emitted from that thread; Qt queues it to
receivers living on the GUI thread, so a page's slot always runs there. Views connect to this
instead of to each other: no page polls or pokes another page.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from boothapp.services.lead_changes import LeadChanges, LeadsChanged


class LeadEvents(QObject):
    changed = Signal(object)  # LeadsChanged; emitted on the committing thread, queued to GUI

    def __init__(self, changes: LeadChanges, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changes = changes
        changes.subscribe(self._relay)
        self.destroyed.connect(lambda: changes.unsubscribe(self._relay))

    def _relay(self, change: LeadsChanged) -> None:
        self.changed.emit(change)

    def close(self) -> None:
        self._changes.unsubscribe(self._relay)
