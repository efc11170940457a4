"""Personal follow-ups as the lead receives them (real aiosmtpd on 127.0.0.1): what they were
interested in, the links they asked for, no pack promised to those who asked for none, and on
every mail List-Unsubscribe, an opt-out line and the sender's postal address (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadRow
from tests.fixtures_followups import CAPTURED, SHOW_DAY
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.test_mail_smtp import Recorder, parsed, settings_for

pytestmark = pytest.mark.integration
smtp_server = mail_tests.smtp_server

ADDRESS = "Acme Booth GmbH, Hafenstr. 1, 20457 Hamburg, Germany"
SECTION = {
    "sender": {
        "company": "Acme Booth",
        "address": ADDRESS,
        "unsubscribe_mailto": "unsubscribe@booth.example.com",
    },
    "content": {
        "platform": [{"title": "Platform overview", "url": "https://acme.example/platform.pdf"}],
        "analytics": [{"title": "Analytics guide", "url": "https://acme.example/analytics.pdf"}],
        "training": [{"title": "Course list", "url": "https://acme.example/training.pdf"}],
    },
}
TUESDAY = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 10:30 in Berlin


def _lead(ctx: AppContext, event_id: str, name: str, email: str, answers: dict[str, object],
          notes: str = "", country: str = "DE", tz: str = "Europe/Berlin") -> str:  # fmt: skip
    lead = ctx.leads.save_lead(
        LeadDraft(
            event_id=event_id,
            contact=Contact(first_name=name, last_name="Kaya", email=email, company="Acme",
                            country=country, timezone=tz),
            answers=answers, rating=Rating.COLD, rating_overridden=True, consent_given=True,
            consent_text="You may email me.", notes=notes,
        )
    )  # fmt: skip
    with ctx.db.session() as s:
        row = s.get(LeadRow, lead.id)
        assert row is not None
        row.created_at = CAPTURED
    return lead.id


def test_thank_you_names_both_interests_and_links_and_every_mail_carries_the_footer(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.create_event(
            NewEvent(name="CeMAT", timezone="Europe/Berlin", country="DE", venue="Hannover",
                     starts_on=SHOW_DAY, ends_on=SHOW_DAY)
        )  # fmt: skip
        ctx.configs.save(event.id, ctx.configs.get(event.id).edited(followups=SECTION))
        asked = _lead(
            ctx, event.id, "Heike", "heike@acme.de",
            {"interests": ["platform", "analytics"], "literature": "yes", "budget": "10k_50k"},
            notes="internal: budget tight\nshare: We will bring the demo unit to Hamburg.",
        )  # fmt: skip
        none = _lead(ctx, event.id, "Jonas", "jonas@acme.de",
                     {"interests": ["training"], "literature": "no"})  # fmt: skip
        ctx.followups.plan(event.id, CAPTURED, replan=True)  # the save planned at today's clock
        thank_you = next(
            t for t in ctx.followups.lead_touches(asked) if t.template_id == "thank_you"
        )
        text = ctx.followups.message(thank_you.id).text  # what the lead will read
        # The default options the manager kept read in the letter's language (German for a
        # lead from DE, issue 21); the manager's own links keep their wording.
        assert "Plattform, Analysen" in text
        assert "https://acme.example/platform.pdf" in text
        assert "https://acme.example/analytics.pdf" in text
        assert "https://acme.example/training.pdf" not in text
        assert "We will bring the demo unit to Hamburg." in text
        assert "budget tight" not in text  # only lines marked share: reach the customer
        nurture = next(t for t in ctx.followups.lead_touches(none) if t.touch_number == 2)
        assert nurture.template_id == "nurture_1"  # planned as the first nurture mail...
        said = ctx.followups.message(nurture.id).text
        assert "information pack" not in said.lower()  # ...rendered without a pack
        assert "http" not in said and "Schulungen" in said  # German option
        report = ctx.followups.send_due(event.id, settings_for(controller), None, now=TUESDAY)
        assert report.sent == 2
    finally:
        ctx.close()
    for _, _, raw in recorder.messages:
        msg = parsed(raw)
        mailto = str(msg["List-Unsubscribe"])
        assert mailto.startswith("<mailto:unsubscribe@booth.example.com?subject=unsubscribe%20")
        text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        # The opt-out line, in the mail's language (German here).
        assert 'an unsubscribe@booth.example.com mit dem Betreff "unsubscribe"' in text
        assert ADDRESS in text and ADDRESS in html


def test_japanese_and_brazilian_leads_get_their_language_and_the_queue_shows_it(
    data_dir: Path,
) -> None:
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.create_event(
            NewEvent(name="CeMAT", timezone="Europe/Berlin", country="DE", venue="Hannover",
                     starts_on=SHOW_DAY, ends_on=SHOW_DAY)
        )  # fmt: skip
        section = {**SECTION, "language": {"chain": ["lead", "event", "en"]}}
        ctx.configs.save(event.id, ctx.configs.get(event.id).edited(followups=section))
        jp = _lead(ctx, event.id, "Yuki", "yuki@nihon.jp", {"interests": ["platform"]},
                   country="JP", tz="Asia/Tokyo")  # fmt: skip
        br = _lead(ctx, event.id, "João", "joao@brasil.com.br", {}, country="BR",
                   tz="America/Sao_Paulo")  # fmt: skip
        it = _lead(ctx, event.id, "Gio", "gio@roma.it", {}, country="IT", tz="Europe/Rome")
        ctx.followups.plan(event.id, CAPTURED, replan=True)  # the save planned at today's clock
        first = {lead: ctx.followups.lead_touches(lead)[0] for lead in (jp, br, it)}
        text = {lead: ctx.followups.message(t.id).text for lead, t in first.items()}
        assert first[jp].language == "ja" and "Kaya 様" in text[jp]
        assert first[br].language == "pt" and text[br].startswith("Olá João,")
        # No Italian templates: the chain falls to the event's language (German).
        assert first[it].language == "de" and text[it].startswith("Hallo Gio,")
        preview = ctx.followups.preview(first[jp].id)
        assert preview.language == "ja" and "unsubscribe@booth.example.com" in preview.text
        assert "当社ブース" in preview.text and ADDRESS in preview.text
    finally:
        ctx.close()
