"""Roster import from the app: guessed columns, a fixed mapping, progress, rejected rows."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import Qt

from boothapp.app import AppContext
from boothapp.services.events import NewEvent
from boothapp.ui.roster_import_dialog import RosterImportDialog
from boothapp.workers.tasks import TaskRunner


def test_guess_fix_mapping_import_with_rejected_rows(
    qtbot, ctx: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Roster Expo"))
    roster = tmp_path / "attendees.csv"
    roster.write_text(
        "Reg No,Vorname,Nachname,Firma,Notiz\n"
        "101,Jürgen,Müller,Nordwind AG,vip\n"
        "102,Anna,Schmidt,Delta SA,\n"
        "102,Anna,Again,Delta SA,\n",
        encoding="utf-8",
    )
    runner = TaskRunner()
    dialog = RosterImportDialog(ctx.attendees, runner, event)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_file(roster)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=5000)
    assert dialog.combos["first_name"].currentText() == "Vorname"  # guessed from German
    assert dialog.combos["company"].currentText() == "Firma"
    assert "2 attendees ready to import, 1 rows rejected" in dialog.summary.text()
    dialog.combos["badge_id"].setCurrentText("Reg No")
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as done:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert done.args[0].total == 2
    assert "2 attendees added" in dialog.summary.text()
    assert dialog.rejected_rows.count() == 1 and "line 4" in dialog.rejected_rows.item(0).text()
    assert dialog.progress.value() == dialog.progress.maximum()
    found = ctx.attendees.find(event.id, badge_id="101")
    assert found is not None and found.contact.last_name == "Müller"
    runner.wait()


def test_broken_file_says_why_and_imports_nothing(qtbot, ctx: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Broken Expo"))
    broken = tmp_path / "roster.csv"
    broken.write_bytes(b"")
    runner = TaskRunner()
    dialog = RosterImportDialog(ctx.attendees, runner, event)
    qtbot.addWidget(dialog)
    dialog.load_file(broken)
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("Not imported:"), timeout=5000)
    assert not dialog.import_button.isEnabled()
    assert ctx.attendees.count(event.id) == 0
    runner.wait()


def test_on_a_laptop_screen_the_mapping_rows_stay_apart_and_counts_read_in_persian(
    qtbot, ctx: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 21 walk: at the 640x600 a 1280x800 screen gives the dialog, the 13 mapping rows
    lay on top of each other; and the counts read "2 ... 1" in Latin digits in Persian."""
    from boothapp.ui.i18n import apply_language

    event = ctx.events.create_event(NewEvent(name="Roster Expo"))
    roster = tmp_path / "attendees.csv"
    roster.write_text("Reg No,First,Last\n101,Ali,Rezaei\n102,Sara,Ahmadi\n102,x,y\n",
                      encoding="utf-8")  # fmt: skip
    apply_language("fa")
    try:
        dialog = RosterImportDialog(ctx.attendees, TaskRunner(inline=True), event)
        qtbot.addWidget(dialog)
        dialog.resize(640, 600)
        dialog.show()
        assert not dialog.rejected_rows.isVisible()  # nothing rejected yet: room for the rows
        boxes = sorted((c.geometry() for c in dialog.combos.values()), key=lambda g: g.y())
        assert all(a.bottom() < b.top() for a, b in pairwise(boxes))
        dialog.load_file(roster)
        assert "۲ شرکت‌کننده" in dialog.summary.text() and "۱ ردیف رد شد" in dialog.summary.text()
        assert dialog.rejected_rows.isVisible()
    finally:
        apply_language("en")
