"""The demo in the language it is tried in: its questions carry their translations in the
event's config, its notes and routing names are in that language (issue 21)."""

from __future__ import annotations

import re

import pytest

from boothapp.app import AppContext
from boothapp.core import i18n
from boothapp.core.answers import answer_lines
from boothapp.core.i18n import Language
from boothapp.demo.build import build_demo
from boothapp.demo.content import DEMO_NOTES

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


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
    assert not LATIN_WORD.search(fallback.name)
    # A lead's answers read in the demo's language from the config's own wording.
    answered = next(lead for lead in leads if lead.answers)
    lines = answer_lines(cfg, answered.answers, lang)
    assert lines and not any(LATIN_WORD.search(f"{q} {a}") for q, a in lines)


def test_demo_in_english_keeps_its_english_notes(ctx: AppContext) -> None:
    summary = build_demo(ctx, leads=30)
    notes = {lead.notes for lead in ctx.leads.list_leads(summary.event.id)} - {""}
    assert notes <= set(DEMO_NOTES[Language.EN])
    assert ctx.configs.get(summary.event.id).language is Language.EN
