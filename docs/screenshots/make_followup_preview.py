"""Offscreen screenshot of the follow-up queue previewing the exact mail of an email touch
(issue 16): headers with List-Unsubscribe, the language chosen, the personalised body and
the footer with the opt-out line and postal address. The demo event with 120 leads.

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_followup_preview.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import _save, _settle
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.core.models import Channel
from boothapp.demo.build import build_demo
from boothapp.ui.followup_queue_page import FollowUpQueuePage
from boothapp.workers.tasks import TaskRunner


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("DejaVu Sans", 11))
    tmp = Path(tempfile.mkdtemp())
    ctx = build_context(str(tmp / "data"))
    event = build_demo(ctx, leads=120).event
    mails = [
        t
        for t in ctx.followups.touches(event.id)
        if t.channel is Channel.EMAIL and t.template_id == "thank_you" and "http" in t.text
    ]
    touch = mails[0]
    today = touch.due_utc.astimezone(ZoneInfo(event.timezone)).date()
    runner = TaskRunner()
    page = FollowUpQueuePage(ctx.followups, runner, event, today=lambda: today)
    page.resize(1280, 860)
    page.show()
    _settle(app, runner)
    page.select_touch(touch.id)
    _settle(app, runner)
    _save(page, out / "followups-preview.png")
    runner.wait()
    ctx.close()


if __name__ == "__main__":
    main()
