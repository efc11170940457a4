"""A late send run never mails anyone at night or twice a day (issue 16: a run at 00:00 UTC
sent 501 mails in 48 s, two or three per recipient, Japanese leads got theirs at 00:36).

Real aiosmtpd on 127.0.0.1; runs every two hours over ten days, starting at 00:00 UTC when
every lead has five overdue mails."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.followup_types import TouchState
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadRow
from tests.fixtures_followups import CAPTURED, SHOW_DAY
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.test_mail_smtp import Recorder, settings_for

pytestmark = pytest.mark.integration
smtp_server = mail_tests.smtp_server

LATE_RUN = datetime(2026, 12, 17, 0, 0, tzinfo=UTC)  # Thursday
LEADS = {
    "yuki@nihon.jp": ("Yuki", "Asia/Tokyo", "JP"),
    "ayse@anadolu.com.tr": ("Ayşe", "Europe/Istanbul", "TR"),
    "chuck@corn.us": ("Chuck", "America/Chicago", "US"),
}
SECTION = {
    "sender": {
        "company": "Acme Booth",
        "address": "Acme Booth GmbH, Hafenstr. 1, 20457 Hamburg, Germany",
        "unsubscribe_mailto": "unsubscribe@booth.example.com",
    }
}


def _event(ctx: AppContext) -> str:
    event = ctx.events.create_event(
        NewEvent(name="CeMAT", timezone="Europe/Berlin", country="DE", venue="Hannover",
                 starts_on=SHOW_DAY, ends_on=SHOW_DAY)
    )  # fmt: skip
    ctx.configs.save(event.id, ctx.configs.get(event.id).edited(followups=SECTION))
    for email, (name, tz, country) in LEADS.items():
        lead = ctx.leads.save_lead(
            LeadDraft(
                event_id=event.id,
                contact=Contact(first_name=name, last_name="Kaya", email=email, company="Acme",
                                country=country, timezone=tz, phone="+1 312 555 0100"),
                rating=Rating.COLD, rating_overridden=True, consent_given=True,
                consent_text="You may email me.",
            )
        )  # fmt: skip
        with ctx.db.session() as s:
            row = s.get(LeadRow, lead.id)
            assert row is not None
            row.created_at = CAPTURED
    ctx.followups.plan(event.id, CAPTURED, replan=True)  # the save planned at today's clock
    return event.id


def test_late_runs_deliver_only_inside_each_leads_window_and_once_a_day(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        event_id = _event(ctx)
        overdue = [
            t for t in ctx.followups.touches(event_id)
            if t.channel.value == "email" and t.due_utc <= LATE_RUN
        ]  # fmt: skip
        assert len(overdue) >= 9  # every lead has several overdue mails at the late run
        first = ctx.followups.send_due(event_id, settings_for(controller), None, now=LATE_RUN)
        # 00:00 UTC: 09:00 in Tokyo (one mail), 03:00 in Istanbul, 18:00 in Chicago.
        assert first.sent == 1 and [r for _, r, _ in recorder.messages] == [["yuki@nihon.jp"]]
        assert first.replanned == len(overdue) - 1
        # Nothing is left overdue: each waiting touch has a slot in its lead's window.
        for t in ctx.followups.touches(event_id):
            if t.channel.value == "email" and t.state is TouchState.PLANNED:
                assert t.due_utc > LATE_RUN
                local = t.due_utc.astimezone(ZoneInfo(t.tz))
                assert local.weekday() < 5 and 8 <= local.hour < 18, t.reason
                assert "re-planned" in t.reason or t.due_utc > LATE_RUN + timedelta(days=1)
        delivered: list[tuple[str, datetime]] = [("yuki@nihon.jp", LATE_RUN)]
        seen = len(recorder.messages)
        moment = LATE_RUN
        for _ in range(10 * 12):  # every two hours for ten days
            moment += timedelta(hours=2)
            ctx.followups.send_due(event_id, settings_for(controller), None, now=moment)
            for _, rcpts, _ in recorder.messages[seen:]:
                delivered.append((rcpts[0], moment))
            seen = len(recorder.messages)
    finally:
        ctx.close()
    assert {who for who, _ in delivered} == set(LEADS)
    per_day: Counter[tuple[str, str]] = Counter()
    for who, at in delivered:
        local = at.astimezone(ZoneInfo(LEADS[who][1]))
        assert local.weekday() < 5 and 8 <= local.hour < 18, (who, local)
        per_day[(who, local.date().isoformat())] += 1
    assert max(per_day.values()) == 1  # never two mails to one lead on one local day
    assert len(delivered) >= len(overdue)  # everything overdue went out in the end
