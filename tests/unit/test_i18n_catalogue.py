"""The UI catalogue (issue 21): five languages complete, nothing in the code missing from it.

No Qt here: the .ts files are XML, and lupdate is run as the command CI has (pyside6-lupdate).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "boothapp" / "assets" / "i18n"
LANGS = ("en", "tr", "el", "fa", "de")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%L?n")


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [
        (ctx.findtext("name") or "", msg.findtext("source") or "", msg)
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    ]


def _lupdate() -> str:
    here = Path(sys.executable).with_name("pyside6-lupdate")
    found = str(here) if here.exists() else shutil.which("pyside6-lupdate")
    if not found:
        pytest.skip("pyside6-lupdate not installed")
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated(lang: str) -> None:
    ts = I18N / f"boothapp_{lang}.ts"
    problems = []
    for context, source, msg in _messages(ts):
        translation = msg.find("translation")
        assert translation is not None
        if translation.get("type") in ("unfinished", "vanished", "obsolete"):
            problems.append(f"{context}: {source!r} is {translation.get('type')}")
            continue
        forms = (
            [f.text or "" for f in translation.iter("numerusform")]
            if msg.get("numerus") == "yes"
            else [translation.text or ""]
        )
        for form in forms:
            if not form.strip():
                problems.append(f"{context}: {source!r} has an empty translation")
            elif sorted(PLACEHOLDER.findall(form)) != sorted(PLACEHOLDER.findall(source)):
                problems.append(f"{context}: {source!r} -> {form!r}: placeholders differ")
    assert not problems, "\n".join(problems[:40])


def test_the_five_catalogues_hold_the_same_messages() -> None:
    keys = {lang: {(c, s) for c, s, _ in _messages(I18N / f"boothapp_{lang}.ts")} for lang in LANGS}
    assert all(k == keys["en"] for k in keys.values())
    assert len(keys["en"]) > 500


# Words Greek and Persian booth staff write in Latin letters themselves.
_SAME_IN_ALL = {"email"}


def test_translations_are_not_left_in_english() -> None:
    """A Persian or Greek wording that is just the English source is a string nobody worded."""
    for lang in ("el", "fa"):
        same = [
            s
            for _, s, m in _messages(I18N / f"boothapp_{lang}.ts")
            if m.get("numerus") != "yes"
            and (m.findtext("translation") or "") == s
            and re.search(r"\b[a-z]{4,}\b", PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", s)))
            and not s.startswith(("https://", "/"))
            and s not in _SAME_IN_ALL
        ]
        assert not same, f"{lang}: {same[:10]}"


def test_lupdate_finds_no_string_missing_from_the_catalogue(tmp_path: Path) -> None:
    """A string wrapped in tr() but not in the .ts (or a stale one) fails: run `make i18n`."""
    copy = tmp_path / "boothapp_en.ts"
    shutil.copy(I18N / "boothapp_en.ts", copy)
    before = {(c, s) for c, s, _ in _messages(copy)}
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "boothapp" / "ui").rglob("*.py"))
    subprocess.run(
        [_lupdate(), *sources, "-no-obsolete", "-locations", "none", "-ts", str(copy)],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    after = {(c, s) for c, s, _ in _messages(copy)}
    assert after - before == set(), f"not in the catalogue (make i18n): {sorted(after - before)}"
    assert before - after == set(), f"no longer in the code (make i18n): {sorted(before - after)}"


_SETTERS = {"setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "setTitle",
            "showMessage", "addTab", "setStatusTip", "set_notice", "set_message"}  # fmt: skip
_WIDGETS = {"QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction"}


def _bare_words(node: ast.AST) -> bool:
    """English given to the screen as it is: a literal (or f-string) with words in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{3,}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_bare_words(v) for v in node.values if isinstance(v, ast.Constant))
    return False


def test_no_widget_text_bypasses_tr() -> None:
    """Words put on a widget without tr() never reach the catalogue (lupdate cannot see them)."""
    found = []
    for path in sorted((ROOT / "boothapp" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = node.args[1] if name == "addTab" and len(node.args) > 1 else node.args[0]
            if (name in _SETTERS or name in _WIDGETS) and _bare_words(arg):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(arg)[:60]}")
    assert not found, "\n".join(found)


def test_turkish_says_fuar_for_the_show_everywhere() -> None:
    """The Turkish CLI mixed "fuar" and "etkinlik" for the one event: the glossary at the top
    of scripts/i18n_translations.py keeps "fuar" in both catalogues."""
    ui = [
        "".join(msg.find("translation").itertext())  # type: ignore[union-attr]
        for _c, _s, msg in _messages(I18N / "boothapp_tr.ts")
    ]
    core = (I18N / "core" / "tr" / "LC_MESSAGES" / "boothapp.po").read_text(encoding="utf-8")
    msgstrs = [line for line in core.splitlines() if not line.startswith(("msgid", "#"))]
    mixed = [t for t in ui + msgstrs if re.search(r"(?i)etk[iİ]nl[iİ]", t)]
    assert not mixed, mixed
    assert any("fuar" in t.lower() for t in ui) and any("fuar" in t for t in msgstrs)
