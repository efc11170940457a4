"""Sales work in the fake Salesforce after the show (issue 22): convert a lead with its
Opportunity, and let the event's campaign influence further opportunities of the contact.

Follows the published objects: ``Lead.ConvertedOpportunityId`` / ``ConvertedContactId`` /
``IsConverted``; ``Opportunity`` (``Amount``, ``StageName``, ``IsWon``, ``IsClosed``,
``CloseDate`` as ``YYYY-MM-DD``, ``CurrencyIsoCode`` in a multi-currency org);
``CampaignInfluence`` (``CampaignId``, ``ContactId``, ``OpportunityId``). The fake answers SOQL
on these through its query resource (``salesforce_query``).
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.integration.fakes.salesforce_server import SalesforceFake

_ids = itertools.count(1)


def opportunity(
    fake: SalesforceFake,
    amount: float | None,
    currency: str,
    stage: str,
    won: bool,
    closed: bool,
    close_date: str,
    name: str = "Deal",
) -> str:
    oid = f"006FAKE{next(_ids):08d}"
    with fake._lock:
        fake.records.setdefault("Opportunity", {})[oid] = {
            "Id": oid, "Name": name, "Amount": amount, "StageName": stage, "IsWon": won,
            "IsClosed": closed, "CloseDate": close_date, "CurrencyIsoCode": currency,
        }  # fmt: skip
    return oid


def convert(fake: SalesforceFake, lead_uuid: str, opportunity_id: str | None) -> str:
    """Convert the booth's lead: a Contact, and the Opportunity made with it (or none)."""
    contact = f"003FAKE{next(_ids):08d}"
    with fake._lock:
        rid = fake._index[("Lead", "BoothApp_Lead_Id__c", lead_uuid)]
        rec: dict[str, Any] = fake.records["Lead"][rid]
        rec.update(
            IsConverted=True,
            Status="Closed - Converted",
            ConvertedContactId=contact,
            ConvertedOpportunityId=opportunity_id,
        )
    return contact


def influence(fake: SalesforceFake, campaign_id: str, contact_id: str, opportunity_id: str) -> None:
    with fake._lock:
        iid = f"0l1FAKE{next(_ids):08d}"
        fake.records.setdefault("CampaignInfluence", {})[iid] = {
            "Id": iid, "CampaignId": campaign_id, "ContactId": contact_id,
            "OpportunityId": opportunity_id,
        }  # fmt: skip


def campaign_id(fake: SalesforceFake, name: str) -> str:
    with fake._lock:
        return next(
            str(r["Id"]) for r in fake.records.get("Campaign", {}).values() if r.get("Name") == name
        )
