"""Follow-ups and the CRM queue on devices sharing an event hub (issue 19): a visitor's touches
are planned once for the event, on the device that captured the lead (the winner's capture
for a visitor scanned on two devices), so one mail goes out, whichever device edits the lead.

Real PostgreSQL on loopback, a real SQLite file per device (``AppContext`` on its own folder).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import FollowUpRow, LeadRow, OutboxRow
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration

EVENT = "Hub Follow-up Expo"


@pytest.fixture
def hub_url(pg_server: PgServer) -> str:
    from boothapp.services.hub import HubService

    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    HubService.init(url)
    return url


def _device(root: Path, name: str, hub_url: str) -> AppContext:
    data = root / name.replace(" ", "_")
    data.mkdir(parents=True)
    ctx = build_context(str(data))
    event = ctx.events.create_event(
        NewEvent(name=EVENT, timezone="Europe/Berlin", starts_on=date(2026, 12, 1))
    )
    ctx.hub.join(hub_url, event.id, name)
    return ctx


@pytest.fixture
def devices(tmp_path: Path, hub_url: str) -> Iterator[tuple[AppContext, AppContext]]:
    a = _device(tmp_path, "laptop A", hub_url)
    b = _device(tmp_path, "laptop B", hub_url)
    yield a, b
    a.close()
    b.close()


def _sync(*devices: AppContext) -> None:
    for _ in range(2):  # everyone pushes, then everyone pulls what the others pushed
        for d in devices:
            d.hub.replicate_once()


def _capture(ctx: AppContext, email: str, rating: Rating = Rating.HOT) -> str:
    event_id = ctx.events.find_event(EVENT).id
    lead = ctx.leads.save_lead(
        LeadDraft(
            event_id=event_id,
            contact=Contact(
                first_name="Ayşe", last_name="Demir", email=email, company="Demir GmbH",
                country="DE", timezone="Europe/Berlin",
            ),
            rating=rating,
            rating_overridden=True,
            consent_given=True,
        )
    )  # fmt: skip
    return lead.id


def _touches(ctx: AppContext) -> dict[str, int]:
    """Open or sent touches per lead on this device."""
    with ctx.db.read() as s:
        rows = s.execute(
            select(FollowUpRow.lead_id, func.count()).group_by(FollowUpRow.lead_id)
        ).all()
    return {lead_id: n for lead_id, n in rows}


def _queued(ctx: AppContext) -> dict[str, int]:
    with ctx.db.read() as s:
        rows = s.execute(select(OutboxRow.lead_id, func.count()).group_by(OutboxRow.lead_id)).all()
    return {lead_id: n for lead_id, n in rows}


def _rate(ctx: AppContext, lead_id: str, rating: Rating) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, rating=rating, rating_overridden=True))


def test_a_pulled_lead_is_planned_only_on_the_device_that_captured_it(
    devices: tuple[AppContext, AppContext],
) -> None:
    a, b = devices
    lead = _capture(a, "ayse@demir.de")
    planned = _touches(a).get(lead, 0)
    assert planned >= 1  # a hot lead with consent and an e-mail gets its touches here
    _sync(a, b)
    assert b.leads.get_lead(lead).contact.email == "ayse@demir.de"
    assert _touches(b).get(lead, 0) == 0 and _queued(b).get(lead, 0) == 0

    # Staff on laptop B re-rate the lead (a field the plan depends on): the plan follows on
    # laptop A, which captured it; laptop B still plans and queues nothing of its own.
    _rate(b, lead, Rating.COLD)
    _sync(a, b)
    assert a.leads.get_lead(lead).rating is Rating.COLD
    assert _touches(b).get(lead, 0) == 0, "laptop B planned another device's lead"
    assert _queued(b).get(lead, 0) == 0, "laptop B queued another device's lead"
    with a.db.read() as s:
        open_rows = s.scalars(select(FollowUpRow).where(FollowUpRow.lead_id == lead)).all()
        states = {r.state for r in open_rows}
    assert states, "laptop A lost the lead's touches"


def test_a_visitor_scanned_on_two_devices_has_one_set_of_touches_for_the_event(
    devices: tuple[AppContext, AppContext],
) -> None:
    a, b = devices
    # Both laptops offline: the same visitor (same e-mail, no badge) captured on each.
    lead_a = _capture(a, "mehmet@kaya.com.tr")
    lead_b = _capture(b, "mehmet@kaya.com.tr")
    per_device = _touches(a)[lead_a]
    assert _touches(b)[lead_b] == per_device
    _sync(a, b)
    _sync(a, b)
    with a.db.read() as s:
        winner = s.scalars(select(LeadRow.id)).one()
    with b.db.read() as s:
        assert s.scalars(select(LeadRow.id)).one() == winner
    # One set of touches for the visitor across the event's devices, not one per device.
    total = _touches(a).get(winner, 0) + _touches(b).get(winner, 0)
    assert total == per_device, (_touches(a), _touches(b))
    queued = _queued(a).get(winner, 0) + _queued(b).get(winner, 0)
    assert queued <= 1, (_queued(a), _queued(b))
