"""A lead arrives in a real BottleCRM (PyPI django-crm 1.35.0 on loopback) as a record sales can
work with (issue 17): owner assigned, country, rating, status, source "trade show", the event,
consent (given, text, time, legal basis) and the answers with their labels; a note edited after
the first sync arrives as the same comment, edited; the intake merges a visitor already in
BottleCRM by e-mail instead of creating a second lead."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.config.model import Rep
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.settings import CrmSettings
from tests.integration.bottlecrm.harness import BottleCrm

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[AppContext]:
    ctx = build_context(str(tmp_path / "data"))
    yield ctx
    ctx.close()


def truth(crm: BottleCrm, external_id: str) -> dict:
    """BottleCRM's own database for one booth lead."""
    code = "\n".join(
        [
            "import json",
            "from leads.models import Lead",
            "from common.models import Comment",
            f"lead = Lead.objects.get(external_id={external_id!r})",
            "print(json.dumps({",
            "  'owners': [p.user.email for p in lead.assigned_to.all()],",
            "  'country': lead.country, 'rating': lead.rating, 'status': lead.status,",
            "  'source': lead.source, 'source_detail': lead.source_detail,",
            "  'description': lead.description,",
            "  'comments': [c.comment for c in Comment.objects.filter(object_id=lead.id)],",
            "  'n': Lead.objects.filter(email__iexact=lead.email).count(),",
            "}))",
        ]
    )
    return dict(json.loads(crm.shell(code).strip().splitlines()[-1]))


def event_for(app: AppContext, crm: BottleCrm, name: str, rep_name: str) -> str:
    event_id = app.events.create_event(NewEvent(name=name)).id
    cfg = app.configs.get(event_id)
    routing = replace(cfg.routing, reps=(Rep("rep1", rep_name),), fallback="rep1", rules=())
    app.configs.save(event_id, replace(cfg, routing=routing))
    app.sync.configure(
        event_id,
        CrmSettings("bottlecrm", crm.base_url, intake_id=crm.intake_id),
        {"intake_key": crm.intake_key, "api_token": crm.pat},
    )
    return event_id


def test_lead_arrives_as_a_record_sales_can_work_with(app: AppContext, bottlecrm: BottleCrm):
    # The rep is named like BottleCRM's user (the harness's "sync-bot"): the owner matches.
    event_id = event_for(app, bottlecrm, "Records Show", "sync-bot")
    lead_id = app.leads.save_lead(
        LeadDraft(
            event_id,
            Contact(first_name="Grace", last_name="Hopper", email="grace.rec@example-booth.com",
                    company="Navy", country="US"),
            rating=Rating.HOT,
            rating_overridden=True,  # staff rated the visitor hot themselves
            answers={"budget": "10k_50k", "interests": ["analytics", "platform"]},
            consent_given=True,
            consent_text="I agree that Acme stores my details.",
            notes="wants a demo",
        )
    ).id  # fmt: skip
    summary = app.sync.run(event_id, max_seconds=120)
    assert summary.ok and summary.unmatched_owners == ()
    got = truth(bottlecrm, lead_id)
    assert got["owners"] == ["sync-bot@example.com"]
    assert (got["country"], got["rating"], got["status"]) == ("US", "HOT", "assigned")
    assert (got["source"], got["source_detail"]) == ("trade show", "Records Show")
    description = got["description"]
    assert "Trade show: Records Show" in description
    assert "Consent: true" in description
    assert "Consent text: I agree that Acme stores my details." in description
    assert "Legal basis: Freely given consent from contact" in description
    assert "Answers: Budget: 10k-50k; Interested in: Analytics, Platform" in description
    assert [c.split("\n\n[boothapp:")[0] for c in got["comments"]] == ["wants a demo"]

    # The note edited after the first sync arrives: the same comment, edited; nothing else moves.
    draft = app.leads.draft_of(app.leads.get_lead(lead_id))
    app.leads.save_lead(replace(draft, notes="wants a demo and a quote for 40 seats"))
    summary = app.sync.run(event_id, max_seconds=120)
    assert summary.ok and summary.synced == 1  # only the note item went
    got = truth(bottlecrm, lead_id)
    assert [c.split("\n\n[boothapp:")[0] for c in got["comments"]] == [
        "wants a demo and a quote for 40 seats"
    ]


def test_unmatched_owner_is_reported_and_a_known_visitor_is_merged(
    app: AppContext, bottlecrm: BottleCrm
):
    event_id = event_for(app, bottlecrm, "Merge Show", "Omar Haddad")
    first = app.leads.save_lead(
        LeadDraft(event_id, Contact(first_name="Kai", last_name="One",
                                    email="kai.merge@example-booth.com"))
    ).id  # fmt: skip
    assert app.sync.run(event_id, max_seconds=120).unmatched_owners == ("Omar Haddad",)
    # The same visitor met again at another event of the company: same e-mail, new booth lead.
    other = event_for(app, bottlecrm, "Merge Show 2", "Omar Haddad")
    second = app.leads.save_lead(
        LeadDraft(other, Contact(first_name="Kai", last_name="One", company="Acme",
                                 email="KAI.merge@example-booth.com"))
    ).id  # fmt: skip
    assert app.sync.run(other, max_seconds=120).ok
    assert (
        app.leads.get_lead(first).crm_ids["bottlecrm"]
        == app.leads.get_lead(second).crm_ids["bottlecrm"]
    )
    assert truth(bottlecrm, first)["n"] == 1  # one BottleCRM lead for that address
