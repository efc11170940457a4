"""JSON badge payloads: ``{"id": ..., "first_name": ..., "email": ...}`` in many spellings."""

from __future__ import annotations

import json
from typing import Any

from boothapp.capture.badges.model import BadgeFormat, ParsedBadge
from boothapp.capture.badges.names import split_full_name
from boothapp.core.models import Contact

# Keys are compared lower-cased with "_", "-", " " and "." removed; earlier names win.
_KEYS: dict[str, tuple[str, ...]] = {
    "badge_id": (
        "badgeid",
        "attendeeid",
        "registrationid",
        "regid",
        "referenceid",
        "refid",
        "personid",
        "ticketid",
        "barcode",
        "uid",
        "id",
        "badge",
        "code",
    ),
    "token": ("token", "tickettoken", "scantoken"),
    "first_name": ("firstname", "givenname", "first", "fname", "vorname", "prenom"),
    "last_name": ("lastname", "surname", "familyname", "last", "lname", "nachname"),
    "name": ("name", "fullname", "displayname"),
    "email": ("email", "emailaddress", "mail", "workemail"),
    "company": ("company", "companyname", "organization", "organisation", "org", "employer"),
    "title": ("title", "jobtitle", "position", "role", "job"),
    "phone": ("phone", "phonenumber", "mobile", "telephone", "tel", "cell"),
    "country": ("country", "countrycode"),
    "city": ("city", "town"),
    "website": ("website", "url", "linkedin", "linkedinurl"),
}
_NESTED = ("attendee", "data", "person", "contact", "profile", "user", "guest", "registrant")


def _norm(key: str) -> str:
    return "".join(ch for ch in key.lower() if ch not in "_- .")


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int)):
        return str(value).strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return ""


def _flatten(obj: dict[str, Any], depth: int = 0) -> dict[str, str]:
    """Top-level keys win; well-known wrapper objects ("attendee", "data") fill the rest."""
    flat: dict[str, str] = {}
    for key, value in obj.items():
        text = _scalar(value)
        if text and _norm(str(key)) not in flat:
            flat[_norm(str(key))] = text
    if depth < 2:
        for key, value in obj.items():
            if isinstance(value, dict) and _norm(str(key)) in _NESTED:
                for k, v in _flatten(value, depth + 1).items():
                    flat.setdefault(k, v)
    return flat


def parse_json(raw: str, text: str) -> ParsedBadge:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return ParsedBadge(
            format=BadgeFormat.UNKNOWN, raw=raw, warnings=(f"malformed JSON payload: {exc}",)
        )
    warnings: list[str] = []
    if isinstance(data, list):
        dicts = [d for d in data if isinstance(d, dict)]
        if not dicts:
            return ParsedBadge(
                format=BadgeFormat.UNKNOWN, raw=raw, warnings=("JSON payload holds no object",)
            )
        if len(data) > 1:
            warnings.append("JSON payload holds several objects; read the first")
        data = dicts[0]
    if not isinstance(data, dict):
        return ParsedBadge(
            format=BadgeFormat.UNKNOWN, raw=raw, warnings=("JSON payload is not an object",)
        )
    flat = _flatten(data)
    found: dict[str, str] = {}
    for target, names in _KEYS.items():
        for name in names:
            if flat.get(name):
                found[target] = flat[name]
                break
    first_name, last_name = found.get("first_name", ""), found.get("last_name", "")
    if not (first_name or last_name) and found.get("name"):
        first_name, last_name = split_full_name(found["name"])
    contact = Contact(
        first_name=first_name,
        last_name=last_name,
        email=found.get("email", ""),
        phone=found.get("phone", ""),
        company=found.get("company", ""),
        title=found.get("title", ""),
        country=found.get("country", ""),
        city=found.get("city", ""),
        website=found.get("website", ""),
    )
    badge_id = found.get("badge_id", "")
    if not (badge_id or contact.full_name or contact.email or found.get("token")):
        warnings.append("JSON payload has no id, name or email")
    return ParsedBadge(
        format=BadgeFormat.JSON,
        raw=raw,
        contact=contact,
        badge_id=badge_id,
        token=found.get("token", ""),
        warnings=tuple(warnings),
        id_forms=(badge_id,) if badge_id else (),
    )
