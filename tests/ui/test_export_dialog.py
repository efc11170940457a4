"""Export from the app: the dialog writes the file off the GUI thread and reports it."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from boothapp.app import AppContext
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.ui.export_dialog import ExportDialog
from boothapp.workers.tasks import TaskRunner


def test_export_csv_then_report_from_the_dialog(qtbot, ctx: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Dialog Expo", timezone="Europe/Athens"))
    for name, rating in (("Ελένη", Rating.HOT), ("Nikos", Rating.COLD)):
        ctx.leads.save_lead(LeadDraft(event_id=event.id, contact=Contact(first_name=name),
                                      rating=rating, rating_overridden=True))  # fmt: skip
    runner = TaskRunner()
    dialog = ExportDialog(ctx.exports, runner, event, tmp_path / "exports")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.path.text().endswith(".csv") and not dialog.open_button.isEnabled()
    dialog.hot_warm.setChecked(True)
    qtbot.waitUntil(lambda: dialog.columns.count() > 10, timeout=5000)
    for i in range(dialog.columns.count()):  # keep only the name and rating, rating first
        item = dialog.columns.item(i)
        keep = item.data(Qt.ItemDataRole.UserRole) in ("first_name", "rating")
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    rating = dialog.columns.findItems("Rating", Qt.MatchFlag.MatchExactly)[0]
    dialog.columns.insertItem(0, dialog.columns.takeItem(dialog.columns.row(rating)))
    with (
        qtbot.waitSignal(dialog.finished_export, timeout=10_000) as done,
        qtbot.waitSignal(dialog.columns_saved, timeout=10_000) as saved,
    ):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert saved.args[0] == ["rating", "first_name"]
    written = Path(done.args[0])
    lines = written.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Rating,First name"
    rows = list(csv.DictReader(lines))
    assert [r["First name"] for r in rows] == ["Ελένη"]  # the hot lead only
    assert "1 leads written" in dialog.status.text() and dialog.open_button.isEnabled()
    assert dialog.progress.value() == dialog.progress.maximum()
    dialog.kind.setCurrentIndex(2)  # the PDF report
    assert dialog.path.text().endswith(".pdf") and not dialog.qualified.isEnabled()
    with qtbot.waitSignal(dialog.finished_export, timeout=20_000) as report:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert Path(report.args[0]).read_bytes().startswith(b"%PDF")
    runner.wait()


def test_only_the_chosen_formats_options_and_the_whole_path(qtbot, ctx: AppContext,
                                                            tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    event = ctx.events.create_event(NewEvent(name="Path Expo", timezone="Europe/Athens"))
    runner = TaskRunner()
    deep = tmp_path / "a-rather-long-folder-name" / "with" / "several" / "levels" / "exports"
    dialog = ExportDialog(ctx.exports, runner, event, deep)
    qtbot.addWidget(dialog)
    dialog.resize(620, 500)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.delimiter.isVisible() and dialog.bom.isVisible()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # XLSX
    assert dialog.kind.currentData() == "xlsx"
    assert not dialog.delimiter.isVisible() and not dialog.bom.isVisible()
    assert dialog.qualified.isVisible() and dialog.columns.isVisible()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # PDF report
    assert not dialog.qualified.isVisible() and not dialog.columns.isVisible()
    full = dialog.path.text()
    assert full.startswith(str(deep)) and dialog.path.toolTip() == full
    shown = dialog.path.shown_text()
    assert "…" in shown and shown.endswith(".pdf")  # elided in the middle, name kept
    assert shown.startswith(full[:4])
    runner.wait()
