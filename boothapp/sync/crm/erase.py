"""Asking a CRM to delete a person it received from us (issue 18, GDPR erase).

Each adapter that can delete has an ``erase(remote_id)`` method using the vendor's own way:
HubSpot's GDPR delete (``POST /crm/v3/objects/contacts/gdpr-delete``, which also blocks the
address from coming back), Salesforce's ``DELETE /sobjects/Lead/{id}``, BottleCRM's
``DELETE /api/leads/{id}/`` and, for the webhook, a signed ``lead.erased`` event the receiver
acts on. A record the CRM no longer has counts as erased. The CSV folder cannot take a delete
(its files are the manager's to remove); ``services/privacy.py`` says so instead of queueing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from boothapp.sync.crm.http import json_or_none

if TYPE_CHECKING:  # requests is imported when a CRM is first called, not at start
    import requests


@dataclass(frozen=True, slots=True)
class EraseOutcome:
    ok: bool  # the CRM deleted it, or no longer had it
    message: str = ""
    transient: bool = False  # worth trying again later (network, 5xx, 429)


@runtime_checkable
class Erasable(Protocol):
    name: str

    def erase(self, remote_id: str) -> EraseOutcome: ...


def outcome_of(resp: requests.Response, crm: str) -> EraseOutcome:
    """The vendor's answer to a delete, in one line."""
    code = resp.status_code
    if 200 <= code < 300:
        return EraseOutcome(True, f"{crm} deleted it")
    if code in (404, 410):
        return EraseOutcome(True, f"{crm} no longer has it")
    data = json_or_none(resp)
    detail = resp.text[:200] if data is None else str(data)[:200]
    transient = code == 429 or code >= 500
    return EraseOutcome(False, f"{crm} answered {code}: {detail}", transient)
