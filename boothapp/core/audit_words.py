"""The audit log as a manager reads it (issues 18, 21), for the Audit log page and
``boothapp audit list`` alike: one set of words in the core catalogue, one formatter.

What is stored stays the machine's (action ids, detail keys, coded values: ``--action`` and
the JSON take them); what a person reads is ``action_text`` and ``detail_text``: "revision: 2
· sections: costs" in the reader's words and digits. A key or value not named here shows as
stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boothapp.core.i18n import N_, gettext, label, list_separator
from boothapp.core.i18n_format import format_number
from boothapp.core.models import Rating, StaffRole, Stage

# By the stored action id (services.audit.AuditAction's values).
ACTION_WORDS: Mapping[str, str] = {
    "login": N_("Sign-in"),
    "logout": N_("Sign-out"),
    "lead_created": N_("Lead added"),
    "lead_edited": N_("Lead edited"),
    "please_delete": N_("Please-delete request"),
    "consent_changed": N_("Consent changed"),
    "export": N_("Export"),
    "report": N_("Report"),
    "import": N_("Import"),
    "sync": N_("Sync"),
    "scan_discarded": N_("Scan set aside"),
    "person_export": N_("Personal data export"),
    "erase": N_("Erased"),
    "crm_erase": N_("CRM erase request"),
    "retention": N_("Retention"),
    "settings_changed": N_("Settings changed"),
    "role_changed": N_("Role changed"),
    "refused": N_("Refused"),
}
# The detail's keys.
DETAIL_KEYS: Mapping[str, str] = {
    "action": N_("action"),
    "added": N_("added"),
    "attendees": N_("attendees"),
    "crm": N_("CRM"),
    "erased": N_("erased"),
    "erased_skipped": N_("skipped (erased before)"),
    "file": N_("file"),
    "filter": N_("filter"),
    "flag": N_("marked"),
    "format": N_("format"),
    "given": N_("consent given"),
    "include_flagged": N_("with please-delete"),
    "leads": N_("leads"),
    "message": N_("message"),
    "ok": N_("done"),
    "os_user": N_("computer user"),
    "qualified_only": N_("qualified only"),
    "ratings": N_("ratings"),
    "reason": N_("reason"),
    "replaced": N_("replaced"),
    "review": N_("review"),
    "revision": N_("revision"),
    "role": N_("role"),
    "rows": N_("rows"),
    "roster": N_("roster entries"),
    "scan_id": N_("scan"),
    "scans": N_("scans"),
    "search": N_("search"),
    "sections": N_("sections"),
    "since": N_("from"),
    "staff": N_("staff"),
    "stages": N_("stages"),
    "subject": N_("person"),
    "text": N_("consent wording"),
    "until": N_("until"),
}
# Coded values: event settings sections (the YAML's top-level keys), a please-delete review.
DETAIL_VALUES: Mapping[str, str] = {
    "badge_field_map": N_("badge fields"),
    "consent_text": N_("consent wording"),
    "costs": N_("costs"),
    "crm": N_("CRM"),
    "followups": N_("follow-ups"),
    "kiosk_languages": N_("kiosk languages"),
    "language": N_("language"),
    "privacy": N_("privacy"),
    "qualification": N_("qualification"),
    "questions": N_("questions"),
    "rating": N_("rating"),
    "routing": N_("routing"),
    "scoring": N_("scoring"),
    "targets": N_("targets"),
    "version": N_("version"),
    "junk": N_("erased as junk"),
    "kept": N_("kept"),
}
_ENUMS: tuple[type[Rating] | type[Stage] | type[StaffRole], ...] = (Rating, Stage, StaffRole)
# First strong isolate .. pop directional isolate: a file name or a person's name keeps its
# own direction inside a Persian line.
_FSI, _PDI = "\u2068", "\u2069"


def action_text(action: str) -> str:
    """An audit action (its stored id) in the reader's words."""
    msgid = ACTION_WORDS.get(str(action))
    return gettext(msgid) if msgid is not None else str(action)


def detail_text(detail: Mapping[str, Any], *, isolate: bool = True) -> str:
    """'revision: 2 · sections: costs' in the reader's words and digits. ``isolate``: text
    as typed (a file, a name) wrapped in directional isolates, for a window that lays out
    mixed directions; a terminal line leaves them out."""
    return " · ".join(
        f"{_key(key)}: {_value(value, isolate)}"
        for key, value in sorted(detail.items())
        if value not in (None, "", [], {})
    )


def _key(key: str) -> str:
    return gettext(DETAIL_KEYS[key]) if key in DETAIL_KEYS else key


def _value(value: Any, isolate: bool) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list | tuple):
        return list_separator().join(_value(v, isolate) for v in value)
    if isinstance(value, dict):
        return f"({detail_text(value, isolate=isolate)})"
    text = str(value)
    if text in DETAIL_VALUES:
        return gettext(DETAIL_VALUES[text])
    for kind in _ENUMS:
        if text in kind._value2member_map_:
            return label(kind(text))
    return f"{_FSI}{text}{_PDI}" if isolate else text
