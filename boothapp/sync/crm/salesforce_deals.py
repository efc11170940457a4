"""Opportunities of the booth's Salesforce leads (issue 22), through the REST Query resource.

Published behaviour (Salesforce object reference):
* ``Lead.ConvertedOpportunityId`` / ``ConvertedContactId``: set when sales convert the lead.
* ``CampaignInfluence`` (Customizable Campaign Influence): ``CampaignId``, ``ContactId``,
  ``OpportunityId``; the opportunities the event's campaign influenced through the converted
  contact. An org without the feature rejects the query (``INVALID_TYPE``): converted
  opportunities alone are read then.
* ``Opportunity``: ``Amount``, ``StageName``, ``IsWon``, ``IsClosed``, ``CloseDate``
  (``YYYY-MM-DD``) and ``CurrencyIsoCode``, which exists only in multi-currency orgs; a
  single-currency org answers ``INVALID_FIELD`` and its ``Organization.DefaultCurrencyIsoCode``
  is every opportunity's currency.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from boothapp.core.results.inputs import Deal
from boothapp.sync.crm.base import CrmRejected
from boothapp.sync.crm.salesforce import SalesforceConfig, soql_quote
from boothapp.sync.crm.salesforce_pull import SalesforcePuller
from boothapp.sync.deals import DealBatch, parse_amount, parse_day
from boothapp.sync.pull import PullRef

OPPORTUNITY_FIELDS = "Id, Name, Amount, StageName, IsWon, IsClosed, CloseDate"


class SalesforceDealPuller:
    name = "salesforce"
    batch_size = 200

    def __init__(
        self,
        config: SalesforceConfig,
        campaign_name: str = "",
        refresh_token: Callable[[], str] | None = None,
    ) -> None:
        # Paging, token renewal and Salesforce's error answers are the lead puller's.
        self._leads = SalesforcePuller(config, refresh_token=refresh_token)
        self.config = config
        self.campaign_name = campaign_name
        self._campaign: str | None = config.campaign_id or None
        self._org_currency: str | None = None

    def fetch_deals(self, refs: Sequence[PullRef]) -> DealBatch:
        self._leads._requests = 0
        lead_of = {r.remote_id: r.lead_id for r in refs if r.remote_id}
        if not lead_of:
            return DealBatch({}, 0)
        rows = self._q(
            "SELECT Id, ConvertedOpportunityId, ConvertedContactId FROM Lead "
            f"WHERE Id IN ({_in(lead_of)})"
        )
        opps: dict[str, set[str]] = {lead: set() for lead in lead_of.values()}
        contact_lead: dict[str, str] = {}
        for row in rows:
            lead = lead_of.get(str(row.get("Id")))
            if lead is None:
                continue
            if row.get("ConvertedOpportunityId"):
                opps[lead].add(str(row["ConvertedOpportunityId"]))
            if row.get("ConvertedContactId"):
                contact_lead[str(row["ConvertedContactId"])] = lead
        campaign = self._campaign_id() if contact_lead else None
        if campaign:
            try:
                for row in self._q(
                    "SELECT ContactId, OpportunityId FROM CampaignInfluence "
                    f"WHERE CampaignId IN ({soql_quote(campaign)}) "
                    f"AND ContactId IN ({_in(contact_lead)})"
                ):
                    lead = contact_lead.get(str(row.get("ContactId")))
                    if lead is not None and row.get("OpportunityId"):
                        opps[lead].add(str(row["OpportunityId"]))
            except CrmRejected:
                pass  # no Customizable Campaign Influence in this org: converted ones only
        details = self._opportunities(sorted({o for ids in opps.values() for o in ids}))
        out = {
            lead: tuple(self._deal(lead, details[o]) for o in sorted(ids) if o in details)
            for lead, ids in opps.items()
        }
        return DealBatch(out, max(1, self._leads._requests))

    def _opportunities(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        where = f"WHERE Id IN ({', '.join(soql_quote(i) for i in ids)})"
        try:
            rows = self._q(f"SELECT {OPPORTUNITY_FIELDS}, CurrencyIsoCode FROM Opportunity {where}")
        except CrmRejected as exc:
            if "CurrencyIsoCode" not in exc.message:
                raise
            currency = self._org_default_currency()
            rows = [
                {**r, "CurrencyIsoCode": currency}
                for r in self._q(f"SELECT {OPPORTUNITY_FIELDS} FROM Opportunity {where}")
            ]
        return {str(r.get("Id")): r for r in rows}

    def _campaign_id(self) -> str | None:
        if self._campaign is None and self.campaign_name:
            found = self._q(
                f"SELECT Id FROM Campaign WHERE Name IN ({soql_quote(self.campaign_name)})"
            )
            self._campaign = str(found[0]["Id"]) if found else ""
        return self._campaign or None

    def _org_default_currency(self) -> str:
        if self._org_currency is None:
            rows = self._q("SELECT DefaultCurrencyIsoCode FROM Organization")
            self._org_currency = str(rows[0].get("DefaultCurrencyIsoCode") or "") if rows else ""
        return self._org_currency

    def _q(self, soql: str) -> list[dict[str, Any]]:
        return list(self._leads._query(soql))

    def _deal(self, lead_id: str, r: dict[str, Any]) -> Deal:
        return Deal(
            crm=self.name,
            remote_id=str(r.get("Id")),
            lead_id=lead_id,
            amount=parse_amount(r.get("Amount")),
            currency=str(r.get("CurrencyIsoCode") or "").upper(),
            stage=str(r.get("StageName") or ""),
            is_won=bool(r.get("IsWon")),
            is_closed=bool(r.get("IsClosed")),
            close_date=parse_day(r.get("CloseDate")),
            name=str(r.get("Name") or ""),
        )


def _in(ids: dict[str, str]) -> str:
    return ", ".join(soql_quote(i) for i in ids)
