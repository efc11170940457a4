"""The core's languages (issue 21): catalogues complete and current, labels, CLDR formats,
export headers, CLI messages, the event's language, and Turkish/Greek-aware lead search."""

from __future__ import annotations

import csv
import importlib.util
import json
import stat
import string
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from boothapp.app import AppContext
from boothapp.core import i18n
from boothapp.core.config.defaults import default_config
from boothapp.core.config.dump import to_tree
from boothapp.core.config.errors import ConfigError
from boothapp.core.config.loader import load_config
from boothapp.core.i18n import Language
from boothapp.core.i18n_format import format_currency, format_date, format_number
from boothapp.core.labels import LABELS
from boothapp.core.models import Contact, Rating, Stage
from boothapp.services.events import NewEvent
from boothapp.services.lead_queries import LeadQuery, LeadQueryService, folded_words
from boothapp.services.leads import LeadDraft

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in Language if lang is not Language.EN]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_core", ROOT / "scripts" / "i18n_core.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue(lang: Language):  # type: ignore[no-untyped-def]
    with i18n.catalogue_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang.value)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# -- catalogues ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", TRANSLATED, ids=str)
def test_every_string_is_translated_with_the_same_placeholders(lang: Language) -> None:
    catalog = _catalogue(lang)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 250
    for m in messages:
        assert not m.fuzzy, f"{lang}: fuzzy {m.id!r}"
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(s.strip() for s in strings), f"{lang}: no translation for {m.id!r}"
        for s in strings:  # a lost or misspelt {placeholder} would raise at run time
            assert _fields(s) == _fields(ids[-1]), f"{lang}: {m.id!r} -> {s!r}"


def test_catalogues_hold_every_string_the_source_marks() -> None:
    """What ``make i18n-core`` would extract is already in every catalogue: a string added
    with _() but not merged and translated fails here."""
    source = {m.id for m in _tool().extract() if m.id}
    assert len(source) > 250
    for lang in TRANSLATED:
        have = {m.id for m in _catalogue(lang) if m.id}
        assert source - have == set(), f"{lang} misses {sorted(map(str, source - have))[:5]}"


def test_no_compiled_catalogue_is_needed() -> None:
    """The .po compiles in memory: a fresh checkout speaks Turkish without a build step (the
    repository ships no .mo; a stale one never wins over a newer .po)."""
    import gettext

    compiled = gettext.GNUTranslations(i18n.compile_po(i18n.catalogue_path(Language.TR)))
    assert compiled.gettext("Quote sent") == "Teklif gönderildi"
    i18n.translations.cache_clear()
    with i18n.using(Language.TR):
        assert i18n.label(Stage.QUOTE_SENT) == "Teklif gönderildi"


def test_every_enum_member_has_a_label() -> None:
    for enum_type, labels in LABELS.items():
        assert set(labels) == set(enum_type), enum_type.__name__


# -- language choice -------------------------------------------------------------------------
def test_language_from_the_environment() -> None:
    assert i18n.from_environment({"BOOTHAPP_LANG": "el", "LANG": "tr_TR.UTF-8"}) is Language.EL
    assert i18n.from_environment({"LANG": "tr_TR.UTF-8"}) is Language.TR
    assert i18n.from_environment({"LANG": "fa_IR.UTF-8"}) is Language.FA
    assert i18n.from_environment({"LANGUAGE": "xx:de_DE", "LANG": "C"}) is Language.DE
    assert i18n.from_environment({"LANG": "ja_JP.UTF-8"}) is Language.EN
    assert i18n.from_environment({}) is Language.EN


def test_using_overrides_the_process_language_for_one_block() -> None:
    i18n.set_current("de")
    with i18n.using(Language.FA):
        assert i18n.current() is Language.FA and i18n.current().rtl
        assert i18n.label(Rating.HOT) == "داغ"
    assert i18n.label(Rating.HOT) == "Heiß"
    with pytest.raises(ValueError, match="Unknown language"):
        i18n.set_current("xx")


def test_plural_forms_follow_the_language() -> None:
    msg = ("{count} lead written to {path}", "{count} leads written to {path}")
    with i18n.using("el"):
        assert i18n.ngettext(*msg, 1).format(count=1, path="a") == "1 επαφή γράφτηκε στο a"
        assert i18n.ngettext(*msg, 3).format(count=3, path="a") == "3 επαφές γράφτηκαν στο a"


def test_formats_follow_cldr() -> None:
    day = date(2026, 3, 5)
    assert format_date(day, Language.DE) == "05.03.2026"
    assert format_date(day, Language.EL) == "5 Μαρ 2026"
    assert format_number(12345.5, Language.TR, 1) == "12.345,5"
    assert format_number(1234, Language.FA) == "۱٬۲۳۴"  # Persian digits and group sign
    assert format_currency(1234.5, "EUR", Language.DE) == "1.234,50\xa0€"


# -- event config ----------------------------------------------------------------------------
def _config_text(language: str | None) -> str:
    tree = to_tree(default_config())
    tree.pop("language")
    if language is not None:
        tree["language"] = language
    return json.dumps(tree)


def test_event_language_loads_dumps_and_defaults_to_english() -> None:
    assert load_config(_config_text(None)).language is Language.EN
    cfg = load_config(_config_text("fa"))
    assert cfg.language is Language.FA
    assert to_tree(cfg)["language"] == "fa"
    with pytest.raises(ConfigError, match="language"):
        load_config(_config_text("klingon"))


# -- search ----------------------------------------------------------------------------------
@pytest.fixture
def names(ctx: AppContext) -> tuple[AppContext, str]:
    event = ctx.events.create_event(NewEvent(name="Fuar", timezone="Europe/Istanbul"))
    for first, last in (("İlker", "Şahin"), ("Ayşe", "Işık"), ("Γιώργος", "Παπαδόπουλος"),
                        ("Irmak", "Demir"), ("Nikos", "Tonos")):  # fmt: skip
        ctx.leads.save_lead(
            LeadDraft(event_id=event.id, contact=Contact(first_name=first, last_name=last))
        )
    return ctx, event.id


def _found(ctx: AppContext, event_id: str, text: str) -> list[str]:
    rows = LeadQueryService(ctx.db).page(LeadQuery(event_id, text=text), 0, 50)
    return sorted(r.name for r in rows)


def test_search_ignores_turkish_i_and_greek_tonos(names: tuple[AppContext, str]) -> None:
    ctx, event_id = names
    assert _found(ctx, event_id, "ilker") == ["İlker Şahin"]
    assert _found(ctx, event_id, "İLKER") == ["İlker Şahin"]
    assert _found(ctx, event_id, "IŞIK") == ["Ayşe Işık"]
    assert _found(ctx, event_id, "ışık") == ["Ayşe Işık"]
    assert _found(ctx, event_id, "isik") == ["Ayşe Işık"]
    assert _found(ctx, event_id, "γιωργος") == ["Γιώργος Παπαδόπουλος"]
    assert _found(ctx, event_id, "ΓΙΏΡΓΟΣ παπαδοπουλος") == ["Γιώργος Παπαδόπουλος"]
    assert _found(ctx, event_id, "sahin") == ["İlker Şahin"]
    # Two letters go through the folded LIKE, not the trigram index.
    assert _found(ctx, event_id, "iş") == ["Ayşe Işık"]
    assert _found(ctx, event_id, "irmak") == ["Irmak Demir"]
    assert _found(ctx, event_id, "?!") == []


def test_edits_are_indexed_folded(names: tuple[AppContext, str]) -> None:
    ctx, event_id = names
    (row,) = LeadQueryService(ctx.db).page(LeadQuery(event_id, text="nikos"), 0, 5)
    lead = ctx.leads.get_lead(row.id)
    draft = ctx.leads.draft_of(lead)
    ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, company="Ελληνική ΑΕ")))
    assert _found(ctx, event_id, "ελληνικη") == ["Nikos Tonos"]


def test_query_words_fold_like_the_index() -> None:
    assert folded_words("İlker IŞIK") == ["ilker", "isik"]
    assert folded_words("o'brien") == ["o", "brien"]


# -- exports and the CLI ---------------------------------------------------------------------
def _one_lead(ctx: AppContext) -> str:
    """An event "Expo" with one Greek lead; returns the lead id."""
    event = ctx.events.create_event(NewEvent(name="Expo", timezone="Europe/Athens"))
    lead = ctx.leads.save_lead(
        LeadDraft(
            event_id=event.id,
            contact=Contact(first_name="Ελένη", last_name="Νικολάου", email="e@example.gr"),
        )
    )
    return lead.id


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return next(csv.reader(fh))


def test_export_headers_in_the_managers_language_or_for_machines(
    ctx: AppContext,
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    _one_lead(ctx)
    people = tmp_path / "tr.csv"
    run = cli("--lang", "tr", "export", "--event", "Expo", "-o", str(people))
    assert run.code == 0, run.err
    assert run.out.strip() == f"1 aday {people} dosyasına yazıldı"
    header = _header(people)
    assert header[:2] == ["Aday No", "Kayıt zamanı (Atina)"]  # the zone by its city
    assert "Şirket" in header and "Aşama" in header
    machine = tmp_path / "crm.csv"
    run = cli("--lang", "tr", "export", "--event", "Expo", "-o", str(machine), "--headers",
              "machine")  # fmt: skip
    assert run.code == 0, run.err
    header = _header(machine)
    assert header[:4] == ["lead_id", "captured_at", "first_name", "last_name"]
    english = tmp_path / "en.csv"
    assert cli("export", "--event", "Expo", "-o", str(english)).code == 0
    assert _header(english)[0] == "Lead ID"
    persian = tmp_path / "fa.csv"
    run = cli("--lang", "fa", "export", "--event", "Expo", "-o", str(persian))
    assert run.code == 0 and run.out.startswith("۱ ")  # the count in Persian digits


def test_cli_errors_speak_the_language_and_json_stays_machine(
    ctx: AppContext,
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    _one_lead(ctx)
    run = cli("--lang", "de", "export", "--event", "Expo", "-o", str(tmp_path / "no" / "x.csv"))
    assert run.code != 0
    assert run.err.strip() == f"boothapp: Fehler: Ordner {tmp_path / 'no'} existiert nicht"
    en = cli("roi", "--event", "Expo", "--format", "json")
    fa = cli("--lang", "fa", "roi", "--event", "Expo", "--format", "json")
    assert en.code == fa.code == 0
    tree_en, tree_fa = json.loads(en.out), json.loads(fa.out)
    tree_en.pop("computed_at"), tree_fa.pop("computed_at")
    assert tree_fa["speed_to_lead"].pop("summary") != tree_en["speed_to_lead"].pop("summary")
    assert tree_fa == tree_en  # keys, ids, bucket ids and numbers never translated
    text = cli("--lang", "el", "roi", "--event", "Expo")
    assert text.code == 0 and "Αποτελέσματα: Expo" in text.out and "Χωνί" in text.out


def test_cli_language_comes_from_the_environment(
    ctx: AppContext,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _one_lead(ctx)
    monkeypatch.setenv("BOOTHAPP_LANG", "el")
    run = cli("export", "--event", "Expo", "-o", str(tmp_path / "x.csv"))
    assert run.out.strip() == f"1 επαφή γράφτηκε στο {tmp_path / 'x.csv'}"
    assert _header(tmp_path / "x.csv")[2:4] == ["Όνομα", "Επώνυμο"]


def test_report_and_sheet_follow_the_events_language(ctx: AppContext, tmp_path: Path) -> None:
    from pypdf import PdfReader

    lead = ctx.leads.get_lead(_one_lead(ctx))
    event_id = lead.event_id
    ctx.configs.save(event_id, replace(ctx.configs.get(event_id), language=Language.DE))
    i18n.set_current(Language.TR)  # the manager's own language does not matter here
    ctx.exports.report(event_id, tmp_path / "r.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "Bericht nach der Messe" in text and "Kennzahlen" in text
    assert "Fuar sonrası" not in text
    ctx.exports.lead_sheet(lead, tmp_path / "s.pdf")
    sheet = PdfReader(tmp_path / "s.pdf").pages[0].extract_text()
    assert "Lead-Übergabe" in sheet and "Zu kontaktieren" in sheet
    # The CLI's own line stays in the manager's language.
    assert i18n.current() is Language.TR


# -- alphabetical order ----------------------------------------------------------------------
def test_collation_follows_each_alphabet() -> None:
    from boothapp.core.collation import sort_key

    def ordered(words: list[str], lang: Language) -> list[str]:
        return sorted(words, key=lambda w: sort_key(w, lang))

    assert ordered(["zeynep", "Émile", "emile", "Bob"], Language.EN) == [
        "Bob", "emile", "Émile", "zeynep"]  # fmt: skip
    assert ordered(["İlker", "Işık", "ilhan", "Irmak", "çelik", "Cem", "Ömer", "Osman"],
                   Language.TR) == ["Cem", "çelik", "Irmak", "Işık", "ilhan", "İlker", "Osman",
                                    "Ömer"]  # fmt: skip
    assert ordered(["Ωμέγα", "Άλφα", "αλφα", "Βήτα"], Language.EL) == [
        "αλφα", "Άλφα", "Βήτα", "Ωμέγα"]  # fmt: skip
    # Persian letters beyond Arabic's (پ چ ژ گ) in their places; code points would put گ last.
    assert ordered(["گلی", "کاوه", "پری", "بهرام", "آرش", "احمد", "ژاله", "زهره"],
                   Language.FA) == ["آرش", "احمد", "بهرام", "پری", "زهره", "ژاله", "کاوه",
                                    "گلی"]  # fmt: skip
    assert ordered(["Müller", "Muller", "Mzee", "Straße", "Strasse"], Language.DE) == [
        "Muller", "Müller", "Mzee", "Strasse", "Straße"]  # fmt: skip


def test_leads_list_sorts_in_the_chosen_language(names: tuple[AppContext, str]) -> None:
    from boothapp.services.lead_queries import SortColumn, SortOrder

    ctx, event_id = names
    qs = LeadQueryService(ctx.db)

    def by_name(lang: Language) -> list[str]:
        q = LeadQuery(event_id, sort=SortColumn.NAME, order=SortOrder.ASC, language=lang)
        return [r.name.split()[0] for r in qs.page(q, 0, 50)]

    # Turkish: dotless I (Irmak, Işık's Ayşe aside) before dotted İ; Greek after Latin.
    assert by_name(Language.TR) == ["Ayşe", "Irmak", "İlker", "Nikos", "Γιώργος"]
    assert by_name(Language.EN) == ["Ayşe", "İlker", "Irmak", "Nikos", "Γιώργος"]


def test_results_figures_use_the_readers_digits() -> None:
    """The Results page and roi text: same shape, the reader's digits (issue 21)."""
    from decimal import Decimal

    from boothapp.core.i18n import using
    from boothapp.reports.roi_format import amount, count, pct

    assert (pct(0.425, 1), amount(Decimal("1234.5"), "EUR"), count(1200)) == (
        "42.5%", "EUR 1,234.50", "1,200"
    )  # fmt: skip
    with using("de"):
        assert amount(Decimal("1234.5"), "EUR") == "EUR 1.234,50"
    # CLDR's percent patterns, not a hand-made "{0} %": no space in Greek, one in German,
    # the sign first in Turkish.
    shapes = {}
    for lang in ("el", "de", "tr"):
        with using(lang):
            shapes[lang] = pct(0.125, 1)
    assert shapes == {"el": "12,5%", "de": "12,5\xa0%", "tr": "%12,5"}
    with using("fa"):
        assert pct(0.42) == "۴۲٪" and count(7) == "۷"


def test_where_the_key_is_kept_reads_in_the_readers_language(tmp_path: Path) -> None:
    """Issue 21 walk: the wizard's recovery page said "the file ... (no system keyring: not
    encrypted)" in English in every language (the tests run without a system keyring)."""
    from boothapp.secrets import SecretStore

    store = SecretStore(tmp_path / "secrets.json")
    with i18n.using("fa"):
        assert store.where() == (
            f"فایل \u2066{tmp_path / 'secrets.json'}\u2069 (جاکلیدی سیستم در دسترس نیست: "
            "رمزگذاری‌نشده)"
        )
    assert store.where().startswith("the file ")


def test_a_default_scoring_rule_reads_in_the_readers_language() -> None:
    """Issue 21 walk: the Persian lead sheet's "why this score" said "Asked for literature"."""
    from boothapp.core.scoring import LeadAttributes, score_lead

    cfg = default_config()
    with i18n.using("fa"):
        fired = score_lead({"literature": "yes"}, [], LeadAttributes(), cfg).fired
    assert [f.description for f in fired] == ["بروشور خواست"]
    fired = score_lead({"literature": "yes"}, [], LeadAttributes(), cfg).fired
    assert [f.description for f in fired] == ["Asked for literature"]


def test_the_lead_sheets_history_reads_in_words() -> None:
    """Issue 21 walk: the Persian lead sheet's history said "stage: to_contact → in_contact"."""
    import re as regex

    from boothapp.services.exports import change_text

    with i18n.using("fa"):
        shown = change_text("stage", "to_contact", "in_contact")
        assert not regex.search(r"[A-Za-z]", shown), shown
        assert change_text("first_name", "Ali", "Reza").endswith(": Ali → Reza")
    assert change_text("stage", "to_contact", "in_contact").startswith("Stage: ")
    assert change_text("mystery", 1, 2) == "mystery: 1 → 2"


def test_a_catalogue_is_compiled_once_and_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23: Babel's parse of a .po took ~0.08 s per language at every start; the
    compiled catalogue is kept per content of the .po in the user's cache folder."""
    monkeypatch.setattr(i18n, "compiled_cache_dir", lambda: tmp_path / "i18n")
    compiled = []
    real = i18n.compile_po
    monkeypatch.setattr(i18n, "compile_po", lambda po: compiled.append(po) or real(po))

    def quote_sent() -> str:
        i18n.translations.cache_clear()
        with i18n.using(Language.TR):
            return i18n.label(Stage.QUOTE_SENT)

    try:
        assert quote_sent() == "Teklif gönderildi"
        (kept,) = (tmp_path / "i18n").iterdir()
        assert kept.name.startswith("tr-") and kept.suffix == ".mo"
        assert stat.S_IMODE((tmp_path / "i18n").stat().st_mode) == 0o700
        assert quote_sent() == "Teklif gönderildi" and len(compiled) == 1  # read, not compiled
        kept.write_bytes(kept.read_bytes()[:100])  # cut short: compiled again, and kept again
        assert quote_sent() == "Teklif gönderildi" and len(compiled) == 2
        assert quote_sent() == "Teklif gönderildi" and len(compiled) == 2
        # No folder to keep it in (a file where the folder would be): compiled each time.
        monkeypatch.setattr(i18n, "compiled_cache_dir", lambda: kept / "i18n")
        assert quote_sent() == "Teklif gönderildi" and len(compiled) == 3
    finally:
        i18n.translations.cache_clear()
