"""``followups.content``, ``followups.reps``, ``followups.language`` and ``followups.sender``:
what personalised follow-ups may say, checked on load so a typo gets its line number.

    followups:
      sender:
        company: Acme Robotics
        address: "Acme Robotics GmbH, Hafenstr. 1, 20457 Hamburg, Germany"  # postal address
        unsubscribe_mailto: unsubscribe@acme.example   # replies here unsubscribe (required)
        unsubscribe_url: https://acme.example/u/{lead_id}  # optional, one-click (RFC 8058)
      content:                 # links per option of the "interests" question, sent to
        platform:              # leads who asked for literature
          - {title: Platform overview, url: "https://acme.example/platform.pdf"}
      reps:                    # per routing rep id
        jonas: {signature: "Jonas Weber, Sales", meeting_link: "https://cal.example/jonas"}
      language:
        event: de              # default: the language of the event's country
        chain: [lead, event, en]
      event_name:              # the show's name as a mail in that language says it
        en: Hannover Fair      # (default: the event's name as stored)
        tr: Hannover Fuarı

The typed values (``FollowUpContent``) are built from the same raw mapping by the follow-up
service; this module is the one place that knows these keys. ``event_name`` (issue 21): a
Turkish thank-you read "Demo-Messe fuarında" when the demo was built in German.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from boothapp.core.config.model import Question
from boothapp.core.config.source import Reader, join
from boothapp.core.i18n import N_

# The questions whose answers drive content: one place (DEFAULT_QUESTIONS uses these ids).
INTERESTS_QUESTION = "interests"
LITERATURE_QUESTION = "literature"

SENDER_KEYS = ("company", "address", "unsubscribe_mailto", "unsubscribe_url")
LINK_KEYS = ("title", "url")
REP_KEYS = ("signature", "meeting_link", "phone")
LANGUAGE_KEYS = ("event", "chain")
# The sections of ``followups`` this module reads (the plan's own keys are the rest).
CONTENT_SECTIONS = ("content", "reps", "language", "event_name")
CHAIN_WORDS = ("lead", "event")
_LANG = re.compile(r"^[a-z]{2,3}$")
_MAILBOX = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


@dataclass(frozen=True, slots=True)
class ContentLink:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class RepProfile:
    signature: str = ""
    meeting_link: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class FollowUpContent:
    links: Mapping[str, tuple[ContentLink, ...]] = field(default_factory=dict)
    reps: Mapping[str, RepProfile] = field(default_factory=dict)
    event_language: str = ""
    chain: tuple[str, ...] = ("lead", "event", "en")
    event_names: Mapping[str, str] = field(default_factory=dict)  # language -> the show's name

    def event_name(self, lang: str, stored: str) -> str:
        """The show's name in a mail in ``lang``: the manager's wording, else as stored."""
        return self.event_names.get(lang, "").strip() or stored

    def languages(
        self, lead_languages: Sequence[str] | str, event_language: str
    ) -> tuple[str, ...]:
        """The fallback chain as language codes, first choice first, without repeats.
        ``lead_languages``: the lead's language(s), e.g. a country's official languages."""
        lead = [lead_languages] if isinstance(lead_languages, str) else list(lead_languages)
        codes = {"lead": lead, "event": [self.event_language or event_language]}
        out = [code for step in self.chain for code in codes.get(step, [step])] + ["en"]
        return tuple(dict.fromkeys(c for c in out if c))


def check_followup_content(
    r: Reader, followups: object, questions: Mapping[str, Question], rep_ids: tuple[str, ...]
) -> None:
    """Report problems in the four sections (absent is fine)."""
    if not isinstance(followups, dict):
        return
    if followups.get("sender") is not None:
        _check_sender(r, followups["sender"])
    if followups.get("content") is not None:
        _check_content(r, followups["content"], questions.get(INTERESTS_QUESTION))
    if followups.get("reps") is not None:
        reps = r.mapping(followups["reps"], "followups.reps", rep_ids or ())
        for rep_id, value in (reps or {}).items():
            path = join("followups.reps", rep_id)
            rep = r.mapping(value, path, REP_KEYS)
            for key, item in (rep or {}).items():
                text = r.text(item, join(path, key))
                if key == "meeting_link" and text and not text.startswith("https://"):
                    r.problem(
                        join(path, key), N_("must be an https:// link, got {got!r}"), got=text
                    )
    if followups.get("event_name") is not None:
        raw = followups["event_name"]
        names = r.mapping(raw, "followups.event_name", raw if isinstance(raw, dict) else ())
        for code, name in (names or {}).items():
            path = join("followups.event_name", str(code))
            if not _LANG.match(str(code)):
                r.problem(path, N_("must be a code like 'de', got {got!r}"), got=code)
            elif not r.text(name, path).strip():
                r.problem(path, N_("must not be empty"))
    if followups.get("language") is not None:
        lang = r.mapping(followups["language"], "followups.language", LANGUAGE_KEYS)
        if lang is not None:
            event = r.text(lang.get("event"), "followups.language.event")
            if event and not _LANG.match(event):
                r.problem("followups.language.event", N_("must be a code like 'de', got {got!r}"),
                          got=event)  # fmt: skip
            for i, step in enumerate(r.texts(lang.get("chain"), "followups.language.chain")):
                if step not in CHAIN_WORDS and not _LANG.match(step):
                    r.problem(
                        f"followups.language.chain[{i}]",
                        N_("must be 'lead', 'event' or a language code like 'en', got {got!r}"),
                        got=step,
                    )


def _check_sender(r: Reader, value: object) -> None:
    sender = r.mapping(value, "followups.sender", SENDER_KEYS)
    if sender is None:
        return
    path = "followups.sender"
    r.text(sender.get("company"), join(path, "company"))
    if "address" in sender and not r.text(sender["address"], join(path, "address")).strip():
        r.problem(join(path, "address"), N_("must be the sender's postal address"))
    mailto = r.text(sender.get("unsubscribe_mailto"), join(path, "unsubscribe_mailto"))
    if mailto and not _MAILBOX.match(mailto.removeprefix("mailto:")):
        r.problem(join(path, "unsubscribe_mailto"), N_("must be an e-mail address, got {got!r}"),
                  got=mailto)  # fmt: skip
    url = r.text(sender.get("unsubscribe_url"), join(path, "unsubscribe_url"))
    if url and not url.startswith("https://"):
        r.problem(join(path, "unsubscribe_url"), N_("must start with https://"))


def _check_content(r: Reader, value: object, interests: Question | None) -> None:
    path = "followups.content"
    options = interests.option_ids() if interests is not None else ()
    if interests is None:
        r.problem(path, N_("needs a question with id '{id}' whose options it lists"),
                  id=INTERESTS_QUESTION)  # fmt: skip
        return
    content = r.mapping(value, path, options)
    for option, links in (content or {}).items():
        for i, item in enumerate(r.sequence(links, join(path, option))):
            sub = f"{join(path, option)}[{i}]"
            link = r.mapping(item, sub, LINK_KEYS, required=LINK_KEYS)
            if link is None:
                continue
            if not r.text(link.get("title"), join(sub, "title")).strip() and "title" in link:
                r.problem(join(sub, "title"), N_("must not be empty"))
            url = r.text(link.get("url"), join(sub, "url"))
            if "url" in link and not url.startswith(("https://", "http://")):
                r.problem(join(sub, "url"), N_("must be an http(s) link, got {got!r}"), got=url)


def content_from(section: Mapping[str, object]) -> FollowUpContent:
    """Typed values from a section the loader has checked (bad parts are skipped)."""
    links: dict[str, tuple[ContentLink, ...]] = {}
    raw_content = section.get("content") or {}
    if isinstance(raw_content, Mapping):
        for option, items in raw_content.items():
            if isinstance(items, list):
                links[str(option)] = tuple(
                    ContentLink(str(i.get("title", "")), str(i.get("url", "")))
                    for i in items
                    if isinstance(i, Mapping) and i.get("url")
                )
    reps: dict[str, RepProfile] = {}
    raw_reps = section.get("reps") or {}
    if isinstance(raw_reps, Mapping):
        for rep_id, values in raw_reps.items():
            if isinstance(values, Mapping):
                reps[str(rep_id)] = RepProfile(
                    **{k: str(values.get(k, "") or "") for k in REP_KEYS}
                )
    raw_lang = section.get("language") or {}
    event_language = ""
    chain: tuple[str, ...] = ("lead", "event", "en")
    if isinstance(raw_lang, Mapping):
        event_language = str(raw_lang.get("event", "") or "")
        if isinstance(raw_lang.get("chain"), list) and raw_lang["chain"]:
            chain = tuple(str(step) for step in raw_lang["chain"])
    raw_names = section.get("event_name") or {}
    names = (
        {str(k): str(v) for k, v in raw_names.items() if isinstance(v, str)}
        if isinstance(raw_names, Mapping)
        else {}
    )
    return FollowUpContent(links, reps, event_language, chain, names)
