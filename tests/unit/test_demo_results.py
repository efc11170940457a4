"""The demo's after-show data (issue 22): costs, outcomes and deals that hang together, so the
Results page and ``boothapp roi --event "Demo Expo"`` have figures to show."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from boothapp.app import build_context
from boothapp.core.followups.attempts import Outcome
from boothapp.demo.build import build_demo


def test_demo_deals_follow_meetings_and_roi_prints_them(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(str(data_dir))
    try:
        event = build_demo(ctx, leads=120).event
        deals = ctx.deals.deals_of(event.id)
        assert ctx.configs.get(event.id).costs is not None
        for lead_id, lead_deals in deals.items():
            outcomes = {t.outcome for t in ctx.followups.lead_touches(lead_id)}
            assert Outcome.MEETING_BOOKED.value in outcomes  # no deal without a meeting
            assert {d.currency for d in lead_deals} <= {"EUR", "USD"}
    finally:
        ctx.close()
    run = cli("roi", "--event", "Demo Expo", "--format", "json")
    assert run.code == 0, run.err
    tree = json.loads(run.out)
    assert tree["money"]["total_cost"] == "25980"  # 9500+6200+3400+9x420+2500+600
    assert [b["bucket"] for b in tree["speed_to_lead"]["buckets"]] == [
        "<= 5 min", "<= 1 h", "<= 24 h", "<= 48 h", "later", "never",
    ]  # fmt: skip
    steps = {s["step"]: s["count"] for s in tree["funnel"]}
    assert steps["leads"] == 120
    assert steps["opportunity"] == len(deals) > 0  # the leads with a deal, and only those
    assert steps["won"] == sum(any(d.is_won for d in ds) for ds in deals.values())
    assert Decimal(tree["money"]["cost_per"]["leads"]) == Decimal("216.50")  # 25980 / 120
