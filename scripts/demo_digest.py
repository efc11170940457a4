"""What a demo build stores, as a digest to compare before and after a change (issue 23).

A faster bulk path must leave the same data: the leads, their search index, follow-ups,
history and change log, the audit and scan counts. Ids and the device's own stamps differ
from build to build, so ids are written as what they stand for (a lead's badge key, a staff
member's name) and the build runs at a fixed clock. The Results data (its own randomness) is
left out, and so are the follow-ups' minutes within a morning (spread by a hash of the lead's
random id): their count per channel is compared instead.

    python scripts/demo_digest.py build --root TREE --leads 300 --out a.json
    python scripts/demo_digest.py compare a.json b.json
    python scripts/demo_digest.py sizes DATA_DIR/boothapp.db

``sizes`` says what makes a build's megabytes: the stored bytes of each table and its largest
columns, read through the app's key (SQLCipher has no ``dbstat``; nothing is decrypted to disk).

``--root`` is a checkout of BoothApp (e.g. ``git archive 98bb40b`` unpacked): its code is
the one that builds. Above 5,000 leads the build runs its worker process too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from typing import Any

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_COUNTED = ("lead_changes", "change_log", "field_clocks", "scans", "outbox", "audit_log")
_QUERIES = {
    "lead_search": "SELECT l.badge_key, f.name, f.company, f.email, f.notes "
    "FROM lead_search f JOIN leads l ON l.rowid = f.rowid",
    "changes": "SELECT l.badge_key, c.field, c.old_value, c.new_value, c.staff_id "
    "FROM lead_changes c JOIN leads l ON l.id = c.lead_id",
    "change_log": "SELECT l.badge_key, c.field, c.value, c.old_value, c.staff_id "
    "FROM change_log c JOIN leads l ON l.id = c.lead_id",
    "outbox": "SELECT o.crm, o.kind, o.state, o.item_key, l.badge_key "
    "FROM outbox o JOIN leads l ON l.id = o.lead_id",
    "followups_per_channel": "SELECT channel, count(*) FROM followups GROUP BY 1",
    "audit_by_action": "SELECT action, count(*) FROM audit_log GROUP BY action",
    "routing_state": "SELECT last_assigned FROM routing_state",
}


def build(root: str, leads: int) -> dict[str, Any]:
    sys.path.insert(0, root)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from sqlalchemy import text

    import boothapp.demo.build as demo
    from boothapp.app import build_context

    demo.add_results = lambda *_a, **_k: 0  # type: ignore[attr-defined]  # see the docstring
    ctx = build_context(tempfile.mkdtemp(prefix="demo_digest-"))
    fixed = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    ctx.leads.changes.clock = lambda: fixed
    try:
        demo.build_demo(ctx, leads=leads)
        with ctx.db.read() as s:

            def rows(sql: str) -> list[list[str]]:
                return [[str(v) for v in r] for r in s.execute(text(sql))]

            def columns(table: str, skip: tuple[str, ...]) -> list[str]:
                return [r[1] for r in rows(f"PRAGMA table_info({table})") if r[1] not in skip]

            lead_cols = columns("leads", ("id", "device_id"))
            touch_cols = columns(
                "followups",
                ("id", "lead_id", "created_at", "updated_at", "device_id", "due_at", "reason"),
            )
            out = {name: rows(sql) for name, sql in _QUERIES.items()}
            out["leads"] = rows(f"SELECT {', '.join(lead_cols)} FROM leads")
            out["followups"] = rows(
                f"SELECT l.badge_key, {', '.join('f.' + c for c in touch_cols)} "
                "FROM followups f JOIN leads l ON l.id = f.lead_id"
            )
            out["counts"] = [[t, *rows(f"SELECT count(*) FROM {t}")[0]] for t in _COUNTED]
            names = dict(
                rows("SELECT id, name FROM staff")
                + rows("SELECT id, badge_key FROM leads")
                + rows("SELECT id, 'the event' FROM events")
            )
    finally:
        ctx.close()
    named = _UUID.sub(lambda m: names.get(m.group(0), "an id"), json.dumps(out))
    return {k: sorted(v, key=str) for k, v in json.loads(named).items()}


def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
    differ = 0
    for name in sorted(set(a) | set(b)):
        left, right = a.get(name), b.get(name)
        if left == right:
            print(f"same     {name} ({len(left or [])} rows)")
            continue
        differ += 1
        first = next(
            ((x, y) for x, y in zip(left or [], right or [], strict=False) if x != y), None
        )
        print(f"DIFFERS  {name}: {len(left or [])} vs {len(right or [])} rows; first: {first}")
    print("identical" if not differ else f"{differ} tables differ")
    return 1 if differ else 0


def sizes(path: str, top: int = 4) -> None:
    """Stored bytes per table and its ``top`` largest columns (issue 23: which data to shrink)."""
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from boothapp.store.keys import connect_file

    con = connect_file(path, read_only=True)
    try:
        page = int(con.execute("PRAGMA page_size").fetchone()[0])
        pages = int(con.execute("PRAGMA page_count").fetchone()[0])
        print(f"{path}: {pages * page / 1e6:,.1f} MB in {pages:,} pages of {page} bytes")
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        found = []
        for table in names:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            sums = ", ".join(f'sum(length(CAST("{c}" AS BLOB)))' for c in cols)
            row = con.execute(f'SELECT count(*), {sums} FROM "{table}"').fetchone()
            per_col = sorted(
                ((int(b or 0), c) for b, c in zip(row[1:], cols, strict=True)), reverse=True
            )
            found.append((sum(b for b, _ in per_col), table, int(row[0]), per_col[:top]))
        for total, table, count, per_col in sorted(found, reverse=True):
            if not total:
                continue
            biggest = ", ".join(f"{c} {b / 1e6:.1f}" for b, c in per_col if b)
            print(f"  {table:24} {total / 1e6:8.1f} MB {count:>9,} rows  ({biggest})")
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="verb", required=True)
    b = sub.add_parser("build")
    b.add_argument("--root", default=".")
    b.add_argument("--leads", type=int, default=300)
    b.add_argument("--out", required=True)
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    z = sub.add_parser("sizes")
    z.add_argument("db")
    args = ap.parse_args()
    if args.verb == "sizes":
        sizes(args.db)
        return 0
    if args.verb == "build":
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(build(os.path.abspath(args.root), args.leads), f, indent=0)
        return 0
    with open(args.a, encoding="utf-8") as fa, open(args.b, encoding="utf-8") as fb:
        return compare(json.load(fa), json.load(fb))


if __name__ == "__main__":
    raise SystemExit(main())
