"""The kiosk's languages. Its wording is in the app's one Qt catalogue (ui/i18n.py, issue 21);
the event's own question wording keeps its per-language translations in the config."""

from __future__ import annotations

from boothapp.ui.i18n import RTL, direction

# The languages a visitor can pick (the event configuration lists which of them it offers).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "tr": "Türkçe",
    "el": "Ελληνικά",
    "fa": "فارسی",
    "de": "Deutsch",
}

__all__ = ["LANGUAGES", "RTL", "direction"]
