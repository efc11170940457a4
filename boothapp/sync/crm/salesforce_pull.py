"""Read owner and stage back from Salesforce Leads (REST query, published behaviour in CRM.md §2.2).

``GET /services/data/vXX.X/query?q=SELECT ... FROM Lead WHERE <ExtId> IN (...)``: up to 2,000
records per page, more through ``nextRecordsUrl``; 200 ids per query keeps the URL short. The
field-level timestamp comes from ``LeadHistory`` (Status / Owner) where the org tracks field
history; without it the record's ``LastModifiedDate`` stands for both fields, which can only make
the booth's own later edit win. Converted leads (``IsConverted``) are won. Throttling is 403
``REQUEST_LIMIT_EXCEEDED`` with no Retry-After, as for the upsert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from boothapp.core.models import Stage
from boothapp.sync.crm.base import CrmRejected
from boothapp.sync.crm.http import HttpClient, json_or_none
from boothapp.sync.crm.salesforce import (
    SalesforceConfig,
    budget_from_headers,
    raise_for_salesforce,
    soql_quote,
)
from boothapp.sync.pull import PullBatch, PullRef, RemoteLead, parse_iso

if TYPE_CHECKING:  # requests is imported when a CRM is first called, not at start
    import requests

# The standard Lead Status picklist; an org's own values map through the event's config.
LEAD_STATUS_STAGES = {
    "open - not contacted": Stage.TO_CONTACT,
    "working - contacted": Stage.IN_CONTACT,
    "nurturing": Stage.FOLLOW_UP,
    "closed - converted": Stage.WON,
    "closed - not converted": Stage.NOT_INTERESTED,
}
HISTORY_FIELDS = {"Status": "stage", "Owner": "owner"}


class SalesforcePuller:
    name = "salesforce"
    batch_size = 200

    def __init__(
        self,
        config: SalesforceConfig,
        stage_overrides: Mapping[str, Stage] | None = None,
        refresh_token: Callable[[], str] | None = None,
    ) -> None:
        if not config.access_token:
            raise ValueError("Salesforce needs an access token (connect the account first)")
        self.config = config
        self.http = HttpClient(
            config.instance_url,
            {"Authorization": f"Bearer {config.access_token}"},
            config.timeout_s,
        )
        self._requests = 0
        self._refresh = refresh_token
        # An org's own Lead Status values, from the event's crm.stages table.
        self._stages = {
            **LEAD_STATUS_STAGES,
            **{k.lower(): v for k, v in (stage_overrides or {}).items()},
        }

    def fetch_batch(self, refs: Sequence[PullRef]) -> PullBatch:
        self._requests = 0
        ext = self.config.external_id_field
        ids = ", ".join(soql_quote(r.lead_id) for r in refs)
        rows = list(
            self._query(
                f"SELECT Id, {ext}, Owner.Name, Owner.Email, Status, IsConverted, "
                f"LastModifiedDate FROM Lead WHERE {ext} IN ({ids})"
            )
        )
        history = self._history([str(r.get("Id")) for r in rows]) if rows else {}
        wanted = {r.lead_id for r in refs}
        found: dict[str, RemoteLead] = {}
        for row in rows:
            lead_id = str(row.get(ext) or "")
            if lead_id not in wanted:
                continue
            owner = row.get("Owner") if isinstance(row.get("Owner"), dict) else {}
            status = str(row.get("Status") or "")
            stage = Stage.WON if row.get("IsConverted") else self._stages.get(status.lower())
            found[lead_id] = RemoteLead(
                remote_id=str(row.get("Id", "")),
                owner=str(owner["Name"]) if owner and owner.get("Name") else None,
                stage=stage,
                updated_at=parse_iso(row.get("LastModifiedDate")),
                owner_email=str(owner["Email"]) if owner and owner.get("Email") else None,
                field_times=history.get(str(row.get("Id")), {}),
                # A lead with tracked Status/Owner changes has a history: a field missing from
                # it is as our push created it. Without any, LastModifiedDate is all we know.
                exact_times=str(row.get("Id")) in history,
            )
        missing = tuple(r.lead_id for r in refs if r.lead_id not in found)
        return PullBatch(found, missing, max(1, self._requests))

    def _history(self, lead_ids: list[str]) -> dict[str, dict[str, datetime]]:
        """Salesforce lead id -> {"stage"|"owner": newest change}; empty without history."""
        fields = ", ".join(soql_quote(f) for f in HISTORY_FIELDS)
        ids = ", ".join(soql_quote(i) for i in lead_ids)
        out: dict[str, dict[str, datetime]] = {}
        try:
            for row in self._query(
                f"SELECT LeadId, Field, CreatedDate FROM LeadHistory "
                f"WHERE LeadId IN ({ids}) AND Field IN ({fields})"
            ):
                name = HISTORY_FIELDS.get(str(row.get("Field")))
                stamp = parse_iso(row.get("CreatedDate"))
                if name is None or stamp is None:
                    continue
                seen = out.setdefault(str(row.get("LeadId")), {})
                if name not in seen or stamp > seen[name]:
                    seen[name] = stamp
        except CrmRejected:
            return {}  # no field history in this org: LastModifiedDate stands in
        return out

    def _query(self, soql: str) -> Iterator[dict[str, Any]]:
        path = f"/services/data/{self.config.api_version}/query?q={quote(soql)}"
        pages = 0
        while path:
            resp = self.http.request("GET", path)
            self._requests += 1
            if resp.status_code == 401 and self._refresh is not None:
                # Sessions expire: renew once with the refresh token, then read again.
                self.http.session.headers["Authorization"] = f"Bearer {self._refresh()}"
                resp = self.http.request("GET", path)
                self._requests += 1
            self._raise_for_status(resp)
            body = json_or_none(resp) or {}
            yield from (r for r in body.get("records", []) if isinstance(r, dict))
            pages += 1
            nxt = body.get("nextRecordsUrl")
            path = str(nxt) if nxt and not body.get("done", True) and pages < 1000 else ""

    def _raise_for_status(self, resp: requests.Response) -> None:
        budget = budget_from_headers(resp.headers, self.config.allocation_window_s)
        raise_for_salesforce(resp, json_or_none(resp), budget)
