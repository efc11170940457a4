"""Pull owner and stage changes back from a CRM (BottleCRM REST for now).

Sales reps move leads on in the CRM after the show; the booth sees that without losing its own
edits: the merge is field-level last-writer-wins, a local change (``lead_changes``) newer than
the CRM record's ``updated_at`` stays. HubSpot and Salesforce pull-back is not built yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boothapp.core.models import Stage
from boothapp.sync.crm.base import CrmAuthError, CrmError
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common

# BottleCRM lead statuses (its choices list) -> the booth pipeline.
BOTTLECRM_STAGES = {
    "assigned": Stage.TO_CONTACT,
    "in process": Stage.IN_CONTACT,
    "converted": Stage.WON,
    "recycled": Stage.FOLLOW_UP,
    "closed": Stage.NOT_INTERESTED,
}


@dataclass(frozen=True, slots=True)
class RemoteLead:
    remote_id: str
    owner: str | None  # None: the CRM names nobody, keep ours
    stage: Stage | None
    updated_at: datetime | None


class BottleCrmPuller:
    name = "bottlecrm"

    def __init__(self, base_url: str, api_token: str, timeout_s: float = 30.0) -> None:
        if not api_token:
            raise ValueError("pulling back from BottleCRM needs its API token (leads:read)")
        self.http = HttpClient(base_url, {"Authorization": f"Bearer {api_token}"}, timeout_s)

    def fetch(self, remote_id: str) -> RemoteLead:
        resp = self.http.request("GET", f"/api/leads/{remote_id}/")
        if resp.status_code in (401, 403):
            raise CrmAuthError(
                f"BottleCRM refused the API token ({resp.status_code})",
                http_status=resp.status_code,
            )
        raise_for_common(resp, "BottleCRM")
        body = json_or_none(resp) or {}
        lead = body.get("lead_obj") or {}
        if not isinstance(lead, dict) or not lead.get("id"):
            raise CrmError(f"BottleCRM sent no lead for {remote_id}")
        stamp = lead.get("updated_at")
        return RemoteLead(
            remote_id=str(lead["id"]),
            owner=_owner(lead.get("assigned_to") or []),
            stage=BOTTLECRM_STAGES.get(str(lead.get("status") or "")),
            updated_at=datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None,
        )


def _owner(assigned: list[Any]) -> str | None:
    for entry in assigned:
        if isinstance(entry, dict):
            user = entry.get("user_details") or {}
            name = user.get("name") or user.get("email")
            if name:
                return str(name)
    return None
