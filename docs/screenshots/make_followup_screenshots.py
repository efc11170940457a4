"""Offscreen screenshots of the follow-up outputs bar and the dashboard's response-time tile.

The demo event (`boothapp demo`) with 160 leads and their follow-up plan; about two thirds of
the leads get a first contact logged between minutes and days after capture, so the
dashboard has a response time to show. The follow-ups page shows one owner's queue after
their calendar was saved (the save dialog answers with a path, as in the tests).

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_followup_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import _save, _settle
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.core.followups.attempts import Outcome
from boothapp.core.models import Channel
from boothapp.demo.build import build_demo
from boothapp.services.followup_types import TouchState
from boothapp.ui.dashboard_page import DashboardPage
from boothapp.ui.followup_queue_page import FollowUpQueuePage
from boothapp.workers.tasks import TaskRunner


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("DejaVu Sans", 11))
    tmp = Path(tempfile.mkdtemp())
    ctx = build_context(str(tmp / "data"))
    event = build_demo(ctx, leads=160).event
    leads = {t.lead_id for t in ctx.followups.touches(event.id)}
    rng = random.Random(5)
    with ctx.db.read() as s:
        from boothapp.store.tables import LeadRow

        captured = {r.id: r.created_at for r in s.query(LeadRow).filter(LeadRow.id.in_(leads))}
    now = datetime.now(UTC)
    for lead_id in sorted(leads, key=lambda i: (captured[i], i)):
        if rng.random() > 0.65 or captured[lead_id].replace(tzinfo=UTC) > now:
            continue  # still waiting for a first contact (the demo fills today to 18:00)
        first = next(
            t
            for t in ctx.followups.lead_touches(lead_id)
            if t.state in (TouchState.PLANNED, TouchState.APPROVED)
        )
        delay = timedelta(minutes=rng.choice([4, 12, 45, 90, 240, 600, 1300, 2200, 3500, 5000]))
        outcome = Outcome.EMAIL_SENT if first.channel is Channel.EMAIL else Outcome.REACHED
        when = min(captured[lead_id].replace(tzinfo=UTC) + delay, now)  # nothing in the future
        ctx.followups.record_outcome(first.id, outcome, now=when)

    runner = TaskRunner()
    dash = DashboardPage(ctx.dashboard, runner, event.id, event.timezone, auto_refresh=False)
    dash.resize(1280, 800)
    dash.show()
    dash.refresh()
    _settle(app, runner)
    _save(dash, out / "dashboard-response.png")

    docs = tmp / "Documents"
    docs.mkdir()
    # The day the first follow-ups fall due: a full queue.
    zone = ZoneInfo(event.timezone)
    owner = next(o for o in ctx.followups.owners(event.id) if o)  # first in the owner list
    first_due = min(
        t.due_utc for t in ctx.followups.touches(event.id) if t.done_at is None and t.owner == owner
    )
    today = first_due.astimezone(zone).date()
    page = FollowUpQueuePage(
        ctx.followups,
        runner,
        event,
        today=lambda: today,
        choose_path=lambda _parent, _caption, suggested, _filter: str(docs / Path(suggested).name),
        open_url=lambda _url: True,
    )
    page.resize(1280, 800)
    page.show()
    _settle(app, runner)
    page.owner.setCurrentIndex(page.owner.findData(owner))
    _settle(app, runner)
    page.list.setCurrentRow(0)
    page.outputs.save_calendar()
    _settle(app, runner)
    print("owner", owner, "·", page.outputs.message.text())
    _save(page, out / "followups-outputs.png")
    runner.wait()
    ctx.close()


if __name__ == "__main__":
    main()
