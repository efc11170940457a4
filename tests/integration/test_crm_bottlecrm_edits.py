"""Booth edits of leads already in a real BottleCRM (django-crm 1.35.0, CRM.md §3.2).

The intake answers a repeat of the same external id ``duplicate`` and changes nothing, so an
edit only reaches the CRM through ``PATCH /api/leads/<id>/`` with the API token. Every lead is
saved and edited through ``LeadService.save_lead`` (which re-queues it), synced through
``SyncService.run``, and the CRM's own REST API and database are read back as the truth.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Stage, SyncState
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


def rest(crm: BottleCrm, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    req = urllib.request.Request(
        crm.base_url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {crm.pat}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def remote_lead(crm: BottleCrm, remote_id: str) -> dict[str, Any]:
    return dict(rest(crm, "GET", f"/api/leads/{remote_id}/")["lead_obj"])


def setup_event(app: AppContext, crm: BottleCrm, name: str, api_token: str | None) -> str:
    event_id = app.events.create_event(NewEvent(name=name)).id
    secrets = {"intake_key": crm.intake_key}
    if api_token is not None:
        secrets["api_token"] = api_token
    app.sync.configure(
        event_id, CrmSettings("bottlecrm", crm.base_url, intake_id=crm.intake_id), secrets
    )
    return event_id


def save(app: AppContext, event_id: str, **contact: str) -> str:
    return app.leads.save_lead(LeadDraft(event_id, Contact(**contact))).id


def edit(app: AppContext, lead_id: str, **changes: str) -> None:
    draft = app.leads.draft_of(app.leads.get_lead(lead_id))
    app.leads.save_lead(replace(draft, contact=replace(draft.contact, **changes)))


def test_booth_edit_reaches_bottlecrm_on_the_same_lead(app: AppContext, bottlecrm: BottleCrm):
    event_id = setup_event(app, bottlecrm, "Edit Show", bottlecrm.pat)
    assert app.sync.test_connection(event_id).ok
    lead_id = save(
        app, event_id, first_name="Edith", last_name="Clarke", email="edith.edit@example-booth.com",
        company="General Electric", title="Engineer", phone="+44 20 7946 0001",
    )  # fmt: skip
    assert app.sync.run(event_id, max_seconds=60).ok
    remote_id = app.leads.get_lead(lead_id).crm_ids["bottlecrm"]
    before = remote_lead(bottlecrm, remote_id)
    assert (before["company_name"], before["job_title"]) == ("General Electric", "Engineer")

    edit(app, lead_id, company="Edison Works", title="Chief Engineer", phone="+44 20 7946 0999")
    # The save queued the edit, and the call task its new phone number re-planned (issue 13).
    assert app.sync.outbox.counts("bottlecrm").pending == 2
    summary = app.sync.run(event_id, max_seconds=60)
    assert summary.ok and summary.leads_synced == 1 and summary.synced == 2  # lead + task

    after = remote_lead(bottlecrm, remote_id)
    lead = app.leads.get_lead(lead_id)
    assert (after["company_name"], after["job_title"]) == ("Edison Works", "Chief Engineer")
    assert after["phone"] == lead.contact.phone and after["phone"] != before["phone"]
    assert (after["first_name"], after["email"]) == ("Edith", "edith.edit@example-booth.com")
    assert after["status"] == before["status"]  # the status stays the CRM's
    assert Counter(bottlecrm.lead_external_ids())[lead_id] == 1  # still one lead, not two
    assert lead.sync_state == SyncState.SYNCED and lead.crm_ids["bottlecrm"] == remote_id

    # A stage edit goes out as BottleCRM's status (issue 17: status from crm.stages, here the
    # defaults: follow_up -> "recycled"); pull-back then finds nothing newer in the CRM.
    draft = app.leads.draft_of(lead)
    app.leads.save_lead(replace(draft, stage=Stage.FOLLOW_UP))
    assert app.sync.run(event_id, max_seconds=60).ok
    assert remote_lead(bottlecrm, remote_id)["status"] == "recycled"
    pulled = app.sync.pull_back(event_id)
    assert pulled.updated == 0
    assert app.leads.get_lead(lead_id).stage == Stage.FOLLOW_UP


def test_edit_bottlecrm_refuses_is_a_failure_with_its_own_words(
    app: AppContext, bottlecrm: BottleCrm
):
    event_id = setup_event(app, bottlecrm, "Refused Show", bottlecrm.pat)
    ann = save(app, event_id, first_name="Ann", last_name="Ref", email="ann.ref@example-booth.com")
    bea = save(app, event_id, first_name="Bea", last_name="Ref", email="bea.ref@example-booth.com")
    assert app.sync.run(event_id, max_seconds=60).ok
    ann_remote = app.leads.get_lead(ann).crm_ids["bottlecrm"]

    # Booth staff type Bea's address into Ann's lead: BottleCRM allows one lead per address.
    edit(app, ann, email="bea.ref@example-booth.com", title="Buyer")
    summary = app.sync.run(event_id, max_seconds=60)

    assert not summary.ok and summary.failed == 1
    (failure,) = summary.failures
    assert failure.lead_id == ann and failure.name == "Ann Ref"
    assert failure.error == (
        "BottleCRM did not take the edit: 400: email: Another lead in this organisation "
        "already uses that email address."
    )
    assert failure.attempts == 1  # a 400 is not retried by itself
    assert app.leads.get_lead(ann).sync_state == SyncState.FAILED
    remote = remote_lead(bottlecrm, ann_remote)
    assert (remote["email"], remote["job_title"]) == ("ann.ref@example-booth.com", None)
    assert Counter(bottlecrm.lead_external_ids())[ann] == 1
    assert bea not in {f.lead_id for f in summary.failures}


def test_bad_api_token_fails_the_edit_but_new_leads_still_sync(
    app: AppContext, bottlecrm: BottleCrm
):
    event_id = setup_event(app, bottlecrm, "Token Show", "bcrm_pat_not-a-real-token")
    check = app.sync.test_connection(event_id)
    assert not check.ok and "API token was refused (403" in check.message
    cy = save(app, event_id, first_name="Cy", last_name="Tok", email="cy.tok@example-booth.com")
    assert app.sync.run(event_id, max_seconds=60).ok  # the intake key alone creates leads
    remote_id = app.leads.get_lead(cy).crm_ids["bottlecrm"]

    edit(app, cy, company="Tokenless Ltd")
    dee = save(app, event_id, first_name="Dee", last_name="Tok", email="dee.tok@example-booth.com")
    summary = app.sync.run(event_id, max_seconds=60)

    assert summary.synced == 1 and app.leads.get_lead(dee).sync_state == SyncState.SYNCED
    (failure,) = summary.failures
    assert failure.lead_id == cy
    assert failure.error == (
        "BottleCRM did not take the edit: 403: Organization context is required. Please login "
        "again. (check the API token on the CRM sync page)"
    )
    assert remote_lead(bottlecrm, remote_id)["company_name"] is None


def test_without_api_token_an_edit_is_a_no_op_and_the_connection_test_says_so(
    app: AppContext, bottlecrm: BottleCrm
):
    event_id = setup_event(app, bottlecrm, "No Token Show", None)
    check = app.sync.test_connection(event_id)
    assert check.ok
    assert "Without the API token, edits to leads already in BottleCRM" in check.message
    assert "boothapp sync configure" in check.message
    eve = save(app, event_id, first_name="Eve", last_name="Nt", email="eve.nt@example-booth.com")
    assert app.sync.run(event_id, max_seconds=60).ok
    edit(app, eve, company="Unseen GmbH")
    assert app.sync.run(event_id, max_seconds=60).ok  # today's behaviour: a duplicate, ok
    remote = remote_lead(bottlecrm, app.leads.get_lead(eve).crm_ids["bottlecrm"])
    assert remote["company_name"] is None


def test_merged_into_a_reps_lead_takes_the_booth_values_but_keeps_one_lead(
    app: AppContext, bottlecrm: BottleCrm
):
    created = rest(bottlecrm, "POST", "/api/leads/", {
        "title": "Web enquiry", "first_name": "Fay", "last_name": "Merge",
        "email": "fay.merge@example-booth.com", "company_name": "Old Name Inc", "source": "other",
    })  # fmt: skip
    event_id = setup_event(app, bottlecrm, "Merge Show", bottlecrm.pat)
    fay = save(
        app, event_id, first_name="Fay", last_name="Merge", email="FAY.merge@example-booth.com",
        company="New Name Inc", title="Head of Lab",
    )  # fmt: skip
    assert app.sync.run(event_id, max_seconds=60).ok
    assert app.leads.get_lead(fay).crm_ids["bottlecrm"] == created["id"]  # merged, not new
    remote = remote_lead(bottlecrm, created["id"])
    assert (remote["company_name"], remote["job_title"]) == ("New Name Inc", "Head of Lab")
    assert remote["email"] == "fay.merge@example-booth.com"  # the CRM's own spelling stays
    assert Counter(bottlecrm.lead_external_ids())[fay] == 1


def test_unreachable_crm_api_is_a_transient_failure(bottlecrm: BottleCrm) -> None:
    """A timeout or refused connection on the edit: retried later, with the reason shown."""
    from boothapp.sync.crm.base import SyncRecord
    from boothapp.sync.crm.bottlecrm import BottleCrmAdapter, BottleCrmConfig

    config = BottleCrmConfig(
        bottlecrm.base_url, bottlecrm.intake_id, bottlecrm.intake_key, bottlecrm.pat
    )
    record = SyncRecord(
        "unreach-0001-4a1e-8000-00000000beef",
        {"first_name": "Gus", "company_name": "Before"},
        email="gus.unreach@example-booth.com",
    )
    assert BottleCrmAdapter(config).push([record]).results[0].created is True
    adapter = BottleCrmAdapter(config)
    adapter.api.base_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    edited = replace(record, fields={"first_name": "Gus", "company_name": "After"})
    (result,) = adapter.push([edited]).results
    assert not result.ok and result.transient
    assert result.error.startswith("BottleCRM did not take the edit: connection failed")
    assert result.remote_id  # the intake still named the lead
