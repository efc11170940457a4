"""Qualification: hand sales only qualified leads (SQL) and nurture the rest (MQL)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from boothapp.core.config.model import AnswerTrigger, EventConfig, QualificationCriterion
from boothapp.core.scoring import answer_matches, selected_options


@dataclass(frozen=True, slots=True)
class QualificationResult:
    qualified: bool  # True: sales-qualified (SQL), goes to sales; False: nurture (MQL)
    met: tuple[str, ...]  # criterion ids met
    missing: tuple[str, ...]  # criterion ids not met
    reasons: tuple[str, ...]  # one line per criterion, for the lead screen


@dataclass(frozen=True, slots=True)
class FunnelCounts:
    total: int
    mql: int
    sql: int

    @property
    def sql_share(self) -> float:
        return self.sql / self.total if self.total else 0.0


def qualify(answers: Mapping[str, object], cfg: EventConfig) -> QualificationResult:
    criteria = cfg.qualification.criteria
    met: list[str] = []
    missing: list[str] = []
    reasons: list[str] = []
    for criterion in criteria:
        answer = answers.get(criterion.question)
        ok = answer_matches(answer, AnswerTrigger(criterion.question, criterion.options))
        (met if ok else missing).append(criterion.id)
        reasons.append(_reason(criterion, answer, ok, cfg))
    needed = len(criteria) if cfg.qualification.min_met is None else cfg.qualification.min_met
    return QualificationResult(len(met) >= needed, tuple(met), tuple(missing), tuple(reasons))


def count_funnel(results: Iterable[QualificationResult]) -> FunnelCounts:
    total = sql = 0
    for result in results:
        total += 1
        sql += result.qualified
    return FunnelCounts(total=total, mql=total - sql, sql=sql)


def _reason(criterion: QualificationCriterion, answer: object, ok: bool, cfg: EventConfig) -> str:
    what = criterion.description or criterion.id
    question = cfg.question(criterion.question)
    labels = {o.id: o.label for o in question.options} if question else {}
    given = ", ".join(labels.get(o, o) for o in selected_options(answer))
    if ok:
        return f"{criterion.id}: {what} ({given or answer})"
    return f"{criterion.id}: not met - {what} (answered: {given or 'nothing'})"
