"""Extract the core's translatable strings and merge them into the .po catalogues (issue 21).

``make i18n-core`` runs this. Babel's Python extractor reads every module outside ``ui/`` (the
Qt UI has its own .ts files, ``make i18n``) for ``_``, ``gettext``, ``ngettext``, ``pgettext``
and ``N_``; the template goes to ``boothapp/assets/i18n/core/boothapp.pot`` and each language's
``boothapp.po`` is updated from it (new msgids arrive empty, and the catalogue test fails until
someone translates them; vanished ones are dropped). ``--check`` only reports what is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from boothapp.core.i18n import CATALOGUE_DIR, DOMAIN, Language, catalogue_path  # noqa: E402

METHOD_MAP = [("ui/**.py", "ignore"), ("**.py", "python")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}


def extract() -> Catalog:
    """The template catalogue of every marked string under ``boothapp/`` (``ui/`` aside)."""
    catalog = Catalog(project="BoothApp", domain=DOMAIN, fuzzy=False)
    package = ROOT / "boothapp"
    for filename, _lineno, message, comments, context in extract_from_dir(
        str(package), METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(
            message,
            None,
            [(f"boothapp/{filename}", None)],  # no line numbers: fewer diffs per edit
            auto_comments=comments,
            context=context,
        )
    extract_cli(catalog)
    return catalog


# argparse's words for a programmer's mistake in building a parser: no user meets them.
ARGPARSE_INTERNAL = frozenset(
    {
        ".__call__() not defined",
        "conflicting subparser: %s",
        "conflicting subparser alias: %s",
        'argument "-" with mode %r',
        "cannot merge actions - two groups are named %r",
        "'required' is an invalid argument for positionals",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
        "dest= is required for options like %r",
        "invalid conflict_resolution value: %r",
        "conflicting option string: %s",
        "mutually exclusive arguments must be optional",
        "cannot have multiple subparser arguments",
        "%r is not callable",
    }
)


def extract_cli(catalog: Catalog) -> None:
    """The command line's help (descriptions, option and verb help, placeholders), which the
    command modules write in English for argparse, and argparse's own words ("usage:",
    "error:", "invalid choice"), read from the running Python's argparse: ``boothapp.cli``
    translates both through this catalogue (issue 21)."""
    import argparse

    from babel.messages.extract import extract_from_file

    from boothapp.cli import build_parser, parser_texts

    for _owner, _attr, text in parser_texts(build_parser()):
        catalog.add(text, None, [("boothapp/cli (argparse help)", None)])
    for _lineno, message, comments, context in extract_from_file(
        "python", argparse.__file__, keywords={"_": None, "ngettext": (1, 2)}
    ):
        first = message[0] if isinstance(message, tuple) else message
        if first and first not in ARGPARSE_INTERNAL:
            catalog.add(message, None, [("argparse.py", None)], auto_comments=comments,
                        context=context)  # fmt: skip


def update(template: Catalog) -> list[str]:
    """Merge the template into every language's catalogue; returns "lang: N untranslated"."""
    report: list[str] = []
    for lang in Language:
        if lang is Language.EN:
            continue
        po = catalogue_path(lang)
        if po.is_file():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang.value)
        else:
            catalog = Catalog(locale=lang.value, domain=DOMAIN, project="BoothApp")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=False)
        missing = [m.id for m in catalog if m.id and not _complete(m.string)]
        report.append(f"{lang.value}: {len(catalog) - 1} strings, {len(missing)} untranslated")
        mo = catalogue_path(lang, ".mo")
        mo.unlink(missing_ok=True)  # stale; compiled again in memory from the .po
    return report


def _complete(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(bool(s) for s in string)
    return bool(string)


def main(argv: list[str]) -> int:
    template = extract()
    if "--check" in argv:
        print(f"{len(template)} strings in the source")
        return 0
    CATALOGUE_DIR.mkdir(parents=True, exist_ok=True)
    with (CATALOGUE_DIR / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, width=100, sort_output=False)
    for line in update(template):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
