"""Which words a kiosk visitor reads for a question or option, and in which order."""

from __future__ import annotations

import pytest

from boothapp.ui.kiosk.question_strings import button_text, wording

TR_ONLY = (("tr", "Ne zaman başlarsınız?"),)


@pytest.mark.parametrize(
    ("label", "lang", "translations", "shown"),
    [
        # The manager's own translation wins, also over our translation of a default label.
        ("When would you start?", "tr", TR_ONLY, "Ne zaman başlarsınız?"),
        ("Now", "tr", (("tr", "Hemen şimdi"),), "Hemen şimdi"),
        # None for this language: a default label gets ours, a reworded one stays as written.
        ("Now", "fa", (("tr", "Hemen şimdi"),), "همین حالا"),
        ("When would you start?", "fa", TR_ONLY, "When would you start?"),
        ("When would you start?", "en", TR_ONLY, "When would you start?"),
        ("> 250", "fa", (), "بیش از ۲۵۰"),
        ("> 250", "el", (), "> 250"),
    ],
)
def test_wording_falls_back_from_the_managers_to_ours_to_the_label(
    label: str, lang: str, translations: tuple[tuple[str, str], ...], shown: str
) -> None:
    assert wording(label, lang, translations) == shown


def test_company_sizes_read_in_persian() -> None:
    sizes = ["1-10", "11-50", "51-250", "> 250"]
    assert [wording(s, "fa") for s in sizes] == ["۱ تا ۱۰", "۱۱ تا ۵۰", "۵۱ تا ۲۵۰", "بیش از ۲۵۰"]


@pytest.mark.parametrize(
    ("text", "given"),
    [
        # Opens with a (Persian) digit: a right-to-left mark keeps "3 to 6 months" in order.
        ("۳ تا ۶ ماه", "\u200f۳ تا ۶ ماه"),
        ("۱ تا ۱۰", "\u200f۱ تا ۱۰"),
        ("3 ماه", "\u200f3 ماه"),
        # Opens with a Persian letter, or is Latin, or has no letter: left as it is.
        ("کمتر از ۳ ماه", "کمتر از ۳ ماه"),
        ("Right away", "Right away"),
        ("6-12 months", "6-12 months"),
        ("> 250", "> 250"),
        ("", ""),
    ],
)
def test_button_text_keeps_right_to_left_wording_in_reading_order(text: str, given: str) -> None:
    assert button_text(text) == given
