"""Visitor-language wording of the default kiosk questions and their options.

An event that keeps the default wording gets it in the visitor's language; a question the
event manager reworded is shown as written (their words win over our translation).
"""

from __future__ import annotations

# (english label in the default config) -> {lang: label}
_LABELS: dict[str, dict[str, str]] = {
    "Interested in": {"tr": "İlgilendiğiniz konular", "el": "Σας ενδιαφέρει",
                      "fa": "موضوعات مورد علاقه"},
    "When do you plan to buy?": {"tr": "Ne zaman satın almayı planlıyorsunuz?",
                                 "el": "Πότε σκοπεύετε να αγοράσετε;",
                                 "fa": "چه زمانی قصد خرید دارید؟"},
    "Company size (employees)": {"tr": "Şirket büyüklüğü (çalışan)",
                                 "el": "Μέγεθος εταιρείας (εργαζόμενοι)",
                                 "fa": "اندازه شرکت (کارکنان)"},
    "I would like a demo": {"tr": "Demo görmek istiyorum", "el": "Θα ήθελα μια επίδειξη",
                            "fa": "مایلم نسخه نمایشی را ببینم"},
    # options
    "Platform": {"tr": "Platform", "el": "Πλατφόρμα", "fa": "پلتفرم"},
    "Analytics": {"tr": "Analitik", "el": "Αναλυτικά", "fa": "تحلیل داده"},
    "Integrations": {"tr": "Entegrasyonlar", "el": "Ενοποιήσεις", "fa": "یکپارچه‌سازی"},
    "Services": {"tr": "Hizmetler", "el": "Υπηρεσίες", "fa": "خدمات"},
    "Training": {"tr": "Eğitim", "el": "Εκπαίδευση", "fa": "آموزش"},
    "Now": {"tr": "Hemen", "el": "Τώρα", "fa": "همین حالا"},
    "< 3 months": {"tr": "3 aydan kısa", "el": "< 3 μήνες", "fa": "کمتر از ۳ ماه"},
    "3-6 months": {"tr": "3-6 ay", "el": "3-6 μήνες", "fa": "۳ تا ۶ ماه"},
    "6-12 months": {"tr": "6-12 ay", "el": "6-12 μήνες", "fa": "۶ تا ۱۲ ماه"},
    "> 12 months": {"tr": "12 aydan uzun", "el": "> 12 μήνες", "fa": "بیش از ۱۲ ماه"},
    "No plans": {"tr": "Planım yok", "el": "Κανένα σχέδιο", "fa": "برنامه‌ای ندارم"},
    "Yes": {"tr": "Evet", "el": "Ναι", "fa": "بله"},
    "No": {"tr": "Hayır", "el": "Όχι", "fa": "خیر"},
}  # fmt: skip


def localise(text: str, lang: str) -> str:
    """The visitor-language form of a default label; anything else unchanged."""
    return _LABELS.get(text, {}).get(lang, text)
