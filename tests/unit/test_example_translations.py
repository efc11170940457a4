"""The commented ``translations`` example in the shipped event configuration works as written.

The shipped file stays the default configuration (English only, default wording); an event
manager who follows its comments must end up with a valid, translated timeframe question.
"""

from __future__ import annotations

import pytest

from boothapp.core.config import ConfigError, default_config, load_config
from boothapp.resources import asset
from boothapp.ui.kiosk.question_strings import wording

TEXT = asset("event-config.example.yaml").read_text(encoding="utf-8")


def followed(languages: str = "[en, tr, el, fa]") -> str:
    """Reword the timeframe question and its first option as the comments show."""
    lines = TEXT.splitlines()
    start = lines.index("    label: When do you plan to buy?")
    assert lines[start + 1] == "    # label: When would you start?"
    block = [line.replace("# ", "", 1) for line in lines[start + 1 : start + 6]]
    lines[start : start + 6] = block
    now = lines.index("      - {id: now, label: Now}")
    lines[now : now + 2] = [lines[now + 1].replace("# ", "", 1)]
    text = "\n".join(lines) + "\n"
    assert text.count("kiosk_languages: [en]\n") == 1
    return text.replace("kiosk_languages: [en]\n", f"kiosk_languages: {languages}\n")


def test_shipped_example_has_no_translations() -> None:
    cfg = load_config(TEXT, "event-config.example.yaml")
    assert cfg == default_config()
    assert all(not q.translations for q in cfg.questions)


def test_following_the_example_gives_a_translated_question() -> None:
    cfg = load_config(followed(), "event-config.yaml")
    timeframe = cfg.question("timeframe")
    assert timeframe is not None and timeframe.label == "When would you start?"
    now = timeframe.options[0]
    assert (now.id, now.label) == ("now", "Right away")
    shown = {
        lang: (
            wording(timeframe.label, lang, timeframe.translations),
            wording(now.label, lang, now.translations),
        )
        for lang in cfg.kiosk_languages
    }
    assert shown == {
        "en": ("When would you start?", "Right away"),
        "tr": ("Ne zaman başlamak istersiniz?", "Hemen"),
        "el": ("Πότε θα θέλατε να ξεκινήσετε;", "Αμέσως"),
        "fa": ("چه زمانی می‌خواهید شروع کنید؟", "همین حالا"),
    }
    # Rules refer to option ids, so scoring and qualification still work after a rewording.
    assert cfg.scoring == default_config().scoring


def test_the_example_without_the_languages_added_says_what_is_missing() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(followed("[en, tr]"), "event-config.yaml")
    assert {p.path for p in caught.value.problems} == {
        "questions[3].translations.el",
        "questions[3].translations.fa",
        "questions[3].options[0].translations.el",
        "questions[3].options[0].translations.fa",
    }
    assert "is not one of the kiosk's languages (kiosk_languages: en, tr)" in str(caught.value)
