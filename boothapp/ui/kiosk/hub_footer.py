"""The kiosk's hub line for staff (issue 19): "Hub online · all shared", "Hub offline · 3
waiting", small and muted at the foot of the attract screen and the PIN pad.

It says nothing about any visitor: only whether the kiosk reaches the event hub and how many
of its own changes wait to be pushed. It reads the same ``HubState`` the scan page's strip
shows (the replicator's ``state_changed``), and is hidden on a kiosk that joined no hub.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from boothapp.services.hub_worker import HubProblem, HubState


class HubFooter(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("KioskHubStatus")
        self.setProperty("role", "muted")
        self.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
        # Out of the way: small print at the foot, away from the visitor's buttons.
        self.setStyleSheet("font-size: 10pt; padding: 4px 16px;")
        self._joined = False
        self._wanted = False
        self._state: HubState | None = None
        self.hide()

    @property
    def joined(self) -> bool:
        return self._joined

    def show_hub(self, state: HubState | None) -> None:
        """The replicator's news; None: joined, no answer yet."""
        self._joined = True
        self._state = state
        self.retranslate()
        self.setVisible(self._wanted)

    def want(self, shown: bool) -> None:
        """Shown on the staff-facing steps only (attract, PIN pad), when joined."""
        self._wanted = shown
        self.setVisible(shown and self._joined)

    def retranslate(self) -> None:
        if self._joined:
            self.setText(self.text_for(self._state))

    def text_for(self, state: HubState | None) -> str:
        """The short form of the scan strip's hub line, for a corner of a touch screen. The
        kinds the strip tells apart (offline, refused, TLS, an old hub schema, another
        error) read differently here too: staff act on each in another way."""
        if state is None:
            return self.tr("Hub: connecting…")
        if state.refused:
            return self.tr("Hub refused this kiosk")
        problem = None if state.online else state.problem
        if problem in (HubProblem.TLS, HubProblem.SCHEMA, HubProblem.ERROR):
            # Statements and a plain name for the count: lupdate skips a string inside a
            # conditional expression or with an attribute as its count.
            count = state.waiting
            if count:  # noqa: SIM108 (lupdate misses a conditional expression)
                waiting = self.tr("%n waiting", "", count)
            else:
                waiting = self.tr("all shared")
            if problem is HubProblem.TLS:
                line = self.tr("Hub's certificate not accepted (TLS) · {waiting}")
            elif problem is HubProblem.SCHEMA:
                line = self.tr("Hub needs an upgrade (boothapp hub init) · {waiting}")
            else:
                line = self.tr("Hub error · {waiting}")
            return line.format(waiting=waiting)
        if not state.waiting:  # everything this kiosk captured has reached the hub
            if state.online:
                return self.tr("Hub online · all shared")
            return self.tr("Hub offline · all shared")
        if state.online:
            return self.tr("Hub online · %n waiting", "", state.waiting)
        return self.tr("Hub offline · %n waiting", "", state.waiting)
