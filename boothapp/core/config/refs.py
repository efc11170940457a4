"""Cross-references inside a configuration: questions, their options, country codes."""

from __future__ import annotations

from boothapp.core.config.errors import say
from boothapp.core.config.model import Question
from boothapp.core.config.source import Reader, did_you_mean
from boothapp.core.hygiene.countries import is_country_code, normalise_country
from boothapp.core.i18n import N_

# The question whose options are the company size bands used by scoring and routing rules.
COMPANY_SIZE_QUESTION = "company_size"


def check_options(
    r: Reader, options: tuple[str, ...], path: str, question: Question | None
) -> None:
    if question is None:
        return
    for i, option in enumerate(options):
        r.known(option, f"{path}[{i}]", question.option_ids(),
                say(N_("option of '{question}'"), question=question.id))  # fmt: skip


def question_ref(r: Reader, value: object, path: str, by_id: dict[str, Question]) -> str:
    question_id = r.ident(value, path)
    r.known(question_id, path, by_id, N_("question"))
    return question_id


def check_countries(r: Reader, values: tuple[str, ...], path: str) -> None:
    for i, value in enumerate(values):
        if value and not is_country_code(value):
            code = normalise_country(value)
            r.problem(f"{path}[{i}]", N_("'{value}' is not an ISO 3166 alpha-2 country code{tip}"),
                      value=value, tip=did_you_mean(code))  # fmt: skip
