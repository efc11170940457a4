"""Loading event configurations: good files load, broken ones name the line and the field."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from boothapp.core.config import ConfigError, default_config, dump_config, load_config
from boothapp.core.config.model import QuestionKind
from boothapp.resources import asset

ASSET = asset("event-config.example.yaml")

BASE = """\
version: 1
revision: 3
questions:
  - id: budget
    label: Budget
    kind: single
    options:
      - {id: small, label: Small}
      - {id: large, label: Large}
  - id: size
    label: Employees
    kind: number
scoring:
  rules:
    - id: big_budget
      question: budget
      options: [large]
      points: 20
    - id: downloads
      behaviour: download
      points: 10
rating:
  warm: 20
  hot: 50
routing:
  reps:
    - {id: ayse, name: Ayşe, timezone: Europe/Istanbul}
  fallback: ayse
"""


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line containing ``marker``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in text")


def problems_of(text: str, name: str = "event.yaml") -> list[tuple[str, int | None, str]]:
    with pytest.raises(ConfigError) as caught:
        load_config(text, name)
    return [(p.path, p.line, p.message) for p in caught.value.problems]


def test_base_config_loads_with_its_values() -> None:
    cfg = load_config(BASE, "event.yaml")
    assert cfg.revision == 3
    assert [q.id for q in cfg.questions] == ["budget", "size"]
    assert cfg.questions[1].kind is QuestionKind.NUMBER
    assert cfg.scoring.rules[0].points == 20
    assert cfg.routing.reps[0].name == "Ayşe"
    # sections left out take the documented defaults
    assert cfg.kiosk_languages == ("en",)
    assert cfg.badge_field_map.delimiter == "^"


def test_wrong_type_names_path_line_and_value() -> None:
    text = BASE.replace("points: 10", "points: ten")
    assert problems_of(text) == [
        ("scoring.rules[1].points", line_of(text, "points: ten"), "must be an integer, got 'ten'")
    ]


def test_unknown_key_suggests_the_right_one() -> None:
    text = BASE.replace("      points: 20", "      pionts: 20")
    problems = problems_of(text)
    path, line, message = problems[0]
    assert (path, line) == ("scoring.rules[0].pionts", line_of(text, "pionts"))
    assert "unknown key 'pionts'; did you mean 'points'?" in message
    # and the rule now lacks its points, reported at the rule
    assert (
        "scoring.rules[0]",
        line_of(text, "id: big_budget"),
        "missing required key 'points'",
    ) in (problems)


def test_unknown_question_and_option_references() -> None:
    text = BASE.replace("question: budget", "question: budjet")
    assert problems_of(text) == [
        (
            "scoring.rules[0].question",
            line_of(text, "budjet"),
            "unknown question 'budjet'; did you mean 'budget'?",
        )
    ]
    text = BASE.replace("options: [large]", "options: [huge]")
    assert problems_of(text) == [
        (
            "scoring.rules[0].options[0]",
            line_of(text, "[huge]"),
            "unknown option of 'budget' 'huge'",
        )
    ]


def test_duplicate_ids_are_refused() -> None:
    text = BASE.replace("id: size", "id: budget")
    assert problems_of(text) == [
        ("questions[1].id", BASE.splitlines().index("  - id: size") + 1,
         "duplicate question id 'budget'")
    ]  # fmt: skip


def test_thresholds_out_of_order() -> None:
    text = BASE.replace("warm: 20", "warm: 70")
    assert problems_of(text) == [
        ("rating.hot", line_of(text, "hot: 50"), "must be above the warm threshold (50 <= 70)")
    ]


def test_every_problem_is_reported_at_once_and_the_message_is_readable() -> None:
    text = BASE.replace("points: 10", "points: ten").replace("fallback: ayse", "fallback: bob")
    text = text.replace("timezone: Europe/Istanbul", "timezone: Europe/Istambul")
    with pytest.raises(ConfigError) as caught:
        load_config(text, "booth.yaml")
    paths = [p.path for p in caught.value.problems]
    assert paths == ["scoring.rules[1].points", "routing.reps[0].timezone", "routing.fallback"]
    message = str(caught.value)
    assert message.startswith("3 problems in booth.yaml:")
    assert (
        f"booth.yaml: line {line_of(text, 'fallback: bob')}: routing.fallback: unknown rep 'bob'"
        in (message)
    )


def test_routing_references_and_territories_are_checked() -> None:
    text = BASE + (
        "  rules:\n"
        "    - {id: dach, countries: [Germany], regions: [EMEA, LATAM], reps: [ayse, zoe]}\n"
    )
    text = text.replace("  fallback: ayse\n", "") + "  fallback: ayse\n"
    rule_line = line_of(text, "id: dach")
    assert problems_of(text) == [
        (
            "routing.rules[0].reps[1]",
            rule_line,
            "unknown rep 'zoe'",
        ),
        (
            "routing.rules[0].countries[0]",
            rule_line,
            "'Germany' is not an ISO 3166 alpha-2 country code; did you mean 'DE'?",
        ),
        ("routing.rules[0].regions[1]", rule_line, "unknown region 'LATAM'"),
    ]


def test_rep_hours_and_absences_are_validated() -> None:
    text = BASE.replace(
        "    - {id: ayse, name: Ayşe, timezone: Europe/Istanbul}",
        "    - id: ayse\n"
        "      name: Ayşe\n"
        "      hours: 18:00-09:00\n"
        "      out_of_office:\n"
        "        - {from: 2026-12-24, to: 2026-12-20}\n",
    )
    problems = problems_of(text)
    assert problems == [
        (
            "routing.reps[0].hours",
            line_of(text, "hours:"),
            "must be a same-day range like '09:00-17:00', got '18:00-09:00'",
        ),
        (
            "routing.reps[0].out_of_office[0].to",
            line_of(text, "from: 2026-12-24"),
            "ends before it starts (2026-12-20 < 2026-12-24)",
        ),
    ]


def test_newer_schema_version_is_refused() -> None:
    text = BASE.replace("version: 1", "version: 2")
    assert problems_of(text) == [
        ("version", 1, "schema version 2 is not supported; this BoothApp reads version 1")
    ]


def test_yaml_syntax_error_names_the_line() -> None:
    text = BASE.replace("  warm: 20", "  warm: [20")
    (path, line, message), *_ = problems_of(text)
    assert path == ""
    assert line is not None and line >= line_of(text, "warm: [20")
    assert message.startswith("not valid YAML")


def test_json_syntax_error_names_the_line() -> None:
    text = '{\n  "version": 1,\n  "questions": [],\n  "routing": {"reps": [] "fallback": "x"}\n}\n'
    assert problems_of(text, "event.json") == [("", 4, "not valid JSON: Expecting ',' delimiter")]


def test_json_problems_name_the_line_too() -> None:
    tree = json.loads(dump_config(load_config(BASE, "e.yaml"), "json"))
    tree["rating"] = {"warm": 60, "hot": "hot"}
    text = json.dumps(tree, indent=2)
    assert problems_of(text, "event.json") == [
        ("rating.hot", line_of(text, '"hot": "hot"'), "must be an integer, got 'hot'")
    ]


def test_yes_and_no_stay_option_ids_in_yaml() -> None:
    text = BASE.replace("kind: number", "kind: yes_no").replace(
        "      points: 10\n",
        "      points: 10\n    - {id: s, question: size, options: [yes], points: 1}\n",
    )
    cfg = load_config(text, "e.yaml")
    assert cfg.scoring.rules[2].trigger.options == ("yes",)  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_default_config_round_trips(fmt: str) -> None:
    cfg = default_config()
    text = dump_config(cfg, fmt)  # type: ignore[arg-type]
    assert load_config(text, f"event.{fmt}") == cfg


def test_edited_config_round_trips_with_revision_bumped() -> None:
    cfg = load_config(BASE, "e.yaml")
    edited = cfg.edited(consent_text="We keep your details.", crm={"kind": "bottlecrm"})
    assert edited.revision == cfg.revision + 1
    assert load_config(dump_config(edited), "e.yaml") == edited
    assert load_config(dump_config(edited, "json"), "e.json") == edited


def test_shipped_example_is_the_default_config() -> None:
    assert load_config(ASSET.read_text(encoding="utf-8"), ASSET.name) == default_config()


def test_defaults_follow_the_domain_rules() -> None:
    cfg = default_config()
    roles = {q.bant.value for q in cfg.questions if q.bant}
    assert roles == {"budget", "authority", "need", "timeframe"}
    assert not any(q.required for q in cfg.questions)
    budget = cfg.question("budget")
    assert budget is not None and [o.label for o in budget.options] == [
        "< 10k", "10k-50k", "50k-250k", "> 250k", "Unknown"
    ]  # fmt: skip
    timeframe = cfg.question("timeframe")
    assert timeframe is not None and [o.label for o in timeframe.options] == [
        "Now", "< 3 months", "3-6 months", "6-12 months", "> 12 months", "No plans"
    ]  # fmt: skip
    assert {q.id for q in cfg.kiosk_questions()} >= {"interests", "demo", "literature"}
    assert cfg.rating.warm < cfg.rating.hot


def test_editing_keeps_the_original_unchanged() -> None:
    cfg = default_config()
    edited = cfg.edited(rating=replace(cfg.rating, hot=80))
    assert cfg.rating.hot == 60 and edited.rating.hot == 80


@pytest.mark.parametrize(
    ("old", "new", "path", "marker", "message"),
    [
        (
            "kind: number",
            "kind: numbr",
            "questions[1].kind",
            "kind: numbr",
            "must be one of single, multi, number, text, yes_no, got 'numbr'; did you mean "
            "'number'?",
        ),
        (
            "behaviour: download",
            "behaviour: downlaod",
            "scoring.rules[1].behaviour",
            "downlaod",
            "unknown behaviour 'downlaod'; did you mean 'download'?",
        ),
        (
            "      behaviour: download\n",
            "      behaviour: download\n      question: budget\n",
            "scoring.rules[1]",
            "id: downloads",
            "needs exactly one of 'question', 'behaviour' or 'attribute'",
        ),
        (
            "      options: [large]\n",
            "      options: [large]\n      min: 3\n",
            "scoring.rules[0].min",
            "min: 3",
            "min/max apply to number questions; 'budget' is single",
        ),
        (
            "      points: 10\n",
            "      points: 10\n      values: [x]\n",
            "scoring.rules[1].values",
            "values: [x]",
            "'values' does not apply to a behaviour rule",
        ),
        (
            "      points: 10\n",
            "      points: 10\n      cap: -5\n",
            "scoring.rules[1].cap",
            "cap: -5",
            "must be a positive number of points, got -5",
        ),
        (
            "    options:\n      - {id: small",
            "    options:\n      - {id: 100, label: Hundred}\n      - {id: small",
            "questions[0].options[0].id",
            "id: 100",
            "must be an id of letters, digits, '_', '-' or '.' (quote it if it looks like a "
            "number), got int 100",
        ),
        (
            "kind: number",
            "kind: number\n    options: [{id: a, label: A}]",
            "questions[1].options",
            "options: [{id: a",
            "a number question takes no options",
        ),
        (
            "fallback: ayse",
            "fallback: ayse\nbadge_field_map: {delimiter: '^', fields: [badge_id, frist_name]}",
            "badge_field_map.fields[1]",
            "frist_name",
            "unknown badge field 'frist_name'; did you mean 'first_name'?",
        ),
        (
            "fallback: ayse",
            "fallback: ayse\nkiosk_languages: [en, German]",
            "kiosk_languages[1]",
            "kiosk_languages",
            "must be a language code like 'en' or 'pt-BR', got 'German'",
        ),
        (
            "revision: 3",
            "revison: 3",
            "revison",
            "revison",
            "unknown key 'revison'; did you mean 'revision'?",
        ),
    ],
)
def test_broken_files_name_line_and_field(
    old: str, new: str, path: str, marker: str, message: str
) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    problems = problems_of(text)
    assert (path, line_of(text, marker)) in [(p, line) for p, line, _ in problems]
    found = [m for p, _, m in problems if p == path]
    assert any(message in m for m in found), found
