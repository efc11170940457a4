"""Badge URLs: ids and tokens in the path or query, LinkedIn profiles, ticket links."""

from __future__ import annotations

import itertools
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from boothapp.capture.badges.ids import HEX_TOKEN, id_forms, strip_padding
from boothapp.capture.badges.model import BadgeFormat, ParsedBadge
from boothapp.core.models import Contact

URL_START = re.compile(r"(?i)(https?://|www\.)\S+")
# Path words after which the next segment is the attendee's id (``/scan/A3F9K2M``).
_ID_SEGMENT_WORDS = (
    "scan badge badges b a attendee attendees ticket tickets checkin check-in lead leads p "
    "person people u user users r reg registration registrations v visitor visitors qr id "
    "guest guests participant participants delegate delegates"
)
_ID_SEGMENTS = frozenset(_ID_SEGMENT_WORDS.split())
_TOKEN_SEGMENTS = frozenset({"at", "id", "t", "token", "tokens"})
_ID_PARAMS = (
    "badge_id",
    "badgeid",
    "badge",
    "attendee_id",
    "attendeeid",
    "attendee",
    "registration_id",
    "regid",
    "ref",
    "reference",
    "refid",
    "uid",
    "id",
    "code",
    "ticket",
)
_TOKEN_PARAMS = ("token", "t", "pk", "ticket_token")
_ID_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,79}")
_LINKEDIN = re.compile(r"(?i)^(?:[a-z]+\.)?linkedin\.com$")


def _canonical_linkedin(host: str, path: str) -> str:
    segments = [s for s in path.split("/") if s]
    if len(segments) >= 2 and segments[0].lower() in ("in", "pub"):
        return f"https://www.linkedin.com/in/{unquote(segments[1]).lower()}"
    return f"https://{host.lower()}{path}"


def parse_url(raw: str, text: str) -> ParsedBadge:
    url = text if "://" in text[:12] else f"https://{text}"
    warnings: list[str] = []
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as exc:
        # "https://[" (an unclosed IPv6 bracket) raises; the path and query after it can
        # still carry the badge id (issue #18), so split them without the host check.
        warnings.append(f"malformed URL host ({exc}); read the rest of it")
        parts = urlsplit(url.replace("[", "%5B").replace("]", "%5D"))
        host = (parts.hostname or "").lower() or "malformed-host"
    if not host:
        return ParsedBadge(format=BadgeFormat.UNKNOWN, raw=raw, warnings=("URL without a host",))

    if _LINKEDIN.match(host):
        # Match to the guest list by profile URL (sreday/badger prints LinkedIn QRs).
        website = _canonical_linkedin(host, parts.path)
        return ParsedBadge(
            format=BadgeFormat.URL,
            raw=raw,
            contact=Contact(website=website),
            needs_lookup=True,
        )

    query = {k.lower(): v.strip() for k, v in parse_qsl(parts.query, keep_blank_values=False)}
    segments = [unquote(s) for s in parts.path.split("/") if s]
    token = ""
    badge_id = ""
    for i, seg in enumerate(segments):
        if HEX_TOKEN.fullmatch(seg):
            token = seg.lower()
            if i > 0 and segments[i - 1].lower() == "id":
                warnings.append("URL holds a check-in token (/t/id/), not an exhibitor token")
            break
    if not token:
        for name in _TOKEN_PARAMS:
            if query.get(name):
                token = query[name]
                break
    for name in _ID_PARAMS:
        value = query.get(name, "")
        if value and _ID_VALUE.fullmatch(value):
            badge_id = value
            break
    if not badge_id and not token:
        for prev, seg in itertools.pairwise(segments):
            if prev.lower() in _ID_SEGMENTS and _ID_VALUE.fullmatch(seg):
                badge_id = seg
                break
    if not token and not badge_id and len(segments) >= 2:
        prev, last = segments[-2].lower(), segments[-1]
        if prev in _TOKEN_SEGMENTS and _ID_VALUE.fullmatch(last) and len(last) >= 16:
            token = last

    email = query.get("email", "")
    if badge_id or token:
        stripped = strip_padding(badge_id)
        return ParsedBadge(
            format=BadgeFormat.URL,
            raw=raw,
            contact=Contact(email=email),
            badge_id=stripped,
            token=token,
            needs_lookup=True,
            warnings=tuple(warnings),
            id_forms=id_forms(stripped, badge_id),
        )
    # A plain link (company homepage, personal site): keep it as the visitor's website.
    warnings.append("no badge id or token found in the URL; kept it as the website")
    return ParsedBadge(
        format=BadgeFormat.URL,
        raw=raw,
        contact=Contact(email=email, website=url),
        warnings=tuple(warnings),
    )
