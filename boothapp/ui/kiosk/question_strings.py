"""Visitor-language wording of the kiosk questions and their options.

The event manager's own translation (``translations:`` in the event configuration) comes first;
a default label they kept gets our translation below; anything else is shown as written (a
reworded question we cannot know the meaning of).
"""

from __future__ import annotations

import unicodedata

from boothapp.core.config.model import Translations

_RLM = "\u200f"  # RIGHT-TO-LEFT MARK

# (english label in the default config) -> {lang: label}
_LABELS: dict[str, dict[str, str]] = {
    "Interested in": {"tr": "İlgilendiğiniz konular", "el": "Σας ενδιαφέρει",
                      "fa": "موضوعات مورد علاقه", "de": "Wofür interessieren Sie sich?"},
    "When do you plan to buy?": {"tr": "Ne zaman satın almayı planlıyorsunuz?",
                                 "el": "Πότε σκοπεύετε να αγοράσετε;",
                                 "fa": "چه زمانی قصد خرید دارید؟",
                                 "de": "Wann möchten Sie kaufen?"},
    "Company size (employees)": {"tr": "Şirket büyüklüğü (çalışan)",
                                 "el": "Μέγεθος εταιρείας (εργαζόμενοι)",
                                 "fa": "اندازه شرکت (کارکنان)",
                                 "de": "Unternehmensgröße (Mitarbeitende)"},
    "I would like a demo": {"tr": "Demo görmek istiyorum", "el": "Θα ήθελα μια επίδειξη",
                            "fa": "مایلم نسخه نمایشی را ببینم",
                            "de": "Ich hätte gern eine Demo"},
    # options
    "Platform": {"tr": "Platform", "el": "Πλατφόρμα", "fa": "پلتفرم", "de": "Plattform"},
    "Analytics": {"tr": "Analitik", "el": "Αναλυτικά", "fa": "تحلیل داده", "de": "Analysen"},
    "Integrations": {"tr": "Entegrasyonlar", "el": "Ενοποιήσεις", "fa": "یکپارچه‌سازی",
                     "de": "Integrationen"},
    "Services": {"tr": "Hizmetler", "el": "Υπηρεσίες", "fa": "خدمات", "de": "Dienstleistungen"},
    "Training": {"tr": "Eğitim", "el": "Εκπαίδευση", "fa": "آموزش", "de": "Schulungen"},
    "Now": {"tr": "Hemen", "el": "Τώρα", "fa": "همین حالا", "de": "Sofort"},
    "< 3 months": {"tr": "3 aydan kısa", "el": "< 3 μήνες", "fa": "کمتر از ۳ ماه",
                   "de": "< 3 Monate"},
    "3-6 months": {"tr": "3-6 ay", "el": "3-6 μήνες", "fa": "۳ تا ۶ ماه", "de": "3–6 Monate"},
    "6-12 months": {"tr": "6-12 ay", "el": "6-12 μήνες", "fa": "۶ تا ۱۲ ماه", "de": "6–12 Monate"},
    "> 12 months": {"tr": "12 aydan uzun", "el": "> 12 μήνες", "fa": "بیش از ۱۲ ماه",
                    "de": "> 12 Monate"},
    "No plans": {"tr": "Planım yok", "el": "Κανένα σχέδιο", "fa": "برنامه‌ای ندارم",
                 "de": "Keine Pläne"},
    "Yes": {"tr": "Evet", "el": "Ναι", "fa": "بله", "de": "Ja"},
    "No": {"tr": "Hayır", "el": "Όχι", "fa": "خیر", "de": "Nein"},
    # Company size bands in Persian words and digits, like the months above, rather than Latin
    # digits and a bare ">" among Persian buttons.
    "1-10": {"fa": "۱ تا ۱۰"},
    "11-50": {"fa": "۱۱ تا ۵۰"},
    "51-250": {"fa": "۵۱ تا ۲۵۰"},
    "> 250": {"tr": "250'den fazla", "fa": "بیش از ۲۵۰", "de": "über 250"},
}  # fmt: skip


def localise(text: str, lang: str) -> str:
    """The visitor-language form of a default label; anything else unchanged."""
    return _LABELS.get(text, {}).get(lang, text)


def wording(label: str, lang: str, translations: Translations = ()) -> str:
    """What a visitor reading ``lang`` sees for ``label``."""
    own = next((text for code, text in translations if code == lang), None)
    return own if own is not None else localise(label, lang)


def button_text(text: str) -> str:
    """``text`` as a push button should be given it.

    QPushButton lays out a label that opens with a digit left to right even in a Persian
    window: "۳ تا ۶ ماه" (3 to 6 months) shows as "تا ۶ ماه ۳" (Persian digits are European
    numbers to the bidi algorithm). A right-to-left mark in front fixes the reading order. It is
    added only when the first letter is right to left, so Latin wording such as "Right away" or
    "6-12 months" keeps its own direction in a Persian window.
    """
    for position, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return text
        if kind in ("R", "AL"):
            return _RLM + text if position else text
    return text
