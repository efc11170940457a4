"""Which lead value goes into which CRM field, from the event's config document.

A mapping is ``{crm_field: source}``; a source is a lead path (``contact.email``, ``rating``,
``event.name``, ``answers.<question id>``) or a literal written ``=Trade Show``. Derived values
(issue 17): ``crm_status`` (the booth stage as the CRM's own status, from the event's
``crm.stages``), ``lifecycle`` (HubSpot: ``lead``, ``marketingqualifiedlead`` once qualified),
``legal_basis``, ``rating_label`` (Hot/Warm/Cold), ``answers_text`` (every answer as "Question:
Option" lines, with the event's labels). Each default is documented in docs/CRM.md. ``answers.*``
with a field name ending in ``*`` (``answer_*``) sends every qualification answer, one field per
question (``answer_budget``, ...): what generic targets (webhook, CSV folder) get by default.
Unknown sources are refused when the config is loaded, naming the field, so a typo never syncs
blanks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from boothapp.core.models import Contact, Event, Lead, Stage
from boothapp.sync.crm.base import ItemKind, SyncRecord, SyncTask

LEAD_SOURCES = frozenset(
    {
        "rating", "score", "qualified", "stage", "owner", "badge_id", "source", "staff_name",
        "notes", "raw_payload", "consent", "consent_text", "consent_given_at", "created_at",
        "crm_status", "lifecycle", "legal_basis", "rating_label", "answers_text",
        "unsubscribed",
    }
)  # fmt: skip
# GDPR legal basis, in HubSpot's own wording (the values of its legal-basis property).
LEGAL_BASIS_CONSENT = "Freely given consent from contact"
LEGAL_BASIS_INTEREST = "Legitimate interest – prospect/lead"
LEAD_SOURCE = "Trade Show"

# Each CRM's own status for a booth stage when the event's ``crm.stages`` names none: the
# vendor's default picklist (HubSpot hs_lead_status, Salesforce Lead Status, BottleCRM status).
DEFAULT_STATUSES: dict[str, dict[Stage, str]] = {
    "hubspot": {
        Stage.TO_CONTACT: "NEW", Stage.IN_CONTACT: "CONNECTED",
        Stage.FOLLOW_UP: "ATTEMPTED_TO_CONTACT", Stage.QUOTE_TO_PREPARE: "OPEN_DEAL",
        Stage.QUOTE_SENT: "OPEN_DEAL", Stage.WON: "OPEN_DEAL", Stage.NOT_INTERESTED: "UNQUALIFIED",
    },
    "salesforce": {
        Stage.TO_CONTACT: "Open - Not Contacted", Stage.IN_CONTACT: "Working - Contacted",
        Stage.FOLLOW_UP: "Working - Contacted", Stage.QUOTE_TO_PREPARE: "Working - Contacted",
        Stage.QUOTE_SENT: "Working - Contacted", Stage.WON: "Closed - Converted",
        Stage.NOT_INTERESTED: "Closed - Not Converted",
    },
    "bottlecrm": {
        Stage.TO_CONTACT: "assigned", Stage.IN_CONTACT: "in process",
        Stage.FOLLOW_UP: "recycled", Stage.QUOTE_TO_PREPARE: "in process",
        Stage.QUOTE_SENT: "in process", Stage.NOT_INTERESTED: "closed",
        # WON is left out: "converted" runs BottleCRM's irreversible conversion.
    },
}  # fmt: skip


def status_map(crm: str, stages: Mapping[str, Stage]) -> dict[Stage, str]:
    """Booth stage -> CRM status: the event's ``crm.stages`` (first status named for a stage
    wins), then the CRM's defaults for stages it does not name."""
    out = dict(DEFAULT_STATUSES.get(crm, {}))
    named: set[Stage] = set()
    for status, stage in stages.items():
        if stage not in named:
            out[stage] = status
            named.add(stage)
    return out


@dataclass(frozen=True, slots=True)
class MappingContext:
    """What a mapping needs beyond the lead: the event's labels and the CRM's statuses."""

    statuses: Mapping[Stage, str] = field(default_factory=dict)
    questions: Mapping[str, str] = field(default_factory=dict)  # question id -> label
    options: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (q, option) -> label


CONTACT_SOURCES = frozenset(Contact.__dataclass_fields__)
EVENT_SOURCES = frozenset({"name", "venue", "booth", "country", "timezone"})

# Custom properties/fields these defaults use: HubSpot's ``boothapp_*`` contact properties are
# created by ``boothapp sync configure``; Salesforce's ``BoothApp_*__c`` Lead fields by the admin
# (docs/CRM.md lists them with their types).
HUBSPOT_PROPERTIES: dict[str, str] = {
    "boothapp_lead_uuid": "The booth lead's UUID (unique)",
    "boothapp_event": "Trade show where the visitor was met",
    "boothapp_lead_source": "Lead source",
    "boothapp_rating": "Booth rating (Hot/Warm/Cold)",
    "boothapp_score": "Booth qualification score",
    "boothapp_answers": "Qualification answers",
    "boothapp_consent": "Consent given at the booth",
    "boothapp_consent_text": "Consent text shown",
    "boothapp_consent_at": "Consent given at (UTC)",
    "boothapp_legal_basis": "Legal basis for processing",
    "boothapp_unsubscribed": "Asked for no more mail",
}

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
        "lifecyclestage": "lifecycle",
        "hs_lead_status": "crm_status",
        "boothapp_event": "event.name",
        "boothapp_lead_source": f"={LEAD_SOURCE}",
        "boothapp_rating": "rating_label",
        "boothapp_score": "score",
        "boothapp_answers": "answers_text",
        "boothapp_consent": "consent",
        "boothapp_consent_text": "consent_text",
        "boothapp_consent_at": "consent_given_at",
        "boothapp_legal_basis": "legal_basis",
        "boothapp_unsubscribed": "unsubscribed",
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
        "Rating": "rating_label",
        "Status": "crm_status",
        "LeadSource": f"={LEAD_SOURCE}",
        "BoothApp_Event__c": "event.name",
        "BoothApp_Score__c": "score",
        "BoothApp_Answers__c": "answers_text",
        "BoothApp_Consent__c": "consent",
        "BoothApp_Consent_Text__c": "consent_text",
        "BoothApp_Consent_At__c": "consent_given_at",
        "BoothApp_Legal_Basis__c": "legal_basis",
        "HasOptedOutOfEmail": "unsubscribed",  # a standard Lead field
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
        "unsubscribed": "unsubscribed",
        "answer_*": "answers.*",
    },
    # BottleCRM has no consent, score or answer columns: the adapter writes them, with the
    # event, into the lead's description (its "Notes" text) as labelled lines.
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
        "status": "crm_status",
        "rating": "rating",
        "source_detail": "event.name",
        "Score": "score",
        "Answers": "answers_text",
        "Consent": "consent",
        "Consent text": "consent_text",
        "Consent given at": "consent_given_at",
        "Legal basis": "legal_basis",
        "Unsubscribed": "unsubscribed",
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

    def values(
        self, lead: Lead, event: Event | None, context: MappingContext | None = None
    ) -> dict[str, str]:
        ctx = context or MappingContext()
        out: dict[str, str] = {}
        for crm_field, source in self.pairs:
            if source == "answers.*":
                for question, answer in lead.answers.items():
                    text = _text(answer)
                    if text != "":
                        out[f"{crm_field[:-1]}{question}"] = text
                continue
            value = _resolve(lead, event, source, ctx)
            if value != "":
                out[crm_field] = value
        return out


def answers_text(lead: Lead, ctx: MappingContext) -> str:
    """Every answer as ``Question: Option`` lines, with the event's labels (ids if unknown)."""
    lines = []
    for question, answer in lead.answers.items():
        values = answer if isinstance(answer, list | tuple) else [answer]
        shown = [ctx.options.get((question, str(v)), str(v)) for v in values if _text(v) != ""]
        if shown:
            lines.append(f"{ctx.questions.get(question, question)}: {', '.join(shown)}")
    return "\n".join(lines)


def _resolve(lead: Lead, event: Event | None, source: str, ctx: MappingContext) -> str:
    if source.startswith("="):
        return source[1:]
    head, _, rest = source.partition(".")
    value: object
    if head == "crm_status":
        value = ctx.statuses.get(lead.stage, "")
    elif head == "lifecycle":
        value = "marketingqualifiedlead" if lead.qualified else "lead"
    elif head == "legal_basis":
        value = LEGAL_BASIS_CONSENT if lead.consent_given_at else LEGAL_BASIS_INTEREST
    elif head == "rating_label":
        value = lead.rating.value.capitalize()
    elif head == "answers_text":
        value = answers_text(lead, ctx)
    elif head == "contact":
        value = getattr(lead.contact, rest)
    elif head == "event":
        value = getattr(event, rest, "") if event is not None else ""
    elif head == "answers":
        value = lead.answers.get(rest, "")
    elif head == "consent":  # what the visitor agreed to is in consent_text / consent_given_at
        value = lead.consent_given_at is not None
    elif head == "unsubscribed":  # the visitor asked for no more mail (issue 13/16)
        value = lead.unsubscribed_at is not None
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
    context: MappingContext | None = None,
) -> SyncRecord:
    """The lead record (generic targets: with its note and task). ``owner_name``: the owner as
    CRM users know them (the rep's name, not the routing id), which the adapters match to a CRM
    user for the record's and the task's owner."""
    who = owner_name or lead.owner or lead.staff_name
    task = SyncTask(task_subject, task_due, who) if task_subject else None
    return SyncRecord(
        lead_id=lead.id,
        fields=mapping.values(lead, event, context),
        email=lead.contact.email,
        event_name=event.name if event is not None else "",
        notes=(lead.notes,) if lead.notes.strip() else (),
        task=task,
        owner=owner_name or lead.owner,
    )


def split_record(record: SyncRecord) -> list[SyncRecord]:
    """A CRM's items for one lead: the lead without note and task, then the note item and the
    task item when the lead has one (each its own outbox item, issue 17)."""
    items = [SyncRecord(record.lead_id, record.fields, record.email, record.event_name,
                        owner=record.owner)]  # fmt: skip
    base = SyncRecord(record.lead_id, email=record.email, event_name=record.event_name,
                      owner=record.owner)  # fmt: skip
    # Always a note item, even an empty one: a note emptied at the booth deletes the CRM's
    # note (the outbox drops an empty note that was never queued, so it costs nothing).
    items.append(replace(base, notes=record.notes, kind=ItemKind.NOTE))
    if record.task is not None:
        items.append(replace(base, task=record.task, kind=ItemKind.TASK))
    return items
