"""The ``crm`` section of an event's configuration: which CRM, its non-secret settings, mapping.

Example (YAML)::

    crm:
      name: bottlecrm            # bottlecrm | hubspot | salesforce | webhook | csvdrop
      base_url: http://crm.example.com   # webhook: the URL each lead is POSTed to
      folder: /srv/drop          # csvdrop: the folder another tool watches
      intake_id: 9f2c...         # BottleCRM lead intake
      portal: "12345"            # HubSpot portal id (shown to the user only)
      campaign_id: ""            # Salesforce campaign for CampaignMember
      client_id: 3MVG9...        # Salesforce connected app's consumer key (OAuth + PKCE)
      login_url: https://login.salesforce.com   # or https://test.salesforce.com / My Domain
      redirect_port: 1717        # Salesforce sign-in comes back to http://localhost:1717/OauthRedirect
      auto_sync: true            # queue every saved lead at once
      mapping: {first_name: contact.first_name, ...}   # optional; CRM defaults otherwise
      stages: {"Working - Contacted": in_contact}   # optional; the CRM's own status values
                                 # -> booth stage, for pulling back what sales changed

Secrets (intake key, tokens) never live here: they go to ``SecretStore`` under
``SECRET_NAMES``. A bad section raises ``CrmSettingsError`` naming the field, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from boothapp.core.i18n import _
from boothapp.core.models import Stage
from boothapp.sync.crm.mapping import FieldMapping, MappingError

KNOWN_CRMS = ("bottlecrm", "hubspot", "salesforce", "webhook", "csvdrop")
# Targets we can read owner/stage back from (webhook and CSV folder are one-way).
PULLABLE = frozenset({"bottlecrm", "hubspot", "salesforce"})
# Targets that take a lead's note and task as their own outbox items (issue 17); the generic
# targets get them inside the lead record.
RELATED_ITEMS = PULLABLE
# The secrets each CRM needs; the first is the one ``BOOTHAPP_CRM_TOKEN`` / the prompt sets.
SECRET_NAMES: dict[str, tuple[str, ...]] = {
    "bottlecrm": ("intake_key", "api_token"),
    "hubspot": ("token",),
    # Both come from "Connect Salesforce" (OAuth 2.0 + PKCE); the refresh token renews access.
    "salesforce": ("access_token", "refresh_token"),
    "webhook": ("secret",),  # the HMAC signing secret shared with the receiver
    "csvdrop": (),
}
DEFAULT_URLS = {"hubspot": "https://api.hubapi.com"}


class CrmSettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class CrmSettings:
    name: str
    base_url: str
    auto_sync: bool = True
    intake_id: str = ""
    portal: str = ""
    campaign_id: str = ""
    folder: str = ""  # csvdrop only
    client_id: str = ""  # Salesforce connected app (consumer key): not a secret with PKCE
    login_url: str = ""  # Salesforce sign-in host; empty = login.salesforce.com
    redirect_port: int = 1717  # the connected app's callback http://localhost:<port>/OauthRedirect
    mapping: dict[str, str] = field(default_factory=dict)  # empty = the CRM's defaults
    stages: dict[str, Stage] = field(default_factory=dict)  # CRM status -> booth stage

    def __post_init__(self) -> None:
        if self.name not in KNOWN_CRMS:
            raise CrmSettingsError(
                "crm.name: "
                + _("unknown CRM {name!r}; choose from {names}").format(
                    name=self.name, names=", ".join(KNOWN_CRMS)
                )
            )
        if self.name == "csvdrop":
            if not self.folder.strip() or not Path(self.folder).expanduser().is_absolute():
                raise CrmSettingsError(
                    "crm.folder: "
                    + _("the CSV folder must be a full path, got {got!r}").format(got=self.folder)
                )
        else:
            url = urlparse(self.base_url)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise CrmSettingsError("crm.base_url: " + _not_http(self.base_url))
        if self.login_url:
            login = urlparse(self.login_url)
            if login.scheme not in ("http", "https") or not login.netloc:
                raise CrmSettingsError("crm.login_url: " + _not_http(self.login_url))
        if self.name == "bottlecrm" and not self.intake_id.strip():
            raise CrmSettingsError("crm.intake_id: " + _("BottleCRM needs the lead-intake id"))
        try:
            self.field_mapping()
        except MappingError as exc:
            raise CrmSettingsError(f"crm.mapping: {exc}") from None

    def field_mapping(self) -> FieldMapping:
        if self.mapping:
            return FieldMapping.from_config(self.mapping)
        return FieldMapping.default(self.name)

    @property
    def can_pull(self) -> bool:
        return self.name in PULLABLE

    @property
    def related_items(self) -> bool:
        return self.name in RELATED_ITEMS

    @property
    def secret_names(self) -> tuple[str, ...]:
        return SECRET_NAMES[self.name]

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> CrmSettings | None:
        """None when the event has no CRM configured."""
        if not tree or not tree.get("name"):
            return None
        known = {
            "name", "base_url", "auto_sync", "intake_id", "portal", "campaign_id", "mapping",
            "stages", "folder", "client_id", "login_url", "redirect_port",
        }  # fmt: skip
        unknown = sorted(set(tree) - known)
        if unknown:
            raise CrmSettingsError(
                "crm: " + _("unknown setting(s) {keys}").format(keys=", ".join(map(str, unknown)))
            )
        name = str(tree["name"]).strip().lower()
        mapping = tree.get("mapping") or {}
        if not isinstance(mapping, Mapping):
            raise CrmSettingsError(
                "crm.mapping: " + _("must be a table of CRM field -> lead value")
            )
        stages_tree = tree.get("stages") or {}
        if not isinstance(stages_tree, Mapping):
            raise CrmSettingsError(
                "crm.stages: " + _("must be a table of CRM status -> booth stage")
            )
        stages: dict[str, Stage] = {}
        for status, stage in stages_tree.items():
            try:
                stages[str(status)] = Stage(str(stage).strip().lower())
            except ValueError:
                choices = ", ".join(s.value for s in Stage)
                raise CrmSettingsError(
                    f"crm.stages.{status}: "
                    + _("unknown stage {stage!r}; choose from {choices}").format(
                        stage=stage, choices=choices
                    )
                ) from None
        auto = tree.get("auto_sync", True)
        if not isinstance(auto, bool):
            raise CrmSettingsError("crm.auto_sync: " + _("must be true or false"))
        return cls(
            name=name,
            base_url=str(tree.get("base_url") or DEFAULT_URLS.get(name, "")).strip(),
            auto_sync=auto,
            intake_id=str(tree.get("intake_id", "")).strip(),
            portal=str(tree.get("portal", "")).strip(),
            campaign_id=str(tree.get("campaign_id", "")).strip(),
            folder=str(tree.get("folder", "")).strip(),
            client_id=str(tree.get("client_id", "")).strip(),
            login_url=str(tree.get("login_url", "")).strip(),
            redirect_port=_port(tree.get("redirect_port", 1717)),
            mapping={str(k): str(v) for k, v in mapping.items()},
            stages=stages,
        )

    def to_tree(self) -> dict[str, Any]:
        tree: dict[str, Any] = {"name": self.name, "base_url": self.base_url}
        tree["auto_sync"] = self.auto_sync
        if self.redirect_port != 1717:
            tree["redirect_port"] = self.redirect_port
        for key in ("intake_id", "portal", "campaign_id", "folder", "client_id", "login_url"):
            if getattr(self, key):
                tree[key] = getattr(self, key)
        if self.mapping:
            tree["mapping"] = dict(self.mapping)
        if self.stages:
            tree["stages"] = {k: v.value for k, v in self.stages.items()}
        return tree


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 65536:
        raise CrmSettingsError(
            "crm.redirect_port: "
            + _("a port 1..65535 (0: any free port), got {got!r}").format(got=value)
        )
    return value


def _not_http(url: str) -> str:
    return _("not an http(s) address: {got!r}").format(got=url)
