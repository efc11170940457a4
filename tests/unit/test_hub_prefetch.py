"""What a pulled page's ``prefetch`` reads (issue 19): on SQLite its values go as one bound
JSON array, so the answers must be the same as for an ``IN`` list, for any number of values,
and each value must stay a primary-key lookup (a scan of the change log per pulled page would
grow with the show)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from boothapp.app import AppContext, build_context
from boothapp.services import lead_changes
from boothapp.services.events import NewEvent
from boothapp.services.lead_changes import ChangeOrigin
from boothapp.store.bulk import IN_CHUNK
from boothapp.store.tables import ChangeLogRow


@pytest.fixture
def device(tmp_path: Path) -> Iterator[AppContext]:
    ctx = build_context(str(tmp_path))
    ctx.events.create_event(
        NewEvent(name="Prefetch Expo", timezone="UTC", starts_on=date(2026, 12, 1))
    )
    yield ctx
    ctx.close()


def test_prefetch_of_more_values_than_an_in_list_took_finds_every_one(
    device: AppContext,
) -> None:
    event_id = device.events.find_event("Prefetch Expo").id
    leads = [device.leads.capture_scan(event_id, f"BADGE-{n}")[0].id for n in range(IN_CHUNK + 7)]
    with device.db.read() as s:
        keys = [
            tuple(k) for k in s.execute(select(ChangeLogRow.device_id, ChangeLogRow.device_seq))
        ]
    assert len(keys) > IN_CHUNK
    strangers = [("other-device", 1), (keys[0][0], len(keys) + 50)]
    with device.changes.transaction(ChangeOrigin.HUB, "hub") as tx:
        tx.prefetch(keys + strangers, [*leads, "no-such-lead"])
        # Answers from what prefetch read: a key or lead it missed would read as absent.
        assert all(tx.has_seen(*key) for key in keys)
        assert not any(tx.has_seen(*key) for key in strangers)
        assert all(tx.lead(lead_id) is not None for lead_id in leads)
        assert tx.lead("no-such-lead") is None


def test_prefetch_reads_stay_primary_key_lookups(device: AppContext) -> None:
    pairs, ids = json.dumps([["d", 1], ["d", 2]]), json.dumps(["a", "b"])
    # (table, statement, its values, what SQLite's search must name)
    statements = [
        ("change_log", lead_changes._LOGGED_KEYS[0], pairs, "device_seq=?"),
        ("lead_aliases", lead_changes._ALIASES_OF[0], ids, "alias_id=?"),
        ("field_clocks", lead_changes._CLOCKS_OF[0], ids, "lead_id=?"),
        ("leads", lead_changes._LEADS_OF[0], ids, "id=?"),
        ("change_log", lead_changes._CAPTURES_OF[0], ids, "lead_id=?"),
    ]
    with device.db.read() as s:
        con = s.connection()
        for table, statement, values, key in statements:
            compiled = statement.compile(dialect=con.dialect)
            given = {"ids": values}
            params = tuple(given.get(n, compiled.params.get(n)) for n in compiled.positiontup)
            plan = [row[3] for row in con.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)]
            # SQLite's words: "SEARCH t USING ... INDEX ... (a=? AND b=?)" is a key lookup
            # ("SCAN t" reads every row; the change-log keys by device id alone would read
            # every entry of that device).
            searches = [step for step in plan if step.startswith(f"SEARCH {table} ")]
            assert searches and key in searches[0], plan
            assert not [step for step in plan if step.startswith(f"SCAN {table}")], plan
