"""Person export and erase on a large event (issue 18): how long `boothapp person export` and
`person erase` take on the app's own path (SQLite file, lead door, tombstone, compaction) when
the event holds N leads and a roster of N attendees. A person is matched by folded e-mail,
which reads every lead's address once: this bench shows what that costs.

    python bench/privacy.py [--leads N]
Ends with one JSON line: {"bench": "privacy", "figures": {...}}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boothapp.app import build_context
from boothapp.core.models import Attendee, Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import CapturedLead, LeadDraft


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=20_000)
    args = parser.parse_args()
    n = args.leads
    with tempfile.TemporaryDirectory() as tmp:
        ctx = build_context(tmp)
        event_id = ctx.events.create_event(NewEvent(name="Bench Privacy")).id
        roster = [
            Attendee("", event_id, f"B-{i:06d}",
                     Contact(first_name=f"Ada{i}", last_name="Lovelace", email=f"ada{i}@x.example"))
            for i in range(n)
        ]  # fmt: skip
        ctx.attendees.import_attendees(event_id, roster)
        now = datetime.now(UTC)
        leads = [
            CapturedLead(LeadDraft(event_id, roster[i].contact, badge_id=roster[i].badge_id,
                                   notes=f"chat {i}"), now)
            for i in range(n)
        ]  # fmt: skip
        ctx.leads.add_captured(event_id, leads)
        target = f"ADA{n // 2}@X.example"
        t0 = time.perf_counter()
        data = ctx.privacy.export_person(target)
        export_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = ctx.privacy.erase_person(target)
        erase_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = ctx.attendees.import_attendees(event_id, roster)
        reimport_s = time.perf_counter() - t0
        ctx.close()
    assert len(data["leads"]) == 1 and done.leads == 1 and again.erased_skipped == 1
    figures = {
        "leads": n,
        "person_export_ms": round(export_s * 1000, 1),
        "person_erase_ms": round(erase_s * 1000, 1),
        "roster_reimport_with_tombstone_s": round(reimport_s, 2),
    }
    print(f"{n} leads: export {figures['person_export_ms']} ms, erase "
          f"{figures['person_erase_ms']} ms, roster re-import {reimport_s:.2f} s")  # fmt: skip
    print(json.dumps({"bench": "privacy", "figures": figures}))


if __name__ == "__main__":
    main()
