"""Everything the issue lists can be mapped to a CRM field: consent (given, its words and when)
and the raw badge payload too, and generic targets get them by default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from boothapp.core.models import Contact, Lead, Rating
from boothapp.sync.crm.mapping import FieldMapping, MappingError, build_record

AT = datetime(2026, 11, 19, 14, 5, tzinfo=UTC)
LEAD = Lead(
    id="lead-1", event_id="ev", contact=Contact(first_name="Ada", email="ada@x.io"),
    raw_payload="BEGIN:VCARD\nFN:Ada\nEND:VCARD", rating=Rating.HOT, score=80,
    consent_text="I agree that Acme stores my details.", consent_given_at=AT,
    answers={"budget": "50k_250k"}, created_at=AT,
)  # fmt: skip


def test_consent_and_badge_payload_map_to_crm_fields() -> None:
    mapping = FieldMapping.from_config(
        {
            "Consent__c": "consent",
            "Consent_Text__c": "consent_text",
            "Consent_At__c": "consent_given_at",
            "Badge__c": "raw_payload",
            "Budget__c": "answers.budget",
        }
    )
    assert mapping.values(LEAD, None) == {
        "Consent__c": "true",
        "Consent_Text__c": "I agree that Acme stores my details.",
        "Consent_At__c": "2026-11-19T14:05:00+00:00",
        "Badge__c": "BEGIN:VCARD\nFN:Ada\nEND:VCARD",
        "Budget__c": "50k_250k",
    }
    no_consent = FieldMapping.from_config({"Consent__c": "consent"})
    assert no_consent.values(Lead(id="x", event_id="ev", contact=Contact()), None) == {
        "Consent__c": "false"
    }
    with pytest.raises(MappingError, match="unknown lead value 'raw_badge'"):
        FieldMapping.from_config({"Badge__c": "raw_badge"})


def test_webhook_gets_consent_payload_and_answers_by_default() -> None:
    fields = build_record(LEAD, None, FieldMapping.default("webhook")).fields
    assert fields["consent"] == "true" and fields["consent_at"] == "2026-11-19T14:05:00+00:00"
    assert fields["badge_payload"].startswith("BEGIN:VCARD")
    assert fields["answer_budget"] == "50k_250k" and fields["score"] == "80"
    assert fields["captured_at"] == "2026-11-19T14:05:00+00:00"
