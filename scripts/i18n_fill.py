"""Keep the UI catalogue current and complete (issue 21).

    python scripts/i18n_fill.py            # lupdate, then fill every .ts from the wording table
    python scripts/i18n_fill.py --no-update  # fill only (the .ts already hold the new strings)
    python scripts/i18n_fill.py --check    # exit 1 when a message has no wording yet

New strings: wrap them in self.tr()/QCoreApplication.translate, run this script; it lists the
sources that have no wording. Add each to ``T`` in scripts/i18n_translations.py (Turkish, Greek,
Persian, German; a tuple of forms for a %n plural) and run it again. Re-running is safe: the
.ts files are rewritten from the code and the table every time.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from i18n_translations import CONTEXT, EN_NUMERUS, T  # noqa: E402

I18N = ROOT / "boothapp" / "assets" / "i18n"
LANGS = ("en", "tr", "el", "fa", "de")
COLUMN = {"tr": 0, "el": 1, "fa": 2, "de": 3}
QT_LANG = {"en": "en_GB", "tr": "tr_TR", "el": "el_GR", "fa": "fa_IR", "de": "de_DE"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%L?n")


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "boothapp" / "ui").rglob("*.py"))


def lupdate(ts: Path, lang: str) -> None:
    tool = ROOT / ".venv" / "bin" / "pyside6-lupdate"
    cmd = [str(tool) if tool.exists() else "pyside6-lupdate", *sources(), "-no-obsolete",
           "-locations", "none", "-target-language", QT_LANG[lang], "-ts", str(ts)]  # fmt: skip
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)


def passes_through(source: str) -> bool:
    """Nothing to word: placeholders, markup, numbers, addresses."""
    text = _PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", source))
    return not re.search(r"[^\W\d_]{2,}", text) or source.startswith(("https://", "/"))


def wording(context: str, source: str, lang: str) -> str | tuple[str, ...] | None:
    if lang == "en":
        return EN_NUMERUS.get(source, source)
    row = CONTEXT.get((context, source)) or T.get(source)
    if row is None:
        return source if passes_through(source) else None
    return row[COLUMN[lang]]


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def fill(ts: Path, lang: str) -> list[str]:
    tree = ET.parse(ts)
    problems = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None
            found = wording(name, source, lang)
            if found is None:
                problems.append(f"{lang}: no wording for {name}: {source!r}")
                continue
            forms = (found,) if isinstance(found, str) else found
            for form in forms:
                if placeholders(form) != placeholders(source):
                    problems.append(f"{lang}: placeholders differ in {source!r} -> {form!r}")
            if message.get("numerus") == "yes":
                for child in list(translation):
                    translation.remove(child)
                translation.text = None
                for form in forms:
                    ET.SubElement(translation, "numerusform").text = form
            else:
                translation.text = forms[0]
            translation.attrib.pop("type", None)
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                  encoding="utf-8")  # fmt: skip
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-update", action="store_true", help="do not run lupdate first")
    parser.add_argument("--check", action="store_true", help="fail when wording is missing")
    args = parser.parse_args()
    I18N.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for lang in LANGS:
        ts = I18N / f"boothapp_{lang}.ts"
        if not args.no_update:
            lupdate(ts, lang)
        problems += fill(ts, lang)
    for line in problems:
        print(line)
    count = len(ET.parse(I18N / "boothapp_en.ts").getroot().findall(".//message"))
    print(f"{count} messages, {len(LANGS)} languages, {len(problems)} problem(s)")
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
