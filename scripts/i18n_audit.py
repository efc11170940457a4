"""Untranslated English left in the shipped catalogues (issue 21).

For each language's Qt catalogue (``boothapp/assets/i18n/boothapp_<lang>.ts``) and core
catalogue (``.../core/<lang>/LC_MESSAGES/boothapp.po``) it lists the translations that still
carry English: in Greek and Persian any Latin word of four letters or more; in Turkish and
German (Latin script, where "Kamera" is a native word) a word of four letters or more that is
also in the English source. Markup, placeholders, e-mail and web addresses, file patterns,
key names and the words in ``ALLOWED`` (brands, formats, protocols, names people type as
they are) do not count. ``tests/unit/test_i18n_audit.py`` fails on a new finding.

Run: python scripts/i18n_audit.py   (prints one finding a line; exit 1 when there is one)
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "boothapp" / "assets" / "i18n"
LANGS = ("tr", "el", "fa", "de")

# Names a booth team reads as they are in every language: brands and products, file formats,
# protocols and standards, units and codes. Case-insensitive.


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in text.split())


ALLOWED = _words(
    """
    BoothApp BottleCRM HubSpot Salesforce Pipedrive Zapier Zoho Dynamics Microsoft Google
    Outlook Gmail Excel LibreOffice PostgreSQL SQLite Dovecot Keychain Windows macOS Linux
    GNOME KWallet Argon2id SQLCipher vCard iCalendar Zebra Honeywell Zxing OpenCV Tesseract DejaVu
    CSV XLSX PDF JSON YAML HTML HTTP HTTPS RTSP IMAP SMTP OAuth HMAC TOTP UUID ISO UTC GDPR
    DSGVO KVKK vcf ics xlsx json yaml html mp4 avi mkv mov png jpg jpeg
    PIN QR URL API USB PIN Code128 PDF417 DataMatrix Aztec MeCard MECARD VCARD
    http https rtsp mailto localhost example
    Webhook webhook n8n Hub LinkedIn POST bytes byte IANA Hannover Messe PINs
    null csvdrop LANG YYYY microqr codabar datamatrix aztec alpha true false
    """
)
# Words each Latin-script language uses as its own (loanwords a booth team says as they are).
NATIVE: dict[str, frozenset[str]] = {
    "tr": _words("video portal form platform latin demo kiosk stand program plan logo blog"),
    "de": _words(
        """
        Lead Leads Badge Badges Kiosk Manager Name Namen Demo Scan Scans Median Deal Deals
        Video Token Tokens Mail Mails Export Exports Problem Code Codes Browser Server Schema
        Computer Details Portal Option Optionen Audit Pipeline Laptop Consumer Stand Status
        Start Team Online Offline Follow Hotel Import Intake Konto Plan Region Warm Person
        Format Formate Datei Land Ende Test Tests Liste Filter Sync Kanal Service Software
        Support Termin Firma Titel Link Links Text Texte Hardware Tablet Touch Handy Minuten
        Sekunden Stunden Rest Report Fair Messe Quote Rate Rating Ratings Timeout Account
        Login Logout Update Updates Backup Check Modus Info Design Marketing Sales Feedback
        Bonus Budget Chance Chancen Kontakt Kontakte Interesse Phase Phasen Spam Workflow
        Konsole Block Blocks Sound Scanner Drucker Label Labels Tabelle Zeile Spalte Spalten
        Barcode Private Revision Administrator System Website Countdown Minimum Qualif
        Version Client Thanksgiving Barcodes Desktop Laptops Live Symbol Exit Decoder
        Standard Minute Domain Stream CRMs Logo Argument Hand positive Port Ports
        """
    ),
}
# Messages whose English words are values typed as they are (command-line choices, the
# example column names a roster file may carry), whatever the language around them.
AS_TYPED = frozenset(
    {
        "unknown role {role!r}: staff, manager or kiosk",
        "configure needs --crm ({crms})",
        "which CRM (configure; run checks it)",
        "run (default): send the leads; configure: save the CRM settings; connect: sign in to "
        "Salesforce; status: what was sent and what waits; pull: fetch the CRM's changes",
        "people: column names in the --lang language; machine: stable column ids for CRM imports",
        "only these actions: login, logout, lead_created, lead_edited, please_delete, "
        "consent_changed, export, report, import, sync, scan_discarded, person_export, erase, "
        "crm_erase, retention, settings_changed, role_changed, refused",
        "{file}: no header line: the first line holds data ({values}...); add a line of "
        "column names such as Badge ID, First name, Email",
    }
)

_MARKUP = re.compile(
    r"<[^>]+>"  # tags
    r"|&[a-z]+;"  # entities
    r"|\{[^}]*\}"  # str.format fields
    r"|%\(?\w*\)?[sdrLn]"  # printf and Qt numerus fields
    r"|`[^`]*`"  # code
    r"|\b\w*\d\w*\b|\b\w+_\w+\b|\b\w+(?:,\w+)+\b"  # ids: code128, lead_created, hot,warm
    r"|[\w.+-]+@[\w.-]+"  # e-mail addresses
    r"|\b\w+://\S+"  # web and camera addresses
    r"|\*\.\w+"  # file patterns
    r"|\(boothapp [^)]*\)|\bboothapp\b[^()“”«»„;:,]*"  # commands
    r"|\bapt-get [\w -]+"
    r"|(?<![\w-])--?[a-z][\w-]*"  # options
    r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"  # environment variables
    r"|\b\w+\.\w+\b"  # dotted names: content.xml, costs.rates
    r"|\b[A-Z][a-z]+/[A-Z][\w/]+"  # time zone ids
    r"|(?:/[\w.-]+){2,}"  # paths
    r"|\b(?:Ctrl|Shift|Alt|Esc|Enter|Tab|F\d+)\b"  # keys
)
_WORD = re.compile(r"[A-Za-z]{4,}")
_LITERAL = re.compile(r"\"[^\"\n]{1,60}\"|'[^'\n]{1,20}'|\(\w+\)")


@dataclass(frozen=True, slots=True)
class Finding:
    lang: str
    catalogue: str  # "ui" or "core"
    context: str
    source: str
    translation: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return (f"{self.lang} {self.catalogue} [{self.context}] {', '.join(self.words)}: "
                f"{self.source!r} -> {self.translation!r}")  # fmt: skip


def english_words(lang: str, source: str, translation: str) -> tuple[str, ...]:
    """The English words ``translation`` still carries."""
    text = _MARKUP.sub(" ", translation)
    # What the source quotes or brackets is typed as it is: "text": null, 'all', (configure).
    for literal in _LITERAL.findall(source):
        text = text.replace(literal, " ")
    if source in AS_TYPED:
        return ()
    native = NATIVE.get(lang, frozenset())
    words = [w for w in _WORD.findall(text) if w.lower() not in ALLOWED | native]
    if lang in ("tr", "de"):  # Latin script: only a word the English source has too
        source_words = {w.lower() for w in _WORD.findall(_MARKUP.sub(" ", source))}
        words = [w for w in words if w.lower() in source_words]
    return tuple(dict.fromkeys(words))


def ui_messages(lang: str) -> Iterator[tuple[str, str, str]]:
    """(context, source, translation) of the Qt catalogue; each numerus form on its own."""
    root = ET.parse(I18N / f"boothapp_{lang}.ts").getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("vanished", "obsolete"):
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            for form in forms:
                yield name, source, form


def core_messages(lang: str) -> Iterator[tuple[str, str, str]]:
    from babel.messages.pofile import read_po

    path = I18N / "core" / lang / "LC_MESSAGES" / "boothapp.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield message.context or "", ids[-1], string or ""


def audit(langs: tuple[str, ...] = LANGS) -> list[Finding]:
    findings: list[Finding] = []
    for lang in langs:
        for catalogue, messages in (("ui", ui_messages(lang)), ("core", core_messages(lang))):
            for context, source, translation in messages:
                words = english_words(lang, source, translation)
                if words:
                    findings.append(Finding(lang, catalogue, context, source, translation, words))
    return findings


def main() -> int:
    findings = audit()
    for finding in findings:
        print(finding)
    print(f"{len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
