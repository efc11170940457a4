"""The commented ``crm`` example in the shipped event configuration is a working section.

The shipped file keeps ``crm: {}`` (the example is the default config, and a demo must not try
to sync); an event manager who follows its instructions must end up with a valid section.
"""

from __future__ import annotations

from boothapp.core.config import load_config
from boothapp.resources import asset
from boothapp.sync.crm.bottlecrm import LEAD_COLUMNS, PATCH_ONLY
from boothapp.sync.crm.mapping import DEFAULTS
from boothapp.sync.settings import SECRET_NAMES, CrmSettings

TEXT = asset("event-config.example.yaml").read_text(encoding="utf-8")


def uncommented() -> str:
    """Follow the file's own instructions: drop ``crm: {}``, un-comment from ``# crm:`` down."""
    lines = TEXT.splitlines()
    start = lines.index("# crm:")
    end = lines.index("crm: {}")
    block = [line.removeprefix("# ") for line in lines[start:end]]
    return "\n".join(lines[:start] + block + lines[end + 1 :]) + "\n"


def test_shipped_example_does_not_sync() -> None:
    assert load_config(TEXT, "event-config.example.yaml").crm == {}


def test_uncommented_crm_example_is_a_valid_bottlecrm_section() -> None:
    config = load_config(uncommented(), "event-config.yaml")
    settings = CrmSettings.from_tree(config.crm)
    assert settings is not None
    assert (settings.name, settings.base_url, settings.auto_sync) == (
        "bottlecrm",
        "https://crm.example.com",
        True,
    )
    assert settings.intake_id == "9f2c4b1e-5d7a-4c3b-8e21-6a0f3d9b7c15"
    # Every lower-case mapped field is a BottleCRM lead column (what its intake and REST PATCH
    # take; other names are description lines), and the example covers the default mapping.
    columns = {k for k in settings.mapping if k.islower() and " " not in k}
    assert columns <= LEAD_COLUMNS | PATCH_ONLY
    assert set(DEFAULTS["bottlecrm"]) <= set(settings.mapping)
    assert settings.mapping["title"] == "event.name"


def test_crm_example_holds_no_secret_and_says_where_they_go() -> None:
    section = uncommented().split("\ncrm:\n", 1)[1]
    keys = {line.split(":")[0].strip() for line in section.splitlines() if ":" in line}
    secrets = {name for names in SECRET_NAMES.values() for name in names}
    assert not keys & secrets
    assert "keyring" in TEXT and "boothapp sync configure" in TEXT
