"""Everything the booth computes about a lead when it is saved: clean contact, score,
suggested rating and BANT qualification. Pure; the lead service stores the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from boothapp.core.config.model import EventConfig
from boothapp.core.config.refs import COMPANY_SIZE_QUESTION
from boothapp.core.hygiene.clean import CleanResult, clean_contact
from boothapp.core.models import Contact, Rating
from boothapp.core.qualification import QualificationResult, qualify
from boothapp.core.scoring import LeadAttributes, ScoreResult, rate, score_lead


@dataclass(frozen=True, slots=True)
class Evaluation:
    hygiene: CleanResult
    score: ScoreResult
    suggested_rating: Rating
    qualification: QualificationResult

    @property
    def contact(self) -> Contact:
        return self.hygiene.contact


def behaviours_of(referred_by: str, extra: Mapping[str, int] | None = None) -> dict[str, int]:
    """Behaviours captured at the booth (others, like email opens, arrive from the CRM)."""
    counts = dict(extra or {})
    if referred_by.strip():
        counts["referred"] = counts.get("referred", 0) + 1
    return counts


def evaluate_lead(
    contact: Contact,
    answers: Mapping[str, object],
    cfg: EventConfig,
    *,
    default_region: str = "",
    referred_by: str = "",
    behaviours: Mapping[str, int] | None = None,
) -> Evaluation:
    hygiene = clean_contact(contact, default_region)
    size = answers.get(COMPANY_SIZE_QUESTION)
    attributes = LeadAttributes(
        company_size=size if isinstance(size, str) else "",
        country=hygiene.contact.country,
        title=hygiene.contact.title,
    )
    score = score_lead(answers, behaviours_of(referred_by, behaviours), attributes, cfg)
    return Evaluation(
        hygiene=hygiene,
        score=score,
        suggested_rating=rate(score.total, cfg),
        qualification=qualify(answers, cfg),
    )
