"""The event manager's own wording of questions and options in each kiosk language.

A translation for a language the kiosk does not offer would never be shown, and in practice it
is a slip: a country code for a language code ("gr" for Greek, which is "el"), or a language
not yet added to ``kiosk_languages``. Either way the visitor would silently get the wording as
written, so it is refused with the offered languages named.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from boothapp.core.config.errors import say
from boothapp.core.config.model import Translations
from boothapp.core.config.source import Reader, did_you_mean, join
from boothapp.core.i18n import N_

# ISO 639 language code, optionally with an ISO 3166 region: en, fa, fil, pt-BR.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
DEFAULT_LANGUAGES = ("en",)
# Codes people write for the kiosk's own languages that are not those languages' ISO 639-1
# codes: country codes and the three-letter ISO 639-2 forms.
_MIX_UPS = {"gr": "el", "gre": "el", "ell": "el", "ir": "fa", "per": "fa", "fas": "fa",
            "tur": "tr", "gb": "en", "us": "en", "uk": "en", "eng": "en"}  # fmt: skip


def offered_languages(value: object) -> tuple[str, ...]:
    """``kiosk_languages`` as written, for checking translations against; problems with the
    list itself are reported where it is read."""
    if value is None:
        return DEFAULT_LANGUAGES
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def read_translations(
    r: Reader, value: object, path: str, offered: tuple[str, ...]
) -> Translations:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        got = say(N_("a list")) if isinstance(value, list) else repr(value)
        r.problem(
            path,
            N_("must be a table of language code -> wording, e.g. {example}, got {got}"),
            example='{tr: "...", el: "..."}',
            got=got,
        )
        return ()
    result: list[tuple[str, str]] = []
    for code, text in value.items():
        sub = join(path, str(code))
        if not isinstance(code, str) or not LANGUAGE_CODE.match(code):
            lower = str(code).lower()
            tip = did_you_mean(lower) if lower in offered else ""
            r.problem(sub, N_("{code!r} is not a language code like 'tr', 'el' or 'pt-BR'{tip}"),
                      code=str(code), tip=tip)  # fmt: skip
            continue
        if offered and code not in offered:  # an empty list is reported on its own
            r.problem(sub, _not_offered(code, offered))
            continue
        if text is None or (isinstance(text, str) and not text.strip()):
            r.problem(sub, N_("is empty; write the wording in '{code}' or leave '{code}' out"),
                      code=code)  # fmt: skip
            continue
        if not isinstance(text, str):
            r.text(text, sub)  # reports "must be text, got ..."
            continue
        result.append((code, text))
    return tuple(result)


def _not_offered(code: str, offered: tuple[str, ...]) -> str:
    message = say(
        N_("'{code}' is not one of the kiosk's languages (kiosk_languages: {listed}), so "
           "visitors would never see this translation"),
        code=code, listed=", ".join(offered),
    )  # fmt: skip
    hint = _MIX_UPS.get(code)
    if hint not in offered:
        close = difflib.get_close_matches(code, offered, n=1)
        hint = close[0] if close else None
    if hint:
        return message + did_you_mean(hint)
    return message + say(N_("; add '{code}' to kiosk_languages or remove it here"), code=code)
