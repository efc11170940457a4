"""Who plans and queues a kiosk's leads on an event hub (issue 19). A kiosk only pushes: it never
sees an edit made on a laptop, so it cannot re-plan or re-queue its own leads. The first laptop
that applies a kiosk's lead claims it at the hub (``hub.lead_claims``, one claim per lead) and
plans and queues it from then on, whoever edits it; the kiosk plans and queues nothing.

Real PostgreSQL on loopback, a real SQLite file per device; the two laptops' first pulls run
as two processes at once (both claim, one wins).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.lead_changes import CLAIMED
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import ChangeLogRow, FollowUpRow, OutboxRow
from boothapp.sync.outbox import ItemState
from boothapp.sync.settings import CrmSettings
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EVENT = "Hub Kiosk Expo"


@pytest.fixture
def hub_url(pg_server: PgServer) -> str:
    from boothapp.services.hub import HubService

    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    HubService.init(url)
    return url


def _device(root: Path, name: str, hub_url: str, kiosk: bool = False) -> Path:
    """A device's data folder, joined to the hub, with the event's CRM (a CSV drop folder,
    queued on every save) configured; closed again (processes open it as they need it)."""
    data = root / name.replace(" ", "_")
    data.mkdir(parents=True)
    ctx = build_context(str(data))
    event = ctx.events.create_event(
        NewEvent(name=EVENT, timezone="Europe/Berlin", starts_on=date(2026, 12, 1))
    )
    (root / f"drop_{data.name}").mkdir()
    ctx.sync.configure(
        event.id, CrmSettings("csvdrop", "", folder=str(root / f"drop_{data.name}")), {}
    )
    ctx.hub.join(hub_url, event.id, name, push_only=kiosk)
    ctx.close()
    return data


@pytest.fixture
def opened() -> Iterator[list[AppContext]]:
    contexts: list[AppContext] = []
    yield contexts
    for ctx in contexts:
        ctx.close()


def _open(data: Path, opened: list[AppContext]) -> AppContext:
    ctx = build_context(str(data))
    opened.append(ctx)
    return ctx


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


def _rate(ctx: AppContext, lead_id: str, rating: Rating) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, rating=rating, rating_overridden=True))


def _plan(ctx: AppContext, lead_id: str) -> list[tuple[str, str, int]]:
    """The lead's open touches on this device: (channel, template, touch number)."""
    with ctx.db.read() as s:
        rows = s.scalars(
            select(FollowUpRow).where(
                FollowUpRow.lead_id == lead_id, FollowUpRow.state == "planned"
            )
        ).all()
        return sorted((r.channel, r.template_id or "", r.touch_number) for r in rows)


def _queued(ctx: AppContext, lead_id: str) -> list[str]:
    """The lead's pending CRM items on this device, as their records' text."""
    with ctx.db.read() as s:
        rows = s.scalars(
            select(OutboxRow).where(
                OutboxRow.lead_id == lead_id, OutboxRow.state == ItemState.PENDING.value
            )
        ).all()
        return [json.dumps(r.record) for r in rows]


_PULL = textwrap.dedent(
    """
    import sys
    from boothapp.app import build_context
    ctx = build_context(sys.argv[1])
    print(ctx.hub.replicate_once().pulled, flush=True)
    ctx.close()
    """
)


def _pull_at_once(*folders: Path) -> None:
    """Each laptop's first pull in a process of its own, all at the same time."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _PULL, str(f)], env=env, cwd=REPO) for f in folders
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * len(procs)


def _control(ctx: AppContext, rating: Rating) -> list[tuple[str, str, int]]:
    """The touches this laptop plans for a lead of its own of this rating (the same shape)."""
    return _plan(ctx, _capture(ctx, f"control-{rating.value}@demir.de", rating))


def test_a_kiosk_lead_re_rated_on_the_laptop_is_re_planned_and_queued_there_once(
    tmp_path: Path, hub_url: str, opened: list[AppContext]
) -> None:
    kiosk = _open(_device(tmp_path, "kiosk 1", hub_url, kiosk=True), opened)
    laptop = _open(_device(tmp_path, "laptop A", hub_url), opened)
    lead = _capture(kiosk, "ayse@demir.de")
    # The kiosk plans and queues nothing: it would never see the laptop's edits.
    assert _plan(kiosk, lead) == [] and _queued(kiosk, lead) == []
    kiosk.hub.replicate_once()
    laptop.hub.replicate_once()
    hot, warm = _control(laptop, Rating.HOT), _control(laptop, Rating.WARM)
    assert hot and warm and hot != warm  # the rating decides the plan
    assert _plan(laptop, lead) == hot, "the laptop that pulled the kiosk's lead plans it"
    assert len(_queued(laptop, lead)) == 1

    _rate(laptop, lead, Rating.WARM)
    laptop.hub.replicate_once()
    assert _plan(laptop, lead) == warm, "re-planned on the laptop"
    queued = _queued(laptop, lead)
    assert len(queued) == 1 and "warm" in queued[0].lower(), queued
    assert _plan(kiosk, lead) == [] and _queued(kiosk, lead) == []


def test_with_two_laptops_one_claims_the_kiosk_lead_whichever_re_rates_it(
    tmp_path: Path, hub_url: str, opened: list[AppContext]
) -> None:
    kiosk_dir = _device(tmp_path, "kiosk 1", hub_url, kiosk=True)
    a_dir, b_dir = _device(tmp_path, "laptop A", hub_url), _device(tmp_path, "laptop B", hub_url)
    kiosk = _open(kiosk_dir, opened)
    lead = _capture(kiosk, "mehmet@kaya.com.tr")
    kiosk.hub.replicate_once()
    _pull_at_once(a_dir, b_dir)  # both apply the kiosk's lead at once: one claim wins
    a, b = _open(a_dir, opened), _open(b_dir, opened)
    with psycopg.connect(hub_url.replace("+psycopg", "")) as admin:
        claims = admin.execute("SELECT device_id FROM hub.lead_claims").fetchall()
    assert [c[0] for c in claims] in ([a.settings.device_id], [b.settings.device_id])
    owner, other = (a, b) if claims[0][0] == a.settings.device_id else (b, a)
    hot, warm = _control(owner, Rating.HOT), _control(owner, Rating.WARM)
    assert _plan(owner, lead) == hot and _plan(other, lead) == []

    # Staff on the laptop that did not claim it re-rate the lead: it is re-planned and
    # queued on the claiming laptop once, and nowhere else.
    _rate(other, lead, Rating.WARM)
    assert _plan(other, lead) == [] and _queued(other, lead) == []
    for _ in range(2):
        for device in (kiosk, a, b):
            device.hub.replicate_once()
    assert owner.leads.get_lead(lead).rating is Rating.WARM
    assert _plan(owner, lead) == warm
    queued = _queued(owner, lead)
    assert len(queued) == 1 and "warm" in queued[0].lower(), queued
    for device in (kiosk, other):
        assert _plan(device, lead) == [] and _queued(device, lead) == []
    # ... and a re-rate on the claiming laptop itself stays there too.
    _rate(owner, lead, Rating.HOT)
    for device in (a, b):
        device.hub.replicate_once()
    assert _plan(owner, lead) == hot and _plan(other, lead) == []
    assert len(_queued(owner, lead)) == 1 and _queued(other, lead) == []


def test_followups_plan_and_sync_by_hand_cover_this_devices_leads_only(
    cli, tmp_path: Path, hub_url: str, opened: list[AppContext]
) -> None:  # type: ignore[no-untyped-def]
    kiosk_dir = _device(tmp_path, "kiosk 1", hub_url, kiosk=True)
    a_dir, b_dir = _device(tmp_path, "laptop A", hub_url), _device(tmp_path, "laptop B", hub_url)
    kiosk, a, b = _open(kiosk_dir, opened), _open(a_dir, opened), _open(b_dir, opened)
    mine = [_capture(a, "a1@demir.de"), _capture(a, "a2@demir.de")]
    theirs = [_capture(b, "b1@kaya.com.tr"), _capture(kiosk, "k1@kaya.com.tr")]
    kiosk.hub.replicate_once()
    b.hub.replicate_once()  # B applies the kiosk's lead first: B claims it
    for device in (a, b, a):
        device.hub.replicate_once()
    assert len(a.hub.ownership(a.events.find_event(EVENT).id).mine or ()) == 2
    run = cli("followups", "plan", "--event", EVENT, "--replan", data=a_dir)
    assert run.code == 0, run.err
    assert "for 2 leads" in run.out  # not the 4 leads of the event
    assert "2 leads left to the devices that plan and send them: laptop B (2)" in run.out
    assert all(_plan(a, lead) == [] for lead in theirs)
    assert all(_plan(a, lead) for lead in mine)

    run = cli("sync", "--event", EVENT, data=a_dir)
    assert run.code == 0, run.err
    assert "2 queued now" in run.out, run.out
    assert "2 leads left to the devices that plan and send them: laptop B (2)" in run.out
    drop = tmp_path / "drop_laptop_A"
    sent = "".join(p.read_text() for p in drop.rglob("*.csv"))
    assert "a1@demir.de" in sent and "a2@demir.de" in sent
    assert "b1@kaya.com.tr" not in sent and "k1@kaya.com.tr" not in sent

    run = cli("followups", "plan", "--event", EVENT, data=kiosk_dir)  # the kiosk plans none
    assert run.code == 0, run.err
    assert "for 0 leads" in run.out
    assert "1 lead left to the device that plans and sends it: the laptop that claims them (1)" in (
        run.out
    )


def test_a_revoked_laptops_kiosk_leads_are_handed_over_to_one_laptop_that_plans_them(
    tmp_path: Path, hub_url: str, opened: list[AppContext]
) -> None:
    from boothapp.services.hub import HubService

    kiosk_dir = _device(tmp_path, "kiosk 1", hub_url, kiosk=True)
    a_dir, b_dir = _device(tmp_path, "laptop A", hub_url), _device(tmp_path, "laptop B", hub_url)
    c_dir = _device(tmp_path, "laptop C", hub_url)
    kiosk, a = _open(kiosk_dir, opened), _open(a_dir, opened)
    lead = _capture(kiosk, "ayse@demir.de")
    kiosk.hub.replicate_once()
    a.hub.replicate_once()  # A applies the kiosk's lead first: A claims it
    _pull_at_once(b_dir, c_dir)
    assert _plan(a, lead) and len(_queued(a, lead)) == 1
    # A is lost at the booth: the manager revokes it. Its claim must not leave the kiosk's
    # lead planned by nobody: B and C pull at once, one of them takes the claim over.
    assert HubService.revoke(hub_url, "laptop A") == "laptop A"
    _pull_at_once(b_dir, c_dir)
    b, c = _open(b_dir, opened), _open(c_dir, opened)
    with psycopg.connect(hub_url.replace("+psycopg", "")) as admin:
        claims = admin.execute("SELECT device_id FROM hub.lead_claims").fetchall()
    assert [row[0] for row in claims] in ([b.settings.device_id], [c.settings.device_id])
    owner, other = (b, c) if claims[0][0] == b.settings.device_id else (c, b)
    hot, warm = _control(owner, Rating.HOT), _control(owner, Rating.WARM)
    assert _plan(owner, lead) == hot, "the laptop that took the claim over plans the lead"
    assert len(_queued(owner, lead)) == 1
    assert _plan(other, lead) == [] and _queued(other, lead) == []

    # The other laptop learns who plans it, and its re-rate is re-planned on the owner only.
    for device in (owner, other):
        device.hub.replicate_once()
    event_id = other.events.find_event(EVENT).id
    # (the kiosk's lead and the owner's two control leads; not "laptop A" for the first)
    assert other.hub.ownership(event_id).others == {owner.settings.device_name: 3}
    _rate(other, lead, Rating.WARM)
    for device in (other, owner, other):
        device.hub.replicate_once()
    assert _plan(owner, lead) == warm
    queued = _queued(owner, lead)
    assert len(queued) == 1 and "warm" in queued[0].lower(), queued
    assert _plan(other, lead) == [] and _queued(other, lead) == []
    # A sweep again claims nothing more and logs no second claim entry.
    owner.hub.replicate_once()
    with owner.db.read() as s:
        entries = s.scalars(
            select(ChangeLogRow.device_id).where(
                ChangeLogRow.lead_id == lead, ChangeLogRow.field == CLAIMED
            )
        ).all()
    assert sorted(entries) == sorted([a.settings.device_id, owner.settings.device_id])


def test_kiosk_leads_pulled_before_the_hub_had_claims_are_claimed_by_the_laptop_holding_them(
    tmp_path: Path, pg_server: PgServer, opened: list[AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    from boothapp.services import hub as hub_service
    from boothapp.sync.hub import client, schema

    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    with client.connect(client.conninfo(url)) as conn:
        assert schema.upgrade(conn, "hub_0003") == "hub_0003"  # a hub before claims
    kiosk_dir = _device(tmp_path, "kiosk 1", url, kiosk=True)
    laptop_dir = _device(tmp_path, "laptop A", url)
    kiosk, laptop = _open(kiosk_dir, opened), _open(laptop_dir, opened)
    lead = _capture(kiosk, "ayse@demir.de")
    kiosk.hub.replicate_once()
    # The laptop pulls as the app did before hub_0004: no claims at all (and the pushers'
    # names by a join: the names' number came with hub_0006).
    with monkeypatch.context() as m:
        m.setattr(hub_service.client, "pull", _pull_before_hub_0006)
        m.setattr(hub_service.client, "claim", lambda *_args: set())
        m.setattr(hub_service.client, "sweep_claims", lambda *_args: set())
        assert laptop.hub.replicate_once().pulled == 1
    assert laptop.leads.get_lead(lead) is not None
    assert _plan(laptop, lead) == [] and _queued(laptop, lead) == []  # planned by nobody

    hub_service.HubService.init(url)  # the hub is upgraded; the laptop is started again
    laptop.close()
    opened.remove(laptop)
    _pull_at_once(laptop_dir)
    laptop = _open(laptop_dir, opened)
    with psycopg.connect(url.replace("+psycopg", "")) as admin:
        claims = admin.execute("SELECT lead_id, device_id FROM hub.lead_claims").fetchall()
    assert claims == [(lead, laptop.settings.device_id)]
    assert _plan(laptop, lead) == _control(laptop, Rating.HOT)
    assert len(_queued(laptop, lead)) == 1
    assert _plan(kiosk, lead) == [] and _queued(kiosk, lead) == []


def test_a_laptop_that_leaves_hands_its_kiosk_leads_over_and_drops_their_plan(
    tmp_path: Path, hub_url: str, opened: list[AppContext]
) -> None:
    kiosk_dir = _device(tmp_path, "kiosk 1", hub_url, kiosk=True)
    a_dir, b_dir = _device(tmp_path, "laptop A", hub_url), _device(tmp_path, "laptop B", hub_url)
    kiosk, a = _open(kiosk_dir, opened), _open(a_dir, opened)
    lead = _capture(kiosk, "ayse@demir.de")
    kiosk.hub.replicate_once()
    a.hub.replicate_once()  # A applies the kiosk's lead first: A claims and plans it
    assert _plan(a, lead) and len(_queued(a, lead)) == 1

    a.hub.leave()  # `boothapp hub leave` on laptop A, which stays at the booth

    assert not a.hub.joined
    assert _plan(a, lead) == [] and _queued(a, lead) == [], "A no longer sends for it"
    assert a.leads.get_lead(lead) is not None  # the lead itself stays on A
    b = _open(b_dir, opened)
    b.hub.replicate_once()  # B pulls, then sweeps: it takes A's claim over
    with psycopg.connect(hub_url.replace("+psycopg", "")) as admin:
        claims = admin.execute("SELECT device_id FROM hub.lead_claims").fetchall()
    assert claims == [(b.settings.device_id,)]
    assert _plan(b, lead) == _control(b, Rating.HOT)
    assert len(_queued(b, lead)) == 1
    assert _plan(kiosk, lead) == [] and _queued(kiosk, lead) == []


def _pull_before_hub_0006(
    conn: psycopg.Connection, device_id: str, cursor: int, limit: int, *_names: object
) -> list[object]:
    """The pull of an app from before ``hub_0006``: the pushers' names by a join."""
    from boothapp.sync.hub.client import HubChange

    rows = conn.execute(
        """SELECT c.device_id, c.device_seq, c.event_id, c.lead_id, c.field, c.value,
                  c.old_value, c.hlc, c.staff_id, c.staff_name, c.change_id, c.at,
                  c.global_seq, coalesce(d.name, ''), coalesce(d.push_only, false)
           FROM hub.changes c LEFT JOIN hub.devices d USING (device_id)
           WHERE c.global_seq > %s AND c.device_id <> %s
           ORDER BY c.global_seq LIMIT %s""",
        (cursor, device_id, limit),
    ).fetchall()
    return [HubChange(*row) for row in rows]
