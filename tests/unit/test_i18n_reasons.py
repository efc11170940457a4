"""Follow-up reasons are stored in English and read in the staff member's language (issue 21):
what the attempt rules and the planner really write comes out translated, with the reader's
weekday names and digits; a wording no phrase knows (old rows, a server's reply) stays as stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from boothapp.app import AppContext
from boothapp.capture.roster.errors import RosterError
from boothapp.capture.roster.reader import read_roster
from boothapp.core.followups.attempts import AttemptHistory, Outcome, record_outcome
from boothapp.core.followups.plan import FollowUpPlan
from boothapp.core.followups.reasons import FOLLOWS, english, shown
from boothapp.core.followups.timing import NoHolidays, first_touch
from boothapp.core.i18n import Language, using
from boothapp.core.models import Stage
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent, validate_new_event

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


def _history(**overrides: object) -> AttemptHistory:
    values: dict[str, object] = {
        "lead_id": "lead-9",
        "tz": "Europe/Berlin",
        "country": "DE",
        "stage": Stage.TO_CONTACT,
    }
    values.update(overrides)
    return AttemptHistory(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("outcome", list(Outcome), ids=str)
def test_every_outcome_reason_reads_in_turkish_and_persian(outcome: Outcome) -> None:
    reason = record_outcome(_history(), outcome, MONDAY, holidays_provider=NoHolidays()).reason
    tr, fa = shown(reason, Language.TR), shown(reason, Language.FA)
    assert tr != reason and fa != reason
    assert not any(ch.isdigit() and ch.isascii() for ch in fa), fa
    assert shown(reason, Language.EN) == reason


def test_voicemail_reason_and_its_count_in_turkish() -> None:
    reason = record_outcome(
        _history(), Outcome.VOICEMAIL, MONDAY, holidays_provider=NoHolidays()
    ).reason
    assert shown(reason, Language.TR).startswith("sesli mesaj: ")
    assert shown(reason, Language.TR).endswith(
        " (şimdiye kadar 1 cevapsız, 'ilgilenmiyor' için 4 kaldı)"
    )


def test_first_touch_reason_names_the_weekday_in_the_readers_language() -> None:
    touch = first_touch("Europe/Istanbul", MONDAY, FollowUpPlan(), holidays_provider=NoHolidays())
    tr = shown(touch.reason, Language.TR)
    fa = shown(touch.reason, Language.FA)
    assert touch.reason.split(" ")[0] in ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert tr.split(" ")[0] in ("Pzt", "Sal", "Çar", "Per", "Cum"), tr
    assert "Europe/Istanbul" in tr and "Europe/Istanbul" in fa  # ids stay as they are
    assert "morning" not in tr and "morning" not in fa


def test_annotations_translate_and_unknown_text_stays_as_stored() -> None:
    stored = (
        "reached the lead: next call in a week, on a call day; approved by ana; "
        "cancelled: flagged for deletion, no email address; an old wording; bounced: 550 5.1.1"
    )
    fa = shown(stored, Language.FA)
    assert fa.split("؛ ") == [
        "با مشتری صحبت شد: تماس بعدی یک هفته بعد، در روز تماس",
        "تأیید: ana",
        "لغو شد: برای حذف علامت خورده، بدون نشانی ایمیل",
        "an old wording",
        "برگشت خورد: 550 5.1.1",  # the server's reply is kept verbatim
    ]
    assert shown("written by an older version", Language.TR) == "written by an older version"
    assert shown("", Language.TR) == ""


def test_window_passed_reason_in_greek() -> None:
    plan = FollowUpPlan()
    touch = first_touch(
        "Europe/Athens",
        MONDAY,
        plan,
        holidays_provider=NoHolidays(),
        not_before_utc=MONDAY + timedelta(days=10),
    )
    el = shown(touch.reason, Language.EL)
    assert "είχε περάσει" in el, el


@pytest.mark.parametrize("outcome", [Outcome.VOICEMAIL, Outcome.WRONG_NUMBER], ids=str)
def test_the_next_touch_after_an_outcome_reads_in_persian(outcome: Outcome) -> None:
    """What the queue shows for the call an outcome planned: "<when>: <what> (<why>)"."""
    d = record_outcome(_history(has_phone=True), outcome, MONDAY, holidays_provider=NoHolidays())
    assert d.next_touch is not None
    stored = english(FOLLOWS, next=d.next_touch.reason, why=d.reason)
    fa = shown(stored, Language.FA)
    assert not any(ch.isascii() and ch.isalpha() for ch in fa.replace("Europe/Berlin", "")), fa


# -- validation errors a person reads in a status line ------------------------------------------
def test_validation_errors_speak_the_staff_members_language(ctx: AppContext) -> None:
    with using(Language.TR), pytest.raises(ValidationError) as tr:
        validate_new_event(NewEvent(name="Fuar", timezone="Mars/Base"))
    assert str(tr.value) == (
        "bilinmeyen saat dilimi 'Mars/Base'; Europe/Istanbul gibi bir IANA adı kullanın"
    )
    event = ctx.events.create_event(NewEvent(name="Fuar", timezone="Europe/Istanbul"))
    with using(Language.FA), pytest.raises(ValidationError) as fa:
        ctx.leads.record_scan(event.id, "")
    assert str(fa.value) == "اسکن خالی: چیزی از کارت ورود خوانده نشد"
    with pytest.raises(ValidationError, match="the event needs a name"):  # English by default
        validate_new_event(NewEvent(name=" "))


def test_roster_problems_speak_the_staff_members_language(tmp_path: Path) -> None:
    empty = tmp_path / "katilimcilar.csv"
    empty.write_bytes(b"")
    with using(Language.TR), pytest.raises(RosterError) as tr:
        read_roster(empty, event_id="ev-1")
    assert str(tr.value) == "katilimcilar.csv: dosya boş"
    roster = tmp_path / "roster.csv"
    roster.write_text("Badge ID,First name,Email\nB1,Sara,sara@example.com\n,Reza,\n")
    with using(Language.FA):
        result = read_roster(roster, event_id="ev-1")
    assert [r.reason for r in result.rejected] == ["شناسه‌ی کارت ورود ندارد"]


def test_a_skipped_public_holiday_is_named_as_the_reader_names_it() -> None:
    """The plan skips Greece's 25 March (real ``holidays`` data) and stores it in English; a
    Greek reader sees Greece's own name for it, a Persian reader the day in Persian digits,
    and Christmas, which no Persian-speaking country keeps, comes from the catalogue."""
    from boothapp.core.followups.holiday_names import holiday_name_in
    from boothapp.core.followups.timing import PublicHolidays

    eve = datetime(2026, 3, 24, 18, 0, tzinfo=ZoneInfo("Europe/Athens")).astimezone(UTC)
    touch = first_touch("Europe/Athens", eve, FollowUpPlan(), "GR", PublicHolidays())
    assert "skipped Wed 25 Mar is Independence Day" in touch.reason
    el, fa = shown(touch.reason, Language.EL), shown(touch.reason, Language.FA)
    assert "Εικοστή Πέμπτη Μαρτίου" in el and "Independence" not in el, el
    assert "۲۵" in fa and " is " not in fa, fa
    # Another country's Independence Day is not Greece's 25 March.
    assert holiday_name_in("Independence Day", "el") == "Independence Day"
    assert holiday_name_in("Christmas Day", "fa") == "کریسمس"  # no Persian country keeps it


def test_a_send_held_back_by_the_window_or_a_holiday_reads_translated() -> None:
    from boothapp.core.followups.reasons import HOLIDAY_NOW, NOT_SENT_AT_SEND, OUTSIDE_WINDOW

    window = "Tue-Thu 09:00-11:00"
    why = english(OUTSIDE_WINDOW, when="Sat 10:00", tz="Europe/Athens", window=window)
    outside = english(NOT_SENT_AT_SEND, why=why)
    why = english(HOLIDAY_NOW, when="Fri 10:00", tz="Europe/Berlin", holiday="Christmas Day")
    holiday = english(NOT_SENT_AT_SEND, why=why)
    de = shown(outside, Language.DE)
    assert "Versandfensters" in de and "Di.-Do." in de and "outside" not in de, de
    assert "Erster Weihnachtstag" in shown(holiday, Language.DE)
    assert "Christmas" not in shown(holiday, Language.TR)
