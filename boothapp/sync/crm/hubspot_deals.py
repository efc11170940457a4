"""Deals associated with the booth's HubSpot contacts (issue 22).

Published behaviour (developers.hubspot.com, CRM v4 associations and v3 objects):
* ``POST /crm/v4/associations/contacts/deals/batch/read`` with ``inputs: [{id}]`` (the contact
  ids the push recorded, up to 1,000): ``results[]`` of ``{from: {id}, to: [{toObjectId,
  associationTypes}], paging?}``; a contact with more associations pages through
  ``paging.next.after``, sent back beside the id. Contacts without deals are left out of
  ``results`` (207 with ``errors[]`` naming them when the portal reports it).
* ``POST /crm/v3/objects/deals/batch/read`` with ``inputs: [{id}]`` (at most 100) and
  ``properties``: ``amount``, ``dealstage``, ``closedate`` (ISO timestamp), ``hs_is_closed_won``
  and ``hs_is_closed`` ("true"/"false"), ``deal_currency_code`` (the deal's currency; empty in a
  single-currency portal, where the portal's company currency applies: read once from
  ``GET /account-info/v3/details`` ``companyCurrency``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from boothapp.core.results.inputs import Deal
from boothapp.sync.crm.base import CrmError, CrmThrottled
from boothapp.sync.crm.http import HttpClient, json_or_none
from boothapp.sync.crm.hubspot import HubSpotConfig
from boothapp.sync.crm.hubspot_pull import HubSpotPuller
from boothapp.sync.deals import DealBatch, parse_amount, parse_day
from boothapp.sync.pull import PullRef

if TYPE_CHECKING:  # requests is imported when a CRM is first called, not at start
    import requests

ASSOCIATIONS = "/crm/v4/associations/contacts/deals/batch/read"
DEALS_READ = "/crm/v3/objects/deals/batch/read"
ACCOUNT_INFO = "/account-info/v3/details"
DEAL_PROPERTIES = (
    "dealname", "amount", "dealstage", "closedate", "hs_is_closed_won", "hs_is_closed",
    "deal_currency_code",
)  # fmt: skip
DEALS_PER_READ = 100
MAX_PAGES = 50  # per batch: a contact with 50 pages of deals is not a booth lead
# One batch is several requests (associations, then deals): a burst limit hit half-way is
# waited out for that request, so the batch goes on instead of starting over and spending
# the same budget again. HubSpot's 429 carries no Retry-After: the pause grows.
THROTTLE_WAITS_S = (0.5, 1.0, 2.0, 4.0, 8.0)


class HubSpotDealPuller:
    name = "hubspot"
    batch_size = 100

    def __init__(self, config: HubSpotConfig, company_currency: str | None = None) -> None:
        # The token checks and the status handling (429 with the portal's budget, 401/403)
        # are the contact puller's, shared rather than written twice.
        self._contacts = HubSpotPuller(config)
        self.http: HttpClient = self._contacts.http
        self.company_currency = company_currency

    def fetch_deals(self, refs: Sequence[PullRef]) -> DealBatch:
        by_contact = {r.remote_id: r.lead_id for r in refs if r.remote_id}
        deal_ids: dict[str, set[str]] = {lead: set() for lead in by_contact.values()}
        requests = 0
        pending: list[dict[str, str]] = [{"id": cid} for cid in by_contact]
        pages = 0
        while pending and pages < MAX_PAGES:
            resp = self._post(ASSOCIATIONS, {"inputs": pending})
            requests += 1
            pages += 1
            pending = []
            for res in (json_or_none(resp) or {}).get("results", []):
                cid = str((res.get("from") or {}).get("id", ""))
                lead = by_contact.get(cid)
                if lead is None:
                    continue
                deal_ids[lead].update(str(t.get("toObjectId")) for t in res.get("to") or [])
                after = ((res.get("paging") or {}).get("next") or {}).get("after")
                if after:
                    pending.append({"id": cid, "after": str(after)})
        wanted = sorted({d for ids in deal_ids.values() for d in ids})
        props: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), DEALS_PER_READ):
            chunk = wanted[start : start + DEALS_PER_READ]
            resp = self._post(
                DEALS_READ,
                {"inputs": [{"id": d} for d in chunk], "properties": list(DEAL_PROPERTIES)},
            )
            requests += 1
            for res in (json_or_none(resp) or {}).get("results", []):
                props[str(res.get("id"))] = res.get("properties") or {}
        out = {
            lead: tuple(
                self._deal(lead, d, props[d]) for d in sorted(ids) if d in props
            )  # a deal deleted between the two reads is simply gone
            for lead, ids in deal_ids.items()
        }
        return DealBatch(out, max(1, requests))

    def _post(self, path: str, body: dict[str, Any]) -> requests.Response:
        for wait in (*THROTTLE_WAITS_S, None):
            resp = self.http.request("POST", path, body)
            try:
                self._contacts._raise_for_status(resp)
            except CrmThrottled as exc:
                if wait is None:
                    raise
                time.sleep(exc.retry_after or wait)
                continue
            return resp
        raise AssertionError("unreachable: the last try returns or raises")

    def _portal_currency(self) -> str:
        if self.company_currency is None:
            resp = self.http.request("GET", ACCOUNT_INFO)
            self._contacts._raise_for_status(resp)
            body = json_or_none(resp) or {}
            self.company_currency = str(body.get("companyCurrency") or "").upper()
            if not self.company_currency:
                raise CrmError("HubSpot named no company currency for deals without one")
        return self.company_currency

    def _deal(self, lead_id: str, deal_id: str, p: dict[str, Any]) -> Deal:
        won = str(p.get("hs_is_closed_won") or "").lower() == "true"
        currency = str(p.get("deal_currency_code") or "").upper() or self._portal_currency()
        return Deal(
            crm=self.name,
            remote_id=deal_id,
            lead_id=lead_id,
            amount=parse_amount(p.get("amount")),
            currency=currency,
            stage=str(p.get("dealstage") or ""),
            is_won=won,
            is_closed=won or str(p.get("hs_is_closed") or "").lower() == "true",
            close_date=parse_day(p.get("closedate")),
            name=str(p.get("dealname") or ""),
        )
