"""docs/CRM.md documents every default CRM mapping (issue 17): the mapping is declared once in
``boothapp.sync.crm.mapping.DEFAULTS`` and the document must list each field and its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from boothapp.core.models import Stage
from boothapp.sync.crm.mapping import DEFAULT_STATUSES, DEFAULTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "CRM.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("crm", ["hubspot", "salesforce", "bottlecrm"])
def test_every_default_field_is_documented_with_its_source(crm: str) -> None:
    section = DOC.split("\n## ")
    body = next(s for s in section if s.lower().startswith(crm))
    rows = [line for line in body.splitlines() if line.startswith("| ")]
    for field, source in DEFAULTS[crm].items():
        assert any(f"`{field}`" in r and f"`{source}`" in r for r in rows), (crm, field, source)


def test_default_statuses_are_documented() -> None:
    for crm, statuses in DEFAULT_STATUSES.items():
        for stage in Stage:
            if stage in statuses:
                row = next(
                    line for line in DOC.splitlines() if line.startswith(f"| {stage.value} |")
                )
                assert statuses[stage] in row, (crm, stage)
