"""The consent sentence a visitor agrees to, as the person at the booth reads it (issue 21).

A new event's ``consent_text`` is the default sentence below. It is a msgid of the core
catalogue: while the manager keeps it, the lead form shows it in the reader's language (a
German booth met "I agree that Demo-Messe stores my contact details ..." in English on every
lead); a sentence they wrote is shown as written. ``{company}`` is filled in either way.
"""

from __future__ import annotations

from boothapp.core.i18n import N_, Language, current, translations

DEFAULT_CONSENT = N_(
    "I agree that {company} stores my contact details and answers to follow up on my visit. "
    "I can ask for them to be deleted at any time."
)


def shown_consent(text: str, company: str, lang: Language | str | None = None) -> str:
    """``text`` with ``{company}`` filled in; the default sentence in ``lang`` (the core's
    current language by default)."""
    if text == DEFAULT_CONSENT:
        language = Language.parse(str(lang)) if lang else current()
        text = translations(language or current()).gettext(text)
    return text.replace("{company}", company)
