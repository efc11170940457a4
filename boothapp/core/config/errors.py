"""Configuration problems, each naming the field and the line where it sits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    path: str  # e.g. "scoring.rules[2].points"
    line: int | None  # 1-based line in the source text, when known
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"


class ConfigError(ValueError):
    """The configuration cannot be used; ``problems`` lists every reason found."""

    def __init__(self, source_name: str, problems: list[ConfigProblem]) -> None:
        self.source_name = source_name
        self.problems = tuple(problems)
        lines = "\n".join(f"  {source_name}: {p}" for p in self.problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in {source_name}:\n{lines}")
