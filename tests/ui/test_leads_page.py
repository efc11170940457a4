"""The leads page driven like a user: search, filters, sort, lazy scrolling, detail edits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from boothapp.core.models import Rating
from boothapp.services.lead_queries import LeadQuery, LeadQueryService, SortColumn, SortOrder
from boothapp.services.leads import LeadService
from boothapp.store.db import Database
from boothapp.store.migrate import open_database
from boothapp.ui.lead_table_model import LeadTableModel
from boothapp.ui.leads_page import DEBOUNCE_MS, LeadsPage, count_text
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_leads import UNIQUE_FIRST, UNIQUE_LAST, Population, populate


def _open(path: Path) -> Database:
    db, _ = open_database(f"sqlite:///{path}", path.parent / "backups")
    return db


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()  # a real QThreadPool: results come back through the event loop
    yield r
    assert r.wait(10_000)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[tuple[Database, Population]]:
    db = _open(tmp_path / "small.db")
    yield db, populate(db, 600, seed=3)
    db.dispose()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Population]]:
    db = _open(tmp_path_factory.mktemp("big") / "big.db")
    yield db, populate(db, 50_000)
    db.dispose()


def _page(qtbot, db: Database, pop: Population, runner: TaskRunner, page_size: int = 100):  # type: ignore[no-untyped-def]
    page = LeadsPage(LeadQueryService(db), LeadService(db), runner, pop.event_id, page_size)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    qtbot.waitUntil(lambda: page.model.total is not None and not page.model.loading)
    return page


def _search(qtbot, page: LeadsPage, text: str) -> None:  # type: ignore[no-untyped-def]
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    qtbot.waitUntil(lambda: page.model.query.text == text, timeout=DEBOUNCE_MS * 20)
    qtbot.waitUntil(lambda: page.model.total is not None and not page.model.loading)


def _ids(page: LeadsPage) -> list[str]:
    return [page.model.lead_at(i).id for i in range(page.model.rowCount())]  # type: ignore[union-attr]


@pytest.mark.slow
def test_model_fetches_lazily_at_50k(qtbot, big, runner) -> None:  # type: ignore[no-untyped-def]
    db, pop = big
    model = LeadTableModel(LeadQueryService(db), runner, LeadQuery(pop.event_id), page_size=200)
    model.reload()
    qtbot.waitUntil(lambda: model.total == 50_000)
    assert model.rowCount() == 200  # one page, not 50,000 rows
    assert model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page in flight at a time
    qtbot.waitUntil(lambda: model.rowCount() == 400)
    assert len(set(_ids_of(model))) == 400


def _ids_of(model: LeadTableModel) -> list[str]:
    return [model.lead_at(i).id for i in range(model.rowCount())]  # type: ignore[union-attr]


@pytest.mark.slow
def test_search_box_finds_one_lead_among_50k(qtbot, big, runner) -> None:  # type: ignore[no-untyped-def]
    db, pop = big
    page = _page(qtbot, db, pop, runner)
    assert page.count.text() == "50,000 leads"
    assert page.model.rowCount() == 100
    _search(qtbot, page, UNIQUE_LAST.lower())
    assert page.count.text() == "1 lead"
    assert _ids(page) == [pop.unique_lead_id]
    assert page.model.data(page.model.index(0, 0)) == f"{UNIQUE_FIRST} {UNIQUE_LAST}"
    _search(qtbot, page, "Acme Industrial")
    assert page.count.text() == count_text(pop.company_counts["Acme Industrial GmbH"])


def test_typing_is_debounced_into_one_query(qtbot, small, runner) -> None:  # type: ignore[no-untyped-def]
    db, pop = small
    page = _page(qtbot, db, pop, runner)
    queries: list[str] = []
    page.model.modelReset.connect(lambda: queries.append(page.model.query.text))
    qtbot.keyClicks(page.search, "acme")  # four keys, well inside the debounce window
    qtbot.waitUntil(lambda: queries == ["acme"], timeout=2000)
    qtbot.wait(DEBOUNCE_MS * 2)
    assert queries == ["acme"]


def test_filters_combine_and_count_label_follows(qtbot, small, runner) -> None:  # type: ignore[no-untyped-def]
    db, pop = small
    page = _page(qtbot, db, pop, runner)
    assert page.count.text() == "600 leads"
    qs = LeadQueryService(db)
    page.rating.setCurrentIndex(page.rating.findData(Rating.HOT))
    qtbot.waitUntil(
        lambda: page.model.total == qs.count(LeadQuery(pop.event_id, ratings=(Rating.HOT,)))
    )
    staff_id = next(iter(pop.staff))
    qtbot.waitUntil(lambda: page.staff.count() == 1 + len(pop.staff))
    page.staff.setCurrentIndex(page.staff.findData(staff_id))
    both = LeadQuery(pop.event_id, ratings=(Rating.HOT,), staff_ids=(staff_id,))
    qtbot.waitUntil(lambda: page.model.total == qs.count(both) and not page.model.loading)
    assert 0 < page.model.total < qs.count(LeadQuery(pop.event_id, ratings=(Rating.HOT,)))
    shown = [page.model.lead_at(i) for i in range(page.model.rowCount())]
    assert all(r.rating is Rating.HOT and r.staff_name == pop.staff[staff_id] for r in shown)
    assert page.count.text() == count_text(qs.count(both))
    page.day.setCurrentIndex(page.day.findData(pop.days[1].isoformat()))
    day_q = LeadQuery(pop.event_id, ratings=(Rating.HOT,), staff_ids=(staff_id,), day=pop.days[1])
    qtbot.waitUntil(lambda: page.model.total == qs.count(day_q) and not page.model.loading)
    assert page.model.total < qs.count(both)


def test_sort_by_name_and_created_through_the_header(qtbot, small, runner) -> None:  # type: ignore[no-untyped-def]
    db, pop = small
    page = _page(qtbot, db, pop, runner, page_size=600)
    qs = LeadQueryService(db)
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.query.sort is SortColumn.NAME and not page.model.loading)
    names = [page.model.lead_at(i).name for i in range(page.model.rowCount())]  # type: ignore[union-attr]
    expected = qs.page(LeadQuery(pop.event_id, sort=SortColumn.NAME, order=SortOrder.ASC), 0, 600)
    assert names == [r.name for r in expected]
    assert names[0] <= names[-1]
    page.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.query.sort is SortColumn.CREATED and not page.model.loading)
    times = [page.model.lead_at(i).created_at for i in range(page.model.rowCount())]  # type: ignore[union-attr]
    assert times == sorted(times)


def test_please_delete_from_detail_is_stored_listed_and_in_history(qtbot, small, runner) -> None:  # type: ignore[no-untyped-def]
    db, pop = small
    page = _page(qtbot, db, pop, runner)
    staff_id, staff_name = next(iter(pop.staff.items()))
    page.set_current_staff(type("S", (), {"id": staff_id})())  # type: ignore[arg-type]
    _search(qtbot, page, "example.com")
    row = next(i for i in range(page.model.rowCount()) if not page.model.lead_at(i).please_delete)  # type: ignore[union-attr]
    lead_id = page.model.lead_at(row).id  # type: ignore[union-attr]
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the detail panel
    qtbot.waitUntil(lambda: page.detail.lead is not None and page.detail.lead.id == lead_id)
    assert page.detail.please_delete.isEnabled()
    box = page.detail.please_delete
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))
    # Stored ...
    qtbot.waitUntil(lambda: LeadService(db).get_lead(lead_id).please_delete)
    # ... visible in the list ...
    qtbot.waitUntil(lambda: page.model.lead_at(row).please_delete)  # type: ignore[union-attr]
    assert "(please delete)" in page.model.data(page.model.index(row, 0))
    # ... and in the history, as this staff member's change.
    qtbot.waitUntil(lambda: page.detail.status.text() == "Saved")
    history = [page.detail.history.item(i).text() for i in range(page.detail.history.count())]
    assert any(f"{staff_name} · Please delete: no → yes" in line for line in history)
    # The "please delete" filter now lists it.
    page.please_delete.setChecked(True)
    qtbot.waitUntil(lambda: page.model.query.please_delete is True and not page.model.loading)
    assert lead_id in _ids(page)


def test_ctrl_f_focuses_search_and_double_click_opens_detail(qtbot, small, runner) -> None:  # type: ignore[no-untyped-def]
    db, pop = small
    page = _page(qtbot, db, pop, runner)
    page.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.search.hasFocus())
    opened: list[str] = []
    page.lead_opened.connect(opened.append)
    rect = page.table.visualRect(page.model.index(2, 0))
    # A real double-click is press, release, then the double-click event.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    expected = page.model.lead_at(2).id  # type: ignore[union-attr]
    assert opened == [expected]
    qtbot.waitUntil(lambda: page.detail.lead is not None and page.detail.lead.id == expected)
    assert page.detail.title.text() == page.model.lead_at(2).name  # type: ignore[union-attr]
    # There is no way to delete a lead from the panel, only to flag it.
    from PySide6.QtWidgets import QAbstractButton

    labels = [b.text().lower() for b in page.findChildren(QAbstractButton)]
    assert not [t for t in labels if "delete" in t and "please" not in t]
