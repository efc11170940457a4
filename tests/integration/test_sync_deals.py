"""Deals pulled back for the booth's leads (issue 22), from HubSpot and Salesforce.

The CRMs are loopback fakes that follow the vendors' published behaviour (see
``fakes/hubspot_deals.py`` and ``fakes/salesforce_deals.py``). Leads are saved through the lead
door and pushed by the real sync first, so the deal pull reads what the push left behind.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from boothapp.app import AppContext
from boothapp.core.models import Contact
from boothapp.core.results.funnel import Step
from boothapp.services.deals import DealChanges
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.services.sync_pull import PullPolicy
from boothapp.store.tables import DealRow
from boothapp.sync.engine import EngineConfig
from boothapp.sync.settings import CrmSettings
from tests.integration.fakes import salesforce_deals as sf
from tests.integration.fakes.common import FakeServer, SlidingWindow
from tests.integration.fakes.hubspot_deals import ASSOC, DEALS, HubSpotDealsFake
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, throttle_delay_s=0.3, breaker_threshold=50)


def _leads(ctx: AppContext, event_id: str, names: list[str]) -> list[str]:
    return [
        ctx.leads.save_lead(
            LeadDraft(event_id, Contact(first_name=n, last_name="Deal", company="Acme",
                                        email=f"{n.lower()}.deal@example.com"))
        ).id
        for n in names
    ]  # fmt: skip


def _rows(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.db.read() as s:
        return [
            (r.lead_id, r.remote_id, r.amount, r.currency, r.stage, r.is_won, r.is_closed,
             r.close_date, r.updated_at)
            for r in s.scalars(select(DealRow).order_by(DealRow.remote_id))
        ]  # fmt: skip


def test_hubspot_deals_two_currencies_won_lost_open_and_repull_changes_nothing(
    ctx: AppContext,
) -> None:
    fake = HubSpotDealsFake(assoc_page=1)  # Ann's two deals come in two association pages
    event_id = ctx.events.create_event(NewEvent(name="HubSpot Deals")).id
    later = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%dT00:00:00.000Z")
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        ann, bob, cem = _leads(ctx, event_id, ["Ann", "Bob", "Cem"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        won = fake.add_deal(ann, dealname="Ann big", amount="12000.50", dealstage="closedwon",
                            closedate=later, hs_is_closed_won="true", hs_is_closed="true",
                            deal_currency_code="EUR")  # fmt: skip
        open_ = fake.add_deal(ann, dealname="Ann US", amount="4000", dealstage="contractsent",
                              closedate="", hs_is_closed_won="false", hs_is_closed="false",
                              deal_currency_code="USD")  # fmt: skip
        lost = fake.add_deal(
            bob,
            dealname="Bob",
            amount="3000",
            dealstage="closedlost",
            closedate=later,
            hs_is_closed_won="false",
            hs_is_closed="true",
            deal_currency_code="",
        )  # single-currency portal: company currency
        first = ctx.deals.pull(event_id)
        stored = _rows(ctx)
        time.sleep(0.05)
        again = ctx.deals.pull(event_id)
        assert _rows(ctx) == stored  # not even updated_at moved
        with fake._lock:
            fake.deals[lost]["hs_is_closed"] = "true"  # unchanged value: still nothing
            fake.associations[next(iter(fake.associations))].remove(open_)  # unlinked in HubSpot
        third = ctx.deals.pull(event_id)
    assert first.errors == () and first.checked == 3 and first.deals == 3
    assert first.changes == DealChanges(added=3)
    assert again.changes == DealChanges() and again.deals == 3
    assert third.changes == DealChanges(removed=1)
    assert fake.requests[ASSOC] >= 2 and fake.requests[DEALS] >= 1
    day = date.fromisoformat(later[:10])
    assert [r[:8] for r in stored] == [
        (ann, won, "12000.50", "EUR", "closedwon", True, True, day),
        (ann, open_, "4000", "USD", "contractsent", False, False, None),
        (bob, lost, "3000", "EUR", "closedlost", False, True, day),
    ]
    results = ctx.results.compute(event_id)
    assert results.funnel.count(Step.WON) == 1
    assert results.funnel.count(Step.OPPORTUNITY) == 2  # Ann (won) and Bob (lost deal)
    eur = results.money.totals_of("EUR")
    assert eur is not None
    assert (eur.won, eur.lost, eur.pipeline) == (
        Decimal("12000.50"),
        Decimal(3000),
        Decimal("15000.50"),
    )
    assert results.money.totals_of("USD") is None  # the unlinked deal is gone
    assert cem not in {r[0] for r in _rows(ctx)}


def test_hubspot_deal_pull_waits_out_throttling(ctx: AppContext) -> None:
    fake = HubSpotDealsFake()
    event_id = ctx.events.create_event(NewEvent(name="HubSpot Busy Deals")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        (ann,) = _leads(ctx, event_id, ["Ann"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        fake.add_deal(ann, amount="10", hs_is_closed_won="true", hs_is_closed="true",
                      deal_currency_code="EUR", closedate="2030-01-01T00:00:00Z")  # fmt: skip
        fake.window = SlidingWindow(1, 0.5)  # one request per half second
        ctx.deals.policy = PullPolicy(attempts=6, backoff_s=0.3, max_wait_s=1.0)
        summary = ctx.deals.pull(event_id)
    assert summary.errors == ()
    assert summary.changes == DealChanges(added=1)
    assert fake.requests["429"] >= 1


def test_salesforce_converted_and_campaign_influenced_opportunities(ctx: AppContext) -> None:
    fake = SalesforceFake()
    name = "Salesforce Deals"
    event_id = ctx.events.create_event(NewEvent(name=name)).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id, CrmSettings("salesforce", server.url), {"access_token": "00Dfake!session"}
        )
        ann, bob, cem = _leads(ctx, event_id, ["Ann", "Bob", "Cem"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        won = sf.opportunity(fake, 9000, "USD", "Closed Won", True, True, "2030-03-01")
        contact = sf.convert(fake, ann, won)
        influenced = sf.opportunity(fake, 2500.5, "EUR", "Proposal", False, False, "2030-06-30")
        sf.influence(fake, sf.campaign_id(fake, name), contact, influenced)
        other = sf.opportunity(fake, 99, "EUR", "Prospecting", False, False, "2030-06-30")
        sf.influence(fake, "701OTHERCAMPAIGN", contact, other)  # another campaign's: not ours
        lost = sf.opportunity(fake, 1200, "EUR", "Closed Lost", False, True, "2030-02-01")
        sf.convert(fake, bob, lost)
        first = ctx.deals.pull(event_id, name)
        stored = _rows(ctx)
        again = ctx.deals.pull(event_id, name)
    assert first.errors == ()
    assert first.changes == DealChanges(added=3) and again.changes == DealChanges()
    assert _rows(ctx) == stored
    assert sorted(r[:8] for r in stored) == sorted([
        (ann, won, "9000", "USD", "Closed Won", True, True, date(2030, 3, 1)),
        (ann, influenced, "2500.5", "EUR", "Proposal", False, False, date(2030, 6, 30)),
        (bob, lost, "1200", "EUR", "Closed Lost", False, True, date(2030, 2, 1)),
    ])  # fmt: skip
    assert any("FROM CampaignInfluence" in q for q in fake.queries)
    results = ctx.results.compute(event_id)
    assert results.funnel.count(Step.WON) == 1
    usd = results.money.totals_of("USD")
    eur = results.money.totals_of("EUR")
    assert usd is not None and eur is not None
    assert (usd.won, eur.open, eur.lost) == (Decimal(9000), Decimal("2500.5"), Decimal(1200))
    with ctx.db.read() as s:
        assert s.scalar(select(func.count(DealRow.id)).where(DealRow.lead_id == cem)) == 0


def test_boothapp_sync_pull_also_pulls_deals(cli, data_dir) -> None:  # type: ignore[no-untyped-def]
    from boothapp.app import build_context

    fake = HubSpotDealsFake()
    with FakeServer(fake) as server:
        ctx = build_context(str(data_dir))
        try:
            event_id = ctx.events.create_event(NewEvent(name="CLI Deals")).id
            ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
            ann, _bob = _leads(ctx, event_id, ["Ann", "Bob"])
            assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        finally:
            ctx.close()
        fake.add_deal(ann, amount="700", deal_currency_code="GBP", hs_is_closed_won="false",
                      hs_is_closed="false", dealstage="appointmentscheduled")  # fmt: skip
        run = cli("sync", "pull", "--event", "CLI Deals")
        again = cli("sync", "pull", "--event", "CLI Deals")
    assert run.code == 0, run.err
    assert "deals: 2 lead(s) checked, 1 deal(s) in hubspot: 1 new, 0 changed, 0 gone" in run.out
    assert "1 deal(s) in hubspot: 0 new, 0 changed, 0 gone" in again.out
    roi = cli("roi", "--event", "CLI Deals")
    assert "Still open (GBP)                   GBP 700.00" in roi.out
