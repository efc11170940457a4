"""CRM sync through the app's own path, against each CRM's published ceiling (issue 17).

Headline for every CRM: ``SyncService.run`` on the app's SQLite file (``SqlOutbox`` in WAL with a
busy timeout, scoped to the event, the real adapters built from the event's CRM settings), with
leads that carry what a demo lead carries: a note, a task for the owner and the event's campaign
(HubSpot static list, Salesforce Campaign, BottleCRM source detail). Each lead is three outbox
items (lead, note, task). The HubSpot and Salesforce fakes (tests/integration/fakes) run in
their own process, as a vendor would: they never take the app's run's interpreter (GIL) time.

The ceiling is the published limit and nothing else: ``share_of_ceiling`` = the counted calls
the run made over what the published rate allows in the measured time, ``calls / (L / W x
elapsed)`` for a limit of L per W s (HubSpot 100 per 10 s; BottleCRM 120 intake posts per 60 s).
The time the CRM itself takes to answer counts against the app. A sliding window also lets a
first full burst through at once, so a short run can pass 1.0; ``share_of_ceiling_strict``
counts that burst for the vendor: the least time the limit allows for the same calls (a full
burst per window, the last one at the start of its window: ``W x (ceil(calls / L) - 1)``) over
the measured time. The runs last several windows so the two stay close.

* HubSpot (fake): the published Free/Starter burst limit, 100 requests per 10 s, with the
  published X-HubSpot-RateLimit-* headers (daily ones too); e-mail unique per portal.
* Salesforce (fake): the org's daily API allowance (a rolling 24 h, enforced, here 200 calls so
  it binds within the run) and at most 25 concurrent requests (enforced, each request held 50 ms
  so concurrency is real). Salesforce publishes no per-second rate, so the ceiling is the
  allowance: the leads it can carry with the fewest calls per lead (5 calls per batch of 200
  after 3 set-up calls); share = complete leads (lead, note and task sent) / that.
* BottleCRM (real, django-crm 1.35.0 on loopback, tests/integration/bottlecrm harness, SQLite
  backend with IMMEDIATE write transactions): its intake's real default limit, 120 posts a
  minute (LEAD_INTAKE_THROTTLE_MINUTE; the REST API is not throttled). Calls = intake posts.

Figures per CRM: leads/min, share of the ceiling, duplicates (records created more than once),
lost leads / notes / tasks (neither in the CRM nor shown as failed or still queued), throttle
replies, and seconds to recover after a kill -9: the app's sync run is a separate process
(tests/integration/bottlecrm/worker.py), SIGKILLed mid-run and started again; the figure is
the time from the restart to its first finished item (this device's leases are reclaimed at
once). An in-memory outbox is not benched: the app never uses one.

    python bench/sync.py [--quick] [--only hubspot,salesforce,bottlecrm]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from boothapp.app import AppContext, build_context  # noqa: E402
from boothapp.core.models import Contact, Lead, Rating  # noqa: E402
from boothapp.services.events import NewEvent  # noqa: E402
from boothapp.services.outbox_sql import enqueue_in  # noqa: E402
from boothapp.services.sync import mapping_context  # noqa: E402
from boothapp.store.mappers import event_from_row  # noqa: E402
from boothapp.store.tables import EventRow, LeadRow  # noqa: E402
from boothapp.sync.crm.base import ItemKind  # noqa: E402
from boothapp.sync.crm.mapping import build_record, split_record  # noqa: E402
from boothapp.sync.engine import EngineConfig  # noqa: E402
from boothapp.sync.outbox import ItemState  # noqa: E402
from boothapp.sync.settings import CrmSettings  # noqa: E402
from tests.integration.fakes.process import FakeProcess  # noqa: E402

OWNER = "Booth manager"  # the demo event's rep: matched to a CRM user in every CRM
ENGINE = EngineConfig(base_delay_s=0.2, max_delay_s=2.0, throttle_delay_s=1.0)
SF_ALLOWANCE = 200
HS_LIMIT, HS_WINDOW_S = 100, 10.0  # HubSpot Free/Starter: 100 requests per 10 s


def seed(ctx: AppContext, name: str, settings: CrmSettings, secrets: dict[str, str], n: int):
    """An event synced to ``settings`` with ``n`` leads saved as rows and queued as the app
    queues them (lead, note, task items), in one transaction."""
    event_id = ctx.events.create_event(NewEvent(name=name)).id
    ctx.sync.configure(event_id, settings, secrets)
    context = mapping_context(ctx.configs, event_id, settings)
    mapping = settings.field_mapping()
    now = datetime.now(UTC)
    tag = name.lower().replace(" ", "-")
    ids: list[str] = []
    with ctx.db.read() as s:
        event = event_from_row(s.get(EventRow, event_id))
    for start in range(0, n, 500):  # chunks: a 10,000-lead session's identity map is slow
        with ctx.db.session() as s:
            rows = [
                LeadRow(event_id=event_id, first_name=f"Ada{i}", last_name="Lovelace",
                        company="Analytical", email=f"ada{i}@{tag}.example.com",
                        owner="booth_manager")
                for i in range(start, min(n, start + 500))
            ]  # fmt: skip
            s.add_all(rows)
            s.flush()
            for i, row in enumerate(rows, start):
                lead = Lead(
                    id=row.id, event_id=event_id, contact=Contact(
                        first_name=row.first_name, last_name=row.last_name,
                        company=row.company, email=row.email, country="DE"),
                    rating=Rating.HOT, score=70, notes=f"wants a demo ({i})",
                    answers={"budget": "10k_50k", "interests": ["analytics", "platform"]},
                    consent_text="I agree that Acme stores my details.", consent_given_at=now,
                    owner="booth_manager",
                )  # fmt: skip
                record = build_record(lead, event, mapping, task_subject=f"Call Ada{i}",
                                      task_due=now + timedelta(days=2), owner_name=OWNER,
                                      context=context)  # fmt: skip
                for item in split_record(record):
                    enqueue_in(s, settings.name, item, now, ctx.settings.device_id)
            ids += [r.id for r in rows]
    return event_id, ids


def outbox_state(ctx: AppContext, event_id: str, crm: str) -> dict[str, dict[str, ItemState]]:
    """kind -> lead id -> state of its item."""
    out: dict[str, dict[str, ItemState]] = {k.value: {} for k in ItemKind}
    for item in ctx.sync.outbox.scoped(event_id).items(crm):
        out[item.kind.value][item.lead_id] = item.state
    return out


def losses(expected: list[str], in_crm: Counter[str], states: dict[str, ItemState]) -> int:
    """Items neither in the CRM nor visibly failed or still queued."""
    waiting = {ItemState.FAILED, ItemState.PENDING, ItemState.IN_FLIGHT}
    return sum(1 for i in expected if in_crm[i] == 0 and states.get(i) not in waiting)


def kill_and_recover(data: Path, event_id: str, ctx: AppContext, crm: str, at: int) -> float:
    """The app's sync run as a process, SIGKILLed after ``at`` finished items, run again;
    seconds from the restart to its first finished item."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "tests.integration.bottlecrm.worker", str(data), event_id]
    ctx.db.engine.dispose()
    first = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    assert first.stdout is not None
    for line in first.stdout:
        if line.startswith("progress") and int(line.split()[1]) >= at:
            break
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    t0 = time.monotonic()
    second = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    assert second.stdout is not None
    recovered = math.nan
    for line in second.stdout:
        if line.startswith("progress") and math.isnan(recovered):
            recovered = time.monotonic() - t0
    second.wait(timeout=900)
    return round(recovered, 2)


def fastest_s(calls: int, limit: int, window_s: float) -> float:
    """The least time a vendor's sliding window of ``limit`` per ``window_s`` lets ``calls``
    calls take: a full burst per window, the last one at the start of its window. The share of
    the ceiling is this over the measured time (1.0: as fast as the vendor allows)."""
    return window_s * (math.ceil(calls / limit) - 1) if calls else 0.0


def timed_run(ctx: AppContext, event_id: str) -> tuple[Any, float]:
    t0 = time.perf_counter()
    summary = ctx.sync.run(event_id, engine_config=ENGINE, max_seconds=900)
    return summary, time.perf_counter() - t0


def bench_hubspot(root: Path, n: int, n_kill: int) -> dict[str, Any]:
    owners = [{"id": "301", "firstName": "Booth", "lastName": "manager",
               "email": "booth@corp.example"}]  # fmt: skip
    with FakeProcess("hubspot", limit=HS_LIMIT, window_s=HS_WINDOW_S, owners=owners) as fake:
        token = fake.get("token")
        ctx = build_context(str(root / "hubspot"))
        settings = CrmSettings("hubspot", fake.url)
        event_id, ids = seed(ctx, "HubSpot Bench", settings, {"token": token}, n)
        accepted0 = fake.get("window.total")
        summary, elapsed = timed_run(ctx, event_id)
        calls = fake.get("window.total") - accepted0
        throttled = fake.get("requests")["429"]
        fastest = fastest_s(calls, HS_LIMIT, HS_WINDOW_S)
        kill_event, kill_ids = seed(ctx, "HubSpot Kill", settings, {"token": token}, n_kill)
        recovery = kill_and_recover(root / "hubspot", kill_event, ctx, "hubspot", n_kill // 2)
        ctx = build_context(str(root / "hubspot"))
        in_crm = fake.call("contacts_by")
        engagements = fake.get("engagements")
        notes = Counter(str(e["boothapp_item_key"]).split(":")[0]
                        for e in engagements.get("notes", {}).values())  # fmt: skip
        tasks = Counter(str(e["boothapp_item_key"]).split(":")[0]
                        for e in engagements.get("tasks", {}).values())  # fmt: skip
        every = ids + kill_ids
        states = {**outbox_state(ctx, event_id, "hubspot")}
        kill_states = outbox_state(ctx, kill_event, "hubspot")
        merged = {k: {**states[k], **kill_states[k]} for k in states}
        contacts = fake.get("contacts")
        owners_set = Counter(c.get("hubspot_owner_id") for c in contacts.values())
        creations = fake.get("creations")
        lists = fake.get("lists")
        return {
            "leads": n,
            "seconds": round(elapsed, 1),
            "leads_per_min": round(summary.leads_synced / elapsed * 60),
            "accepted_calls": calls,
            "calls_per_100_leads": round(calls / n * 100, 2),
            "fastest_possible_s": fastest,
            "share_of_ceiling": round(calls / (elapsed * HS_LIMIT / HS_WINDOW_S), 3),
            "share_of_ceiling_strict": round(fastest / elapsed, 3),
            "throttle_replies": throttled,
            "throttle_replies_kill_run": fake.get("requests")["429"] - throttled,
            "duplicates": sum(v - 1 for v in creations.values() if v > 1)
            + sum(v - 1 for v in notes.values() if v > 1)
            + sum(v - 1 for v in tasks.values() if v > 1),
            "lost_leads": losses(every, in_crm, merged["lead"]),
            "lost_notes": losses(every, notes, merged["note"]),
            "lost_tasks": losses(every, tasks, merged["task"]),
            "recovery_s": recovery,
            "owner_set": owners_set["301"],
            "list_members": sum(len(x["members"]) for x in lists.values()),
            "stopped": str(summary.stopped),
        }


def bench_salesforce(root: Path, n: int, n_kill: int) -> dict[str, Any]:
    with FakeProcess("salesforce", setup=[("add_user", ("005000000000001AAA", OWNER))],
                     allocation=SF_ALLOWANCE, window_s=86400.0, max_concurrent=25,
                     latency_s=0.05) as fake:  # fmt: skip
        ctx = build_context(str(root / "salesforce"))
        settings = CrmSettings("salesforce", fake.url)
        secrets = {"access_token": "00Dfake!session"}
        event_id, ids = seed(ctx, "Salesforce Bench", settings, secrets, n)
        summary, elapsed = timed_run(ctx, event_id)
        states = outbox_state(ctx, event_id, "salesforce")
        complete = sum(
            1 for i in ids
            if all(states[k].get(i) == ItemState.DONE for k in ("lead", "note", "task"))
        )  # fmt: skip
        ceiling = (SF_ALLOWANCE - 3) // 5 * 200
        used = fake.get("window.total")
        # The kill -9 run needs a fresh allowance: a new day for the fake org.
        fake.new_window(10_000, 86400.0)
        kill_event, kill_ids = seed(ctx, "Salesforce Kill", settings, secrets, n_kill)
        recovery = kill_and_recover(root / "salesforce", kill_event, ctx, "salesforce", n_kill)
        ctx = build_context(str(root / "salesforce"))
        in_crm = fake.call("leads_by_external_id")
        creations = fake.get("creations")
        records = fake.get("records")
        tasks = Counter(k.split(":")[1] for k in creations if k.startswith("Task:"))
        notes = Counter(
            k.split(":")[1] for k, v in creations.items() for _ in range(v)
            if k.startswith("Task:") and k.endswith(":note")
        )  # fmt: skip
        calls = Counter(
            k.split(":")[1] for k, v in creations.items() for _ in range(v)
            if k.startswith("Task:") and k.endswith(":task")
        )  # fmt: skip
        merged = {k: {**states[k], **outbox_state(ctx, kill_event, "salesforce")[k]}
                  for k in states}  # fmt: skip
        every = ids + kill_ids
        owners = Counter(r.get("OwnerId") for r in records.get("Lead", {}).values())
        return {
            "leads": n,
            "allowance_calls": SF_ALLOWANCE,
            "calls_used": used,
            "seconds": round(elapsed, 1),
            "leads_per_min": round(summary.leads_synced / elapsed * 60),
            "complete_leads": complete,
            "ceiling_leads": ceiling,
            "share_of_ceiling": round(complete / ceiling, 3),
            "throttle_replies": fake.get("requests")["403"],
            "peak_concurrent": fake.get("peak_concurrent"),
            "duplicates": sum(v - 1 for v in creations.values() if v > 1),
            "lost_leads": losses(every, in_crm, merged["lead"]),
            "lost_notes": losses(every, notes, merged["note"]),
            "lost_tasks": losses(every, calls, merged["task"]),
            "recovery_s": recovery,
            "owner_set": owners["005000000000001AAA"],
            "campaign_members": len(records.get("CampaignMember", {})),
            "stopped": str(summary.stopped),
            "_tasks_total": sum(tasks.values()),
        }


def bench_bottlecrm(root: Path, n: int, n_kill: int) -> dict[str, Any]:
    from tests.integration.bottlecrm import harness

    crm = harness.start(root / "bcrm", throttle_minute="120/min", log=lambda *_: None)
    try:
        ctx = build_context(str(root / "bottlecrm"))
        settings = CrmSettings("bottlecrm", crm.base_url, intake_id=crm.intake_id)
        secrets = {"intake_key": crm.intake_key, "api_token": crm.pat}
        event_id, ids = seed_bottle(ctx, settings, secrets, "BottleCRM Bench", n)
        summary, elapsed = timed_run(ctx, event_id)
        posts = summary.leads_synced  # one intake post per lead item (0 throttle replies)
        fastest = fastest_s(posts, 120, 60.0)
        kill_event, kill_ids = seed_bottle(ctx, settings, secrets, "BottleCRM Kill", n_kill)
        recovery = kill_and_recover(root / "bottlecrm", kill_event, ctx, "bottlecrm", n_kill)
        ctx = build_context(str(root / "bottlecrm"))
        every = ids + kill_ids
        truth = bottle_truth(crm, every)
        in_crm = Counter({k: v["n"] for k, v in truth.items()})
        notes = Counter({k: v["notes"] for k, v in truth.items()})
        tasks = Counter({k: v["tasks"] for k, v in truth.items()})
        states = outbox_state(ctx, event_id, "bottlecrm")
        merged = {k: {**states[k], **outbox_state(ctx, kill_event, "bottlecrm")[k]}
                  for k in states}  # fmt: skip
        return {
            "leads": n,
            "seconds": round(elapsed, 1),
            "leads_per_min": round(summary.leads_synced / elapsed * 60),
            "intake_posts": posts,
            "fastest_possible_s": fastest,
            "share_of_ceiling": round(posts / (elapsed * 120 / 60.0), 3),
            "share_of_ceiling_strict": round(fastest / elapsed, 3) if fastest else None,
            "duplicates": sum(max(0, v - 1) for v in in_crm.values())
            + sum(max(0, v - 1) for v in notes.values())
            + sum(max(0, v - 1) for v in tasks.values()),
            "lost_leads": losses(every, in_crm, merged["lead"]),
            "lost_notes": losses(every, notes, merged["note"]),
            "lost_tasks": losses(every, tasks, merged["task"]),
            "recovery_s": recovery,
            "owner_set": sum(1 for v in truth.values() if v["owner"]),
            "source_trade_show": sum(1 for v in truth.values() if v["source"] == "trade show"),
            "stopped": str(summary.stopped),
        }
    finally:
        crm.stop()


def seed_bottle(ctx: AppContext, settings: CrmSettings, secrets: dict[str, str], name: str,
                n: int):  # fmt: skip
    """As ``seed``, with the event's rep named like BottleCRM's user so the owner matches."""
    global OWNER
    saved, OWNER = OWNER, "sync-bot"
    try:
        return seed(ctx, name, settings, secrets, n)
    finally:
        OWNER = saved


def bottle_truth(crm: Any, lead_ids: list[str]) -> dict[str, dict[str, Any]]:
    """BottleCRM's own database: per booth lead, its leads, marked comments and tasks."""
    code = "\n".join([
        "import json",
        "from leads.models import Lead",
        "from common.models import Comment",
        "from tasks.models import Task",
        f"wanted = set(json.loads({json.dumps(json.dumps(lead_ids))}))",
        "out = {}",
        "for lead in Lead.objects.filter(external_id__in=wanted):",
        "    e = out.setdefault(lead.external_id, {'n': 0, 'notes': 0, 'tasks': 0})",
        "    e['n'] += 1",
        "    e['owner'] = lead.assigned_to.exists()",
        "    e['source'] = lead.source",
        "    e['notes'] += Comment.objects.filter(object_id=lead.id,"
        " comment__contains='[boothapp:').count()",
        "    e['tasks'] += Task.objects.filter(lead=lead,"
        " description__contains='[boothapp:').count()",
        "print(json.dumps(out))",
    ])  # fmt: skip
    return dict(json.loads(crm.shell(code).strip().splitlines()[-1]))


def load_note() -> str:
    try:
        load = os.getloadavg()
        return (
            f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores"
        )
    except OSError:
        return "load unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer leads (a smoke run)")
    ap.add_argument("--only", default="hubspot,salesforce,bottlecrm")
    args = ap.parse_args()
    sizes = {
        "hubspot": (2000, 400) if args.quick else (6000, 1000),
        "salesforce": (2000, 400) if args.quick else (9000, 1000),
        "bottlecrm": (120, 60) if args.quick else (240, 120),
    }
    runs = {"hubspot": bench_hubspot, "salesforce": bench_salesforce, "bottlecrm": bench_bottlecrm}
    figures: dict[str, Any] = {"machine": load_note()}
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        for crm in args.only.split(","):
            n, n_kill = sizes[crm]
            f = runs[crm](Path(tmp), n, n_kill)
            figures[crm] = f
            figures[f"{crm}_share_of_ceiling"] = f["share_of_ceiling"]
            print(
                f"{crm:11} {f['leads_per_min']} leads/min, "
                f"{f['share_of_ceiling'] or 0:.0%} of ceiling, "
                f"dup={f['duplicates']} lost leads/notes/tasks={f['lost_leads']}/"
                f"{f['lost_notes']}/{f['lost_tasks']} recovery={f['recovery_s']} s",
                file=sys.stderr,
                flush=True,
            )
    figures["machine_after"] = load_note()
    print(json.dumps({"bench": "sync", "figures": figures}))
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    sys.exit(main())
