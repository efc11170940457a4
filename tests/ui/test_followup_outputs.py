"""The follow-up outputs on the queue page, driven like a sales manager: pick an owner, save
their calendar; print the letters due. The save dialog is replaced by a recorder that answers
with a path under tmp_path; the files written are read back (iCalendar text, PDF pages)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QUrl

from boothapp.app import AppContext
from boothapp.core.models import Channel, Rating
from boothapp.services.followup_types import TouchState
from boothapp.store.tables import FollowUpRow, LeadRow
from boothapp.ui.followup_outputs_bar import SavedFile, safe_file_name
from boothapp.ui.followup_queue_page import FollowUpQueuePage
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_followups import PLANNED_AT, SHOW_DAY, Cast, _lead, make_cast

# Friday 20 Nov 2026, 13:00 at the show (Berlin): the day after the show.
FRIDAY_NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class SaveDialog:
    """Stands in for QFileDialog.getSaveFileName: records what it was asked, answers ``reply``."""

    def __init__(self, reply: Path | str | None) -> None:
        self.reply = reply
        self.asked: list[tuple[str, str, str]] = []

    def __call__(self, parent: object, caption: str, suggested: str, filters: str) -> str:
        self.asked.append((caption, suggested, filters))
        return "" if self.reply is None else str(self.reply)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where the person saves files; empty until something is saved."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()  # a real thread pool: results come back through the event loop
    yield r
    assert r.wait(10_000)


def make_page(
    qtbot, ctx: AppContext, runner: TaskRunner, cast: Cast, dialog: SaveDialog, now: datetime
) -> tuple[FollowUpQueuePage, list[QUrl]]:  # type: ignore[no-untyped-def]
    opened: list[QUrl] = []
    event = ctx.events.find_event(cast.event_id)
    page = FollowUpQueuePage(
        ctx.followups,
        runner,
        event,
        today=lambda: now.date(),
        now=lambda: now,
        choose_path=dialog,
        open_url=lambda url: opened.append(url) is None,
    )
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitUntil(lambda: page.owner.count() > 1 and "due" in page.count.text(), timeout=5000)
    return page, opened


def choose_owner(qtbot, page: FollowUpQueuePage, name: str) -> None:  # type: ignore[no-untyped-def]
    index = page.owner.findData(name)
    assert index > 0, f"{name} is not in the owner list"
    page.owner.setCurrentIndex(index)
    qtbot.waitUntil(lambda: "due" in page.count.text(), timeout=5000)


def vevents(ics: str) -> list[dict[str, str]]:
    """The VEVENTs of an iCalendar text as property dicts (unfolded, RFC 5545 3.1)."""
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in ics.replace("\r\n ", "").split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            key, value = line.split(":", 1)
            current[key] = value.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
    return events


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# -- calendar -------------------------------------------------------------------------------


def test_calendar_of_the_chosen_owner_is_saved_as_ics(qtbot, ctx, runner, out_dir) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    dialog = SaveDialog(out_dir / "jo")  # typed without the extension
    page, opened = make_page(qtbot, ctx, runner, cast, dialog, PLANNED_AT)
    bar = page.outputs

    # "Everyone" has no single calendar: the action waits for an owner.
    assert page.owner.currentData() is None
    assert not bar.calendar_button.isEnabled()
    assert "Choose an owner" in bar.calendar_button.toolTip()

    open_touches = [
        t
        for t in ctx.followups.touches(cast.event_id)
        if t.owner == "Jo Lee" and t.state is TouchState.PLANNED
    ]
    n = len(open_touches)  # calls, emails; Ana Ruiz's lead (Yuki) is not Jo's
    choose_owner(qtbot, page, "Jo Lee")
    assert bar.calendar_button.isEnabled()
    with qtbot.waitSignal(bar.calendar_saved, timeout=5000) as saved:
        qtbot.mouseClick(bar.calendar_button, Qt.MouseButton.LeftButton)

    out = out_dir / "jo.ics"
    assert saved.args == [SavedFile(out, n)]
    caption, suggested, filters = dialog.asked[0]
    assert Path(suggested).name == "CeMAT - Jo Lee follow-ups.ics"
    assert "Jo Lee" in caption and filters == "Calendar (*.ics)"
    assert bar.message.text() == f"{n} follow-ups for Jo Lee saved to jo.ics"
    assert bar.message.toolTip() == str(out)

    events = vevents(out.read_bytes().decode("utf-8"))
    assert len(events) == n
    who = {
        cast.hot: "Heike Demir (Heike GmbH)",
        cast.chicago_no_consent: "Chuck Demir (Chuck GmbH)",
    }
    planned_calls = sorted(
        (f"Call {who[t.lead_id]}", stamp(t.due_utc), stamp(t.due_utc + timedelta(minutes=15)))
        for t in open_touches
        if t.channel is Channel.CALL
    )
    assert len(planned_calls) == 5  # Heike twice (hot); Chuck three times (no consent: calls)
    calls = sorted(
        (e["SUMMARY"], e["DTSTART"], e["DTEND"]) for e in events if e["SUMMARY"].startswith("Call")
    )
    assert calls == planned_calls
    first_call = next(e for e in events if e["SUMMARY"] == "Call Heike Demir (Heike GmbH)")
    assert first_call["DTSTART"] == "20261119T132000Z"  # 14:20 in Berlin, the capture day
    assert "+49301234567" in first_call["DESCRIPTION"]
    assert not any("Yuki" in e["SUMMARY"] for e in events)  # Ana Ruiz's lead

    # The result stays on the bar, with a way to open the file and its folder.
    assert bar.open_button.isVisible() and bar.folder_button.isVisible()
    qtbot.mouseClick(bar.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.folder_button, Qt.MouseButton.LeftButton)
    assert [Path(u.toLocalFile()) for u in opened] == [out, out_dir]


def test_owner_without_open_touches_gets_a_message_and_no_dialog(
    qtbot, ctx, runner, out_dir
) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    with ctx.db.session() as s:  # every touch of Ana's only lead is done
        for row in s.query(FollowUpRow).filter(FollowUpRow.lead_id == cast.tokyo):
            row.state = TouchState.CANCELLED.value
    dialog = SaveDialog(out_dir / "ana.ics")
    page, _ = make_page(qtbot, ctx, runner, cast, dialog, PLANNED_AT)
    choose_owner(qtbot, page, "Ana Ruiz")
    qtbot.mouseClick(page.outputs.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no calendar" in page.outputs.message.text(), timeout=5000)
    assert page.outputs.message.text() == (
        "Ana Ruiz has no open calls or letters: no calendar to save."
    )
    assert dialog.asked == [] and list(out_dir.iterdir()) == []
    assert page.outputs.calendar_button.isEnabled()  # ready for another try


def test_cancelled_dialog_writes_nothing(qtbot, ctx, runner, out_dir) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    dialog = SaveDialog(None)
    page, _ = make_page(qtbot, ctx, runner, cast, dialog, PLANNED_AT)
    choose_owner(qtbot, page, "Jo Lee")
    qtbot.mouseClick(page.outputs.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialog.asked) == 1, timeout=5000)
    qtbot.waitUntil(lambda: page.outputs.calendar_button.isEnabled(), timeout=5000)
    assert page.outputs.message.text() == ""
    assert list(out_dir.iterdir()) == []


def test_calendar_shortcut(qtbot, ctx, runner, out_dir) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    dialog = SaveDialog(out_dir / "jo.ics")
    page, _ = make_page(qtbot, ctx, runner, cast, dialog, PLANNED_AT)
    choose_owner(qtbot, page, "Jo Lee")
    page.activateWindow()
    qtbot.waitActive(page)
    with qtbot.waitSignal(page.outputs.calendar_saved, timeout=5000) as saved:
        qtbot.keyClick(
            page,
            Qt.Key.Key_C,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert saved.args[0].path == out_dir / "jo.ics"
    assert vevents((out_dir / "jo.ics").read_bytes().decode("utf-8"))


# -- letters --------------------------------------------------------------------------------


def letters_cast(ctx: AppContext) -> tuple[Cast, str]:
    """Two leads without consent or phone: their follow-ups go by post."""
    cast = make_cast(ctx)
    lena = _lead(ctx, cast.event_id, "Lena", "lena@post.de", "Europe/Berlin", "DE",
                 Rating.WARM, False, phone="", owner="Ana Ruiz")  # fmt: skip
    with ctx.db.session() as s:
        chuck = s.get(LeadRow, cast.chicago_no_consent)
        assert chuck is not None
        chuck.phone, chuck.city = "", "Chicago"
        lena_row = s.get(LeadRow, lena)
        assert lena_row is not None
        lena_row.city = "Hannover"
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    return cast, lena


def test_letters_due_print_into_one_pdf_and_leave_the_queue(qtbot, ctx, runner, out_dir) -> None:  # type: ignore[no-untyped-def]
    cast, lena = letters_cast(ctx)
    out = out_dir / "post" / "friday.pdf"
    out.parent.mkdir()
    dialog = SaveDialog(out)
    page, opened = make_page(qtbot, ctx, runner, cast, dialog, FRIDAY_NOON)
    rows = [page.list.item(i).text() for i in range(page.list.count())]
    assert sum("Letter · " in r for r in rows) == 2  # both due by today (Fri)

    with qtbot.waitSignal(page.outputs.letters_printed, timeout=10_000) as printed:
        qtbot.mouseClick(page.outputs.letters_button, Qt.MouseButton.LeftButton)
    assert printed.args == [SavedFile(out, 2)]
    assert Path(dialog.asked[0][1]).name == "CeMAT - letters 2026-11-20.pdf"
    assert dialog.asked[0][2] == "PDF (*.pdf)"
    assert page.outputs.message.text() == ("2 letters saved to friday.pdf, marked printed")

    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert len(pages) == 2  # one letter per page, oldest due first
    assert "Chuck Demir" in pages[0] and "Chicago" in pages[0]
    assert "Lena Demir" in pages[1] and "Hannover" in pages[1] and "Vielen Dank" in pages[1]

    # The service marked them printed, as `boothapp followups letters` does: they leave the
    # queue, and the later letters of the plan stay planned.
    letters = [t for t in ctx.followups.touches(cast.event_id) if t.channel is Channel.LETTER]
    done = [t for t in letters if t.state is TouchState.DONE]
    assert {t.lead_id for t in done} == {cast.chicago_no_consent, lena}
    assert all(t.outcome == "printed" for t in done)
    assert len(letters) - len(done) == 4
    qtbot.waitUntil(
        lambda: not any("Letter · " in page.list.item(i).text() for i in range(page.list.count())),
        timeout=5000,
    )
    qtbot.mouseClick(page.outputs.open_button, Qt.MouseButton.LeftButton)
    assert [Path(u.toLocalFile()) for u in opened] == [out]

    # Printing again right away: nothing left to print, and no dialog.
    qtbot.mouseClick(page.outputs.letters_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "nothing to print" in page.outputs.message.text(), timeout=5000)
    assert len(dialog.asked) == 1


def test_nothing_to_print(qtbot, ctx, runner, out_dir) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)  # everyone has an email address or a phone: no letters planned
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    dialog = SaveDialog(out_dir / "letters.pdf")
    page, _ = make_page(qtbot, ctx, runner, cast, dialog, PLANNED_AT)
    qtbot.mouseClick(page.outputs.letters_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.outputs.letters_button.isEnabled(), timeout=5000)
    assert page.outputs.message.text() == (
        f"No letters due by today ({SHOW_DAY:%a %d %b}): nothing to print."
    )
    assert dialog.asked == [] and list(out_dir.iterdir()) == []
    assert not page.outputs.open_button.isVisible()


def test_a_failed_write_is_shown_and_the_letters_stay_due(qtbot, ctx, runner, out_dir) -> None:  # type: ignore[no-untyped-def]
    cast, _lena = letters_cast(ctx)
    blocked = out_dir / "letters.pdf"
    blocked.mkdir()  # a folder where the file should go: the PDF cannot be written
    page, _ = make_page(qtbot, ctx, runner, cast, SaveDialog(blocked), FRIDAY_NOON)
    qtbot.mouseClick(page.outputs.letters_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not printed" in page.outputs.message.text(), timeout=10_000)
    assert page.outputs.message.text().startswith("Letters not printed: ")
    assert page.outputs.message.text().endswith("they stay in the queue.")
    assert not page.outputs.open_button.isVisible()
    letters = [t for t in ctx.followups.touches(cast.event_id) if t.channel is Channel.LETTER]
    assert all(t.state is TouchState.PLANNED for t in letters)


def test_file_names_are_safe_on_every_desktop() -> None:
    assert safe_file_name('Expo: "Big" 2026/27') == "Expo Big 2026 27"
    assert safe_file_name("...") == "follow-ups"
