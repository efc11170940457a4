"""The demo in the language it is tried in: its questions carry their translations in the
event's config, its notes and routing names are in that language (issue 21)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from boothapp.app import AppContext
from boothapp.core import i18n
from boothapp.core.answers import answer_lines
from boothapp.core.config.consent import shown_consent
from boothapp.core.config.rep_names import rep_name
from boothapp.core.i18n import Language
from boothapp.demo.build import build_demo
from boothapp.demo.content import DEMO_NOTES

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
GREEK = re.compile(r"[\u0370-\u03ff]{3,}")
DEMO_LANGS = {lang.value for lang in Language}
PERSIAN = re.compile(r"[\u0600-\u06ff]{3,}")


@pytest.mark.parametrize("lang", ["fa", "el"])
def test_demo_built_in_a_language_speaks_it(ctx: AppContext, lang: str) -> None:
    with i18n.using(lang):
        summary = build_demo(ctx, leads=40)
    cfg = ctx.configs.get(summary.event.id)  # as stored and read back
    assert cfg.language is Language(lang)
    for q in cfg.questions:
        assert {code for code, _ in q.translations} == {"tr", "el", "fa", "de"}
        wording = q.label_in(lang)
        assert wording and wording != q.label and not LATIN_WORD.search(wording), q.id
        for option in q.options:
            assert option.label_in(lang) and not LATIN_WORD.search(option.label_in(lang) or "")
    leads = ctx.leads.list_leads(summary.event.id)
    notes = {lead.notes for lead in leads} - {""}
    assert notes and notes <= set(DEMO_NOTES[Language(lang)])
    for note in notes:
        assert not LATIN_WORD.search(note), note
    for rule in cfg.routing.rules:
        assert rule.description and not LATIN_WORD.search(rule.description), rule.id
    fallback = next(r for r in cfg.routing.reps if r.id == cfg.routing.fallback)
    assert not LATIN_WORD.search(rep_name(fallback, lang))
    # The event, its hall and its visitors' job titles in that language too; a visitor's
    # company in their own country's words (no Greek company names for American visitors).
    event = summary.event
    for text in (event.name, event.venue, event.booth):
        assert text and not LATIN_WORD.search(text), text
    own_script = {"GR": GREEK, "IR": PERSIAN}
    for lead in leads:
        c = lead.contact
        assert not LATIN_WORD.search(c.title), c.title
        script = own_script.get(c.country)
        if script is not None:
            assert script.search(c.company) and not LATIN_WORD.search(c.company), c.company
        else:
            assert LATIN_WORD.search(c.company), c.company  # Latin, Turkish or German letters
        assert c.email.isascii() and "@" in c.email and not c.email.startswith(".")
    assert {lead.contact.country for lead in leads} >= {"GR", "IR", "US"}
    # What a visitor agreed to, as the booth read it: the demo's sentence, company filled in.
    agreed = {lead.consent_text for lead in leads} - {""}
    assert agreed == {shown_consent(cfg.consent_text, event.name, lang)}
    assert "{company}" not in next(iter(agreed)) and event.name in next(iter(agreed))
    assert not LATIN_WORD.search(next(iter(agreed)))
    # A lead's answers read in the demo's language from the config's own wording.
    answered = next(lead for lead in leads if lead.answers)
    lines = answer_lines(cfg, answered.answers, lang)
    assert lines and not any(LATIN_WORD.search(f"{q} {a}") for q, a in lines)


def test_demo_in_english_keeps_its_english_notes(ctx: AppContext) -> None:
    summary = build_demo(ctx, leads=30)
    notes = {lead.notes for lead in ctx.leads.list_leads(summary.event.id)} - {""}
    assert notes <= set(DEMO_NOTES[Language.EN])
    assert ctx.configs.get(summary.event.id).language is Language.EN


def test_demo_people_are_the_same_people_in_every_language() -> None:
    """The companies and titles are reworded, not redrawn: the same seed gives the same
    visitors (names, addresses) whatever the language, so the demo stays comparable."""
    from boothapp.demo.people import make_people

    english = make_people(60, 3, Language.EN)
    for lang in (Language.TR, Language.EL, Language.FA, Language.DE):
        other = make_people(60, 3, lang)
        assert [p.contact.email for p in other] == [p.contact.email for p in english]
        assert [p.contact.full_name for p in other] == [p.contact.full_name for p in english]
        assert {p.contact.title for p in other}.isdisjoint({p.contact.title for p in english})


def test_the_demo_built_in_one_language_is_found_in_another(ctx: AppContext) -> None:
    with i18n.using("fa"):
        first = build_demo(ctx, leads=5)
    with i18n.using("el"):
        again = build_demo(ctx)
    assert again.event.id == first.event.id and again.event.name == "نمایشگاه نمونه"
    assert len(ctx.events.list_events()) == 1


def test_demo_mails_name_the_show_in_the_leads_language(ctx: AppContext) -> None:
    """A demo built in German planned "Demo-Messe fuarında ..." for Turkish visitors: a
    lead's mail names the show in the lead's language (followups.event_name), and a name
    that already says "Fuarı" takes the Turkish ending itself."""
    with i18n.using("de"):
        summary = build_demo(ctx, leads=40)
    ctx.followups.plan(summary.event.id, datetime.now(UTC))
    subjects = {t.language: t.subject for t in ctx.followups.touches(summary.event.id)
                if t.template_id == "thank_you"}  # fmt: skip
    assert "Deneme Fuarı'nda" in subjects["tr"] and "fuarında" not in subjects["tr"]
    assert "نمایشگاه نمونه" in subjects["fa"]
    assert "Demo Expo" in subjects["en"]
    assert all("Demo-Messe" in s for lang, s in subjects.items() if lang not in DEMO_LANGS)
