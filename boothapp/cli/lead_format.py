"""How the CLI prints a lead: one readable block, or one JSON object."""

from __future__ import annotations

import json
from typing import Any

from boothapp.core.i18n import label
from boothapp.core.models import CONTACT_FIELDS, Lead


def lead_as_dict(lead: Lead) -> dict[str, Any]:
    c = lead.contact
    return {
        "id": lead.id,
        "event_id": lead.event_id,
        "name": c.full_name,
        **{name: getattr(c, name) for name in CONTACT_FIELDS},
        "badge_id": lead.badge_id,
        "source": lead.source.value,
        "rating": lead.rating.value,
        "score": lead.score,
        "stage": lead.stage.value,
        "staff": lead.staff_name,
        "please_delete": lead.please_delete,
        "raw_payload": lead.raw_payload,
        "created_at": lead.created_at.isoformat() if lead.created_at else None,
    }


def lead_as_json(lead: Lead) -> str:
    return json.dumps(lead_as_dict(lead), ensure_ascii=False)


def lead_as_line(lead: Lead) -> str:
    c = lead.contact
    parts = [
        lead.id,
        lead.display_name,
        c.company,
        c.email,
        label(lead.rating),  # read by a person; JSON keeps the value
        lead.created_at.strftime("%Y-%m-%d %H:%M") if lead.created_at else "",
    ]
    return "\t".join(parts)
