"""``followups.content``, ``reps``, ``language`` and ``sender``: checked on load with line
numbers (issue 16), and read into typed values."""

from __future__ import annotations

from boothapp.core.config import load_config
from boothapp.core.config.followup_content import content_from
from boothapp.services.followup_types import parse_followup_section
from tests.unit.test_config_loader import BASE, line_of, problems_of

WITH_INTERESTS = BASE.replace(
    "  - id: size\n",
    "  - id: interests\n    label: Interested in\n    kind: multi\n    options:\n"
    "      - {id: platform, label: Platform}\n      - {id: analytics, label: Analytics}\n"
    "  - id: size\n",
)

GOOD = (
    WITH_INTERESTS
    + """\
followups:
  sender:
    company: Acme
    address: "Acme GmbH, Hafenstr. 1, 20457 Hamburg"
    unsubscribe_mailto: unsubscribe@acme.example
  content:
    platform:
      - {title: Platform overview, url: "https://acme.example/p.pdf"}
  reps:
    ayse: {signature: "Ayşe Demir, Sales", meeting_link: "https://cal.example/ayse"}
  language:
    event: de
    chain: [lead, event, en]
"""
)

BAD = (
    WITH_INTERESTS
    + """\
followups:
  sender:
    unsubscribe_mailto: not-an-address
  content:
    platfrom:
      - {title: Platform overview, url: "https://acme.example/p.pdf"}
    analytics:
      - {title: Guide, url: "ftp://acme.example/g.pdf"}
  reps:
    jonas: {signature: Jonas}
  language:
    chain: [lead, klingon-language]
"""
)


def test_good_sections_load_and_give_typed_values() -> None:
    cfg = load_config(GOOD, "booth.yaml")
    content = content_from(cfg.followups)
    assert content.links["platform"][0].url == "https://acme.example/p.pdf"
    assert content.reps["ayse"].meeting_link == "https://cal.example/ayse"
    assert content.languages("ja", "tr") == ("ja", "de", "en")
    settings = parse_followup_section(cfg.followups)
    assert settings.sender.missing() == ()
    assert settings.sender.mailto_for("L1") == (
        "mailto:unsubscribe@acme.example?subject=unsubscribe%20L1"
    )


def test_bad_sections_name_each_field_and_its_line() -> None:
    got = {(path, line) for path, line, _ in problems_of(BAD, "booth.yaml")}
    assert got == {
        ("followups.sender.unsubscribe_mailto", line_of(BAD, "not-an-address")),
        ("followups.content.platfrom", line_of(BAD, "platfrom")),
        ("followups.content.analytics[0].url", line_of(BAD, "ftp://")),
        ("followups.reps.jonas", line_of(BAD, "jonas:")),
        ("followups.language.chain[1]", line_of(BAD, "klingon")),
    }


def test_missing_sender_settings_are_named() -> None:
    settings = parse_followup_section({})
    assert [line.split(":")[0] for line in settings.sender.missing()] == [
        "no unsubscribe address",
        "no postal address",
    ]


def test_event_name_per_language_is_checked_and_read() -> None:
    """followups.event_name (issue 21): the show as a mail in each language names it; a key
    that is no language code, or an empty name, is reported with its place."""
    good = load_config(GOOD + "  event_name: {tr: Hannover Fuarı, en: Hannover Fair}\n", "b.yaml")
    content = content_from(good.followups)
    assert content.event_name("tr", "Hannover Messe") == "Hannover Fuarı"
    assert content.event_name("ja", "Hannover Messe") == "Hannover Messe"  # none: as stored
    parse_followup_section(good.followups)  # the plan does not take it for one of its keys
    problems = problems_of(GOOD + '  event_name: {turkish: Fuar, el: ""}\n')
    paths = {path for path, _line, _message in problems}
    assert {"followups.event_name.turkish", "followups.event_name.el"} <= paths, problems
