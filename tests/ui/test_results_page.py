"""The Results page (issue 22): managers only, computed off the GUI thread, showing the
figures of a small known event."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget

from boothapp.app import AppContext
from boothapp.core.config.costs_section import EventCosts
from boothapp.core.models import Contact, Rating, StaffRole
from boothapp.core.results.inputs import Deal
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.ui.results_page import MANAGERS_ONLY, ResultsPage
from boothapp.workers.tasks import TaskRunner


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


def _cells(page: ResultsPage, name: str) -> list[list[str]]:
    t = page.findChild(QTableWidget, name)
    assert t is not None, name
    return [
        [t.item(r, c).text() for c in range(t.columnCount())]  # type: ignore[union-attr]
        for r in range(t.rowCount())
    ]


def _event(ctx: AppContext):  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Results Show"))
    cfg = ctx.configs.get(event.id)
    ctx.configs.save(event.id, replace(cfg, costs=EventCosts("EUR", booth=Decimal(6000))))
    ids = [
        ctx.leads.save_lead(
            LeadDraft(event.id, Contact(first_name=n), rating=rating, rating_overridden=True)
        ).id
        for n, rating in (("Ann", Rating.HOT), ("Bob", Rating.WARM), ("Cem", Rating.COLD))
    ]
    ctx.deals.store("hubspot", {
        ids[0]: (Deal("hubspot", "d1", ids[0], Decimal(10000), "EUR", "won", True, True,
                      date(2099, 1, 1)),),
        ids[1]: (Deal("hubspot", "d2", ids[1], Decimal(5000), "EUR", "open", False, False),),
    })  # fmt: skip
    return event


def test_results_page_is_for_managers_and_shows_the_figures(qtbot, ctx, runner) -> None:  # type: ignore[no-untyped-def]
    event = _event(ctx)
    deniz = ctx.staff.add_staff(event.id, "Deniz", "1111", role=StaffRole.MANAGER)
    maria = ctx.staff.add_staff(event.id, "Maria", "2222")
    page = ResultsPage(ctx.results, runner, event)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()

    page.set_staff(maria)  # booth staff: nothing shown, nothing computed
    assert page.status.text() == MANAGERS_ONLY
    assert not page.refresh_button.isEnabled()
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert page.data is None and not page.body.isVisible()

    page.set_staff(deniz)
    with qtbot.waitSignal(page.shown, timeout=10_000):
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert page.body.isVisible()
    headline = dict(tuple(row) for row in _cells(page, "HeadlineTable"))  # type: ignore[misc]
    assert headline["Leads"] == "3"
    assert headline["Opportunities"] == "2"
    assert headline["Won"] == "1"
    assert headline["Pipeline created (EUR)"] == "EUR 15,000.00"
    assert headline["Revenue won (EUR)"] == "EUR 10,000.00"
    assert headline["Still open (EUR)"] == "EUR 5,000.00"
    assert headline["Cost per lead"] == "EUR 2,000.00"
    assert headline["Cost per won deal"] == "EUR 6,000.00"
    assert headline["Return on cost"] == "66.7%"  # (10000 - 6000) / 6000
    assert _cells(page, "MoneyTable") == [
        ["EUR", "EUR 15,000.00", "EUR 10,000.00", "EUR 5,000.00", "EUR 0.00", "1/1/0"]
    ]
    assert _cells(page, "RatingTable")[0][0] == "Hot"  # the rating as the UI names it
    assert _cells(page, "RatingTable")[0][-1] == "1 (100%)"
    never = _cells(page, "SpeedTable")[-1]
    assert never[:3] == ["never", "3", "67%"]  # 2 of 3 uncontacted leads have a deal
    summary = page.findChild(QLabel, "SpeedSummary")
    assert summary is not None and summary.text().startswith("No lead has a recorded first")

    # An earlier show side by side, chosen in the combo box with the keyboard
    other = ctx.events.create_event(NewEvent(name="Earlier Show"))
    ctx.leads.save_lead(LeadDraft(other.id, Contact(first_name="Old")))
    with qtbot.waitSignal(page.shown, timeout=10_000):
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)  # learns the event
    assert page.compare.itemText(1) == "Compare with Earlier Show"
    with qtbot.waitSignal(page.shown, timeout=10_000):
        qtbot.keyClick(page.compare, Qt.Key.Key_Down)
    side = {row[0]: row[1:] for row in _cells(page, "CompareTable")}
    assert side["Leads"] == ["3", "1"]
    assert side["Revenue won (EUR)"] == ["EUR 10,000.00", "–"]
    assert side["Return on cost"] == ["66.7%", "no costs in the event configuration"]

    page.set_staff(None)  # signed out: the figures leave the screen
    assert not page.body.isVisible() and page.status.text() == MANAGERS_ONLY
