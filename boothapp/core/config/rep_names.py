"""A routing rep's name as a person reads it (issue 21).

A new event routes every lead to one fallback rep, ``booth_manager``, named "Booth manager"
in the document. That name is a msgid of the core catalogue: while the manager keeps it, each
reader sees it in their language ("مسئول غرفه"); a name they wrote is shown as written. The id
stays the stable key (``boothapp roi --format json`` keys, CRM owners).
"""

from __future__ import annotations

from collections.abc import Iterable

from boothapp.core.config.model import Rep
from boothapp.core.i18n import N_, Language, current, translations

DEFAULT_REP_ID = "booth_manager"
DEFAULT_REP_NAME = N_("Booth manager")


def default_rep_name(lang: Language | str | None = None) -> str:
    """ "Booth manager" in ``lang`` (the core's current language by default)."""
    return _in(DEFAULT_REP_NAME, lang)


def shown_rep_name(name: str, lang: Language | str | None = None) -> str:
    """``name`` as written, or the default rep's name in ``lang`` when it is ours."""
    return _in(name, lang) if name == DEFAULT_REP_NAME else name


def rep_name(rep: Rep, lang: Language | str | None = None) -> str:
    return shown_rep_name(rep.name, lang)


def rep_names(reps: Iterable[Rep], lang: Language | str | None = None) -> dict[str, str]:
    """Rep id -> the name a reader of ``lang`` sees, for reps that have a name."""
    return {rep.id: rep_name(rep, lang) for rep in reps if rep.name}


def _in(message: str, lang: Language | str | None) -> str:
    language = Language.parse(str(lang)) if lang else current()
    return translations(language or current()).gettext(message)
