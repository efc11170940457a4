"""Config-loader errors, CRM delete states and the sync dry run in the reader's language,
with the values the manager wrote kept as written (issue 21)."""

from __future__ import annotations

import re

import pytest

from boothapp.cli.commands.person import ERASURE_WORDS
from boothapp.core import i18n
from boothapp.core.config import ConfigError, load_config
from boothapp.services.privacy import ErasureState

BROKEN = """\
version: 1
revision: -2
questions:
  - id: budget
    label: Budget
    kind: single
    options: []
    translations: {fa: ""}
scoring:
  rules:
    - id: big
      question: budjet
      points: many
rating:
  warm: 50
  hot: 20
kiosk_languages: [fa]
colour: blue
"""

# What the manager wrote and the file's own names (keys, paths, kinds): kept in every language.
KEPT = re.compile(
    r"'[^']*'|\"[^\"]*\"|[\w.]+\[\d+\][\w.]*|\w+\.\w+|[\w.]+:|single|\w+(?:, \w+){3,}"
)
WORD = re.compile(r"[^\W\d_]{2,}")


def _problems(lang: str) -> str:
    with i18n.using(lang), pytest.raises(ConfigError) as caught:
        load_config(BROKEN, "event.yaml")
    return str(caught.value)


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(KEPT.sub(" ", text))}


def test_english_is_the_source() -> None:
    text = _problems("en")
    assert text.startswith("8 problems in event.yaml:")
    assert "line 2: revision: must be 0 or more, got -2" in text
    assert "unknown question 'budjet'; did you mean 'budget'?" in text


@pytest.mark.parametrize("lang", ["fa", "tr", "el"])  # German shares "in", "Hand"
def test_config_problems_carry_no_english_word(lang: str) -> None:
    """Every problem in the reader's words, what was written kept as written."""
    english = _words(_problems("en"))
    text = _problems(lang)
    for value in ("-2", "'budjet'", "'budget'", "'many'", "'colour'", "event.yaml", "(20 <= 50)"):
        assert value in text, (value, text)
    assert len(text.splitlines()) == 9
    shared = _words(text) & english - {"crm"}
    assert not shared, (shared, text)


def test_persian_config_problem_reads_persian() -> None:
    text = _problems("fa")
    assert text.startswith("۸ مشکل در event.yaml:")
    assert "خط 2: revision: باید ۰ یا بیشتر باشد؛ نوشته شده: -2" in text
    assert "پرسش ناشناخته: 'budjet'؛ منظورتان 'budget' است؟" in text


@pytest.mark.parametrize("lang", ["tr", "el", "fa"])
def test_crm_delete_states_in_the_readers_words(lang: str) -> None:
    assert set(ERASURE_WORDS) == set(ErasureState)
    with i18n.using(lang):
        words = [i18n.gettext(ERASURE_WORDS[state]) for state in ErasureState]
    assert len(set(words)) == len(words)
    english = {w.lower() for state in ErasureState for w in WORD.findall(ERASURE_WORDS[state])}
    for word in words:
        assert not {w.lower() for w in WORD.findall(word)} & (english - {"crm"}), word


def test_sync_dry_run_line_is_translated() -> None:
    with i18n.using("el"):
        one = i18n.ngettext(
            "dry run: {count} lead would be sent", "dry run: {count} leads would be sent", 3
        ).format(count=3)
    assert one == "δοκιμή: θα στέλνονταν 3 επαφές"


@pytest.mark.parametrize("lang", ["fa", "el", "tr"])
def test_image_file_errors_in_the_readers_words(lang: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from boothapp.capture.imagefile import DecodeFileError, load_image

    broken = tmp_path / "badge.png"
    broken.write_bytes(b"not a picture")
    said = []
    for path in (tmp_path / "missing.png", tmp_path, broken):
        with i18n.using(lang), pytest.raises(DecodeFileError) as caught:
            load_image(path)
        said.append(str(caught.value))
    with pytest.raises(DecodeFileError) as english:
        load_image(broken)
    assert str(english.value).endswith("not a readable image (not an image format this app reads)")
    for text in said:
        assert str(tmp_path) in text  # the path kept as written
        words = _words(text.replace(str(tmp_path), ""))
        assert not words & {"no", "such", "file", "not", "readable", "image", "format", "reads"}


def test_decode_json_error_stays_english(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Machine output is never translated: the JSON line's "error" is English in fa."""
    import json

    from boothapp.cli import main

    missing = tmp_path / "missing.png"
    try:
        code = main(["--lang", "fa", "decode", str(missing)])
    except SystemExit as exit_:
        code = exit_.code
    assert code != 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["error"] == f"{missing}: no such file"


@pytest.mark.parametrize("lang", ["fa", "tr", "el"])
def test_crm_section_problem_in_the_readers_words(lang: str) -> None:
    from boothapp.core.config import default_config, dump_config
    from boothapp.services.event_config import validate_text

    text = dump_config(default_config()) + "crm:\n  name: zoho\n  base_url: https://x\n"
    with i18n.using(lang), pytest.raises(ConfigError) as caught:
        validate_text(text, "event.yaml")
    (problem,) = caught.value.problems
    assert problem.path == "crm.name" and "'zoho'" in problem.message
    english = _words("unknown CRM 'zoho'; choose from")
    assert not _words(problem.message) & (english - {"crm"}), problem.message
