"""Read owner and stage back from HubSpot contacts (CRM v3, published behaviour in CRM.md §2.1).

``POST /crm/v3/objects/contacts/batch/read`` with ``idProperty`` = the unique lead-UUID property,
so the read needs nothing but the booth's own ids (100 inputs per call, like the upsert). Each
property comes with ``propertiesWithHistory`` (newest first), which gives the field-level
timestamp the merge needs. Unknown ids come back in a 207's ``errors[]`` (``OBJECT_NOT_FOUND``).
Owners are HubSpot user ids (``hubspot_owner_id``); ``GET /crm/v3/owners`` names them.
Stage: ``lifecyclestage = customer`` is a won lead; otherwise ``hs_lead_status`` (HubSpot's
default options) decides.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from boothapp.core.models import Stage
from boothapp.sync.crm.base import CrmAuthError, CrmRejected, CrmThrottled, parse_retry_after
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common
from boothapp.sync.crm.hubspot import HubSpotConfig, budget_from_headers, load_owners
from boothapp.sync.pull import PullBatch, PullRef, RemoteLead, parse_iso

if TYPE_CHECKING:  # requests is imported when a CRM is first called, not at start
    import requests

log = logging.getLogger(__name__)

LEAD_STATUS_STAGES = {
    "NEW": Stage.TO_CONTACT,
    "OPEN": Stage.TO_CONTACT,
    "ATTEMPTED_TO_CONTACT": Stage.IN_CONTACT,
    "CONNECTED": Stage.IN_CONTACT,
    "IN_PROGRESS": Stage.IN_CONTACT,
    "OPEN_DEAL": Stage.QUOTE_TO_PREPARE,
    "BAD_TIMING": Stage.FOLLOW_UP,
    "UNQUALIFIED": Stage.NOT_INTERESTED,
}
OWNER = "hubspot_owner_id"
LEAD_STATUS = "hs_lead_status"
LIFECYCLE = "lifecyclestage"


class HubSpotPuller:
    name = "hubspot"
    batch_size = 100

    def __init__(
        self, config: HubSpotConfig, stage_overrides: Mapping[str, Stage] | None = None
    ) -> None:
        if not config.token:
            raise ValueError("HubSpot needs a private-app access token")
        self.config = config
        self.http = HttpClient(
            config.base_url, {"Authorization": f"Bearer {config.token}"}, config.timeout_s
        )
        self._owners: dict[str, tuple[str, str | None]] | None = None
        # A portal's own lead-status options, from the event's crm.stages table.
        self._stages = {
            **LEAD_STATUS_STAGES,
            **{k.upper(): v for k, v in (stage_overrides or {}).items()},
        }

    def fetch_batch(self, refs: Sequence[PullRef]) -> PullBatch:
        tracked = [OWNER, LEAD_STATUS, LIFECYCLE]
        resp = self.http.request(
            "POST",
            "/crm/v3/objects/contacts/batch/read",
            {
                "idProperty": self.config.id_property,
                "inputs": [{"id": r.lead_id} for r in refs],
                "properties": [self.config.id_property, *tracked],
                "propertiesWithHistory": tracked,
            },
        )
        self._raise_for_status(resp)
        body = json_or_none(resp) or {}
        requests_made = 1
        wanted = {r.lead_id for r in refs}
        found: dict[str, RemoteLead] = {}
        for res in body.get("results", []):
            props = res.get("properties") or {}
            lead_id = str(props.get(self.config.id_property) or "")
            if lead_id not in wanted:
                continue
            history = res.get("propertiesWithHistory") or {}
            owner_name = owner_email = None
            owner_id = str(props.get(OWNER) or "")
            if owner_id:
                if self._owners is None:
                    requests_made += 1
                    try:
                        self._owners = load_owners(self.http)
                    except CrmRejected as exc:  # e.g. a token without the owners scope
                        log.warning("HubSpot owners not readable, ids kept: %s", exc)
                        self._owners = {}
                owner_name, owner_email = (self._owners or {}).get(owner_id, (owner_id, None))
            stage, stage_prop = _stage(props, self._stages)
            times = {
                name: stamp
                for name, prop in (("owner", OWNER), ("stage", stage_prop))
                if prop and (stamp := _last_change(history, prop)) is not None
            }
            found[lead_id] = RemoteLead(
                remote_id=str(res.get("id", "")),
                owner=owner_name,
                stage=stage,
                updated_at=parse_iso(res.get("updatedAt")),
                owner_email=owner_email,
                field_times=times,
                exact_times=True,  # propertiesWithHistory is per property
            )
        missing = tuple(r.lead_id for r in refs if r.lead_id not in found)
        return PullBatch(found, missing, requests_made)

    def _raise_for_status(self, resp: requests.Response) -> None:
        if resp.status_code in (200, 207):
            return
        body = json_or_none(resp)
        if resp.status_code == 429:
            policy = body.get("policyName", "") if isinstance(body, dict) else ""
            raise CrmThrottled(
                f"HubSpot rate limit reached ({policy or 'RATE_LIMIT'})",
                http_status=429,
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                budget=budget_from_headers(resp.headers),
            )
        if resp.status_code in (401, 403):
            message = body.get("message", "") if isinstance(body, dict) else ""
            raise CrmAuthError(
                f"HubSpot refused the token ({resp.status_code}): {message}".rstrip(": "),
                http_status=resp.status_code,
            )
        raise_for_common(resp, "HubSpot")


def _stage(props: Mapping[str, Any], stages: Mapping[str, Stage]) -> tuple[Stage | None, str]:
    """The booth stage and the HubSpot property it came from ("" when neither says)."""
    if str(props.get(LIFECYCLE) or "").lower() == "customer":
        return Stage.WON, LIFECYCLE
    stage = stages.get(str(props.get(LEAD_STATUS) or "").upper())
    return (stage, LEAD_STATUS) if stage is not None else (None, "")


def _last_change(history: Mapping[str, Any], prop: str) -> datetime | None:
    entries = history.get(prop) or []
    stamps = [parse_iso(e.get("timestamp")) for e in entries if isinstance(e, dict)]
    known = [s for s in stamps if s is not None]
    return max(known) if known else None
