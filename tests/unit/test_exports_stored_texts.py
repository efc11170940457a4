"""On SQLite the export reads its time and JSON columns as stored text and decodes them in
one pass (issue 23): every record must hold exactly the values the columns' own types give,
on a plain and on an encrypted file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.core.models import ANSWER_TEXT_PATH
from boothapp.demo.build import build_demo
from boothapp.reports.columns import record_fields, resolve_columns
from boothapp.services import exports
from boothapp.services.exports import LeadFilter, question_columns
from boothapp.store.tables import EventRow, LeadRow
from boothapp.store.types import utc_from_stored


@pytest.mark.parametrize("encrypted", [False, True])
def test_records_hold_the_typed_columns_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    ctx = build_context(str(tmp_path), encrypt_new=encrypted)
    try:
        event = build_demo(ctx, leads=60).event
        cols = resolve_columns(event, question_columns(ctx.configs.get(event.id)), None)
        fields = record_fields(cols)
        assert fields is not None and "answers" in fields and "created_at" in fields
        decoded = [list(r) for r in ctx.exports.iter_records(event, LeadFilter(), fields)]
        with ctx.db.read() as s:
            texts = exports._stored_texts(
                exports.lead_value_columns(fields, event.id)
            )  # the fast path is the one taken
            assert texts is not None and s.connection().dialect.name == "sqlite"
        monkeypatch.setattr(exports, "_stored_texts", lambda _values: None)
        typed = [list(r) for r in ctx.exports.iter_records(event, LeadFilter(), fields)]
        assert len(decoded) == 60
        assert decoded == typed
        at = fields.index("created_at")
        assert all(r[at].utcoffset() is not None for r in decoded)  # aware, in UTC
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("stored", "moment"),
    [
        ("2026-03-29 00:58:07.000000", datetime(2026, 3, 29, 0, 58, 7, tzinfo=UTC)),
        ("2026-03-29 00:58:07.123456", datetime(2026, 3, 29, 0, 58, 7, 123456, tzinfo=UTC)),
        ("2026-03-29 00:58:07", datetime(2026, 3, 29, 0, 58, 7, tzinfo=UTC)),
        ("2026-03-29T03:58:07+03:00", datetime(2026, 3, 29, 0, 58, 7, tzinfo=UTC)),
        ("2026-03-29 00:58:07Z", datetime(2026, 3, 29, 0, 58, 7, tzinfo=UTC)),
        ("2026-03-29", datetime(2026, 3, 29, tzinfo=UTC)),
        (datetime(2026, 3, 29, 0, 58), datetime(2026, 3, 29, 0, 58, tzinfo=UTC)),
        (datetime(2026, 3, 29, 2, 58, tzinfo=timezone(timedelta(hours=2))),
         datetime(2026, 3, 29, 0, 58, tzinfo=UTC)),
        (None, None),
    ],
)  # fmt: skip
def test_stored_moments_read_as_aware_utc(stored: object, moment: datetime | None) -> None:
    got = utc_from_stored(stored)
    assert got == moment
    assert got is None or got.tzinfo is UTC


def test_unreadable_stored_moment_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat string"):
        utc_from_stored("29/03/2026")


@pytest.mark.parametrize("encrypted", [False, True])
def test_answer_texts_decode_to_the_stored_answers(tmp_path: Path, encrypted: bool) -> None:
    """Issue 23: each question's answer read as its stored JSON text decodes to what the
    whole answers document holds for it: a float's every digit, a big integer, text with
    quotes and accents, lists, an id with a dot (not a nested key), null and unanswered."""
    ctx = build_context(str(tmp_path), encrypt_new=encrypted)
    answers = [
        {"size.band": 0.30000000000000004, "interests": ["a", "b"], "why": 'say "hi" é'},
        {"size.band": 12345678901234567890123, "interests": [], "why": None},
        {"size": {"band": "nested"}},
        {},
    ]
    try:
        with ctx.db.session() as s:
            event = EventRow(name="Texts")
            s.add(event)
            s.flush()
            base = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
            for n, given in enumerate(answers):
                s.add(LeadRow(event_id=event.id, created_at=base + timedelta(minutes=n),
                              answers=given))  # fmt: skip
            event_id = event.id
        qids = ["size.band", "interests", "why"]
        fields = [ANSWER_TEXT_PATH + q for q in qids]
        found = ctx.exports.iter_records(ctx.events.find_event(event_id), LeadFilter(), fields)
        decoded = [[None if t is None else json.loads(t) for t in rec[:3]] for rec in found]
        assert decoded == [[given.get(q) for q in qids] for given in answers]
        assert repr(decoded[0][0]) == "0.30000000000000004"
    finally:
        ctx.close()
