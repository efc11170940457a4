"""Build the adapter, the puller and the connection check for an event's sync target.

One place knows which settings and secrets each target needs (CRMs, the generic webhook, the
CSV folder); ``SyncService`` hands it the settings and the secrets from the keyring. A missing
secret or a target that cannot do something is a ``ValidationError`` the user can act on.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from boothapp.core.i18n import _
from boothapp.services.errors import ValidationError
from boothapp.sync.crm.base import CrmAdapter, CrmError
from boothapp.sync.crm.bottlecrm import BottleCrmAdapter, BottleCrmConfig
from boothapp.sync.crm.csvdrop import CsvDropAdapter, CsvDropConfig
from boothapp.sync.crm.http import HttpClient
from boothapp.sync.crm.hubspot import HubSpotAdapter, HubSpotConfig
from boothapp.sync.crm.hubspot_pull import HubSpotPuller
from boothapp.sync.crm.salesforce import SalesforceAdapter, SalesforceConfig
from boothapp.sync.crm.salesforce_pull import SalesforcePuller
from boothapp.sync.crm.webhook import WebhookAdapter, WebhookConfig, ping
from boothapp.sync.pull import BottleCrmPuller, CrmPuller, PullRef
from boothapp.sync.settings import CrmSettings

LABELS = {
    "bottlecrm": "BottleCRM",
    "hubspot": "HubSpot",
    "salesforce": "Salesforce",
    "webhook": "Webhook",
    "csvdrop": "CSV folder",
}


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    ok: bool
    message: str


def _require_first_secret(s: CrmSettings, sec: Mapping[str, str]) -> None:
    if s.secret_names and not sec.get(s.secret_names[0]):
        if s.name == "salesforce":
            raise ValidationError(
                _(
                    "Salesforce is not connected yet: press Connect Salesforce on the CRM sync "
                    "page (or run boothapp sync connect)"
                )
            )
        name = s.secret_names[0].replace("_", " ")
        raise ValidationError(_("{crm}: the {name} is not set").format(crm=s.name, name=name))


def build_adapter(
    s: CrmSettings, sec: Mapping[str, str], renew: Callable[[], str] | None = None
) -> CrmAdapter:
    _require_first_secret(s, sec)
    if s.name == "bottlecrm":
        return BottleCrmAdapter(
            BottleCrmConfig(s.base_url, s.intake_id, sec["intake_key"], sec.get("api_token", ""))
        )
    if s.name == "hubspot":
        return HubSpotAdapter(HubSpotConfig(sec["token"], s.base_url))
    if s.name == "salesforce":
        return SalesforceAdapter(
            SalesforceConfig(s.base_url, sec["access_token"], campaign_id=s.campaign_id), renew
        )
    if s.name == "webhook":
        return WebhookAdapter(WebhookConfig(s.base_url, sec["secret"]))
    return CsvDropAdapter(CsvDropConfig(Path(s.folder).expanduser()))


def build_puller(
    s: CrmSettings, sec: Mapping[str, str], renew: Callable[[], str] | None = None
) -> CrmPuller:
    if not s.can_pull:
        raise ValidationError(
            _("{crm} only receives leads: there is nothing to pull back").format(
                crm=LABELS.get(s.name, s.name)
            )
        )
    try:
        if s.name == "bottlecrm":
            return BottleCrmPuller(s.base_url, sec.get("api_token", ""))
        if s.name == "hubspot":
            return HubSpotPuller(HubSpotConfig(sec.get("token", ""), s.base_url), s.stages)
        return SalesforcePuller(SalesforceConfig(s.base_url, sec.get("access_token", "")), s.stages)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def check_connection(
    s: CrmSettings, sec: Mapping[str, str], renew: Callable[[], str] | None = None
) -> ConnectionCheck:
    """One harmless call with the saved settings and secrets; the target's own words."""
    if s.name == "csvdrop":
        return _check_folder(Path(s.folder).expanduser())
    if s.name == "salesforce":
        # An authenticated query on the external id field: proves the session and that the
        # admin created the field (Salesforce names it in INVALID_FIELD otherwise).
        try:
            build_puller(s, sec, renew).fetch_batch([PullRef("boothapp-connection-test", "")])
        except CrmError as exc:
            return ConnectionCheck(False, exc.message)
        return ConnectionCheck(True, "salesforce answered: connected")
    first = sec.get(s.secret_names[0], "")
    try:
        if s.name == "webhook":
            code, text = ping(WebhookConfig(s.base_url, first, timeout_s=15))
            ok = 200 <= code < 300 or code == 409
            resp_status, resp_text = code, text
        elif s.name == "bottlecrm":
            return _check_bottlecrm(s, first, sec.get("api_token", ""))
        else:
            resp = HttpClient(s.base_url, {"Authorization": f"Bearer {first}"}, 15).request(
                "GET", "/crm/v3/objects/contacts?limit=1"
            )
            ok, resp_status, resp_text = resp.status_code == 200, resp.status_code, resp.text
    except CrmError as exc:
        return ConnectionCheck(False, f"{s.name}: {exc.message}")
    if ok:
        return ConnectionCheck(True, f"{s.name} answered: connected")
    return ConnectionCheck(False, f"{s.name} answered {resp_status}: {resp_text[:200]}")


def _check_bottlecrm(s: CrmSettings, intake_key: str, token: str) -> ConnectionCheck:
    # An empty post is refused with 400 when the key is right, 401 when it is wrong.
    resp = HttpClient(s.base_url, {"Authorization": f"Bearer {intake_key}"}, 15).request(
        "POST", f"/api/public/leads/{s.intake_id}/", {}
    )
    if resp.status_code not in (200, 201, 400):
        return ConnectionCheck(False, f"{s.name} answered {resp.status_code}: {resp.text[:200]}")
    if not token:
        # The intake answers a repeat "duplicate" and changes nothing: say so here, or an
        # edit that never reaches the CRM looks like a successful sync.
        return ConnectionCheck(
            True,
            "bottlecrm answered: connected. Without the API token, edits to leads "
            "already in BottleCRM (and notes, tasks) are not sent: add it on the "
            "CRM sync page or with `boothapp sync configure` "
            "(BOOTHAPP_CRM_API_TOKEN).",
        )
    api = HttpClient(s.base_url, {"Authorization": f"Bearer {token}"}, 15)
    resp = api.request("GET", "/api/leads/?limit=1")
    if resp.status_code != 200:
        return ConnectionCheck(
            False,
            f"bottlecrm: the intake key works but the API token was refused "
            f"({resp.status_code}: {resp.text[:200]}); edits to leads already "
            "in BottleCRM, notes and tasks need it",
        )
    return ConnectionCheck(True, f"{s.name} answered: connected")


def _check_folder(folder: Path) -> ConnectionCheck:
    """The folder exists (or can be made) and takes a file; nothing is left behind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".boothapp-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return ConnectionCheck(False, f"cannot write to {folder}: {exc.strerror or exc}")
    return ConnectionCheck(True, f"the folder {folder} takes files: ready")
