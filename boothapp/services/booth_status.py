"""What the scan page's status strip says (issue 15): online or not, how many leads wait to
reach the CRM and why the last one failed, and how the signed-in rep is doing today.

Read from the sync and dashboard services off the GUI thread; a typed value goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.core.i18n_format import format_number
from boothapp.services.dashboard import DashboardService
from boothapp.services.sync import SyncService
from boothapp.sync.pacing import BreakerState


@dataclass(frozen=True, slots=True)
class BoothStatus:
    crm_configured: bool
    online: bool  # the CRM answered (its circuit breaker is closed)
    waiting: int  # leads not yet in the CRM
    last_error: str  # the CRM's own words for the last failure, "" when none
    my_leads_today: int
    my_rank: int | None  # on the whole-show leaderboard; None before a first lead
    ranked: int  # how many staff are on the leaderboard


def booth_status(
    sync: SyncService,
    dashboard: DashboardService,
    event_id: str,
    staff_id: str,
    today: date,
    tz: str,
) -> BoothStatus:
    status = sync.status(event_id)
    failures = sync.failures(event_id) if status.configured else ()
    # Counted in SQL: this runs after every save, beside the GUI thread (issue 23).
    standing = dashboard.standing(event_id, staff_id, today, tz)
    return BoothStatus(
        crm_configured=status.configured,
        online=sync.breaker_state == BreakerState.CLOSED,
        waiting=status.pending + status.in_flight + status.not_queued + status.failed,
        last_error=failures[-1].error if failures else "",
        my_leads_today=standing.leads_today,
        my_rank=standing.rank,
        ranked=standing.ranked,
    )


def status_text(st: BoothStatus) -> str:
    """One line in the reader's language (issue 21): "Online · 3 waiting to sync (last error:
    401 Session expired) · you: 12 leads today, #2 of 5"."""
    n = format_number
    if not st.crm_configured:
        link = ngettext(
            "No CRM set up · {count} lead kept on this laptop",
            "No CRM set up · {count} leads kept on this laptop",
            st.waiting,
        ).format(count=n(st.waiting))
    else:
        link = _("Online") if st.online else _("Offline: the CRM does not answer, leads are kept")
        link += " · " + (
            _("{count} waiting to sync").format(count=n(st.waiting))
            if st.waiting
            else _("all synced")
        )
        if st.last_error:
            error = st.last_error if len(st.last_error) <= 80 else st.last_error[:77] + "…"
            link += " " + _("(last error: {error})").format(error=error)
    mine = ngettext(
        "you: {count} lead today", "you: {count} leads today", st.my_leads_today
    ).format(count=n(st.my_leads_today))
    if st.my_rank is not None:
        mine += _(", #{rank} of {ranked}").format(rank=n(st.my_rank), ranked=n(st.ranked))
    return f"{link} · {mine}"
