"""Pull-back pieces without a server: CRM timestamps, the stages table, owner matching."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from boothapp.core.config.model import Rep
from boothapp.core.models import Stage
from boothapp.services.sync_pull import resolve_owner
from boothapp.sync.crm.salesforce import soql_quote
from boothapp.sync.pull import RemoteLead, parse_iso
from boothapp.sync.settings import CrmSettings, CrmSettingsError


def test_crm_timestamps_in_each_vendor_form() -> None:
    want = datetime(2026, 11, 25, 14, 3, 7, tzinfo=UTC)
    assert parse_iso("2026-11-25T14:03:07.000+0000") == want  # Salesforce
    assert parse_iso("2026-11-25T14:03:07Z") == want  # HubSpot
    assert parse_iso("2026-11-25T15:03:07+01:00") == want  # BottleCRM (Django)
    assert parse_iso("yesterday") is None and parse_iso(None) is None


def test_stages_table_is_checked_and_round_trips() -> None:
    tree = {"name": "salesforce", "base_url": "https://x.my.salesforce.com",
            "stages": {"Qualified - Demo Booked": "Quote_To_Prepare"}}  # fmt: skip
    settings = CrmSettings.from_tree(tree)
    assert settings is not None
    assert settings.stages == {"Qualified - Demo Booked": Stage.QUOTE_TO_PREPARE}
    assert CrmSettings.from_tree(settings.to_tree()) == settings
    with pytest.raises(CrmSettingsError, match=r"crm\.stages\.Hot: unknown stage 'burning'"):
        CrmSettings.from_tree({**tree, "stages": {"Hot": "burning"}})
    with pytest.raises(CrmSettingsError, match=r"crm\.stages: must be a table"):
        CrmSettings.from_tree({**tree, "stages": ["won"]})


def test_crm_owner_matches_a_rep_by_id_name_or_email() -> None:
    reps = (Rep("dana", "Dana Whitfield"), Rep("omar", "Omar Haddad"))

    def owner(name: str | None, email: str | None) -> str | None:
        return resolve_owner(RemoteLead("r1", name, None, None, owner_email=email), reps)

    assert owner("Dana Whitfield", None) == "dana"
    assert owner("O. Haddad", "omar@corp.example") == "omar"  # the e-mail's name is the rep id
    assert owner("Lee Park", "lee@corp.example") == "CRM user Lee Park"  # kept, named as such
    assert owner(None, None) is None


def test_soql_literals_are_escaped() -> None:
    assert soql_quote("O'Brien\\x") == "'O\\'Brien\\\\x'"


def test_redirect_port_is_checked_and_kept() -> None:
    tree = {"name": "salesforce", "base_url": "https://x.my.salesforce.com", "redirect_port": 8765}
    settings = CrmSettings.from_tree(tree)
    assert settings is not None and settings.redirect_port == 8765
    assert CrmSettings.from_tree(settings.to_tree()) == settings
    with pytest.raises(CrmSettingsError, match=r"crm\.redirect_port: a port 1\.\.65535"):
        CrmSettings.from_tree({**tree, "redirect_port": "1717x"})
