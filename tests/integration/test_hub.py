"""The event hub on a real PostgreSQL on loopback, with real SQLite files per device (issue 19).

Each device is a full ``AppContext`` on its own data folder (its own SQLite file, settings and
secrets file); the kill -9 tests run a device as a separate process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from boothapp.app import AppContext, build_context
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent
from boothapp.store.tables import ChangeLogRow, LeadChangeRow, LeadRow
from boothapp.sync.hub.client import HubError, HubRefused
from boothapp.sync.settings import CrmSettings
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EVENT = "Hub Expo"


@pytest.fixture
def hub_url(pg_server: PgServer) -> str:
    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    from boothapp.services.hub import HubService

    HubService.init(url)
    return url


def _device(root: Path, name: str, hub_url: str, event: str = EVENT, **join: bool) -> AppContext:
    data = root / name.replace(" ", "_")
    data.mkdir(parents=True, exist_ok=True)
    ctx = build_context(str(data))
    try:
        found = ctx.events.find_event(event)
    except Exception:
        found = ctx.events.create_event(
            NewEvent(name=event, timezone="UTC", starts_on=date(2026, 12, 1))
        )
    if not ctx.hub.joined:
        ctx.hub.join(hub_url, found.id, name, **join)
    return ctx


@pytest.fixture
def devices(tmp_path: Path, hub_url: str) -> Iterator[tuple[AppContext, AppContext]]:
    a = _device(tmp_path, "laptop A", hub_url)
    b = _device(tmp_path, "laptop B", hub_url)
    yield a, b
    a.close()
    b.close()


def _event_id(ctx: AppContext, name: str = EVENT) -> str:
    return ctx.events.find_event(name).id


def _edit(ctx: AppContext, lead_id: str, **values: object) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    contact = {k: v for k, v in values.items() if k in draft.contact.__dataclass_fields__}
    rest = {k: v for k, v in values.items() if k not in contact}
    ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, **contact), **rest))


def _leads(ctx: AppContext) -> list[LeadRow]:
    with ctx.db.read() as s:
        rows = list(s.scalars(select(LeadRow).order_by(LeadRow.id)))
        s.expunge_all()
        return rows


def _sync(*devices: AppContext) -> None:
    for _ in range(2):  # everyone pushes, then everyone pulls what the others pushed
        for d in devices:
            d.hub.replicate_once()


def test_the_same_badge_on_two_offline_devices_becomes_one_lead_with_both_edits(
    devices: tuple[AppContext, AppContext],
) -> None:
    a, b = devices
    lead_a, _ = a.leads.capture_scan(_event_id(a), "BADGE-4711")
    lead_b, _ = b.leads.capture_scan(_event_id(b), "BADGE-4711")
    assert lead_a.id != lead_b.id
    badge_key = _leads(a)[0].badge_key
    assert badge_key
    _edit(a, lead_a.id, notes="wants a demo in March")
    _edit(b, lead_b.id, company="Weber GmbH")

    _sync(a, b)

    for device in (a, b):
        leads = _leads(device)
        assert len(leads) == 1, [lead.id for lead in leads]
        assert leads[0].notes == "wants a demo in March"
        assert leads[0].company == "Weber GmbH"
        assert leads[0].badge_key == badge_key
        history = Counter(c.field for c in device.leads.history(leads[0].id))
        assert history["notes"] >= 1 and history["company"] >= 1, history
    # Both devices chose the same winner id; the loser's id still finds it.
    assert _leads(a)[0].id == _leads(b)[0].id
    winner = _leads(a)[0].id
    loser = lead_b.id if winner == lead_a.id else lead_a.id
    # A later edit made on the loser's device under its old id lands on the winner everywhere.
    loser_device = b if loser == lead_b.id else a
    assert loser_device.leads.find_by_badge_key(_event_id(loser_device), badge_key)
    _edit(loser_device, loser, title="CTO")  # a form still open on the old id
    _sync(a, b)
    assert [lead.title for lead in _leads(a)] == ["CTO"] == [lead.title for lead in _leads(b)]
    # "Scanned before": both captures, by device.
    seen = {s.device_name for s in a.hub.sightings(winner)}
    assert seen == {"laptop A", "laptop B"}


def test_the_later_clock_stamp_wins_the_same_field_whatever_the_wall_clocks_say(
    devices: tuple[AppContext, AppContext],
) -> None:
    a, b = devices
    b.changes.clock = lambda: datetime.now(UTC) + timedelta(minutes=10)  # B runs fast
    lead = a.leads.save_lead(_walk_in(a))
    _sync(a, b)
    # B (10 minutes ahead) edits first; A sees it, then edits the same field after it.
    _edit(b, lead.id, notes="B: call back Monday")
    _sync(b, a)
    assert _leads(a)[0].notes == "B: call back Monday"
    _edit(a, lead.id, notes="A: met again, send the quote")
    _sync(a, b)
    assert [x.notes for x in _leads(a)] == ["A: met again, send the quote"]
    assert [x.notes for x in _leads(b)] == ["A: met again, send the quote"]
    # Both sides' edits are in both histories.
    for device in (a, b):
        notes = [c.new_value for c in device.leads.history(lead.id) if c.field == "notes"]
        assert set(notes) >= {"B: call back Monday", "A: met again, send the quote"}

    # Concurrent edits (neither saw the other): the same one wins on both devices.
    _edit(a, lead.id, notes="A offline")
    _edit(b, lead.id, notes="B offline")
    _sync(a, b)
    assert _leads(a)[0].notes == _leads(b)[0].notes


def _walk_in(ctx: AppContext):  # type: ignore[no-untyped-def]
    from boothapp.core.models import Contact
    from boothapp.services.leads import LeadDraft

    contact = Contact(first_name="Ana", last_name="Ruiz", email="ana@ruiz.es")
    return LeadDraft(_event_id(ctx), contact, consent_given=True, consent_text="Mail me.")


def test_a_revoked_device_is_refused_and_a_device_reads_only_its_events(
    tmp_path: Path, hub_url: str, devices: tuple[AppContext, AppContext]
) -> None:
    a, b = devices
    other = _device(tmp_path, "laptop C", hub_url, event="Other Expo")
    try:
        a.leads.capture_scan(_event_id(a), "BADGE-1")
        other.leads.capture_scan(_event_id(other, "Other Expo"), "BADGE-2")
        _sync(a, other)
        assert len(_leads(other)) == 1  # its own lead only
        with other.hub.connect() as conn:
            events = {r[0] for r in conn.execute("SELECT DISTINCT event_id FROM hub.changes")}
            assert events == {_event_id(other, "Other Expo")}
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(
                    "INSERT INTO hub.changes (device_id, device_seq, event_id, lead_id, field,"
                    " hlc, at) VALUES ('x', 1, %s, 'l', 'notes', 'h', now())",
                    (_event_id(a),),
                )
    finally:
        other.close()

    from boothapp.services.hub import HubService

    assert HubService.revoke(hub_url, "laptop B") == "laptop B"
    b.leads.capture_scan(_event_id(b), "BADGE-3")
    with pytest.raises(HubRefused):
        b.hub.replicate_once()
    a.hub.replicate_once()
    assert {lead.badge_key for lead in _leads(a)} == {"id:badge-1"}  # not B's BADGE-3
    statuses = {d.name: d for d in a.hub.status().devices}
    assert statuses["laptop B"].revoked and not statuses["laptop A"].revoked


def test_a_revoked_devices_own_captures_stay_on_it_and_the_manager_can_merge_them(
    tmp_path: Path, hub_url: str, devices: tuple[AppContext, AppContext]
) -> None:
    """Decided (#19): a revoked device keeps what it captured (its file is the source of
    truth), the hub takes none of it, the device says in one line who can bring it to the
    others, and the manager's ``boothapp merge`` of its file does."""
    from boothapp.services.device_merge import merge_device_file
    from boothapp.services.hub import HubService

    a, b = devices
    b.leads.capture_scan(_event_id(b), "BADGE-1")
    _sync(a, b)
    HubService.revoke(hub_url, "laptop B")
    b.leads.capture_scan(_event_id(b), "BADGE-2")  # captured after the revoke

    with pytest.raises(HubRefused) as refused:
        b.hub.replicate_once()
    message = str(refused.value)
    assert "\n" not in message and "manager" in message and "boothapp merge" in message
    assert "not permitted to log in" in message  # PostgreSQL's own reason, kept
    status = b.hub.status()
    assert status.error == message and status.waiting >= 1
    assert {lead.badge_key for lead in _leads(b)} == {"id:badge-1", "id:badge-2"}  # kept
    a.hub.replicate_once()
    assert {lead.badge_key for lead in _leads(a)} == {"id:badge-1"}  # the hub took none

    b_file = Path(b.paths.db_url.removeprefix("sqlite:///"))
    report = merge_device_file(
        a.changes, _event_id(a), b_file, keys=[b.db_key.raw if b.db_key else b""]
    )
    assert report.added == 1  # BADGE-2; BADGE-1 came through the hub before the revoke
    assert {lead.badge_key for lead in _leads(a)} == {"id:badge-1", "id:badge-2"}


def test_one_crm_sync_per_event_the_other_device_says_who_holds_it(
    tmp_path: Path, devices: tuple[AppContext, AppContext]
) -> None:
    a, b = devices
    for device, folder in ((a, "drop_a"), (b, "drop_b")):
        (tmp_path / folder).mkdir()
        settings = CrmSettings("csvdrop", "", folder=str(tmp_path / folder))
        device.sync.configure(_event_id(device), settings, {})
    with a.hub.run_lock(_event_id(a), "crm_sync") as holder:
        assert holder is None  # A runs
        with pytest.raises(ValidationError, match="laptop A is syncing this event"):
            b.sync.run(_event_id(b))
    assert b.sync.run(_event_id(b)).stopped is not None  # released: B may run now


_DEVICE_SCRIPT = textwrap.dedent(
    """
    import sys
    from boothapp.app import build_context
    ctx = build_context(sys.argv[1])
    with ctx.hub.connect() as conn:
        hub = ctx.hub
        if sys.argv[2] == "push":
            while True:
                sent, more = hub._push_batch(conn, 5)
                print("batch", sent, flush=True)
                if not more:
                    break
        else:
            while True:
                got, _, more = hub._pull_batch(conn, 5)
                print("batch", got, flush=True)
                if not more:
                    break
    print("done", flush=True)
    """
)


def _run_until_killed(data_dir: Path, verb: str, batches: int) -> bool:
    """Run a device process and kill -9 it after ``batches`` batches; False if it finished."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _DEVICE_SCRIPT, str(data_dir), verb],
        stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )  # fmt: skip
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        if line.startswith("batch"):
            seen += 1
            if seen >= batches:
                os.kill(proc.pid, signal.SIGKILL)
                break
        if line.startswith("done"):
            break
    proc.wait(timeout=60)
    return proc.returncode == -signal.SIGKILL


def test_kill_9_mid_push_and_mid_pull_loses_nothing_and_applies_nothing_twice(
    devices: tuple[AppContext, AppContext], hub_url: str
) -> None:
    a, b = devices
    event_a = _event_id(a)
    for n in range(60):
        lead, _ = a.leads.capture_scan(event_a, f"BADGE-{n:03d}")
        if n % 3 == 0:
            _edit(a, lead.id, notes=f"note {n}")
    with a.db.read() as s:
        logged = s.scalar(select(func.count()).select_from(ChangeLogRow))
    data_a = Path(a.paths.data_dir)
    data_b = Path(b.paths.data_dir)

    assert _run_until_killed(data_a, "push", 3)  # killed mid-push
    a.hub.replicate_once()  # restarted: pushes the rest, the hub skips what it has
    with psycopg.connect(hub_url.replace("+psycopg", "")) as admin:
        seqs = [r[0] for r in admin.execute(
            "SELECT device_seq FROM hub.changes WHERE device_id = %s ORDER BY 1",
            (a.settings.device_id,),
        )]  # fmt: skip
    assert seqs == list(range(1, logged + 1))

    assert _run_until_killed(data_b, "pull", 4)  # killed mid-pull
    b.hub.replicate_once()
    leads = _leads(b)
    assert len(leads) == 60 and len({lead.badge_key for lead in leads}) == 60
    assert sum(1 for lead in leads if lead.notes) == 20
    with b.db.read() as s:
        pulled = s.scalar(
            select(func.count()).where(ChangeLogRow.device_id == a.settings.device_id)
        )
        history = s.execute(
            select(LeadChangeRow.lead_id, LeadChangeRow.field, func.count())
            .group_by(LeadChangeRow.lead_id, LeadChangeRow.field)
            .having(func.count() > 1)
        ).all()
    assert pulled == logged
    assert history == []  # no change applied twice


def test_the_app_worker_brings_another_devices_scan_within_seconds(
    devices: tuple[AppContext, AppContext], qtbot
) -> None:  # type: ignore[no-untyped-def]
    from boothapp.workers.hub_worker import HubWorker

    a, b = devices
    worker = HubWorker(a.hub, a.changes, poll_s=30)  # polling too slow to matter: NOTIFY wakes
    states = []
    worker.state_changed.connect(states.append)
    worker.start()
    try:
        qtbot.waitUntil(lambda: any(s.online for s in states), timeout=10_000)
        lead, _ = b.leads.capture_scan(_event_id(b), "BADGE-LIVE")
        b.hub.replicate_once()
        qtbot.waitUntil(lambda: len(_leads(a)) == 1, timeout=5_000)
        assert _leads(a)[0].id == lead.id
        assert [s.device_name for s in a.hub.sightings(lead.id)] == ["laptop B"]
        # A scan here is pushed by the worker on its own (woken by the door's broadcast).
        a.leads.capture_scan(_event_id(a), "BADGE-HERE")
        qtbot.waitUntil(lambda: a.hub.waiting() == 0, timeout=5_000)
    finally:
        worker.stop()
    assert not any(s.refused for s in states)


def test_scanned_before_names_a_device_joined_or_renamed_while_the_connection_was_open(
    tmp_path: Path, hub_url: str, devices: tuple[AppContext, AppContext]
) -> None:
    # A's loop keeps one connection for hours and the pull no longer joins hub.devices
    # (session 17): the names it keeps must follow a device that joins this event (new on
    # the hub, or there for another event before), or joins again under another name,
    # while that connection is open.
    a, b = devices
    c = _device(tmp_path, "laptop C", hub_url, event="Other Expo")  # on the hub, not here
    first, _ = b.leads.capture_scan(_event_id(b), "NAMES-1")
    b.hub.replicate_once()
    try:
        with a.hub.connect(autocommit=True) as conn:
            a.hub.replicate(conn)
            assert [s.device_name for s in a.hub.sightings(first.id)] == ["laptop B"]
            reads = a.hub._names.reads
            second, _ = b.leads.capture_scan(_event_id(b), "NAMES-2")
            b.hub.replicate_once()
            a.hub.replicate(conn, check=False)
            assert [s.device_name for s in a.hub.sightings(second.id)] == ["laptop B"]
            assert a.hub._names.reads == reads  # the names were not read again for it

            d = _device(tmp_path, "laptop D", hub_url)  # new on the hub
            try:
                by_d, _ = d.leads.capture_scan(_event_id(d), "NAMES-3")
                d.hub.replicate_once()
            finally:
                d.close()
            a.hub.replicate(conn, check=False)
            assert [s.device_name for s in a.hub.sightings(by_d.id)] == ["laptop D"]

            event_c = c.events.create_event(
                NewEvent(name=EVENT, timezone="UTC", starts_on=date(2026, 12, 1))
            )
            c.hub.join(hub_url, event_c.id, "laptop C")  # its name unchanged on the hub
            by_c, _ = c.leads.capture_scan(event_c.id, "NAMES-4")
            c.hub.replicate_once()
            a.hub.replicate(conn, check=False)
            assert [s.device_name for s in a.hub.sightings(by_c.id)] == ["laptop C"]

            b.hub.join(hub_url, _event_id(b), "Ayşe's laptop")  # B joins again, renamed
            renamed, _ = b.leads.capture_scan(_event_id(b), "NAMES-5")
            b.hub.replicate_once()
            a.hub.replicate(conn, check=False)
    finally:
        c.close()
    assert [s.device_name for s in a.hub.sightings(renamed.id)] == ["Ayşe's laptop"]
    # What was pulled before the rename keeps the name the device had when it scanned.
    assert [s.device_name for s in a.hub.sightings(first.id)] == ["laptop B"]


def test_a_round_cut_after_its_push_sends_the_scan_again_and_the_other_keeps_one(
    devices: tuple[AppContext, AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The push's mark is written with the round's pull (session 17): a round cut between the
    # two leaves the scan counted as waiting, sent again by the next round, and held once.
    from boothapp.sync.hub import client

    a, b = devices
    other, _ = b.leads.capture_scan(_event_id(b), "MARK-0")
    b.hub.replicate_once()
    lead, _ = a.leads.capture_scan(_event_id(a), "MARK-1")
    with monkeypatch.context() as m:
        m.setattr(client, "pull", lambda *_args: _raise(psycopg.OperationalError("cut")))
        with pytest.raises(HubError):
            a.hub.replicate_once()
    assert a.hub.waiting() == 1  # the hub has it, this device does not know yet
    b.hub.replicate_once()
    assert {row.id for row in _leads(b)} == {other.id, lead.id}
    a.hub.replicate_once()
    assert a.hub.waiting() == 0
    assert {row.id for row in _leads(a)} == {other.id, lead.id}
    b.hub.replicate_once()
    assert sorted(row.badge_id for row in _leads(b)) == ["MARK-0", "MARK-1"]
    assert len(b.leads.history(lead.id)) == len(a.leads.history(lead.id))


def _raise(exc: BaseException) -> None:
    raise exc


def test_a_device_joining_late_backfills_the_events_history(
    tmp_path: Path, hub_url: str, devices: tuple[AppContext, AppContext]
) -> None:
    a, b = devices
    for n in range(12):
        lead, _ = a.leads.capture_scan(_event_id(a), f"EARLY-{n}")
        if n % 4 == 0:
            _edit(a, lead.id, notes=f"note {n}")
    b.leads.capture_scan(_event_id(b), "EARLY-0")  # the same visitor, on B too
    _sync(a, b)
    # C was at another show on this hub first: its cursor is past this event's history.
    c = _device(tmp_path, "laptop C", hub_url, event="Other Expo")
    d = _device(tmp_path, "laptop D", hub_url, event="Other Expo")
    try:
        d.leads.capture_scan(_event_id(d, "Other Expo"), "ELSEWHERE-1")
        _sync(d, c)
        assert len(_leads(c)) == 1  # D's lead, pulled after this event's history
        event_c = c.events.create_event(
            NewEvent(name=EVENT, timezone="UTC", starts_on=date(2026, 12, 1))
        )
        c.hub.join(hub_url, event_c.id, "laptop C")
        c.hub.replicate_once()

        def state(ctx: AppContext, event_id: str) -> list[tuple[str, str | None, str]]:
            return sorted(
                (lead.id, lead.badge_key, lead.notes)
                for lead in _leads(ctx)
                if lead.event_id == event_id
            )

        assert state(c, event_c.id) == state(a, _event_id(a)) == state(b, _event_id(b))
        assert len(state(c, event_c.id)) == 12
        early = next(lead for lead in _leads(c) if lead.badge_key == "id:early-0")
        # Its history came along (the notes edit, made on A), and who scanned it where.
        assert any(h.field == "notes" for h in c.leads.history(early.id))
        assert {s.device_name for s in c.hub.sightings(early.id)} == {"laptop A", "laptop B"}
    finally:
        c.close()
        d.close()


_HOLDER_SCRIPT = textwrap.dedent(
    """
    import sys
    from boothapp.app import build_context
    ctx = build_context(sys.argv[1])
    event_id = ctx.events.find_event(sys.argv[2]).id
    with ctx.hub.run_lock(event_id, "crm_sync") as holder:
        print("holding" if holder is None else "refused", flush=True)
        sys.stdin.readline()  # hold it until told, or until killed
    """
)


def test_a_crm_sync_held_by_another_process_is_refused_until_it_dies(
    tmp_path: Path, devices: tuple[AppContext, AppContext]
) -> None:
    """Two laptops, two processes: B is told A holds the run; A killed -9 frees it at once."""
    a, b = devices
    (tmp_path / "drop_b").mkdir()
    b.sync.configure(_event_id(b), CrmSettings("csvdrop", "", folder=str(tmp_path / "drop_b")), {})
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER_SCRIPT, str(a.paths.data_dir), EVENT],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(ValidationError, match="laptop A is syncing this event"):
            b.sync.run(_event_id(b))
        os.kill(holder.pid, signal.SIGKILL)  # the laptop crashes mid-run
        holder.wait(timeout=30)
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while True:  # PostgreSQL ends the dead session's lock as soon as it notices
            try:
                assert b.sync.run(_event_id(b)).stopped is not None
                break
            except ValidationError:
                if datetime.now(UTC) > deadline:
                    raise
                time.sleep(0.1)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_push_wakes_the_other_devices_but_not_the_pusher(
    devices: tuple[AppContext, AppContext],
) -> None:
    """The notification names the pushing device: the pusher has nothing to pull, and a push
    the hub already had (sent again after a cut) wakes nobody."""
    from boothapp.sync.hub import client

    a, b = devices
    with a.hub.connect(autocommit=True) as ears_a, b.hub.connect(autocommit=True) as ears_b:
        client.listen(ears_a)
        client.listen(ears_b)
        a.leads.capture_scan(_event_id(a), "BADGE-WAKE")
        a.hub.replicate_once()
        assert client.wait_for_push(ears_b, 2.0, b.hub.device_id)
        assert not client.wait_for_push(ears_a, 0.5, a.hub.device_id)
        with a.hub.connect() as conn:  # the same changes again: the hub has them all
            hub_event = _hub_event(a)
            with a.db.read() as s:
                again = [
                    client.HubChange(
                        r.device_id, r.device_seq, hub_event, r.lead_id, r.field, r.value,
                        r.old_value, r.hlc, r.staff_id, r.staff_name, r.change_id, r.at,
                    )
                    for r in s.scalars(select(ChangeLogRow))
                ]  # fmt: skip
            assert client.push(conn, a.hub.device_id, again) == 0
        assert not client.wait_for_push(ears_b, 0.5, b.hub.device_id)


def _hub_event(ctx: AppContext) -> str:
    with ctx.db.read() as s:
        from boothapp.store.tables import HubStateRow

        row = s.scalars(select(HubStateRow).where(HubStateRow.key.startswith("event:"))).one()
        return row.key.removeprefix("event:")


def test_hub_init_upgrades_a_hub_made_before_revisions(pg_server: PgServer) -> None:
    """A hub created by the first release (versioned by ``hub.meta``) is stamped at the first
    revision and upgraded; its devices and changes stay. The version table is the hub's own."""
    import importlib.util

    from boothapp.services.hub import HubService
    from boothapp.sync.hub import client, schema

    path = schema.MIGRATIONS_DIR / "versions" / "hub_0001_base.py"
    spec = importlib.util.spec_from_file_location("hub_0001_base", path)
    assert spec is not None and spec.loader is not None
    base = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(base)
    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    admin_info = url.replace("+psycopg", "")
    with psycopg.connect(admin_info) as admin:  # as the first release's `hub init` left it
        for statement in base.STATEMENTS:
            admin.execute(statement.encode())
        admin.execute("CREATE TABLE hub.meta (key text PRIMARY KEY, value text NOT NULL)")
        admin.execute("INSERT INTO hub.meta VALUES ('schema_version', '1')")
        admin.execute("INSERT INTO hub.events VALUES ('ev1', 'Old Expo', now())")
        admin.execute(
            "INSERT INTO hub.devices (device_id, name, role_name) VALUES ('d1', 'x', 'r1')"
        )
        admin.execute(
            """INSERT INTO hub.changes (device_id, device_seq, event_id, lead_id, field, hlc, at)
               VALUES ('d1', 1, 'ev1', 'lead1', '*', 'h', now())"""
        )
    with client.connect(client.conninfo(url)) as conn:
        assert client.schema_version(conn) is None  # no revision yet: `join` says run init

    HubService.init(url)
    HubService.init(url)  # again: nothing to do
    with psycopg.connect(admin_info, autocommit=True) as admin:
        versions = admin.execute("SELECT version_num FROM hub.alembic_version").fetchall()
        assert versions == [(schema.head_revision(),)]
        assert admin.execute("SELECT to_regclass('hub.meta')").fetchone() == (None,)
        assert admin.execute("SELECT to_regclass('public.alembic_version')").fetchone() == (None,)
        assert admin.execute("SELECT count(*) FROM hub.changes").fetchone() == (1,)
        admin.execute("LISTEN hub_changes")
        admin.execute(
            """INSERT INTO hub.changes (device_id, device_seq, event_id, lead_id, field, hlc, at)
               VALUES ('d1', 2, 'ev1', 'lead1', 'notes', 'h2', now())"""
        )
        payloads = [n.payload for n in admin.notifies(timeout=2.0, stop_after=1)]
    assert payloads == ["d1"]  # the upgraded trigger names the pusher


def test_a_pull_short_of_time_applies_what_it_fetched_without_fetching_it_again(
    devices: tuple[AppContext, AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A loaded laptop runs out of its write budget after each change (here: at once): the
    # batch it fetched is applied transaction after transaction, fetched from the hub once.
    from boothapp.services import hub as hub_service
    from boothapp.sync.hub import client

    a, b = devices
    for n in range(30):
        a.leads.capture_scan(_event_id(a), f"BUDGET-{n}")
    a.hub.replicate_once()
    fetches: list[int] = []
    real_pull = client.pull

    def counted(*args: object) -> list[client.HubChange]:
        got = real_pull(*args)  # type: ignore[arg-type]
        fetches.append(len(got))
        return got

    monkeypatch.setattr(client, "pull", counted)
    monkeypatch.setattr(hub_service, "WRITE_BUDGET_S", 0.0)
    done = b.hub.replicate_once()
    assert done.pulled == 30
    assert sorted(lead.badge_id for lead in _leads(b)) == sorted(f"BUDGET-{n}" for n in range(30))
    assert fetches[0] == 30 and sum(fetches) == 30, fetches  # each change fetched once
