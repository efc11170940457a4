"""Which lead value goes into which CRM field, from the event's config document.

A mapping is ``{crm_field: source}``; a source is a lead path (``contact.email``, ``rating``,
``event.name``, ``answers.<question id>``) or a literal written ``=Trade Show``. ``answers.*``
with a field name ending in ``*`` (``answer_*``) sends every qualification answer, one field per
question (``answer_budget``, ...): what generic targets (webhook, CSV folder) get by default.
Unknown sources are refused when the config is loaded, naming the field, so a typo never syncs
blanks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from boothapp.core.models import Contact, Event, Lead
from boothapp.sync.crm.base import SyncRecord, SyncTask

LEAD_SOURCES = frozenset(
    {
        "rating", "score", "qualified", "stage", "owner", "badge_id", "source", "staff_name",
        "notes", "raw_payload", "consent", "consent_text", "consent_given_at", "created_at",
    }
)  # fmt: skip
CONTACT_SOURCES = frozenset(Contact.__dataclass_fields__)
EVENT_SOURCES = frozenset({"name", "venue", "booth", "country", "timezone"})

DEFAULTS: dict[str, dict[str, str]] = {
    "hubspot": {
        "firstname": "contact.first_name",
        "lastname": "contact.last_name",
        "email": "contact.email",
        "phone": "contact.phone",
        "company": "contact.company",
        "jobtitle": "contact.title",
        "country": "contact.country",
        "city": "contact.city",
        "website": "contact.website",
    },
    "salesforce": {
        "FirstName": "contact.first_name",
        "LastName": "contact.last_name",
        "Email": "contact.email",
        "Phone": "contact.phone",
        "Company": "contact.company",
        "Title": "contact.title",
        "Country": "contact.country",
        "City": "contact.city",
        "Website": "contact.website",
        "Rating": "rating",
        "LeadSource": "=Trade Show",
    },
    # Generic targets: the receiver decides, so they get everything under neutral names.
    "webhook": {
        "first_name": "contact.first_name",
        "last_name": "contact.last_name",
        "email": "contact.email",
        "phone": "contact.phone",
        "company": "contact.company",
        "title": "contact.title",
        "country": "contact.country",
        "city": "contact.city",
        "website": "contact.website",
        "rating": "rating",
        "score": "score",
        "qualified": "qualified",
        "stage": "stage",
        "owner": "owner",
        "badge_id": "badge_id",
        "source": "source",
        "captured_by": "staff_name",
        "captured_at": "created_at",
        "consent": "consent",
        "consent_text": "consent_text",
        "consent_at": "consent_given_at",
        "badge_payload": "raw_payload",
        "answer_*": "answers.*",
    },
    "bottlecrm": {
        "first_name": "contact.first_name",
        "last_name": "contact.last_name",
        "email": "contact.email",
        "phone": "contact.phone",
        "company_name": "contact.company",
        "job_title": "contact.title",
        "city": "contact.city",
        "country": "contact.country",
        "website": "contact.website",
    },
}


DEFAULTS["csvdrop"] = DEFAULTS["webhook"]


class MappingError(ValueError):
    pass


def _check_source(crm_field: str, source: str) -> None:
    if source.startswith("="):
        return
    if (source == "answers.*") != crm_field.endswith("*"):
        raise MappingError(
            f"CRM field {crm_field!r}: every answer (answers.*) goes to a name ending in *, "
            "e.g. answer_*: answers.*"
        )
    if source == "answers.*":
        return
    head, _, rest = source.partition(".")
    ok = (
        (head == "contact" and rest in CONTACT_SOURCES)
        or (head == "event" and rest in EVENT_SOURCES)
        or (head == "answers" and bool(rest))
        or (not rest and head in LEAD_SOURCES)
    )
    if not ok:
        raise MappingError(f"CRM field {crm_field!r}: unknown lead value {source!r}")


@dataclass(frozen=True, slots=True)
class FieldMapping:
    pairs: tuple[tuple[str, str], ...]  # (crm_field, source) in config order

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> FieldMapping:
        pairs = []
        for crm_field, source in config.items():
            if not isinstance(crm_field, str) or not crm_field.strip():
                raise MappingError(f"CRM field names must be text, got {crm_field!r}")
            if not isinstance(source, str):
                raise MappingError(f"CRM field {crm_field!r}: source must be text")
            _check_source(crm_field, source.strip())
            pairs.append((crm_field.strip(), source.strip()))
        return cls(tuple(pairs))

    @classmethod
    def default(cls, crm: str) -> FieldMapping:
        return cls.from_config(DEFAULTS.get(crm, DEFAULTS["hubspot"]))

    def values(self, lead: Lead, event: Event | None) -> dict[str, str]:
        out: dict[str, str] = {}
        for crm_field, source in self.pairs:
            if source == "answers.*":
                for question, answer in lead.answers.items():
                    text = _text(answer)
                    if text != "":
                        out[f"{crm_field[:-1]}{question}"] = text
                continue
            value = _resolve(lead, event, source)
            if value != "":
                out[crm_field] = value
        return out


def _resolve(lead: Lead, event: Event | None, source: str) -> str:
    if source.startswith("="):
        return source[1:]
    head, _, rest = source.partition(".")
    value: object
    if head == "contact":
        value = getattr(lead.contact, rest)
    elif head == "event":
        value = getattr(event, rest, "") if event is not None else ""
    elif head == "answers":
        value = lead.answers.get(rest, "")
    elif head == "consent":  # what the visitor agreed to is in consent_text / consent_given_at
        value = lead.consent_given_at is not None
    else:
        value = getattr(lead, head)
    return _text(value)


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def build_record(
    lead: Lead,
    event: Event | None,
    mapping: FieldMapping,
    task_subject: str = "",
    task_due: datetime | None = None,
    owner_name: str = "",
) -> SyncRecord:
    """``owner_name``: the owner as CRM users know them (the rep's name, not the routing id),
    which the adapters match to a CRM user for the task."""
    who = owner_name or lead.owner or lead.staff_name
    task = SyncTask(task_subject, task_due, who) if task_subject else None
    return SyncRecord(
        lead_id=lead.id,
        fields=mapping.values(lead, event),
        email=lead.contact.email,
        event_name=event.name if event is not None else "",
        notes=(lead.notes,) if lead.notes.strip() else (),
        task=task,
        owner=lead.owner,
    )
