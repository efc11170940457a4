"""Parse YAML or JSON text into plain values plus a map from field path to source line.

Validation then reads the plain values through ``Reader``, which collects every problem with
the line it came from instead of stopping at the first one.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import yaml

from boothapp.core.config.errors import ConfigError, ConfigProblem


class Format(StrEnum):
    YAML = "yaml"
    JSON = "json"


class _StrictBoolLoader(yaml.SafeLoader):
    """YAML 1.1 reads yes/no/on/off as booleans; option ids "yes"/"no" must stay text."""


_StrictBoolLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictBoolLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def detect_format(text: str, source_name: str) -> Format:
    if source_name.lower().endswith(".json"):
        return Format.JSON
    if source_name.lower().endswith((".yaml", ".yml")):
        return Format.YAML
    return Format.JSON if text.lstrip().startswith("{") else Format.YAML


def parse(text: str, source_name: str) -> tuple[object, dict[str, int]]:
    """The document's values and a ``path -> line`` map (1-based lines)."""
    fmt = detect_format(text, source_name)
    if fmt is Format.JSON:
        try:
            value: object = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                source_name, [ConfigProblem("", exc.lineno, f"not valid JSON: {exc.msg}")]
            ) from None
    else:
        try:
            value = yaml.load(text, Loader=_StrictBoolLoader)
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
            raise ConfigError(
                source_name, [ConfigProblem("", line, f"not valid YAML: {exc.problem}")]
            ) from None
        except yaml.YAMLError as exc:
            raise ConfigError(
                source_name, [ConfigProblem("", None, f"not valid YAML: {exc}")]
            ) from None
    return value, _line_map(text)


def _line_map(text: str) -> dict[str, int]:
    # JSON is (for configuration files in practice) valid YAML, so one walk over the composed
    # node tree gives lines for both formats; if it cannot, problems simply carry no line.
    lines: dict[str, int] = {}
    try:
        root = yaml.compose(text, Loader=_StrictBoolLoader)
    except yaml.YAMLError:
        return lines
    if root is not None:
        _walk(root, "", lines)
    return lines


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            lines[sub] = key_node.start_mark.line + 1
            _walk(value_node, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, f"{path}[{i}]", lines)


E = TypeVar("E", bound=StrEnum)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass
class Reader:
    """Typed access to parsed values that records problems rather than raising."""

    lines: dict[str, int]
    problems: list[ConfigProblem] = field(default_factory=list)

    def line_of(self, path: str) -> int | None:
        probe = path
        while True:
            if probe in self.lines:
                return self.lines[probe]
            if not probe:
                return None
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""

    def problem(self, path: str, message: str) -> None:
        self.problems.append(ConfigProblem(path, self.line_of(path), message))

    def mapping(
        self,
        value: object,
        path: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> dict[str, object] | None:
        if not isinstance(value, Mapping):
            self.problem(path, f"must be a mapping of keys to values, got {_show(value)}")
            return None
        allowed_keys = list(allowed)
        result: dict[str, object] = {}
        for key, item in value.items():
            sub = join(path, str(key))
            if not isinstance(key, str):
                self.problem(sub, f"keys must be text, got {_show(key)}")
            elif key not in allowed_keys:
                hint = difflib.get_close_matches(key, allowed_keys, n=1)
                tip = f"; did you mean '{hint[0]}'?" if hint else ""
                known = ", ".join(allowed_keys)
                self.problem(sub, f"unknown key '{key}'{tip} (known keys: {known})")
            else:
                result[key] = item
        for key in required:
            if key not in value:
                self.problem(path, f"missing required key '{key}'")
        return result

    def sequence(self, value: object, path: str) -> list[object]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"must be a list, got {_show(value)}")
            return []
        return value

    def text(self, value: object, path: str, default: str = "") -> str:
        if value is None:
            return default
        if not isinstance(value, str):
            self.problem(path, f"must be text, got {_show(value)}")
            return default
        return value

    def ident(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not _ID.match(value):
            self.problem(
                path,
                "must be an id of letters, digits, '_', '-' or '.' "
                f"(quote it if it looks like a number), got {_show(value)}",
            )
            return ""
        return value

    def idents(self, value: object, path: str) -> tuple[str, ...]:
        items = self.sequence(value, path)
        return tuple(self.ident(item, f"{path}[{i}]") for i, item in enumerate(items))

    def texts(self, value: object, path: str) -> tuple[str, ...]:
        items = self.sequence(value, path)
        return tuple(self.text(item, f"{path}[{i}]") for i, item in enumerate(items))

    def integer(self, value: object, path: str, default: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"must be an integer, got {_show(value)}")
            return default
        return value

    def number(self, value: object, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, f"must be a number, got {_show(value)}")
            return None
        return float(value)

    def boolean(self, value: object, path: str, default: bool = False) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(path, f"must be true or false, got {_show(value)}")
            return default
        return value

    def choice(self, value: object, path: str, enum_type: type[E]) -> E | None:
        names = [m.value for m in enum_type]
        if isinstance(value, str) and value in names:
            return enum_type(value)
        hint = difflib.get_close_matches(str(value), names, n=1)
        tip = f"; did you mean '{hint[0]}'?" if hint else ""
        self.problem(path, f"must be one of {', '.join(names)}, got {_show(value)}{tip}")
        return None

    def unique(self, ids: Iterable[tuple[str, str]], what: str) -> None:
        """Report each id seen before; ``ids`` yields (path, id)."""
        seen: set[str] = set()
        for path, ident in ids:
            if ident and ident in seen:
                self.problem(path, f"duplicate {what} id '{ident}'")
            seen.add(ident)

    def known(self, value: str, path: str, known: Iterable[str], what: str) -> None:
        names = list(known)
        if value and value not in names:
            hint = difflib.get_close_matches(value, names, n=1)
            tip = f"; did you mean '{hint[0]}'?" if hint else ""
            self.problem(path, f"unknown {what} '{value}'{tip}")


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
