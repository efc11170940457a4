"""No English left in the shipped catalogues (issue 21): scripts/i18n_audit.py over every
.ts and .po, and what it counts as English."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "i18n_audit.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_audit", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_audit"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_no_english_word_in_any_shipped_translation(audit: ModuleType) -> None:
    findings = audit.audit()
    assert not findings, "English left in the catalogues:\n" + "\n".join(map(str, findings))


@pytest.mark.parametrize(
    ("lang", "source", "translation", "words"),
    [
        ("el", "Pipeline", "Pipeline", ("Pipeline",)),
        ("el", "Lead quality and pipeline", "Ποιότητα επαφών και pipeline", ("pipeline",)),
        ("fa", "Consumer key", "Consumer key", ("Consumer",)),
        ("tr", "Consumer key", "Consumer key", ("Consumer",)),
        # Turkish and German write Latin letters: only the source's own words count.
        ("tr", "Video file…", "Video dosyası…", ()),
        ("de", "Export cancelled", "Export abgebrochen", ()),
        ("de", "Send each lead now", "Jeden Lead sofort senden", ()),
        ("de", "Read later", "Später read", ("read",)),
        # Brands, formats, placeholders, addresses, options and commands are not English.
        ("el", "Export to CSV for HubSpot", "Εξαγωγή σε CSV για το HubSpot", ()),
        ("fa", "Sent to {email}", "به {email} فرستاده شد", ()),
        ("fa", "Write to info@example.com", "به info@example.com بنویسید", ()),
        ("el", "see “boothapp db recovery-key”", "δείτε «boothapp db recovery-key»", ()),
        ("fa", "--idle must be at least 5", "\u200f--idle باید دست‌کم ۵ باشد", ()),
        ("el", "<b>{0}</b> leads", "<b>{0}</b> επαφές", ()),
    ],
)
def test_what_counts_as_english(audit: ModuleType, lang, source, translation, words) -> None:  # type: ignore[no-untyped-def]
    assert audit.english_words(lang, source, translation) == words
