"""Configuration problems, each naming the field and the line where it sits."""

from __future__ import annotations

from dataclasses import dataclass

from boothapp.core.i18n import gettext, ngettext
from boothapp.core.i18n_format import format_number


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    path: str  # e.g. "scoring.rules[2].points"
    line: int | None  # 1-based line in the source text, when known
    message: str

    def __str__(self) -> str:
        where = gettext("line {line}: ").format(line=self.line) if self.line is not None else ""
        return f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"


def say(template: str, **values: object) -> str:
    """``template`` (an English msgid of the core catalogue) in the reader's language with
    ``values`` (paths, ids, what was written) put in as they are (issue 21)."""
    text = gettext(template)
    return text.format(**values) if values else text


class ConfigError(ValueError):
    """The configuration cannot be used; ``problems`` lists every reason found."""

    def __init__(self, source_name: str, problems: list[ConfigProblem]) -> None:
        self.source_name = source_name
        self.problems = tuple(problems)
        lines = "\n".join(f"  {source_name}: {p}" for p in self.problems)
        count = len(self.problems)
        head = ngettext("{count} problem in {source}:", "{count} problems in {source}:", count)
        super().__init__(head.format(count=format_number(count), source=source_name) + "\n" + lines)
