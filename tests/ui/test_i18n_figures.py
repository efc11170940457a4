"""Figures and follow-up reasons in the reader's language (issue 21): Persian digits on the
dashboard's hour axis, the follow-up queue's stored English reasons read in Persian."""

from __future__ import annotations

import re

from boothapp.ui.dashboard_page import hour_label
from boothapp.ui.followup_queue_page import FollowUpQueuePage
from boothapp.ui.i18n import apply_language, number
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_followups import PLANNED_AT, SHOW_DAY, make_cast


def test_hour_axis_and_counts_in_persian_digits(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert hour_label(8) == "08" and number(12) == "12"
    apply_language("fa")
    try:
        assert hour_label(8) == "۰۸"
        assert hour_label(17) == "۱۷"
        assert number(12) == "۱۲"
    finally:
        apply_language("en")


def test_follow_up_reasons_read_in_persian_in_the_queue(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    event = ctx.events.find_event(cast.event_id)
    runner = TaskRunner()
    apply_language("fa")
    try:
        p = FollowUpQueuePage(ctx.followups, runner, event, staff_id="s1", today=lambda: SHOW_DAY)
        qtbot.addWidget(p)
        qtbot.waitUntil(lambda: p.list.count() > 0, timeout=5000)
        for row in range(p.list.count()):
            # The due time in Persian too, the visitor's own clock beside it where it differs.
            # The message's language by its Persian name ("انگلیسی"), not its code.
            assert not re.search(r" · [a-z]{2}$", p.list.item(row).text())
            due = re.sub(r"[A-Za-z_]+/[A-Za-z_/]+", "", p.list.item(row).text())
            assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|[0-9]", due), due
            p.list.setCurrentRow(row)
            qtbot.waitUntil(lambda: bool(p.reason.text()), timeout=5000)
            # Stored in English ("hot lead: personal thank-you ...", "first midweek morning
            # within 48 h of ..."); the rep reads Persian, the zone id as it is.
            text = p.reason.text()  # zone ids by their Persian city names too
            words = re.findall(r"[A-Za-z]{3,}", text)
            assert words == [], p.reason.text()
    finally:
        apply_language("en")
        assert runner.wait(10_000)


def test_times_read_in_each_language_when_remembered(qtbot) -> None:  # type: ignore[no-untyped-def]
    # date_time remembers its texts by language and minute (issue 23): the same moment reads
    # in the language now chosen, with CLDR's own day pattern for it (issue 21: a hand-made
    # "ddd dd MMM" wrote "Do. 19 Nov." for a German reader, who writes "Do., 19. Nov.").
    from datetime import date, datetime

    from boothapp.ui.i18n import date_time, day_text

    moment = datetime(2026, 11, 19, 10, 42, 7)
    expected = {
        "en": "Thu 19 Nov, 10:42",
        "de": "Do., 19. Nov., 10:42",
        "tr": "19 Kas Per 10:42",
        "el": "Πέμ 19 Νοε, 10:42",
        "fa": "پنجشنبه ۱۹ نوامبر،\u200f ۱۰:۴۲",
    }
    assert date_time(moment) == expected["en"]
    for lang in ("fa", "de", "tr", "el", "en"):
        apply_language(lang)
        try:
            for _ in range(2):  # built, then remembered
                assert date_time(moment) == expected[lang]
        finally:
            apply_language("en")
    assert date_time(moment) == expected["en"]
    assert day_text(date(2026, 12, 5), "de") == "Sa., 5. Dez."
    assert day_text(date(2026, 12, 5), "fa") == "شنبه ۵ دسامبر"
