"""The same store and services work on a real PostgreSQL server (the multi-device hub)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.core.models import ANSWER_TEXT_PATH, Contact, LeadSource
from boothapp.services.events import NewEvent
from boothapp.services.exports import LeadFilter
from boothapp.services.leads import LeadDraft
from boothapp.store.migrate import head_revision
from boothapp.store.tables import LeadRow
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration


def test_postgresql_url_migrates_and_keeps_leads(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.create_database(f"booth_{uuid.uuid4().hex[:8]}")
    ctx = build_context(str(tmp_path / "d"), url)
    try:
        assert ctx.upgrade.to_revision == head_revision()
        event = ctx.events.create_event(NewEvent(name="Hub Show", timezone="America/Chicago"))
        saved = ctx.leads.save_lead(
            LeadDraft(
                event_id=event.id,
                source=LeadSource.MANUAL,
                contact=Contact(first_name="Şule", last_name="Öztürk", email="sule@example.com"),
            )
        )
    finally:
        ctx.close()
    again = build_context(str(tmp_path / "d"), url)  # second start: already at head
    try:
        assert again.upgrade.from_revision == head_revision()
        leads = again.leads.list_leads(again.events.find_event("Hub Show").id)
        assert [(x.id, x.contact.first_name) for x in leads] == [(saved.id, "Şule")]
        created = leads[0].created_at
        assert created is not None and created.utcoffset() == timedelta(0)
    finally:
        again.close()


def test_postgresql_answer_texts_decode_to_the_stored_answers(
    pg_server: PgServer, tmp_path: Path
) -> None:
    """The exports read each answer as its stored JSON text on the hub's server too
    (issue 23): decoded, the values the answers document holds, dotted ids as one key."""
    url = pg_server.create_database(f"booth_{uuid.uuid4().hex[:8]}")
    ctx = build_context(str(tmp_path / "d"), url)
    answers = [
        {"size.band": 0.30000000000000004, "interests": ["a", "b"], "why": 'say "hi" é'},
        {"size.band": 12345678901234567890123, "interests": [], "why": None},
        {"size": {"band": "nested"}},
        {},
    ]
    try:
        event = ctx.events.create_event(NewEvent(name="Texts", timezone="UTC"))
        with ctx.db.session() as s:
            for given in answers:
                s.add(LeadRow(event_id=event.id, answers=given))
                s.flush()
        qids = ["size.band", "interests", "why"]
        fields = [ANSWER_TEXT_PATH + q for q in qids]
        found = list(ctx.exports.iter_records(event, LeadFilter(), fields))
        decoded = [[None if t is None else json.loads(t) for t in rec[:3]] for rec in found]
        expected = [[given.get(q) for q in qids] for given in answers]
        assert sorted(map(repr, decoded)) == sorted(map(repr, expected))
    finally:
        ctx.close()
