"""The command line's help and argparse's own words in the user's language (issue 21),
run as a user runs it: the real ``boothapp`` in a subprocess, the language from the OS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from boothapp.cli import build_parser, main, parser_texts
from boothapp.core import i18n

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    langs = ("BOOTHAPP_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG")
    clean = {k: v for k, v in os.environ.items() if k not in langs}
    return subprocess.run(
        [sys.executable, "-m", "boothapp", *args],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


def test_turkish_help_from_the_os_language() -> None:
    run = _run("--help", LANG="tr_TR.UTF-8")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.startswith("kullanım: boothapp [-h] [--version] [--lang {en,tr,el,fa,de}]")
    assert "konumsal argümanlar:" in out and "seçenekler:" in out
    assert "bu yardım iletisini gösterip çık" in out
    assert "masaüstü uygulamasını başlat (varsayılan)" in out
    assert "KOMUT" in out and "--data-dir VERİ_KLASÖRÜ" in out
    for english in ("usage:", "options:", "show this help", "start the desktop app", "COMMAND"):
        assert english not in out


def test_persian_missing_argument_error() -> None:
    run = _run("event", "create", BOOTHAPP_LANG="fa")
    assert run.returncode == 2
    last = run.stderr.strip().splitlines()[-1]
    assert last == "boothapp event create: خطا: این آرگومان‌ها لازم‌اند: --name"
    assert run.stderr.startswith("کاربرد: boothapp event create")


def test_english_stays_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "en", "event", "nope"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "boothapp event: error: argument ACTION: invalid choice: 'nope'" in err


@pytest.mark.parametrize("lang", ["tr", "el", "fa", "de"])
def test_every_help_text_of_every_verb_is_translated(lang: str) -> None:
    """What ``boothapp VERB --help`` shows: each description, option help and placeholder
    is in the catalogue (``make i18n-core`` extracts them; a new one fails here first)."""
    with i18n.catalogue_path(i18n.Language(lang)).open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    texts = {text for _owner, _attr, text in parser_texts(build_parser())}
    missing = {t for t in texts if catalogue.get(t) is None or not catalogue.get(t).string}
    assert not missing


def test_verbs_speak_the_readers_language(tmp_path: Path) -> None:
    """What the verbs print for people (counts, verdicts, errors) comes from the catalogue,
    counts in the reader's digits; run as a user runs them."""
    data = str(tmp_path / "data")
    made = _run("--data-dir", data, "event", "create", "--name", "Door Expo")
    assert made.returncode == 0, made.stderr
    review = _run("--data-dir", data, "--lang", "fa", "leads", "review", "--event", "Door Expo")
    assert review.returncode == 0, review.stderr
    assert review.stdout.strip() == "۰ سرنخ علامت\u200cگذاری\u200cشده برای حذف"
    reroute = _run(
        "--data-dir", data, "--lang", "tr", "leads", "reroute", "--event", "Door Expo", "--dry-run"
    )
    assert reroute.returncode == 0, reroute.stderr
    assert reroute.stdout.strip() == "0 adayın sorumlusu değişecek"
    limit = _run("--data-dir", data, "--lang", "fa", "audit", "list", "--limit", "0")
    assert limit.returncode == 2
    assert limit.stderr.strip() == "boothapp: خطا: --limit باید دست\u200cکم ۱ باشد"
    missing = _run("--data-dir", data, "--lang", "tr", "event", "import", "--event", "Door Expo",
                   str(tmp_path / "nope.yaml"))  # fmt: skip
    assert missing.returncode != 0
    assert missing.stderr.strip().endswith(f"böyle bir dosya yok: {tmp_path / 'nope.yaml'}")


def test_counts_in_one_line_each_in_its_own_plural() -> None:
    from boothapp.core.i18n import ngettext
    from boothapp.core.i18n_format import format_counts

    def line() -> str:
        return format_counts(
            (ngettext("{count} lead", "{count} leads", 3), 3),
            (ngettext("{count} scan", "{count} scans", 1), 1),
        )

    with i18n.using("en"):
        assert line() == "3 leads, 1 scan"
    with i18n.using("fa"):
        assert line() == "۳ سرنخ، ۱ اسکن"
    with i18n.using("el"):
        assert line() == "3 επαφές, 1 σάρωση"
