"""Answer labels, the one clock and appended notes: the pure rules behind issue 15."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from boothapp.core.answers import answer_lines, answer_text
from boothapp.core.clock import event_time, machine_zone, with_visitor_time, zone_note
from boothapp.core.config.defaults import default_config
from boothapp.core.notes import append_note

CAPTURED = datetime(2026, 11, 18, 15, 28, tzinfo=UTC)


def test_answers_read_as_the_event_labels_not_codes() -> None:
    cfg = default_config()
    budget = cfg.question("budget")
    assert budget is not None
    assert answer_text(budget, "over_250k") == "> 250k"
    lines = dict(answer_lines(cfg, {"budget": "50k_250k", "gone_question": "x"}))
    assert lines[budget.label] == "50k-250k"
    assert "50k_250k" not in lines.values()
    assert lines["gone_question"] == "x"  # nothing the visitor said is hidden


def test_one_clock_in_the_event_zone() -> None:
    assert event_time(CAPTURED, "Europe/Istanbul") == "Wed 18 Nov 18:28"
    assert event_time(CAPTURED.replace(tzinfo=None), "Europe/Istanbul") == "Wed 18 Nov 18:28"
    assert event_time(None, "Europe/Istanbul") == ""
    assert zone_note("Europe/Istanbul") == "times in Europe/Istanbul"
    assert (
        with_visitor_time(CAPTURED, "Europe/Istanbul", "Europe/Berlin")
        == "Wed 18 Nov 18:28 (16:28 in Europe/Berlin)"
    )
    assert with_visitor_time(CAPTURED, "Europe/Istanbul", "Asia/Baghdad") == "Wed 18 Nov 18:28"


def test_machine_zone_is_a_real_zone_name() -> None:
    from zoneinfo import ZoneInfo

    ZoneInfo(machine_zone())  # whatever this machine says, never Europe/Istanbul by fiat


def test_notes_are_appended_with_author_and_time() -> None:
    first = append_note("", "wants a demo", "Deniz", CAPTURED, "Europe/Istanbul")
    assert first == "— Deniz, Wed 18 Nov 18:28\nwants a demo"
    both = append_note(first, "  call after 3  ", "Ayla", CAPTURED, "Europe/Istanbul")
    assert both.startswith(first) and both.endswith("— Ayla, Wed 18 Nov 18:28\ncall after 3")
    assert append_note(both, "   ", "Ayla", CAPTURED, "Europe/Istanbul") == both


def test_an_answers_edit_reads_as_words_and_only_what_changed() -> None:
    from boothapp.core.answers import answers_change_text

    cfg = default_config()
    text = answers_change_text(
        cfg,
        {"budget": "50k_250k", "interests": ["analytics"]},
        {"budget": "over_250k", "interests": ["analytics"], "demo": "yes"},
    )
    assert text == "Budget: 50k-250k → > 250k; I would like a demo: (empty) → Yes"


def test_a_persian_list_of_answers_takes_the_arabic_comma() -> None:
    """Issue 21: a call script read "تحلیل داده, خدمات" with Latin commas."""
    cfg = default_config()
    interests = cfg.question("interests")
    assert interests is not None
    ids = [o.id for o in interests.options[:2]]
    fa = answer_text(interests, ids, "fa")
    assert fa.count("، ") == 1 and "," not in fa
    assert answer_text(interests, ids, "de").count(", ") == 1


def test_a_reworded_question_reads_in_its_new_words() -> None:
    """The question labels are kept per config object (issue 23): an edited config, even
    one at the address of a freed one, never reads the old wording."""
    cfg = default_config()
    answers = {"budget": "50k_250k"}
    before = answer_lines(cfg, answers, "en")
    for _ in range(3):
        cfg = replace(
            cfg,
            questions=tuple(
                replace(q, label=q.label + " now") if q.id == "budget" else q for q in cfg.questions
            ),
        )
        (question, answer), *_ = answer_lines(cfg, answers, "en")
        assert question == cfg.question("budget").label  # type: ignore[union-attr]
        assert answer == "50k-250k"
    assert before[0][0] == "Budget"
