"""Parse YAML or JSON text into plain values plus a map from field path to source line.

Validation then reads the plain values through ``Reader``, which collects every problem with
the line it came from instead of stopping at the first one.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import yaml

from boothapp.core.config.errors import ConfigError, ConfigProblem, say
from boothapp.core.i18n import N_


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


# Limits on an event configuration document (issue #18 finding 3: a 1 KB alias bomb ran for
# 100 s into MemoryError). The example config is ~8 KB, ~600 nodes, 6 levels deep.
MAX_DOCUMENT_CHARS = 1_000_000
MAX_NODES = 100_000  # values after expanding every alias
MAX_DEPTH = 50
MAX_INT_DIGITS = 18  # a revision, a score or a port; int64 fits


class _LimitedLoader(_StrictBoolLoader):
    """PyYAML's safe loader with limits: nesting depth while composing, then the node count
    with aliases expanded (a recursive alias is refused), and integer length."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _expanded_size(node, {}, set())
        return node

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = str(node.value).replace("_", "").lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {len(digits)} digits (at most {MAX_INT_DIGITS})",
                node.start_mark,
            )  # fmt: skip
        return super().construct_yaml_int(node)


_LimitedLoader.add_constructor("tag:yaml.org,2002:int", _LimitedLoader.construct_yaml_int)


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """Values under ``node`` as if every alias were copied out; shared nodes counted once each
    time they are referenced, computed once. Recursion depth is bounded by MAX_DEPTH."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise yaml.composer.ComposerError(
            None, None, "an alias refers to a node that contains it (recursive alias)",
            node.start_mark,
        )  # fmt: skip
    open_nodes.add(key)
    size = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, sizes, open_nodes) + _expanded_size(v, sizes, open_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            size += _expanded_size(item, sizes, open_nodes)
    open_nodes.discard(key)
    if size > MAX_NODES:
        raise yaml.composer.ComposerError(
            None, None, f"more than {MAX_NODES:,} values once aliases are expanded "
            "(an alias bomb?)", node.start_mark,
        )  # fmt: skip
    sizes[key] = size
    return size


class _JsonLimit(Exception):
    def __init__(self, message: str, needle: str = "") -> None:
        super().__init__(message)
        self.needle = needle


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _JsonLimit(
            say(
                N_("a number of {digits} digits (at most {most})"),
                digits=len(text.lstrip("-")),
                most=MAX_INT_DIGITS,
            ),
            text,
        )
    return int(text)


def _json_depth(value: object) -> int:
    """Deepest nesting, walked without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _load_json(text: str, source_name: str) -> object:
    try:
        value: object = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            source_name,
            [ConfigProblem("", exc.lineno, say(N_("not valid JSON: {why}"), why=exc.msg))],
        ) from None
    except _JsonLimit as exc:
        at = text.find(exc.needle) if exc.needle else -1
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        raise ConfigError(source_name, [ConfigProblem("", line, str(exc))]) from None
    except RecursionError:
        raise ConfigError(source_name, [ConfigProblem("", None, _too_deep())]) from None
    if _json_depth(value) > MAX_DEPTH:
        raise ConfigError(source_name, [ConfigProblem("", None, _too_deep())])
    return value


def _too_deep() -> str:
    return say(N_("nested deeper than {most} levels"), most=MAX_DEPTH)


def detect_format(text: str, source_name: str) -> Format:
    if source_name.lower().endswith(".json"):
        return Format.JSON
    if source_name.lower().endswith((".yaml", ".yml")):
        return Format.YAML
    return Format.JSON if text.lstrip().startswith("{") else Format.YAML


def parse(text: str, source_name: str) -> tuple[object, Mapping[str, int]]:
    """The document's values and a ``path -> line`` map (1-based lines), made only when a
    line is asked for (``LineMap``)."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise ConfigError(
            source_name,
            [ConfigProblem("", None, say(N_("the document has {count} characters (at most {most})"),
                                         count=len(text), most=MAX_DOCUMENT_CHARS))],
        )  # fmt: skip
    fmt = detect_format(text, source_name)
    value: object
    if fmt is Format.JSON:
        value = _load_json(text, source_name)
    else:
        try:
            value = yaml.load(text, Loader=_LimitedLoader)
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
            raise ConfigError(
                source_name,
                [ConfigProblem("", line, say(N_("not valid YAML: {why}"), why=exc.problem))],
            ) from None
        except yaml.YAMLError as exc:
            raise ConfigError(
                source_name, [ConfigProblem("", None, say(N_("not valid YAML: {why}"), why=exc))]
            ) from None
    return value, LineMap(text)


class LineMap(Mapping[str, int]):
    """The ``path -> line`` map of a document, composed on first use: only a problem needs a
    line, and composing the node tree again took 0.07-0.2 s of each stored config's load,
    the first export or report of a session included (issue 23)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[str, int] | None = None

    def _map(self) -> dict[str, int]:
        if self._lines is None:
            self._lines = _line_map(self._text)
        return self._lines

    def __getitem__(self, path: str) -> int:
        return self._map()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


def _line_map(text: str) -> dict[str, int]:
    # JSON is (for configuration files in practice) valid YAML, so one walk over the composed
    # node tree gives lines for both formats; if it cannot, problems simply carry no line.
    lines: dict[str, int] = {}
    try:
        root = yaml.compose(text, Loader=_LimitedLoader)
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

    lines: Mapping[str, int]
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

    def problem(self, path: str, message: str, **values: object) -> None:
        """``message``: an English msgid (``N_``), said in the reader's language with
        ``values`` put in."""
        self.problems.append(ConfigProblem(path, self.line_of(path), say(message, **values)))

    def mapping(
        self,
        value: object,
        path: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> dict[str, object] | None:
        if not isinstance(value, Mapping):
            self.problem(
                path, N_("must be a mapping of keys to values, got {got}"), got=_show(value)
            )
            return None
        allowed_keys = list(allowed)
        result: dict[str, object] = {}
        for key, item in value.items():
            sub = join(path, str(key))
            if not isinstance(key, str):
                self.problem(sub, N_("keys must be text, got {got}"), got=_show(key))
            elif key not in allowed_keys:
                hint = difflib.get_close_matches(key, allowed_keys, n=1)
                known = ", ".join(allowed_keys)
                self.problem(sub, N_("unknown key '{key}'{tip} (known keys: {known})"),
                             key=key, tip=did_you_mean(hint), known=known)  # fmt: skip
            else:
                result[key] = item
        for key in required:
            if key not in value:
                self.problem(path, N_("missing required key '{key}'"), key=key)
        return result

    def sequence(self, value: object, path: str) -> list[object]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, N_("must be a list, got {got}"), got=_show(value))
            return []
        return value

    def text(self, value: object, path: str, default: str = "") -> str:
        if value is None:
            return default
        if not isinstance(value, str):
            self.problem(path, N_("must be text, got {got}"), got=_show(value))
            return default
        return value

    def ident(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not _ID.match(value):
            self.problem(
                path,
                N_(
                    "must be an id of letters, digits, '_', '-' or '.' "
                    "(quote it if it looks like a number), got {got}"
                ),
                got=_show(value),
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
            self.problem(path, N_("must be an integer, got {got}"), got=_show(value))
            return default
        return value

    def number(self, value: object, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, N_("must be a number, got {got}"), got=_show(value))
            return None
        return float(value)

    def boolean(self, value: object, path: str, default: bool = False) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(path, N_("must be true or false, got {got}"), got=_show(value))
            return default
        return value

    def choice(self, value: object, path: str, enum_type: type[E]) -> E | None:
        names = [m.value for m in enum_type]
        if isinstance(value, str) and value in names:
            return enum_type(value)
        hint = difflib.get_close_matches(str(value), names, n=1)
        self.problem(path, N_("must be one of {names}, got {got}{tip}"), names=", ".join(names),
                     got=_show(value), tip=did_you_mean(hint))  # fmt: skip
        return None

    def unique(self, ids: Iterable[tuple[str, str]], what: str) -> None:
        """Report each id seen before; ``ids`` yields (path, id)."""
        seen: set[str] = set()
        for path, ident in ids:
            if ident and ident in seen:
                self.problem(path, N_("duplicate {what} id '{ident}'"), what=say(what),
                             ident=ident)  # fmt: skip
            seen.add(ident)

    def known(self, value: str, path: str, known: Iterable[str], what: str) -> None:
        names = list(known)
        if value and value not in names:
            hint = difflib.get_close_matches(value, names, n=1)
            self.problem(path, N_("unknown {what} '{value}'{tip}"), what=say(what),
                         value=value, tip=did_you_mean(hint))  # fmt: skip


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def did_you_mean(hint: Iterable[str] | str | None) -> str:
    """ "; did you mean 'x'?" for the first close match, or nothing."""
    first = hint if isinstance(hint, str) else next(iter(hint or ()), None)
    return say(N_("; did you mean '{hint}'?"), hint=first) if first else ""


def _show(value: object) -> str:
    """What was written, for "got ...": the value itself, or what kind of thing it was."""
    if value is None:
        return say(N_("nothing"))
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return say(N_("a mapping"))
    if isinstance(value, list):
        return say(N_("a list"))
    return f"{type(value).__name__} {value!r}"
