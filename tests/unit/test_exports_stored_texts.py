"""On SQLite the export reads its time and JSON columns as stored text and decodes them in
one pass (issue 23): every record must hold exactly the values the columns' own types give,
on a plain and on an encrypted file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.demo.build import build_demo
from boothapp.reports.columns import record_fields, resolve_columns
from boothapp.services import exports
from boothapp.services.exports import LeadFilter, question_columns
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
