"""The results of a show (issue 22) as JSON-ready values and as plain text: what
``boothapp roi`` prints, and the wording the PDF pages and the Results page share."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal

from boothapp.core.results.funnel import STEP_LABELS, Funnel, Step
from boothapp.core.results.money import Money
from boothapp.core.results.report import ShowResults
from boothapp.core.results.speed import Rate

COST_STEP_LABELS = {
    Step.LEADS: "Cost per lead",
    Step.QUALIFIED: "Cost per qualified lead",
    Step.OPPORTUNITY: "Cost per opportunity",
    Step.WON: "Cost per won deal",
}


def pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f} %"


def amount(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "–"
    return f"{currency} {value:,.2f}".strip()


def interval(r: Rate) -> str:
    if r.low is None or r.high is None:
        return "–"
    return f"{r.low * 100:.0f}–{r.high * 100:.0f} %"


def return_text(m: Money) -> str:
    if m.total_cost is None:
        return "no costs in the event configuration"
    if m.return_on_cost is None:
        if m.unconverted:
            return f"unknown: no rate for {', '.join(m.unconverted)} in costs.rates"
        return "–"
    return pct(float(m.return_on_cost), 1)


def headline(r: ShowResults) -> list[tuple[str, str]]:
    """The figures a boss reads first, as (label, value)."""
    f, m = r.funnel, r.money
    rows = [
        ("Leads", f"{f.count(Step.LEADS):,}"),
        ("Qualified", f"{f.count(Step.QUALIFIED):,}"),
        ("Opportunities", f"{f.count(Step.OPPORTUNITY):,}"),
        ("Won", f"{f.count(Step.WON):,}"),
    ]
    for t in m.totals:
        rows.append((f"Pipeline created ({t.currency})", amount(t.pipeline, t.currency)))
        rows.append((f"Revenue won ({t.currency})", amount(t.won, t.currency)))
        rows.append((f"Still open ({t.currency})", amount(t.open, t.currency)))
    if m.total_cost is not None:
        rows.append(("Show cost", amount(m.total_cost, m.cost_currency)))
        rows += [(COST_STEP_LABELS[c.step], amount(c.cost, m.cost_currency)) for c in m.cost_per]
    rows.append(("Return on cost", return_text(m)))
    return rows


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _rate(r: Rate) -> dict[str, object]:
    return {
        "hits": r.hits,
        "n": r.n,
        "rate": None if r.value is None else round(r.value, 4),
        "ci95": None if r.low is None else [round(r.low, 4), round(r.high or 0, 4)],
    }


def _funnel(f: Funnel) -> dict[str, object]:
    return {
        "key": f.key,
        "steps": [
            {"step": s.step.value, "count": s.count,
             "rate": None if s.rate is None else round(s.rate, 4)}
            for s in f.steps
        ],
    }  # fmt: skip


def results_tree(r: ShowResults) -> dict[str, object]:
    """Plain JSON values; amounts as decimal text so no cent is lost to a float."""
    m = r.money
    return {
        "event": r.event_name,
        "computed_at": r.computed_at.isoformat(timespec="seconds"),
        "funnel": _funnel(r.funnel)["steps"],
        "funnel_by_rep": [_funnel(f) for f in r.by_rep],
        "funnel_by_rating": [_funnel(f) for f in r.by_rating],
        "money": {
            "per_currency": [
                {
                    "currency": t.currency,
                    "pipeline": _num(t.pipeline),
                    "won": _num(t.won),
                    "open": _num(t.open),
                    "lost": _num(t.lost),
                    "deals": t.deals,
                    "won_deals": t.won_deals,
                    "open_deals": t.open_deals,
                    "lost_deals": t.lost_deals,
                }
                for t in m.totals
            ],
            "cost_currency": m.cost_currency or None,
            "total_cost": _num(m.total_cost),
            "cost_lines": {k: _num(v) for k, v in m.cost_lines},
            "cost_per": {c.step.value: _num(c.cost) for c in m.cost_per},
            "revenue_won_in_cost_currency": _num(m.revenue_in_cost_currency),
            "return_on_cost": _num(m.return_on_cost),
            "currencies_without_rate": list(m.unconverted),
            "deals_without_amount": m.deals_without_amount,
            "deals_won_before_capture": m.earlier_deals,
        },
        "speed_to_lead": {
            "buckets": [
                {
                    "bucket": b.label,
                    "leads": b.leads,
                    "meeting": _rate(b.meeting),
                    "won": _rate(b.won),
                }
                for b in r.speed.buckets
            ],
            "summary": r.speed.summary,
        },
        "first_touch": {
            "by_weekday": [
                {"day": d.label, "touched": d.touched, "answered": d.answered}
                for d in r.timing.by_weekday
            ],
            "by_hour": [
                {"hour": h.label, "touched": h.touched, "answered": h.answered}
                for h in r.timing.by_hour
            ],
        },
        "stages": [
            {
                "stage": d.stage.value,
                "leads": d.leads,
                "median_days": d.median_days,
                "longest_days": d.longest_days,
            }
            for d in r.stages
        ],
    }


def results_text(r: ShowResults) -> str:
    lines = [f"Results: {r.event_name}", ""]
    lines.append("Funnel")
    for s in r.funnel.steps:
        rate = "" if s.rate is None else f"  ({pct(s.rate)} of the step before)"
        lines.append(f"  {STEP_LABELS[s.step]:<12} {s.count:>7,}{rate}")
    lines += ["", "Money"]
    lines += [f"  {label:<34} {value}" for label, value in headline(r)[4:]]
    if not r.money.totals:
        lines.append("  no deals pulled from the CRM yet (boothapp sync pull)")
    lines += ["", "Speed to lead (first contact -> meeting / won, 95 % interval)"]
    for b in r.speed.buckets:
        lines.append(
            f"  {b.label:<9} {b.leads:>6,} leads  meeting {pct(b.meeting.value):>6} "
            f"[{interval(b.meeting)}]  won {pct(b.won.value):>6} [{interval(b.won)}]"
        )
    lines += ["", _wrap(r.speed.summary, 92, "  "), "", "First touch that got an answer"]
    lines.append(
        "  "
        + "  ".join(f"{d.label} {d.answered}/{d.touched}" for d in r.timing.by_weekday if d.touched)
    )
    lines += ["", "Where leads sit now (median / longest days in the stage)"]
    for d in r.stages:
        if d.leads:
            lines.append(
                f"  {d.stage.value:<17} {d.leads:>6,}  {d.median_days:>6} / {d.longest_days}"
            )
    return "\n".join(lines) + "\n"


def compare_text(results: Sequence[ShowResults]) -> str:
    """Several events side by side, one column each (headline figures)."""
    labels: list[str] = []
    columns: list[dict[str, str]] = []
    for r in results:
        col = dict(headline(r))
        columns.append(col)
        labels += [k for k in col if k not in labels]
    width = max(14, *(len(r.event_name) for r in results))
    out = [f"{'':<34}" + "".join(f"{r.event_name:>{width + 2}}" for r in results)]
    for label in labels:
        out.append(f"{label:<34}" + "".join(f"{c.get(label, '–'):>{width + 2}}" for c in columns))
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int, indent: str) -> str:
    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)
