"""What a follow-up knows about one lead, in the lead's language (issue 16: 0 of 247
thank-yous mentioned what the visitor was interested in or answered).

Answers become the event's own labels in the mail's language (the manager's translations,
else the label as written); interests are the labels of the interests question; literature
links come from ``followups.content`` and only for leads who asked for literature; notes
reach the customer only from lines the rep marked with ``share:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from boothapp.core.answers import answer_lines, option_label
from boothapp.core.config.followup_content import (
    INTERESTS_QUESTION,
    LITERATURE_QUESTION,
    FollowUpContent,
)
from boothapp.core.config.model import EventConfig
from boothapp.core.messages.render import (
    Link,
    MessageContext,
    RenderedMessage,
    default_renderer,
    normalise_language,
)
from boothapp.core.models import Event, Lead, Staff

# A note line starting with this goes to the customer; the rest stays internal.
SHARE_MARK = "share:"


def shared_notes(notes: str) -> tuple[str, ...]:
    out = []
    for line in notes.splitlines():
        text = line.strip()
        if text.lower().startswith(SHARE_MARK):
            shared = text[len(SHARE_MARK) :].strip()
            if shared:
                out.append(shared)
    return tuple(out)


def literature_requested(answers: dict[str, Any]) -> bool:
    value = answers.get(LITERATURE_QUESTION)
    return value is True or (isinstance(value, str) and value.strip().lower() == "yes")


def answer_labels(
    answers: dict[str, Any], cfg: EventConfig, lang: str
) -> tuple[tuple[str, str], ...]:
    """(question label, answer label) in the config's question order, in ``lang``
    (``core.answers``, the one code-to-label mapping)."""
    return answer_lines(cfg, answers, lang, unknown=False)


def interest_ids(answers: dict[str, Any]) -> tuple[str, ...]:
    value = answers.get(INTERESTS_QUESTION)
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if str(v))
    return ()


def literature_links(answers: dict[str, Any], content: FollowUpContent) -> tuple[Link, ...]:
    """The links the lead asked for: those of its interests, when it asked for literature."""
    links: list[Link] = []
    if literature_requested(answers):
        for interest in interest_ids(answers):
            for item in content.links.get(interest, ()):
                if all(existing.url != item.url for existing in links):
                    links.append(Link(item.title, item.url))
    return tuple(links)


def personal_context(
    lead: Lead,
    event: Event,
    cfg: EventConfig,
    content: FollowUpContent,
    lang: str,
    *,
    staff: Staff | None = None,
    rep_id: str = "",
    sender_company: str = "",
    unsubscribe_url: str = "",
) -> MessageContext:
    """The full context for ``lead``'s mails in ``lang``."""
    # The answers as the event labels them in ``lang``, each question with its lead-in:
    # "Budget:" but "Any budget?" (issue 21 walk: "- Satın almadaki rolü Etkileyen" read as
    # one phrase in the call script's "- {{ q }} {{ a }}").
    base = MessageContext.from_lead(
        lead,
        event,
        staff,
        sender_company=sender_company,
        unsubscribe_url=unsubscribe_url,
        answer_lines=answer_labels(lead.answers, cfg, lang),
    )
    question = cfg.question(INTERESTS_QUESTION)
    ids = interest_ids(lead.answers)
    interests = tuple(option_label(question, i, lang) for i in ids) if question else ids
    wants = literature_requested(lead.answers)
    links = literature_links(lead.answers, content)
    rep = content.reps.get(rep_id) or content.reps.get(lead.owner)
    staff_name = base.staff_name
    if rep_id and cfg.routing.rep(rep_id) is not None and not staff_name:
        staff_name = cfg.routing.rep(rep_id).name  # type: ignore[union-attr]
    signature = rep.signature if rep and rep.signature else ""
    if not signature:
        signature = "\n".join(p for p in (staff_name, sender_company.strip()) if p)
    return MessageContext(
        first_name=base.first_name,
        last_name=base.last_name,
        company=base.company,
        job_title=base.job_title,
        email=base.email,
        phone=base.phone,
        answers=base.answers,
        interests=interests,
        notes=base.notes,
        shared_notes=shared_notes(lead.notes),
        literature=links,
        literature_requested=wants,
        signature=signature,
        meeting_link=rep.meeting_link if rep else "",
        staff_name=staff_name,
        staff_email=base.staff_email,
        staff_phone=(rep.phone if rep else "") or base.staff_phone,
        # The show as a mail in ``lang`` names it (followups.event_name, issue 21).
        event_name=content.event_name(lang, base.event_name),
        event_venue=base.event_venue,
        sender_company=base.sender_company,
        unsubscribe_url=base.unsubscribe_url,
    )


def chain_for(content: FollowUpContent, lead_language: str, event_language: str) -> Sequence[str]:
    return content.languages(lead_language, event_language)


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    """What a subject may read of a lead and its show (``MessageRenderer.subject``), read
    once per lead: a subject reads a few of the lead's values, not its whole context (the
    answers labelled, the rep's signature), which built for each of 200,000 touches at
    50,000 leads was a fifth of the bulk worker's time (issue 23)."""

    has_links: bool
    person: tuple[str, ...]  # the contact's values as ``MessageRenderer.subject`` takes them
    event_name: str
    event_venue: str
    sender_company: str
    content: FollowUpContent

    def shared(self, lang: str) -> tuple[str, str, str]:
        # As ``personal_context`` has them in ``lang``.
        return self.content.event_name(lang, self.event_name), self.event_venue, self.sender_company


def subject_facts(
    lead: Lead, event: Event, content: FollowUpContent, sender_company: str
) -> SubjectFacts:
    c = lead.contact
    return SubjectFacts(
        bool(literature_links(lead.answers, content)),
        (c.first_name, c.last_name, c.company, c.title, c.email, c.phone),
        event.name.strip(),
        event.venue.strip(),
        sender_company.strip(),
        content,
    )


def render_subject(
    template_id: str, chain: Sequence[str], facts: SubjectFacts
) -> RenderedMessage | None:
    """``render_for_lead(..., body=False)`` from ``facts`` alone, or None when the template's
    subject reads more of the lead (then render it so)."""
    return default_renderer().subject(
        template_id, chain, has_links=facts.has_links, person=facts.person, shared=facts.shared
    )


def render_for_lead(
    template_id: str,
    lead: Lead,
    event: Event,
    cfg: EventConfig,
    content: FollowUpContent,
    chain: Sequence[str],
    *,
    staff: Staff | None = None,
    rep_id: str = "",
    sender_company: str = "",
    unsubscribe_url: str = "",
    contexts: dict[str, MessageContext] | None = None,
    body: bool = True,
    subjects: SubjectFacts | None = None,
) -> RenderedMessage:
    """Render ``template_id`` for ``lead`` in the first language of ``chain`` that has it,
    with answers and interests labelled in that same language.

    ``contexts``: a cache of the lead's contexts by language, kept by a caller that renders
    several touches of one lead (planning renders each new lead's four or so). ``body``
    False: the subject and language only (``MessageRenderer.render``), from ``subjects``
    (``subject_facts`` of these, read once by such a caller)."""
    renderer = default_renderer()
    if not body:
        subject = render_subject(
            template_id, chain, subjects or subject_facts(lead, event, content, sender_company)
        )
        if subject is not None:
            return subject
    extra = {
        "staff": staff,
        "rep_id": rep_id,
        "sender_company": sender_company,
        "unsubscribe_url": unsubscribe_url,
    }
    cache = contexts if contexts is not None else {}

    def context(lang: str) -> MessageContext:
        if lang not in cache:
            cache[lang] = personal_context(lead, event, cfg, content, lang, **extra)  # type: ignore[arg-type]
        return cache[lang]

    first = chain[0] if chain else "en"
    ctx = context(first)
    lang = renderer.language_for(template_id, chain, has_links=bool(ctx.literature))
    if lang != first:
        ctx = context(lang)
    return renderer.render(template_id, lang, ctx, body=body)


def render_for_rep(
    template_id: str,
    lead: Lead,
    event: Event,
    cfg: EventConfig,
    content: FollowUpContent,
    chain: Sequence[str],
    reader_language: str,
    *,
    staff: Staff | None = None,
    rep_id: str = "",
    sender_company: str = "",
) -> RenderedMessage:
    """A call script as the rep reading it needs it (issue 21): the headings and what the
    lead told us in ``reader_language``, the words to say in the lead's language (the one
    ``render_for_lead`` picks). Same language, or a script without an opening block: the
    lead's rendering."""
    extra: dict[str, Any] = {"staff": staff, "rep_id": rep_id, "sender_company": sender_company}
    contexts: dict[str, MessageContext] = {}
    for_lead = render_for_lead(
        template_id, lead, event, cfg, content, chain, contexts=contexts, **extra
    )
    reader = normalise_language(reader_language)
    if reader == for_lead.language:
        return for_lead
    spoken_ctx = contexts.get(for_lead.language) or personal_context(
        lead, event, cfg, content, for_lead.language, **extra
    )
    reader_ctx = personal_context(lead, event, cfg, content, reader, **extra)
    mixed = default_renderer().render_for_reader(
        for_lead.template_id, reader, reader_ctx, for_lead.language, spoken_ctx
    )
    return mixed or for_lead
