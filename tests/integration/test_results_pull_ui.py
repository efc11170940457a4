"""The Results page's "Pull deals from CRM" (issue 22): a manager's click reads the deals
from the HubSpot fake (published behaviour, fakes/hubspot_deals.py) off the GUI thread and
the figures show them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from boothapp.core.models import Contact, StaffRole
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.engine import EngineConfig
from boothapp.sync.settings import CrmSettings
from boothapp.ui.results_page import ResultsPage
from boothapp.workers.tasks import TaskRunner
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.hubspot_deals import HubSpotDealsFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, throttle_delay_s=0.3, breaker_threshold=50)


def test_manager_pulls_deals_from_the_results_page(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    fake = HubSpotDealsFake()
    event = ctx.events.create_event(NewEvent(name="Pull Page"))
    boss = ctx.staff.add_staff(event.id, "Boss", "1111", role=StaffRole.MANAGER)
    with FakeServer(fake) as server:
        ctx.sync.configure(event.id, CrmSettings("hubspot", server.url), {"token": fake.token})
        lead = ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name="Ann", email="a@x.io")))
        assert ctx.sync.run(event.id, engine_config=FAST, max_seconds=60).ok
        fake.add_deal(lead.id, amount="1234.5", deal_currency_code="EUR",
                      hs_is_closed_won="true", hs_is_closed="true",
                      closedate="2099-01-01T00:00:00Z")  # fmt: skip
        page = ResultsPage(ctx.results, runner, event, ctx.deals)
        qtbot.addWidget(page)
        page.show()
        page.set_staff(boss)
        qtbot.waitUntil(lambda: page.data is not None, timeout=10_000)
        assert page.data is not None and page.data.money.totals == ()
        with qtbot.waitSignal(page.shown, timeout=20_000):
            qtbot.mouseClick(page.pull_button, Qt.MouseButton.LeftButton)
        assert runner.wait(10_000)
    table = page.findChild(QTableWidget, "MoneyTable")
    assert table is not None
    assert [table.item(0, c).text() for c in range(3)] == ["EUR", "EUR 1,234.50", "EUR 1,234.50"]  # type: ignore[union-attr]
    assert "deals: 1 lead(s) checked, 1 deal(s) in hubspot: 1 new" in page.status.text()
