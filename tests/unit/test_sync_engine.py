"""The sync engine against a scripted CRM and a fake clock: what the outbox must end up holding."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from boothapp.core.models import Contact, Event, Lead
from boothapp.sync.crm.base import (
    BatchOutcome,
    Budget,
    CrmAuthError,
    CrmThrottled,
    CrmUnavailable,
    PushResult,
    SyncRecord,
)
from boothapp.sync.crm.csvdrop import CsvDropAdapter, CsvDropConfig
from boothapp.sync.crm.mapping import FieldMapping, MappingError, build_record
from boothapp.sync.crm.webhook import sign, verify
from boothapp.sync.engine import EngineConfig, StopReason, SyncEngine, SyncProgress
from boothapp.sync.outbox import AttemptOutcome, ItemState, MemoryOutbox
from boothapp.sync.pacing import BreakerState, backoff_delay

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return T0 + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float, cancel: threading.Event) -> None:
        self.slept.append(seconds)
        self.t += seconds


Behaviour = Callable[[Sequence[SyncRecord]], BatchOutcome]


class ScriptedCrm:
    """Answers each call with the next scripted behaviour, then 'all ok' forever."""

    name = "scripted"

    def __init__(self, clock: FakeClock, script: list[Behaviour] | None = None, batch_size=100):
        self.batch_size = batch_size
        self.script = list(script or [])
        self.calls: list[tuple[float, list[str]]] = []
        self.clock = clock

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        self.calls.append((self.clock.t, [r.lead_id for r in records]))
        if self.script:
            return self.script.pop(0)(records)
        return all_ok(records)


def all_ok(records: Sequence[SyncRecord]) -> BatchOutcome:
    return BatchOutcome(tuple(PushResult(r.lead_id, True, f"R-{r.lead_id}") for r in records))


def raising(exc: Exception) -> Behaviour:
    def behave(records: Sequence[SyncRecord]) -> BatchOutcome:
        raise exc

    return behave


def setup(n: int, script=None, config=None, batch_size=100):
    clock = FakeClock()
    outbox = MemoryOutbox()
    for i in range(n):
        outbox.enqueue("scripted", SyncRecord(f"lead-{i:04d}"), clock.now())
    crm = ScriptedCrm(clock, script, batch_size)
    cfg = config or EngineConfig(base_delay_s=1.0, breaker_threshold=3, breaker_cooldown_s=60)
    engine = SyncEngine(outbox, crm, cfg, clock, random.Random(1))
    return clock, outbox, crm, engine


def test_all_leads_sync_in_batches_with_remote_ids_and_progress():
    _, outbox, crm, engine = setup(250)
    seen: list[SyncProgress] = []
    report = engine.drain(progress=seen.append)
    assert [len(ids) for _, ids in crm.calls] == [100, 100, 50]
    assert report.synced == 250 and report.failed == 0 and report.stopped == StopReason.IDLE
    items = outbox.items()
    assert all(i.state == ItemState.DONE and i.remote_id == f"R-{i.lead_id}" for i in items)
    assert seen[-1].text.startswith("250 of 250")
    assert seen[0].done == 100 and seen[0].total == 250


def test_transient_record_error_retries_with_growing_jittered_backoff():
    fail = lambda rs: BatchOutcome(  # noqa: E731
        tuple(PushResult(r.lead_id, False, error="UNABLE_TO_LOCK_ROW", transient=True) for r in rs)
    )
    _clock, outbox, crm, engine = setup(1, [fail, fail, fail])
    engine.drain()
    times = [t for t, _ in crm.calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4
    for n, gap in enumerate(gaps, start=1):  # base 1 s * 2^(n-1), jitter in [half, full]
        assert 2 ** (n - 1) * 0.5 <= gap <= 2 ** (n - 1) + 0.01
    item = outbox.items()[0]
    assert item.state == ItemState.DONE
    assert [a.outcome for a in item.attempts] == [AttemptOutcome.FAILED] * 3 + [AttemptOutcome.OK]
    assert item.attempts[0].error == "UNABLE_TO_LOCK_ROW"


def test_retry_after_is_never_undercut():
    slow = lambda rs: BatchOutcome(  # noqa: E731
        tuple(
            PushResult(r.lead_id, False, error="busy", transient=True, retry_after=45) for r in rs
        )
    )
    _, _, crm, engine = setup(1, [slow])
    engine.drain()
    assert crm.calls[1][0] - crm.calls[0][0] >= 45


def test_throttle_waits_and_never_counts_as_a_lead_failure():
    throttled = raising(CrmThrottled("429", http_status=429, retry_after=12))
    _, outbox, crm, engine = setup(5, [throttled, throttled])
    report = engine.drain()
    assert report.synced == 5
    assert crm.calls[1][0] - crm.calls[0][0] >= 12
    item = outbox.items()[0]
    assert item.failures == 0
    assert [a.outcome for a in item.attempts] == [
        AttemptOutcome.THROTTLED,
        AttemptOutcome.THROTTLED,
        AttemptOutcome.OK,
    ]


def test_permanent_error_is_visible_with_the_crms_message_and_not_retried():
    reject = lambda rs: BatchOutcome(  # noqa: E731
        tuple(
            PushResult(r.lead_id, False, error="REQUIRED_FIELD_MISSING: [LastName]")
            if r.lead_id == "lead-0001"
            else PushResult(r.lead_id, True, "X")
            for r in rs
        )
    )
    _, outbox, crm, engine = setup(3, [reject])
    report = engine.drain()
    assert len(crm.calls) == 1
    assert report.synced == 2 and report.failed == 1
    assert report.errors == {"lead-0001": "REQUIRED_FIELD_MISSING: [LastName]"}
    bad = [i for i in outbox.items() if i.state == ItemState.FAILED]
    assert [b.last_error for b in bad] == ["REQUIRED_FIELD_MISSING: [LastName]"]
    assert outbox.counts("scripted").failed == 1


def test_transient_failures_past_the_limit_become_visible_failures():
    down = raising(CrmUnavailable("503", http_status=503))
    cfg = EngineConfig(base_delay_s=0.1, max_failures=3, breaker_threshold=99)
    _, outbox, crm, engine = setup(1, [down] * 10, cfg)
    report = engine.drain()
    assert len(crm.calls) == 3 and report.failed == 1
    item = outbox.items()[0]
    assert item.state == ItemState.FAILED and item.last_error == "503"
    assert outbox.retry_failed("scripted", T0) == 1  # the user can send it again


def test_breaker_opens_then_half_open_probe_with_one_lead_closes_it():
    down = raising(CrmUnavailable("503", http_status=503))
    cfg = EngineConfig(base_delay_s=0.5, max_delay_s=1, breaker_threshold=3, breaker_cooldown_s=60)
    _clock, outbox, crm, engine = setup(300, [down, down, down], cfg)
    states: list[BreakerState] = []
    engine.drain(progress=lambda p: states.append(p.breaker))
    assert BreakerState.OPEN in states
    times = [t for t, _ in crm.calls]
    assert times[3] - times[2] >= 60  # nothing sent while open
    assert len(crm.calls[3][1]) == 1  # half-open probe is a single lead
    assert len(crm.calls[4][1]) == 100  # closed again: full batches
    assert engine.breaker_state == BreakerState.CLOSED
    assert outbox.counts("scripted").done == 300


def test_cancel_stops_between_batches_and_keeps_the_rest_queued():
    cancel = threading.Event()
    _, outbox, _crm, engine = setup(300)
    report = engine.drain(progress=lambda p: cancel.set(), cancel=cancel)
    assert report.stopped == StopReason.CANCELLED
    c = outbox.counts("scripted")
    assert (c.done, c.pending) == (100, 200)


def test_auth_failure_stops_the_run_and_holds_every_lead():
    _, outbox, _, engine = setup(
        5, [raising(CrmAuthError("refused (401): reconnect", http_status=401))]
    )
    report = engine.drain()
    assert report.stopped == StopReason.AUTH and "reconnect" in report.message
    assert outbox.counts("scripted").pending == 5


def test_a_crashed_workers_lease_runs_out_and_the_lead_is_sent_again():
    clock, outbox, _crm, engine = setup(2)
    claimed = outbox.claim_due("scripted", 10, clock.now(), timedelta(minutes=5))
    assert len(claimed) == 2  # ... and the worker dies here
    assert outbox.claim_due("scripted", 10, clock.now()) == []
    engine.drain()  # waits for the lease, then re-sends
    assert clock.t >= 300
    assert outbox.counts("scripted").done == 2


def test_budget_pacer_keeps_inside_the_vendor_window():
    def with_budget(rs):
        return BatchOutcome(all_ok(rs).results, Budget(limit=3, remaining=2, window_s=10))

    _, _, crm, engine = setup(5, [with_budget] * 5, batch_size=1)
    engine.drain()
    times = [t for t, _ in crm.calls]
    for i in range(3, len(times)):
        assert times[i] - times[i - 3] >= 10  # never more than 3 in any 10 s


def test_an_edit_saved_while_the_batch_is_in_flight_is_sent_by_the_next_batch():
    edited = SyncRecord("lead-0001", {"Company": "Analytical Engines Ltd"})
    clock = FakeClock()
    outbox = MemoryOutbox()

    def booth_edits_meanwhile(records: Sequence[SyncRecord]) -> BatchOutcome:
        outbox.enqueue("scripted", edited, clock.now())  # the lead is saved again mid-request
        return all_ok(records)

    for i in range(3):
        outbox.enqueue("scripted", SyncRecord(f"lead-{i:04d}"), clock.now())
    crm = ScriptedCrm(clock, [booth_edits_meanwhile])
    report = SyncEngine(outbox, crm, EngineConfig(), clock, random.Random(1)).drain()
    assert [ids for _, ids in crm.calls] == [["lead-0000", "lead-0001", "lead-0002"], ["lead-0001"]]
    item = next(i for i in outbox.items() if i.lead_id == "lead-0001")
    assert item.state == ItemState.DONE and item.record == edited
    assert [a.outcome for a in item.attempts] == [AttemptOutcome.OK, AttemptOutcome.OK]
    assert report.stopped == StopReason.IDLE and outbox.counts("scripted").done == 3


class CountingOutbox(MemoryOutbox):
    def __init__(self) -> None:
        super().__init__()
        self.completes: list[int] = []

    def complete(self, completions):  # type: ignore[no-untyped-def]
        self.completes.append(len(completions))
        super().complete(completions)


def test_each_batch_ends_its_leases_in_one_outbox_call():
    clock = FakeClock()
    outbox = CountingOutbox()
    for i in range(250):
        outbox.enqueue("scripted", SyncRecord(f"lead-{i:04d}"), clock.now())
    half = lambda rs: BatchOutcome(  # noqa: E731
        tuple(PushResult(r.lead_id, i % 2 == 0, "X", "busy", transient=True)
              for i, r in enumerate(rs))
    )  # fmt: skip
    throttled = raising(CrmThrottled("429", http_status=429, retry_after=1))
    crm = ScriptedCrm(clock, [throttled, half])
    SyncEngine(outbox, crm, EngineConfig(base_delay_s=0.1), clock, random.Random(1)).drain()
    assert outbox.completes[:3] == [100, 100, 100]  # released, half done / half retry, all ok
    assert len(outbox.completes) == len(crm.calls)  # one call (one transaction) per request
    assert outbox.counts("scripted").done == 250


def test_backoff_is_capped():
    assert backoff_delay(30, 1.0, 300.0, random.Random(0)) <= 300


def test_mapping_refuses_unknown_sources_by_name():
    with pytest.raises(MappingError, match=r"'Phone'.*'contact.fone'"):
        FieldMapping.from_config({"Phone": "contact.fone"})


def test_mapping_builds_a_record_keyed_on_the_lead_uuid():
    lead = Lead(
        "9b1f0c1e-1",
        "ev1",
        Contact("Ada", "Lovelace", "ada@example.com", company="Analytical"),
        notes="wants a demo",
        answers={"budget": "50k"},
    )
    mapping = FieldMapping.from_config(
        {
            "LastName": "contact.last_name",
            "Company": "contact.company",
            "Budget__c": "answers.budget",
            "LeadSource": "=Trade Show",
            "Event__c": "event.name",
        }
    )
    rec = build_record(lead, Event("ev1", "MedTech 2026"), mapping, "Call back")
    assert rec.lead_id == "9b1f0c1e-1"
    assert dict(rec.fields) == {
        "LastName": "Lovelace",
        "Company": "Analytical",
        "Budget__c": "50k",
        "LeadSource": "Trade Show",
        "Event__c": "MedTech 2026",
    }
    assert rec.notes == ("wants a demo",) and rec.task is not None


def test_webhook_signature_round_trip_and_tamper():
    sig = sign("s3cret", "1700000000", b'{"a":1}')
    assert verify("s3cret", "1700000000", b'{"a":1}', sig)
    assert not verify("s3cret", "1700000000", b'{"a":2}', sig)
    assert not verify("s3cret", "1700000001", b'{"a":1}', sig)


def test_csv_drop_writes_whole_files_and_a_resend_replaces_not_duplicates(tmp_path: Path):
    adapter = CsvDropAdapter(CsvDropConfig(tmp_path / "drop"))
    recs = [SyncRecord(f"l{i}", {"Company": f"=cmd{i}"}, email=f"a{i}@x.com") for i in range(3)]
    first = adapter.push(recs)
    again = adapter.push(recs)
    files = sorted((tmp_path / "drop").iterdir())
    assert len(files) == 1 and not any(f.name.endswith(".tmp") for f in files)
    assert first.results[0].remote_id == again.results[0].remote_id == files[0].name
    lines = files[0].read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "lead_id,email,event,Company,notes" and len(lines) == 4


# --- credentials -------------------------------------------------------------------------------
import logging  # noqa: E402

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
from keyring.backends import fail  # noqa: E402

from boothapp.sync.credentials import SecretStore  # noqa: E402


class DictKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.data.get((service, username))

    def set_password(self, service, username, password):
        self.data[(service, username)] = password

    def delete_password(self, service, username):
        self.data.pop((service, username), None)


@pytest.fixture
def restore_keyring():
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_secrets_go_to_the_os_keyring_and_never_to_the_file(tmp_path, restore_keyring, caplog):
    backend = DictKeyring()
    keyring.set_keyring(backend)
    store = SecretStore(tmp_path / "secrets.json")
    with caplog.at_level(logging.DEBUG):
        store.set_secret("hubspot", "token", "pat-na1-SECRET")
        assert store.get_secret("hubspot", "token") == "pat-na1-SECRET"
    assert backend.data == {("com.boothapp.BoothApp", "hubspot:token"): "pat-na1-SECRET"}
    assert not (tmp_path / "secrets.json").exists()
    assert "SECRET" not in caplog.text


def test_without_a_keyring_the_file_fallback_warns_loudly_and_is_private(
    tmp_path, restore_keyring, caplog
):
    keyring.set_keyring(fail.Keyring())
    store = SecretStore(tmp_path / "cfg" / "secrets.json")
    with caplog.at_level(logging.WARNING):
        store.set_secret("salesforce", "refresh_token", "5Aep-SECRET")
        assert store.get_secret("salesforce", "refresh_token") == "5Aep-SECRET"
    assert "NO OS KEYRING AVAILABLE" in caplog.text and "SECRET" not in caplog.text
    path = tmp_path / "cfg" / "secrets.json"
    assert path.stat().st_mode & 0o777 == 0o600
    store.delete_secret("salesforce", "refresh_token")
    assert store.get_secret("salesforce", "refresh_token") is None
