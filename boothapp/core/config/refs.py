"""Cross-references inside a configuration: questions, their options, country codes."""

from __future__ import annotations

from boothapp.core.config.model import Question
from boothapp.core.config.source import Reader
from boothapp.core.hygiene.countries import is_country_code, normalise_country

# The question whose options are the company size bands used by scoring and routing rules.
COMPANY_SIZE_QUESTION = "company_size"


def check_options(
    r: Reader, options: tuple[str, ...], path: str, question: Question | None
) -> None:
    if question is None:
        return
    for i, option in enumerate(options):
        r.known(option, f"{path}[{i}]", question.option_ids(), f"option of '{question.id}'")


def question_ref(r: Reader, value: object, path: str, by_id: dict[str, Question]) -> str:
    question_id = r.ident(value, path)
    r.known(question_id, path, by_id, "question")
    return question_id


def check_countries(r: Reader, values: tuple[str, ...], path: str) -> None:
    for i, value in enumerate(values):
        if value and not is_country_code(value):
            code = normalise_country(value)
            tip = f"; did you mean '{code}'?" if code else ""
            r.problem(f"{path}[{i}]", f"'{value}' is not an ISO 3166 alpha-2 country code{tip}")
