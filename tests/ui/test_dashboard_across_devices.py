"""The dashboard page across the event hub's devices (issue 19): Ayşe, who signed in on this
laptop and on laptop 2, is one row on the leaderboard and one bar, with all her leads. Real
SQLite files per laptop; laptop 2's changes arrive as a hub pull applies them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from boothapp.core.models import Rating
from boothapp.ui.dashboard_page import DashboardPage
from boothapp.workers.tasks import TaskRunner
from tests.unit.test_dashboard_people import TZ, _capture, _event, _laptop, _pull


def test_one_row_and_one_bar_for_the_same_person_on_two_laptops(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    one = _laptop(tmp_path / "one", "Ayşe", "Deniz")
    two = _laptop(tmp_path / "two", "AYSE")
    runner = TaskRunner()
    try:
        _capture(one, "Ayşe", "a1@x.io", Rating.HOT)
        _capture(one, "Deniz", "d1@x.io")
        _capture(two, "AYSE", "a2@x.io")
        _capture(two, "AYSE", "a3@x.io", Rating.HOT)
        _pull(one, two, "laptop 2")
        page = DashboardPage(one.dashboard, runner, _event(one), TZ,
                             clock=lambda: datetime.now(UTC), auto_refresh=False)  # fmt: skip
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        with qtbot.waitSignal(page.refreshed, timeout=5000):
            page.refresh()
        board = page.board.text()
        assert board.count("Ayşe") == 1 and "laptop 2" not in board and "AYSE" not in board
        assert board.index("Ayşe") < board.index("Deniz")
        assert "<b>3</b> leads" in board
        bars = page.staff_bars()
        assert sorted(bars) == ["Ayşe", "Deniz"]
        assert bars["Ayşe"].text().startswith("3 / ")
    finally:
        runner.wait(10_000)
        one.close()
        two.close()
