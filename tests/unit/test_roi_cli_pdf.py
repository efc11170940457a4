"""``boothapp roi`` (json, text, pdf, --compare) and the post-show report's ROI pages
(issue 22): the figures a person reads, for a small known event."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from boothapp.app import AppContext, build_context
from boothapp.core.config.costs_section import EventCosts
from boothapp.core.models import Contact, Rating
from boothapp.core.results.inputs import Deal
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft


def _show(ctx: AppContext, name: str, won: int) -> str:
    """Three leads; Ann won ``won`` EUR, Bob has 5000 USD open; the show cost 6000 EUR."""
    event = ctx.events.create_event(NewEvent(name=name))
    cfg = ctx.configs.get(event.id)
    costs = EventCosts("EUR", booth=Decimal(6000), rates={"USD": Decimal("0.9")})
    ctx.configs.save(event.id, replace(cfg, costs=costs))
    ids = [
        ctx.leads.save_lead(
            LeadDraft(event.id, Contact(first_name=n), rating=r, rating_overridden=True)
        ).id
        for n, r in (("Ann", Rating.HOT), ("Bob", Rating.WARM), ("Cem", Rating.COLD))
    ]
    ctx.deals.store("hubspot", {
        ids[0]: (Deal("hubspot", "d1", ids[0], Decimal(won), "EUR", "won", True, True,
                      date(2099, 1, 1)),),
        ids[1]: (Deal("hubspot", "d2", ids[1], Decimal(5000), "USD", "open", False, False),),
    })  # fmt: skip
    return event.id


def _build(data_dir: Path) -> None:
    ctx = build_context(str(data_dir))
    try:
        _show(ctx, "Spring Expo", 10000)
        _show(ctx, "Autumn Expo", 3000)
    finally:
        ctx.close()


def test_roi_json_prints_funnel_money_and_speed(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    _build(data_dir)
    run = cli("roi", "--event", "Spring Expo", "--format", "json")
    assert run.code == 0, run.err
    tree = json.loads(run.out)
    assert tree["event"] == "Spring Expo"
    steps = {s["step"]: s["count"] for s in tree["funnel"]}
    # Ann (won) and Bob (open deal) count at every step up to opportunity / won.
    assert steps == {"scans": 0, "leads": 3, "qualified": 2, "contacted": 2, "reached": 2,
                     "meeting": 2, "opportunity": 2, "won": 1}  # fmt: skip
    money = tree["money"]
    assert money["per_currency"] == [
        {"currency": "EUR", "pipeline": "10000", "won": "10000", "open": "0", "lost": "0",
         "deals": 1, "won_deals": 1, "open_deals": 0, "lost_deals": 0},
        {"currency": "USD", "pipeline": "5000", "won": "0", "open": "5000", "lost": "0",
         "deals": 1, "won_deals": 0, "open_deals": 1, "lost_deals": 0},
    ]  # fmt: skip
    assert money["total_cost"] == "6000"
    assert money["cost_per"] == {"leads": "2000.00", "qualified": "3000.00",
                                 "opportunity": "3000.00", "won": "6000.00"}  # fmt: skip
    assert money["return_on_cost"] == "0.6667"  # (10000 - 6000) / 6000
    never = tree["speed_to_lead"]["buckets"][-1]
    assert never["bucket"] == "never" and never["leads"] == 3
    assert never["meeting"] == {"hits": 2, "n": 3, "rate": 0.6667, "ci95": [0.2077, 0.9385]}
    assert tree["speed_to_lead"]["summary"].startswith("No lead has a recorded first contact")


def test_roi_text_compare_and_errors(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _build(data_dir)
    run = cli("roi", "--event", "Spring Expo", "--compare", "Autumn Expo")
    assert run.code == 0, run.err
    assert "Side by side" in run.out
    row = next(line for line in run.out.splitlines() if line.startswith("Revenue won (EUR)"))
    assert row.split()[-4:] == ["EUR", "10,000.00", "EUR", "3,000.00"]
    ret = next(line for line in run.out.splitlines() if line.startswith("Return on cost "))
    assert ret.split()[-2:] == ["66.7%", "-50.0%"]  # (3000 - 6000) / 6000
    missing = cli("roi", "--event", "No Such Show")
    assert missing.code != 0 and "No Such Show" in missing.err
    no_file = cli("roi", "--event", "Spring Expo", "--format", "pdf")
    assert no_file.code != 0 and "-o FILE.pdf" in no_file.err


def test_roi_pdf_and_report_pages_carry_the_headline(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _build(data_dir)
    out = tmp_path / "roi.pdf"
    assert cli("roi", "--event", "Spring Expo", "-o", str(out), "--format", "pdf").code == 0
    report = tmp_path / "report.pdf"
    assert cli("report", "--event", "Spring Expo", "-o", str(report)).code == 0
    for pdf in (out, report):
        # pypdf gives each table cell its own line: compare with the spaces normalised
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
        assert "Was the show worth it?" in text
        for figure in ("Revenue won (EUR) EUR 10,000.00", "Still open (USD) USD 5,000.00",
                       "Cost per lead EUR 2,000.00", "Return on cost 66.7%"):  # fmt: skip
            assert figure in text, figure
        assert "Speed to lead" in text and "Where leads sit now" in text
