"""The files a user gets from a small real database, pinned byte for byte (issue 23): the
export service's reading and writing may get faster, never different. The expected files
under ``tests/unit/data/pinned_export`` were written by the export service before the
issue 23 speed work and checked by hand (times on the Berlin clock across the spring DST
change, formula-looking text, multi-choice answers, an unknown option id, free text, a
missing consent time, CRM ids, a flagged lead)."""

from __future__ import annotations

import functools
import os
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from boothapp.app import AppContext, build_context
from boothapp.core.i18n import Language
from boothapp.core.models import Stage
from boothapp.reports.columns import ColumnChoice, HeaderStyle
from boothapp.services.events import NewEvent
from boothapp.services.exports import ExportFormat, ExportRequest, LeadFilter
from boothapp.store.tables import LeadRow
from tests.unit.exports_cases import NAMES, PHONES

PINNED = Path(__file__).parent / "data" / "pinned_export"
# Set to write the expected files anew (only when a change of the files is intended).
REWRITE = os.environ.get("BOOTHAPP_REWRITE_PINNED") == "1"

ANSWERS: list[dict[str, object]] = [
    {"budget": "10k_50k", "interests": ["platform", "analytics"], "literature": "yes"},
    {"budget": "over_250k", "authority": "decision_maker", "timeframe": "now", "demo": "no"},
    {"interests": ["services"], "company_size": "upto_10", "budget": "not_an_option"},
    {},
    {"budget": "=1+2", "interests": [], "timeframe": "under_3m"},
    {"interests": ["training", "platform", "integrations"], "company_size": "over_250"},
    {"budget": "unknown", "literature": "no", "demo": "yes"},
]


def _leads(event_id: str, staff: list[str]) -> list[LeadRow]:
    rows = []
    for i, (first, last) in enumerate(NAMES):
        # 00:58 .. 01:04 UTC on 29 March 2026: Berlin moves from +1 to +2 at 01:00 UTC.
        at = datetime(2026, 3, 29, 0, 58, 7 * i, tzinfo=UTC) + timedelta(minutes=i)
        rows.append(
            LeadRow(
                id=f"lead-{i}",
                created_at=at,
                updated_at=at,
                device_id="laptop-1",
                created_by=staff[i % 2],
                event_id=event_id,
                badge_key=f"id:B{i:04d}",
                badge_id=f"B{i:04d}",
                raw_payload=f"^ID{i}\x1dNAME {first}\x1eEND\r\nline2",
                source=("badge_scan", "kiosk", "manual")[i % 3],
                first_name=first,
                last_name=last,
                email=f"v{i}@example.com",
                phone=PHONES[i],
                company='Acme; "Quoted", Inc.' if i % 2 else "Öztürk A.Ş.",
                title="+Head of IT" if i == 1 else "CTO",
                country=("TR", "DE", "GR")[i % 3],
                city="İzmir" if i % 2 else "",
                timezone="Europe/Istanbul",
                website="https://example.com" if i == 2 else "",
                answers=ANSWERS[i],
                rating=("hot", "warm", "cold")[i % 3],
                score=10 * i,
                qualified=i % 2 == 0,
                notes='multi\nline, "quoted"; semi' if i == 0 else "=cmd|' /C calc'!A0",
                consent_text="I agree" if i != 3 else "",
                consent_given_at=None if i == 3 else datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
                owner="Elif" if i % 2 else "",
                stage=list(Stage)[i].value,
                please_delete=i == 3,
                referred_by="lead-0" if i == 5 else "",
                staff_id=staff[i % 2] if i != 6 else "",
                crm_ids={"hubspot": f"{900 + i}", "salesforce": 7} if i % 3 == 0 else {},
                sync_state=("not_queued", "pending", "synced")[i % 3],
            )
        )
    return rows


@pytest.fixture(scope="module", params=[False, True], ids=["plain", "encrypted"])
def event(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[AppContext, str]]:
    ctx = build_context(str(tmp_path_factory.mktemp("data")), encrypt_new=request.param)
    try:
        ev = ctx.events.create_event(
            NewEvent(name="Expo: Berlin/2026", timezone="Europe/Berlin", venue="Hall 4",
                     booth="B12", starts_on=date(2026, 3, 28), ends_on=date(2026, 3, 29))
        )  # fmt: skip
        staff = [ctx.staff.add_staff(ev.id, n, "4821").id for n in ("Νίκος", "Jonas =Weber")]
        with ctx.db.session() as s:
            s.add_all(_leads(ev.id, staff))
        yield ctx, ev.id
    finally:
        ctx.close()


def _check(got: bytes, name: str) -> None:
    expected = PINNED / name
    if REWRITE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(got)
    assert got == expected.read_bytes(), name


def _sheet_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in sorted(z.namelist())}


CASES = {
    "default": ExportRequest("", Path(), language=Language.EN),
    "bom_semicolon_machine": ExportRequest(
        "", Path(), bom=True, delimiter=";", headers=HeaderStyle.MACHINE, language=Language.EN
    ),
    "german_unflagged_since": ExportRequest(
        "",
        Path(),
        language=Language.DE,
        filter=LeadFilter(include_flagged=False, since=date(2026, 3, 29)),
    ),
    "chosen_columns": ExportRequest(
        "",
        Path(),
        language=Language.EN,
        columns=ColumnChoice(
            (
                "consent_at",
                "staff",
                "code:interests",
                "q:budget",
                "crm_ids",
                "captured_at",
                "please_delete",
                "score",
            )
        ),
    ),
}


@pytest.mark.parametrize("fmt", list(ExportFormat))
@pytest.mark.parametrize("case", list(CASES))
def test_exported_file_is_the_pinned_one(
    event: tuple[AppContext, str], tmp_path: Path, fmt: ExportFormat, case: str
) -> None:
    ctx, event_id = event
    base = CASES[case]
    path = tmp_path / f"leads.{fmt.value}"
    req = ExportRequest(
        event_id, path, fmt, base.filter, base.columns, base.bom, base.delimiter,
        language=base.language, headers=base.headers,
    )  # fmt: skip
    summary = ctx.exports.export(req)
    assert summary.rows > 0
    if fmt is ExportFormat.CSV:
        _check(path.read_bytes(), f"{case}.csv")
    else:
        for part, data in _sheet_parts(path).items():
            _check(data, f"{case}.xlsx/{part}")


REPORT_NOW = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def test_report_text_is_the_pinned_one(event: tuple[AppContext, str], tmp_path: Path) -> None:
    ctx, event_id = event
    # The ROI pages count days in each stage up to now: the report's clock is pinned too, or
    # the pinned text would move every couple of hours ("249.7" -> "249.8" days).
    ctx.exports.results_of = functools.partial(ctx.results.compute, now=REPORT_NOW)
    path = tmp_path / "report.pdf"
    assert ctx.exports.report(event_id, path) == len(NAMES)
    pages = [p.extract_text() for p in PdfReader(path).pages]
    # The cover says when it was made, on the event's clock (Europe/Berlin): near midnight
    # that is another day than this machine's, so any of the three days around now.
    now = datetime.now(UTC)
    days = "|".join((now + timedelta(days=d)).strftime("%Y-%m-%d") for d in (-1, 0, 1))
    text = re.sub(rf"(?:{days}) \d\d:\d\d", "<generated>", "\n\f\n".join(pages))
    _check(text.encode("utf-8"), "report.txt")
