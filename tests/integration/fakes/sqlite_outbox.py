"""A file-backed Outbox (one SQLite file) so a worker process can be SIGKILLed and resumed.

A test double for the store's SQL outbox, with the same semantics as ``MemoryOutbox``; every
method is one transaction, so a kill at any instant leaves a consistent file.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from boothapp.store.types import new_id
from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.outbox import (
    DEFAULT_LEASE,
    Attempt,
    AttemptOutcome,
    Completion,
    Ending,
    ItemState,
    OutboxCounts,
    OutboxItem,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY, crm TEXT NOT NULL, lead_id TEXT NOT NULL, record TEXT NOT NULL,
  state TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT,
  lease_until TEXT, remote_id TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',
  UNIQUE (crm, lead_id));
CREATE TABLE IF NOT EXISTS attempt (
  item_id TEXT NOT NULL, number INTEGER NOT NULL, started_at TEXT, finished_at TEXT,
  outcome TEXT, http_status INTEGER, error TEXT, remote_id TEXT);
"""


def _ts(t: datetime | None) -> str | None:
    # fixed width so text order is time order
    return None if t is None else t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _dt(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s)


def _record_json(r: SyncRecord) -> str:
    d = asdict(r)
    d["fields"] = dict(r.fields)
    if r.task is not None:
        d["task"]["due_at"] = _ts(r.task.due_at)
    return json.dumps(d)


def _record(s: str) -> SyncRecord:
    d = json.loads(s)
    task = d.get("task")
    return SyncRecord(
        d["lead_id"],
        d["fields"],
        d["email"],
        d["event_name"],
        tuple(d["notes"]),
        None if task is None else SyncTask(task["subject"], _dt(task["due_at"]), task["owner"]),
        d["owner"],
    )


class SqliteOutbox:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def enqueue(self, crm: str, record: SyncRecord, now: datetime) -> str:
        with self._tx():
            self.db.execute(
                "INSERT INTO outbox (id, crm, lead_id, record, state, next_attempt_at) "
                "VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (crm, lead_id) DO UPDATE SET record=excluded.record",
                (new_id(), crm, record.lead_id, _record_json(record), ItemState.PENDING, _ts(now)),
            )
        row = self.db.execute(
            "SELECT id FROM outbox WHERE crm=? AND lead_id=?", (crm, record.lead_id)
        ).fetchone()
        return str(row[0])

    def _item(self, row: tuple) -> OutboxItem:
        attempts = tuple(
            Attempt(n, _dt(s), _dt(f), AttemptOutcome(o), h, e, r)  # type: ignore[arg-type]
            for n, s, f, o, h, e, r in self.db.execute(
                "SELECT number, started_at, finished_at, outcome, http_status, error, remote_id "
                "FROM attempt WHERE item_id=? ORDER BY number",
                (row[0],),
            )
        )
        return OutboxItem(
            row[0],
            row[1],
            _record(row[3]),
            ItemState(row[4]),
            row[5],
            attempts,
            _dt(row[6]),
            _dt(row[7]),
            row[8],
            row[9],
        )

    def claim_due(
        self, crm: str, limit: int, now: datetime, lease: timedelta = DEFAULT_LEASE
    ) -> list[OutboxItem]:
        n = _ts(now)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            rows = self.db.execute(
                "SELECT * FROM outbox WHERE crm=? AND ((state='pending' AND next_attempt_at<=?) "
                "OR (state='in_flight' AND lease_until<=?)) ORDER BY rowid LIMIT ?",
                (crm, n, n, limit),
            ).fetchall()
            for row in rows:
                self.db.execute(
                    "UPDATE outbox SET state='in_flight', lease_until=? WHERE id=?",
                    (_ts(now + lease), row[0]),
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return [self.get(row[0]) for row in rows]

    def _attempt(self, item_id: str, a: Attempt) -> None:
        self.db.execute(
            "INSERT INTO attempt VALUES (?,?,?,?,?,?,?,?)",
            (
                item_id,
                a.number,
                _ts(a.started_at),
                _ts(a.finished_at),
                a.outcome,
                a.http_status,
                a.error,
                a.remote_id,
            ),
        )

    def mark_done(self, item_id: str, remote_id: str, attempt: Attempt) -> None:
        with self._tx():
            self.db.execute(
                "UPDATE outbox SET state='done', remote_id=?, lease_until=NULL, "
                "next_attempt_at=NULL, last_error='' WHERE id=?",
                (remote_id, item_id),
            )
            self._attempt(item_id, attempt)

    def mark_failed(self, item_id, error, transient, next_attempt_at, attempt) -> None:
        retry = transient and next_attempt_at is not None
        with self._tx():
            self.db.execute(
                "UPDATE outbox SET state=?, failures=failures+1, next_attempt_at=?, "
                "lease_until=NULL, last_error=? WHERE id=?",
                (
                    "pending" if retry else "failed",
                    _ts(next_attempt_at) if retry else None,
                    error,
                    item_id,
                ),
            )
            self._attempt(item_id, attempt)

    def release(self, item_id: str, next_attempt_at: datetime, attempt: Attempt) -> None:
        with self._tx():
            self.db.execute(
                "UPDATE outbox SET state='pending', next_attempt_at=?, lease_until=NULL WHERE id=?",
                (_ts(next_attempt_at), item_id),
            )
            self._attempt(item_id, attempt)

    def complete(self, completions: Sequence[Completion]) -> None:
        # The engine's batch path; item by item here (a kill mid-batch leaves leases to recover).
        for c in completions:
            if c.ending == Ending.DONE:
                self.mark_done(c.item.id, c.remote_id, c.attempt)
            elif c.ending == Ending.FAILED:
                self.mark_failed(c.item.id, c.error, c.transient, c.next_attempt_at, c.attempt)
            else:
                assert c.next_attempt_at is not None
                self.release(c.item.id, c.next_attempt_at, c.attempt)

    def next_due_at(self, crm: str) -> datetime | None:
        row = self.db.execute(
            "SELECT MIN(CASE state WHEN 'pending' THEN next_attempt_at ELSE lease_until END) "
            "FROM outbox WHERE crm=? AND state IN ('pending','in_flight')",
            (crm,),
        ).fetchone()
        return _dt(row[0])

    def counts(self, crm: str) -> OutboxCounts:
        got = dict(
            self.db.execute(
                "SELECT state, COUNT(*) FROM outbox WHERE crm=? GROUP BY state", (crm,)
            ).fetchall()
        )
        return OutboxCounts(
            got.get("pending", 0),
            got.get("in_flight", 0),
            got.get("done", 0),
            got.get("failed", 0),
        )

    def retry_failed(self, crm: str, now: datetime) -> int:
        with self._tx():
            cur = self.db.execute(
                "UPDATE outbox SET state='pending', failures=0, next_attempt_at=? "
                "WHERE crm=? AND state='failed'",
                (_ts(now), crm),
            )
        return cur.rowcount

    def get(self, item_id: str) -> OutboxItem:
        return self._item(self.db.execute("SELECT * FROM outbox WHERE id=?", (item_id,)).fetchone())

    def items(self, crm: str) -> list[OutboxItem]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM outbox WHERE crm=?", (crm,))]
        return [self.get(i) for i in ids]
