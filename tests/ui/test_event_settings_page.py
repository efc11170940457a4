"""The event settings editor: problems listed with their line (the crm section included), a
click jumps to the line, nothing is saved until the document is valid; Ctrl+S saves a revision."""

from __future__ import annotations

from PySide6.QtCore import Qt

from boothapp.app import AppContext
from boothapp.services.events import NewEvent
from boothapp.ui.event_settings_page import EventSettingsPage
from boothapp.workers.tasks import TaskRunner


def test_bad_crm_section_is_named_with_its_line_and_nothing_is_saved(
    qtbot, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Settings Show"))
    runner = TaskRunner(inline=True)
    page = EventSettingsPage(ctx.configs, runner, event)
    qtbot.addWidget(page)
    text = page.editor.toPlainText()
    assert "crm: {}" in text
    bad = text.replace("crm: {}", "crm:\n  name: hubspot\n  stages:\n    Demo Booked: almost_won")
    page.editor.setPlainText(bad)
    before = ctx.configs.get(event.id).revision
    page.save_button.click()
    assert page.problems.count() == 1
    problem = page.problems.item(0)
    want_line = bad.splitlines().index("    Demo Booked: almost_won") + 1
    assert problem.text().startswith(f"line {want_line}: crm.stages.Demo Booked: unknown stage")
    assert page.status.text() == "1 problem(s): nothing saved"
    assert ctx.configs.get(event.id).revision == before
    page._jump(problem)
    assert page.editor.textCursor().blockNumber() == want_line - 1

    good = text.replace(
        "crm: {}", "crm:\n  name: hubspot\n  stages:\n    Demo Booked: quote_to_prepare"
    )
    page.editor.setPlainText(good)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.editor.setFocus()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [page.problems.item(i).text() for i in range(page.problems.count())] == []
    assert page.status.text() == f"Saved as revision {before + 1}"
    settings = ctx.sync.settings(event.id)
    assert settings is not None and settings.name == "hubspot"
    assert settings.stages["Demo Booked"].value == "quote_to_prepare"
