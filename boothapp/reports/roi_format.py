"""The results of a show (issue 22) as JSON-ready values and as plain text: what
``boothapp roi`` prints, and the wording the PDF pages and the Results page share."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal

from boothapp.core.i18n import N_, label
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_number, format_percent, locale_of, native_digits
from boothapp.core.results.funnel import Funnel, Step
from boothapp.core.results.money import Money
from boothapp.core.results.report import ShowResults
from boothapp.core.results.speed import Rate, SpeedBucket, bucket_label
from boothapp.core.results.timing import WEEKDAYS

COST_STEP_LABELS = {  # msgids: translate with _() where shown
    Step.LEADS: N_("Cost per lead"),
    Step.QUALIFIED: N_("Cost per qualified lead"),
    Step.OPPORTUNITY: N_("Cost per opportunity"),
    Step.WON: N_("Cost per won deal"),
}


def pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else format_percent(value, decimals=digits)


def amount(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "–"
    return f"{currency} {format_number(value, decimals=2)}".strip()


def count(value: int) -> str:
    return format_number(value)


def weekday(english: str) -> str:
    """ "Tue" (core.results.timing) as the current language abbreviates it (CLDR)."""
    if english not in WEEKDAYS:
        return english
    return str(locale_of().days["format"]["abbreviated"][WEEKDAYS.index(english)])


def _days(value: float | None) -> str:
    return "–" if value is None else format_number(value, decimals=1)


def interval(r: Rate) -> str:
    if r.low is None or r.high is None:
        return "–"
    # CLDR's percent pattern around the range: "0–79%", "0–79 %", "%0–79", "۰–۷۹٪".
    high = format_number(r.high * 100)
    return format_percent(r.high).replace(high, f"{format_number(r.low * 100)}–{high}", 1)


def speed_row(b: SpeedBucket) -> tuple[str, str, str, str, str, str]:
    """A speed-to-lead bucket as the report and the Results page show it: first contact,
    leads, meeting rate and its interval, won rate and its interval."""
    return (bucket_label(b.label), count(b.leads), pct(b.meeting.value), interval(b.meeting),
            pct(b.won.value), interval(b.won))  # fmt: skip


def return_text(m: Money) -> str:
    if m.total_cost is None:
        return _("no costs in the event configuration")
    if m.return_on_cost is None:
        if m.unconverted:
            return _("unknown: no rate for {currencies} in costs.rates").format(
                currencies=", ".join(m.unconverted)
            )
        return "–"
    return pct(float(m.return_on_cost), 1)


def headline(r: ShowResults) -> list[tuple[str, str]]:
    """The figures a boss reads first, as (label, value)."""
    f, m = r.funnel, r.money
    rows = [
        (_("Leads"), count(f.count(Step.LEADS))),
        (_("Qualified"), count(f.count(Step.QUALIFIED))),
        (_("Opportunities"), count(f.count(Step.OPPORTUNITY))),
        (_("Won"), count(f.count(Step.WON))),
    ]
    for t in m.totals:
        cur = t.currency
        rows.append(
            (_("Pipeline created ({currency})").format(currency=cur), amount(t.pipeline, cur))
        )
        rows.append((_("Revenue won ({currency})").format(currency=cur), amount(t.won, cur)))
        rows.append((_("Still open ({currency})").format(currency=cur), amount(t.open, cur)))
    if m.total_cost is not None:
        rows.append((_("Show cost"), amount(m.total_cost, m.cost_currency)))
        rows += [(_(COST_STEP_LABELS[c.step]), amount(c.cost, m.cost_currency)) for c in m.cost_per]
    rows.append((_("Return on cost"), return_text(m)))
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
    lines = [_("Results: {event}").format(event=r.event_name), ""]
    lines.append(_("Funnel"))
    # As wide as the longest step name in the reader's words ("İletişime geçildi").
    step_width = max([12, *(len(label(s.step)) for s in r.funnel.steps)])
    for s in r.funnel.steps:
        rate = (
            ""
            if s.rate is None
            else "  " + _("({rate} of the step before)").format(rate=pct(s.rate))
        )
        lines.append(f"  {label(s.step):<{step_width}} {count(s.count):>7}{rate}")
    lines += ["", _("Money")]
    lines += [f"  {name:<34} {value}" for name, value in headline(r)[4:]]
    if not r.money.totals:
        lines.append("  " + _("no deals pulled from the CRM yet (boothapp sync pull)"))
    lines += ["", _("Speed to lead (first contact -> meeting / won, 95 % interval)")]
    # Padded to the longest bucket in the reader's words ("<= 24 Std." is ten letters).
    bucket_width = max([9, *(len(bucket_label(b.label)) for b in r.speed.buckets)])
    for b in r.speed.buckets:
        lines.append(
            "  "
            + _(
                "{bucket:<9} {leads:>6,} leads  meeting {meeting:>6} [{meeting_ci}]  "
                "won {won:>6} [{won_ci}]"
            ).format(
                bucket=bucket_label(b.label).ljust(bucket_width),
                leads=b.leads,
                meeting=pct(b.meeting.value),
                meeting_ci=interval(b.meeting),
                won=pct(b.won.value),
                won_ci=interval(b.won),
            )
        )
    # Counts the msgids format themselves (and the summary's) in the reader's digits too.
    lines[-len(r.speed.buckets) :] = [
        native_digits(line) for line in lines[-len(r.speed.buckets) :]
    ]
    summary = native_digits(r.speed.summary)
    lines += ["", _wrap(summary, 92, "  "), "", _("First touch that got an answer")]
    lines.append(
        "  "
        + "  ".join(
            f"{weekday(d.label)} {count(d.answered)}/{count(d.touched)}"
            for d in r.timing.by_weekday
            if d.touched
        )
    )
    lines += ["", _("Where leads sit now (median / longest days in the stage)")]
    # As wide as the longest stage shown, in the reader's words ("Angebot verschickt").
    stage_width = max([17, *(len(label(d.stage)) for d in r.stages if d.leads)])
    for d in r.stages:
        if d.leads:
            lines.append(
                f"  {label(d.stage):<{stage_width}} {count(d.leads):>6}  "
                f"{_days(d.median_days):>6} / {_days(d.longest_days)}"
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
    for name in labels:
        out.append(f"{name:<34}" + "".join(f"{c.get(name, '–'):>{width + 2}}" for c in columns))
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int, indent: str) -> str:
    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)
