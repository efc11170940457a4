"""Follow-up reasons in the reader's language, translated when shown (issue 21).

The planner, the attempt rules and the sender write a touch's reason in English into the
database (``followup.reason``): the CRM task, the ICS description and older rows all read it
so. What a person reads in the queue is ``shown(reason)``: the stored text is cut into its
phrases (joined by "; "), each phrase that was made from one of the ``PHRASES`` below is
translated with its values put back, and anything else (an old wording, a server's reply, a
note someone typed) is shown as it was stored. The English templates here are the msgids, so
the producers and the translator share one wording; a test plans, records and sends touches
and checks every reason comes out translated.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from datetime import UTC, date, datetime

from babel.dates import get_day_names

from boothapp.core.i18n import N_, Language, current, gettext
from boothapp.core.i18n_format import format_date, locale_of, native_digits

# -- the phrases (stored in English, translated when shown) ------------------------------------
NOT_INTERESTED = N_("the lead said they are not interested; no more touches, the record is kept")
MEETING_BOOKED = N_("meeting booked: the meeting is the next action; automatic touches stop")
REPLIED = N_("the lead replied: call back the next working day")
REACHED = N_("reached the lead: next call in a week, on a call day")
STREAK_STOP = N_(
    "{streak} unanswered attempts in a row (the {limit}-attempt rule): marked not interested; "
    "the record is kept"
)
VOICEMAIL = N_("voicemail: call again in {days} working days")
NO_ANSWER = N_("no answer: call again in {days} working day(s)")
WRONG_NUMBER = N_("wrong number: fix the phone number; next touch by letter")
BOUNCED = N_("email bounced: fix the address; next touch by phone or letter")
EMAIL_SENT = N_("email sent: call in {days} working days")
# Follows the five phrases above without a separator.
STREAK_TAIL = N_(" ({streak} unanswered so far, {left} before 'not interested')")

# The next call after an outcome (core.followups.attempts._call): what it is for.
CALL_AFTER_REPLY = N_("call back after the reply")
CALL_WEEK_ON = N_("follow-up call a week on")
CALL_AFTER_VOICEMAIL = N_("call again after a voicemail")
CALL_AFTER_NO_ANSWER = N_("call again after no answer")
WRITE_INSTEAD = N_("wrong number; write instead")
CALL_INSTEAD_BOUNCE = N_("email bounced; call instead")
CALL_AFTER_EMAIL = N_("call after the email")
# Follows the seven phrases above when the lead has no phone.
LETTER_TAIL = N_(" (no phone number: letter instead)")
# The next touch with the outcome that planned it: "<next touch> (<outcome reason>)".
FOLLOWS = N_("{next} ({why})")

APPROVED_BY = N_("approved by {who}")
REVIEWED_BY = N_("reviewed by {who}")
NOTE = N_("note: {text}")
CANCELLED = N_("cancelled: {why}")
CONFIRMED_SENT = N_("confirmed sent ({message_id}) after an interruption")
NEVER_REACHED = N_("an interrupted send never reached the server: will resend")
NOT_SENT_AT_SEND = N_("not sent: {why} at send time")
NOT_SENT = N_("not sent: {why}")
INTERRUPTED_CHECK = N_(
    "interrupted while sending: check the Sent folder for {message_id} before resending "
    "(not resent automatically): {said}"
)
REPLANNED = N_("waits for the sending window: re-planned to {when} {tz}: {why}")
INTERRUPTED = N_("interrupted while sending ({said}): check before resending")
DEFERRED = N_("deferred ({said}), retried after {minutes} min")
BOUNCED_SAID = N_("bounced: {said}")
BOUNCED_DSN = N_("bounced after delivery (DSN {status} {recipient})")
MORNING_FULL = N_("the morning is full ({limit} per slot), kept at {when}")
MOVED = N_("moved to {when}: slot limit of {limit}")
SKIPPED = N_("skipped {holidays}")
# One skipped day inside SKIPPED's list: "Fri 25 Dec is Christmas Day".
HOLIDAY_ON = N_("{day} is {holiday}")
# Why a touch waits at send time (core.followups.quiet_hours.outside_window).
OUTSIDE_WINDOW = N_("{when} {tz} is outside the sending window ({window} local)")
HOLIDAY_NOW = N_("{when} {tz} is {holiday}")

# The timing phrases follow "<when> <zone>: " (core.followups.timing), read by ``_AT``.
SHOW_END = N_("the show end ({when})")
CAPTURE = N_("capture ({when})")
MIDWEEK = N_("first midweek morning within {hours} h of {anchor}")
NO_MIDWEEK = N_("no midweek morning within {hours} h of {anchor}; earliest weekday morning")
WINDOW_PASSED = N_(
    "the {hours} h window after {anchor} had passed when planned; earliest weekday morning from now"
)
NO_WEEKDAY = N_(
    "no weekday morning within {hours} h of {anchor} (weekend, holiday or night); "
    "earliest weekday morning after it"
)
# Hot leads (core.followups.cadence): the thank-you and the same-day call.
HOT_THANK_YOU = N_(
    "hot lead: personal thank-you right after capture ({when} {tz}), within {minutes} min"
)
PLANNED_LATE = N_("planned late, {minutes} min after")
HOT_LETTER = N_("hot lead: thank-you by letter ({why})")
HOT_SAME_DAY = N_("hot lead: call back the same day, in working hours of {tz}")
HOT_NEXT_DAY = N_(
    "hot lead: call back; capture day over in {tz} (after working hours, weekend or holiday), "
    "first working hour next working day"
)
# Follows the two calls above when e-mail is blocked.
WHY_TAIL = N_(" ({why})")
# Later touches (core.followups.cadence._follow_on): "<label>, <what>".
FOLLOW_ON = N_("{label}, {what}")
FOLLOW_UP_CALL = N_("follow-up call")
FOLLOW_UP_EMAIL = N_("follow-up email")
NURTURE = N_("nurture {n} of {total}, different content each week")
EXTRA_TOUCH = N_("extra touch to reach the minimum of {count}")
WHAT_CALL = N_("call on a call day in working hours")
WHAT_EMAIL = N_("email on a midweek morning")
WHAT_LETTER = N_("letter")
# Channel changes (core.followups.cadence.resolve_channel).
CALL_INSTEAD = N_("call instead of email ({why})")
LETTER_INSTEAD = N_("letter instead of email ({why}, no phone)")
LETTER_NO_PHONE = N_("letter instead of call (no phone number)")

PHRASES: tuple[str, ...] = (
    NOT_INTERESTED,
    MEETING_BOOKED,
    REPLIED,
    REACHED,
    STREAK_STOP,
    VOICEMAIL,
    NO_ANSWER,
    WRONG_NUMBER,
    BOUNCED,
    EMAIL_SENT,
    CALL_AFTER_REPLY,
    CALL_WEEK_ON,
    CALL_AFTER_VOICEMAIL,
    CALL_AFTER_NO_ANSWER,
    WRITE_INSTEAD,
    CALL_INSTEAD_BOUNCE,
    CALL_AFTER_EMAIL,
    APPROVED_BY,
    REVIEWED_BY,
    NOTE,
    CANCELLED,
    CONFIRMED_SENT,
    NEVER_REACHED,
    NOT_SENT_AT_SEND,
    NOT_SENT,
    INTERRUPTED_CHECK,
    REPLANNED,
    INTERRUPTED,
    DEFERRED,
    BOUNCED_SAID,
    BOUNCED_DSN,
    MORNING_FULL,
    MOVED,
    SKIPPED,
    OUTSIDE_WINDOW,
    HOLIDAY_NOW,
    MIDWEEK,
    NO_MIDWEEK,
    WINDOW_PASSED,
    NO_WEEKDAY,
    CALL_INSTEAD,
    LETTER_INSTEAD,
    LETTER_NO_PHONE,
    HOT_THANK_YOU,
    PLANNED_LATE,
    HOT_LETTER,
    HOT_SAME_DAY,
    HOT_NEXT_DAY,
    FOLLOW_ON,
    FOLLOWS,  # last: a longer match by a specific phrase wins, an equal one too
)
# Phrases that only appear inside another one's value.
_INNER: tuple[str, ...] = (
    SHOW_END,
    CAPTURE,
    FOLLOW_UP_CALL,
    FOLLOW_UP_EMAIL,
    NURTURE,
    EXTRA_TOUCH,
    WHAT_CALL,
    WHAT_EMAIL,
    WHAT_LETTER,
)
_TAILS: dict[str, str] = {
    **dict.fromkeys((VOICEMAIL, NO_ANSWER, WRONG_NUMBER, BOUNCED, EMAIL_SENT), STREAK_TAIL),
    **dict.fromkeys(
        (
            CALL_AFTER_REPLY,
            CALL_WEEK_ON,
            CALL_AFTER_VOICEMAIL,
            CALL_AFTER_NO_ANSWER,
            WRITE_INSTEAD,
            CALL_INSTEAD_BOUNCE,
            CALL_AFTER_EMAIL,
        ),
        LETTER_TAIL,
    ),
    **dict.fromkeys((HOT_SAME_DAY, HOT_NEXT_DAY), WHY_TAIL),
}
# Values that are a person's words or a server's reply: never looked up.
_VERBATIM = frozenset({"text", "said", "message_id", "recipient", "status", "who", "tz"})

_SEP = "; "
_WEEKDAY = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d")
# A "when" is local_label's "Wed 09:30"; a planned call's "next" may end in the no-phone tail
# (itself with brackets, so FOLLOWS's own "(" comes after it).
_SHAPES = {
    "when": _WEEKDAY.pattern,
    "tz": r"[^\s()]+",
    "next": f".+?(?:{re.escape(LETTER_TAIL)})?",
    "what": "|".join(re.escape(w) for w in (WHAT_CALL, WHAT_EMAIL, WHAT_LETTER)),
}
_AT = re.compile(rf"({_WEEKDAY.pattern}) (\S+): ")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY = rf"(?:{'|'.join(_DAYS)}) \d\d (?:{'|'.join(_MONTHS)})"
# The skipped days of SKIPPED: "Fri 25 Dec is Christmas Day, Mon 28 Dec is Boxing Day".
_HOLIDAY_NOTE = re.compile(rf"({_DAY}) is (.+?)(?=, {_DAY} is |\Z)")
_WINDOW = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)|\d")


def _holiday_day(text: str) -> date | None:
    """ "Fri 25 Dec" -> the date nearest today that falls on that weekday (the note has no
    year; a plan looks at most weeks ahead)."""
    weekday, day, month = text.split(" ")
    this_year = datetime.now(UTC).year
    for year in (this_year, this_year + 1, this_year - 1):
        try:
            found = date(year, _MONTHS.index(month) + 1, int(day))
        except ValueError:
            continue
        if found.weekday() == _DAYS.index(weekday):
            return found
    return None


def _holidays(value: str, language: Language) -> str:
    from boothapp.core.followups.holiday_names import holiday_name_in

    notes = list(_HOLIDAY_NOTE.finditer(value))
    if not notes or "".join(m[0] for m in notes) != value.replace(", ", ""):
        notes = []
    out = []
    for m in notes:
        day = _holiday_day(m[1])
        shown_day = m[1] if day is None else format_date(day, language, "EEE d MMM")
        out.append(gettext(HOLIDAY_ON).format(
            day=shown_day, holiday=holiday_name_in(m[2], language.value, day)))  # fmt: skip
    return gettext(", ").join(out) if out else value


def _window(value: str, language: Language) -> str:
    """ "Tue-Thu 09:00-11:00" with the reader's day names and digits."""
    days = get_day_names("abbreviated", locale=locale_of(language))
    return _WINDOW.sub(
        lambda m: str(days[_DAYS.index(m[0])]) if m[0] in _DAYS else native_digits(m[0], language),
        value,
    )


def english(phrase: str, **values: object) -> str:
    """The stored (English) text of one phrase: what the producers write."""
    return phrase.format(**values)


def _pattern(template: str, prefix: str = "") -> str:
    out: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if name is None:
            continue
        group = f"{prefix}{name}"
        shape = _SHAPES.get(name, ".+?")
        out.append(f"(?P={group})" if group in seen else f"(?P<{group}>{shape})")
        seen.add(group)
    return "".join(out)


@functools.cache
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for phrase in PHRASES:
        body = _pattern(phrase)
        if phrase in _TAILS:
            body += f"(?P<tail>{_pattern(_TAILS[phrase], 't_')})?"
        out.append((phrase, re.compile(body + r"(?=; |\Z)", re.DOTALL)))
    return tuple(out)


@functools.cache
def _inner() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((p, re.compile(_pattern(p) + r"\Z", re.DOTALL)) for p in _INNER)


def _value(name: str, value: str, language: Language) -> str:
    """One value put back into a translated phrase: itself a phrase, a "Wed 09:30" moment, a
    count, a list of stop reasons; else as stored."""
    if name in _VERBATIM:
        return value
    if name == "holidays":
        return _holidays(value, language)
    if name == "holiday":
        from boothapp.core.followups.holiday_names import holiday_name_in

        return holiday_name_in(value, language.value)
    if name == "window":
        return _window(value, language)
    if value.isdigit():
        return native_digits(value, language)
    moment = _WEEKDAY.fullmatch(value)
    if moment is not None:
        name_, clock = value.split(" ")
        day = get_day_names("abbreviated", locale=locale_of(language))[_DAYS.index(name_)]
        return f"{day} {native_digits(clock, language)}"
    for phrase, pattern in _inner():
        m = pattern.match(value)
        if m is not None:
            return _fill(phrase, m.groupdict(), language)
    translated = _shown(value, language)
    if translated != value:
        return translated
    from boothapp.core.contact_rule import Block
    from boothapp.core.i18n import label

    parts = value.split(", ")
    if all(p in Block._value2member_map_ for p in parts):
        return gettext(", ").join(label(Block(p)) for p in parts)
    return value


def _fill(phrase: str, values: Mapping[str, str | None], language: Language) -> str:
    filled = {k: _value(k, v, language) for k, v in values.items() if v is not None}
    return gettext(phrase).format(**filled)


def _shown(stored: str, language: Language) -> str:
    pos, pieces, changed = 0, [], False
    while pos < len(stored):
        at = _AT.match(stored, pos)
        lead = ""
        if at is not None:  # "Wed 09:30 Europe/Istanbul: ", then the phrase
            lead = f"{_value('when', at[1], language)} {at[2]}: "
            pos = at.end()
        best: tuple[str, re.Match[str]] | None = None
        for phrase, pattern in _compiled():
            m = pattern.match(stored, pos)
            if m is not None and (best is None or m.end() > best[1].end()):
                best = (phrase, m)
        if best is None:
            cut = stored.find(_SEP, pos)
            end = len(stored) if cut < 0 else cut
            pieces.append(lead + stored[pos:end])
        else:
            phrase, m = best
            groups = {k: v for k, v in m.groupdict().items() if k != "tail"}
            text = lead + _fill(
                phrase, {k: v for k, v in groups.items() if not k.startswith("t_")}, language
            )
            if "tail" in m.re.groupindex and m.group("tail"):
                tail = {k[2:]: v for k, v in groups.items() if k.startswith("t_") and v}
                text += _fill(_TAILS[phrase], tail, language)
            pieces.append(text)
            changed = True
            end = m.end()
        pos = end + len(_SEP) if stored.startswith(_SEP, end) else max(end, pos + 1)
    if not changed:
        return stored
    return gettext("; ").join(pieces)


def shown(stored: str, language: Language | None = None) -> str:
    """``stored`` (a reason as the database holds it) in ``language`` (default: the current
    one). English, an empty reason or a wording no phrase matches come back unchanged."""
    lang = language or current()
    if lang is Language.EN or not stored:
        return stored
    from boothapp.core.i18n import using

    with using(lang):
        return _shown(stored, lang)
