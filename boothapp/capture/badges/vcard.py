"""vCard 2.1 / 3.0 / 4.0 as printed in badge QR and PDF417 codes.

Vendors differ ("not all vCards are the same"): 2.1 cards use bare TYPE params and
QUOTED-PRINTABLE with CHARSET, 3.0/4.0 cards use TYPE= lists and RFC 6350 escapes, Apple
groups properties (``item1.EMAIL``). The parser takes the first usable value of each
property and never raises.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from dataclasses import dataclass

from boothapp.capture.badges.docomo import split_unescaped
from boothapp.capture.badges.model import BadgeFormat, ParsedBadge
from boothapp.capture.badges.names import split_full_name
from boothapp.core.models import Contact

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_VERSION_21 = re.compile(r"^VERSION:\s*2\.1\s*$", re.IGNORECASE | re.MULTILINE)
_CHARSET_ALIASES = {"utf8": "utf-8", "unicode": "utf-8"}
# Python codecs that are no text encoding of a card: "decoding" ORG:Bosch as punycode gives
# CJK garbage, and invalid input raises UnicodeError (issue #18). Read as if unknown.
_NOT_TEXT_CHARSETS = frozenset({"punycode", "idna", "raw_unicode_escape", "unicode_escape"})


@dataclass(frozen=True, slots=True)
class _Property:
    name: str
    params: dict[str, tuple[str, ...]]
    value: str

    @property
    def types(self) -> frozenset[str]:
        return frozenset(t.upper() for t in self.params.get("TYPE", ()))


def _physical_lines(text: str) -> list[str]:
    """Split into lines, joining QUOTED-PRINTABLE soft breaks (a trailing ``=``)."""
    lines = _LINE_BREAK.split(text)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "QUOTED-PRINTABLE" in line.upper().split(":", 1)[0]:
            while line.endswith("=") and i + 1 < len(lines):
                i += 1
                line = line[:-1] + lines[i].lstrip(" \t")
        out.append(line)
        i += 1
    return out


def _unfold(lines: list[str], keep_space: bool) -> list[str]:
    """Join continuation lines (starting with space or tab) onto the previous one.

    RFC 2425/6350 drop the single whitespace that marks the fold; vCard 2.1 folds *before*
    existing whitespace, so there it stays.
    """
    out: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t") and out:
            out[-1] += line if keep_space else line[1:]
        else:
            out.append(line)
    return out


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _value_start(line: str) -> int:
    quoted = False
    for pos, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return pos
    return -1


def _parse_line(line: str) -> _Property | None:
    # The value starts at the first colon outside a quoted parameter value.
    pos = _value_start(line)
    if pos < 0:
        return None
    head, value = line[:pos], line[pos + 1 :]
    pieces = _split_outside_quotes(head, ";")
    name = pieces[0].strip().upper()
    if "." in name:  # grouped property, e.g. item1.EMAIL
        name = name.rsplit(".", 1)[1]
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        piece = piece.strip()
        if not piece:
            continue
        if "=" in piece:
            key, _, val = piece.partition("=")
            key = key.strip().upper()
            vals = [v.strip().strip('"') for v in _split_outside_quotes(val, ",")]
        else:
            # vCard 2.1 bare parameters: "TEL;WORK;VOICE:" or "NOTE;QUOTED-PRINTABLE:".
            bare = piece.upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"):
                key, vals = "ENCODING", [bare]
            else:
                key, vals = "TYPE", [bare]
        params.setdefault(key, []).extend(vals)
    return _Property(name, {k: tuple(v) for k, v in params.items()}, value)


def _charset(prop: _Property) -> str:
    raw = (prop.params.get("CHARSET") or ("utf-8",))[0].strip().lower()
    return _CHARSET_ALIASES.get(raw.replace("-", "").replace("_", ""), raw)


def _text_codec(charset: str) -> bool:
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return False
    return name.replace("-", "_") not in _NOT_TEXT_CHARSETS


def _decode_value(prop: _Property, warnings: list[str]) -> str:
    encoding = {e.upper() for e in prop.params.get("ENCODING", ())}
    charset = _charset(prop)
    data: bytes | None = None
    if encoding & {"QUOTED-PRINTABLE", "QP"}:
        # QP text should be ASCII; literal non-ASCII characters some vendors leave in are
        # kept by encoding them in the declared charset before decoding the =XX escapes.
        try:
            literal = prop.value.encode(charset if _text_codec(charset) else "utf-8", "strict")
        except (LookupError, UnicodeError):
            literal = prop.value.encode("utf-8")
        data = quopri.decodestring(literal)
    elif encoding & {"B", "BASE64"} and prop.name not in ("PHOTO", "LOGO", "SOUND", "KEY"):
        try:
            data = base64.b64decode(prop.value.strip(), validate=False)
        except (binascii.Error, ValueError):
            warnings.append(f"{prop.name}: base64 value is malformed; kept as text")
            return prop.value
    elif "CHARSET" in prop.params and charset not in ("utf-8", "us-ascii", "ascii"):
        # A scanner that decoded the symbol as Latin-1 hands us mojibake; the CHARSET
        # parameter says what the bytes really were.
        try:
            data = prop.value.encode("latin-1")
        except UnicodeEncodeError:
            return prop.value
    elif "CHARSET" in prop.params:
        try:
            repaired = prop.value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return prop.value
        return repaired
    if data is None:
        return prop.value
    if not _text_codec(charset):
        warnings.append(f"{prop.name}: unknown CHARSET {charset!r}; read as UTF-8")
    else:
        try:
            return data.decode(charset)
        except (UnicodeError, ValueError):
            warnings.append(f"{prop.name}: bytes are not valid {charset}; read as Latin-1")
            return data.decode("latin-1")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _split_structured(value: str, sep: str = ";") -> list[str]:
    return split_unescaped(value, sep)


def _unescape(value: str) -> str:
    """RFC 6350 3.4: ``\\,`` ``\\;`` ``\\\\`` and ``\\n``; anything else stays as written."""
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            if nxt in ",;:\\":
                out.append(nxt)
                i += 2
                continue
            if nxt in "nN":
                out.append("\n")
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out).strip()


def _pick(props: list[_Property], preferred: tuple[str, ...]) -> _Property | None:
    for wanted in preferred:
        for prop in props:
            if wanted in prop.types or (wanted == "PREF" and "PREF" in prop.params):
                return prop
    return props[0] if props else None


def _first_good_email(props: list[_Property], values: dict[int, str]) -> str:
    ordered = sorted(
        props,
        key=lambda p: (
            0 if p.types & {"PREF", "WORK"} or "PREF" in p.params else 1,
            props.index(p),
        ),
    )
    for prop in ordered:
        value = values[id(prop)]
        if "@" in value and " " not in value and not value.count(":"):
            return value
    return ""


def parse_vcard(raw: str, text: str) -> ParsedBadge:
    warnings: list[str] = []
    keep_space = bool(_VERSION_21.search(text))
    lines = _unfold(_physical_lines(text), keep_space)
    props: list[_Property] = []
    started = ended = False
    for line in lines:
        if not line.strip():
            continue
        prop = _parse_line(line)
        if prop is None:
            warnings.append(f"vCard line without a value ignored: {line[:40]!r}")
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            if started:
                warnings.append("payload holds more than one vCard; read the first")
                break
            started = True
            continue
        if prop.name == "END" and prop.value.strip().upper() == "VCARD":
            ended = True
            break
        if started:
            props.append(prop)
    if not ended:
        warnings.append("vCard has no END:VCARD (payload may be cut off)")

    values = {id(p): _decode_value(p, warnings) for p in props}
    by_name: dict[str, list[_Property]] = {}
    for prop in props:
        by_name.setdefault(prop.name, []).append(prop)

    def first(name: str) -> str:
        found = by_name.get(name)
        return values[id(found[0])] if found else ""

    first_name = last_name = ""
    n_value = first("N")
    if n_value:
        n = [_unescape(p) for p in _split_structured(n_value)]
        last_name = n[0]
        first_name = n[1] if len(n) > 1 else ""
        if len(n) > 2 and n[2]:
            first_name = f"{first_name} {n[2]}".strip()
    if not (first_name or last_name):
        first_name, last_name = split_full_name(_unescape(first("FN")))
    if not (first_name or last_name):
        warnings.append("vCard has neither N nor FN")

    org = _unescape(_split_structured(first("ORG"))[0]) if first("ORG") else ""

    tel = ""
    tels = by_name.get("TEL", [])
    if tels:
        chosen = _pick(tels, ("WORK", "CELL", "PREF")) or tels[0]
        tel = _unescape(values[id(chosen)])
        if tel.lower().startswith("tel:"):  # vCard 4.0 VALUE=uri
            tel = tel[4:]
    email = _first_good_email(by_name.get("EMAIL", []), values)
    if email.lower().startswith("mailto:"):
        email = email[7:]

    city = country = ""
    adrs = by_name.get("ADR", [])
    if adrs:
        chosen_adr = _pick(adrs, ("WORK", "PREF")) or adrs[0]
        adr = [_unescape(p) for p in _split_structured(values[id(chosen_adr)])]
        city = adr[3] if len(adr) > 3 else ""
        country = adr[6] if len(adr) > 6 else ""

    website = _unescape(first("URL")) or _unescape(first("X-SOCIALPROFILE"))
    contact = Contact(
        first_name=first_name,
        last_name=last_name,
        email=_unescape(email),
        phone=tel,
        company=org,
        title=_unescape(first("TITLE")),
        country=country,
        city=city,
        website=website,
    )
    uid = _unescape(first("UID"))
    if uid.lower().startswith("urn:uuid:"):
        uid = uid[9:]
    return ParsedBadge(
        format=BadgeFormat.VCARD,
        raw=raw,
        contact=contact,
        badge_id=uid,
        warnings=tuple(warnings),
        id_forms=(uid,) if uid else (),
    )
