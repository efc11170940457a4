"""The event manager's own wording per kiosk language: loads, refuses bad shapes with the line
and field named, and survives dump -> load."""

from __future__ import annotations

import pytest

from boothapp.app import AppContext
from boothapp.core.config import ConfigError, default_config, dump_config, load_config
from boothapp.services.events import NewEvent

TRANSLATED = """\
version: 1
kiosk_languages: [en, tr, el, fa]
questions:
  - id: timeframe
    label: When would you start?
    translations: {tr: "Ne zaman başlarsınız?", el: "Πότε θα ξεκινούσατε;"}
    kind: single
    kiosk: true
    options:
      - {id: now, label: Right away, translations: {tr: Hemen, fa: همین حالا}}
      - {id: later, label: Later}
  - id: demo
    label: Shall we show you a demo?
    translations:
      tr: Size bir demo gösterelim mi?
    kind: yes_no
routing:
  reps: [{id: ayse, name: Ayşe}]
  fallback: ayse
"""


def line_of(text: str, marker: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in text")


def test_translations_load_for_questions_and_options() -> None:
    cfg = load_config(TRANSLATED, "event.yaml")
    timeframe = cfg.questions[0]
    assert timeframe.label == "When would you start?"  # staff screens keep the label as written
    assert timeframe.label_in("tr") == "Ne zaman başlarsınız?"
    assert timeframe.label_in("el") == "Πότε θα ξεκινούσατε;"
    assert timeframe.label_in("fa") is None  # none written: the kiosk falls back
    now, later = timeframe.options
    assert (now.label_in("tr"), now.label_in("fa"), now.label_in("el")) == (
        "Hemen",
        "همین حالا",
        None,
    )
    assert later.translations == ()
    assert cfg.questions[1].label_in("tr") == "Size bir demo gösterelim mi?"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_translations_survive_dump_and_load(fmt: str) -> None:
    cfg = load_config(TRANSLATED, "event.yaml")
    text = dump_config(cfg, fmt)  # type: ignore[arg-type]
    again = load_config(text, f"event.{fmt}")
    assert again == cfg
    assert again.questions[0].translations == (
        ("tr", "Ne zaman başlarsınız?"),
        ("el", "Πότε θα ξεκινούσατε;"),
    )
    assert again.questions[0].options[0].translations == (("tr", "Hemen"), ("fa", "همین حالا"))


def test_dump_writes_translations_only_where_there_are_some() -> None:
    assert "translations" not in dump_config(default_config())
    text = dump_config(load_config(TRANSLATED, "event.yaml"))
    assert text.count("translations:") == 3  # two questions and one option
    assert "Ne zaman başlarsınız?" in text  # written as text, not \\u escapes


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            '{tr: "Ne zaman başlarsınız?", el: "Πότε θα ξεκινούσατε;"}',
            "[tr, el]",
            "questions[0].translations",
            'must be a table of language code -> wording, e.g. {tr: "...", el: "..."}, got a list',
        ),
        (
            "{tr: Hemen, fa: همین حالا}",
            "Hemen",
            "questions[0].options[0].translations",
            "must be a table of language code -> wording",
        ),
        (
            "{tr: Hemen, fa: همین حالا}",
            '{tr: "  ", fa: همین حالا}',
            "questions[0].options[0].translations.tr",
            "is empty; write the wording in 'tr' or leave 'tr' out",
        ),
        (
            "{tr: Hemen, fa: همین حالا}",
            "{tr: , fa: همین حالا}",
            "questions[0].options[0].translations.tr",
            "is empty",
        ),
        (
            "{tr: Hemen, fa: همین حالا}",
            "{tr: 5, fa: همین حالا}",
            "questions[0].options[0].translations.tr",
            "must be text, got int 5",
        ),
        (
            "tr: Size bir demo gösterelim mi?",
            "Turkish: Size bir demo gösterelim mi?",
            "questions[1].translations.Turkish",
            "'Turkish' is not a language code like 'tr', 'el' or 'pt-BR'",
        ),
        (
            "tr: Size bir demo gösterelim mi?",
            "TR: Size bir demo gösterelim mi?",
            "questions[1].translations.TR",
            "did you mean 'tr'?",
        ),
        (
            'el: "Πότε θα ξεκινούσατε;"',
            'gr: "Πότε θα ξεκινούσατε;"',
            "questions[0].translations.gr",
            "'gr' is not one of the kiosk's languages (kiosk_languages: en, tr, el, fa), so "
            "visitors would never see this translation; did you mean 'el'?",
        ),
        (
            "{tr: Hemen, fa: همین حالا}",
            "{tr: Hemen, de: Sofort}",
            "questions[0].options[0].translations.de",
            "add 'de' to kiosk_languages or remove it here",
        ),
        (
            "{id: later, label: Later}",
            "{id: later, label: Later, translation: {tr: Sonra}}",
            "questions[0].options[1].translation",
            "unknown key 'translation'; did you mean 'translations'?",
        ),
    ],
)
def test_bad_translations_name_line_and_field(old: str, new: str, path: str, message: str) -> None:
    assert old in TRANSLATED
    text = TRANSLATED.replace(old, new, 1)
    with pytest.raises(ConfigError) as caught:
        load_config(text, "event.yaml")
    found = [(p.line, p.message) for p in caught.value.problems if p.path == path]
    assert found, [str(p) for p in caught.value.problems]
    line, text_of_problem = found[0]
    assert line == line_of(text, new)
    assert message in text_of_problem
    assert f"line {line}: {path}: " in str(caught.value)  # what the manager reads


def test_a_language_the_kiosk_does_not_offer_is_refused() -> None:
    # The shipped default offers English only: a Turkish translation needs Turkish added.
    text = TRANSLATED.replace("kiosk_languages: [en, tr, el, fa]", "kiosk_languages: [en, el]")
    with pytest.raises(ConfigError) as caught:
        load_config(text, "event.yaml")
    paths = {p.path for p in caught.value.problems}
    assert paths == {
        "questions[0].translations.tr",
        "questions[0].options[0].translations.tr",
        "questions[0].options[0].translations.fa",
        "questions[1].translations.tr",
    }
    assert "(kiosk_languages: en, el)" in str(caught.value)
    # Left out, kiosk_languages is [en]: the same check applies.
    with pytest.raises(ConfigError):
        load_config(text.replace("kiosk_languages: [en, el]\n", ""), "event.yaml")


def test_a_broken_kiosk_languages_list_is_reported_once_not_per_translation() -> None:
    text = TRANSLATED.replace("kiosk_languages: [en, tr, el, fa]", "kiosk_languages: []")
    with pytest.raises(ConfigError) as caught:
        load_config(text, "event.yaml")
    assert [p.path for p in caught.value.problems] == ["kiosk_languages"]


def test_import_with_a_bad_translation_changes_nothing(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Expo", timezone="Europe/Istanbul"))
    good = ctx.configs.import_text(event.id, TRANSLATED, "event.yaml")
    bad = TRANSLATED.replace("{tr: Hemen,", "{tr: '',")
    line = line_of(bad, "{tr: '',")
    with pytest.raises(ConfigError) as caught:
        ctx.configs.import_text(event.id, bad, "event.yaml")
    assert f"line {line}: questions[0].options[0].translations.tr: is empty" in str(caught.value)
    stored = ctx.configs.get(event.id)
    assert stored == good
    assert stored.questions[0].options[0].label_in("tr") == "Hemen"
