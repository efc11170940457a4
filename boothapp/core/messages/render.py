"""Render a follow-up template into subject, plain text and HTML.

One template file per message and language (``<lang>/<template_id>.j2``) holds two blocks,
``subject`` and ``body``. The body is rendered twice: once as plain text, once with HTML
autoescape on (lead data such as ``<script>`` in a name comes out escaped), then wrapped in
paragraphs. Missing data never produces "Dear ,": templates branch on empty fields and the
context hands them empty strings, never None. StrictUndefined is deliberately not used: a
missing field is normal (a badge without a company), not an error.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    Template,
    TemplateNotFound,
    meta,
    nodes,
)
from markupsafe import Markup, escape

from boothapp.core.answers import question_lead_in
from boothapp.core.messages.variants import variant_for
from boothapp.core.models import Event, Lead, Staff
from boothapp.core.pickling import pickled_as_values
from boothapp.resources import asset

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur"})
_SAFE_SCHEMES = ("https://", "http://", "mailto:")


def default_templates_dir() -> Path:
    return asset("templates", "followups")


class TemplateMissingError(LookupError):
    """Neither the requested language nor English has this template."""


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class MessageContext:
    """Everything a follow-up may mention. Empty strings mean "unknown"."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    job_title: str = ""
    email: str = ""
    phone: str = ""
    # (question with its lead-in "Budget:" / "Any budget?", answer) as shown to the visitor
    answers: tuple[tuple[str, str], ...] = ()
    interests: tuple[str, ...] = ()
    notes: str = ""  # staff notes: for call scripts, not for the customer's eyes
    shared_notes: tuple[str, ...] = ()  # note lines the rep marked for the customer
    literature: tuple[Link, ...] = ()  # links the lead asked for (followups.content)
    literature_requested: bool = False
    signature: str = ""  # the rep's signature block (followups.reps), else name + company
    meeting_link: str = ""
    staff_name: str = ""
    staff_email: str = ""
    staff_phone: str = ""
    event_name: str = ""
    event_venue: str = ""
    sender_company: str = ""
    unsubscribe_url: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_lead(
        cls,
        lead: Lead,
        event: Event | None = None,
        staff: Staff | None = None,
        *,
        interests: Sequence[str] = (),
        literature: Sequence[Link] = (),
        sender_company: str = "",
        unsubscribe_url: str = "",
        answer_lines: Sequence[tuple[str, str]] | None = None,
    ) -> MessageContext:
        """``answer_lines``: (question, answer) as people read them, from
        ``core.answers.answer_lines`` (labels, not codes); without it the stored values."""
        c = lead.contact
        pairs = (
            tuple((q, a) for q, a in answer_lines if a)
            if answer_lines is not None
            else tuple(
                (str(q), _answer_text(a)) for q, a in lead.answers.items() if _answer_text(a)
            )
        )
        # The question carries its own lead-in (colon or question mark), so a template prints
        # it as is and stays one shape for every lead (a test on its last letter would not).
        answers = tuple((question_lead_in(q), a) for q, a in pairs)
        return cls(
            first_name=c.first_name.strip(),
            last_name=c.last_name.strip(),
            company=c.company.strip(),
            job_title=c.title.strip(),
            email=c.email.strip(),
            phone=c.phone.strip(),
            answers=answers,
            interests=tuple(i for i in interests if i.strip()),
            notes=lead.notes.strip(),
            literature=tuple(literature),
            staff_name=(staff.name if staff else lead.staff_name).strip(),
            staff_email=(staff.email if staff else "").strip(),
            event_name=(event.name if event else "").strip(),
            event_venue=(event.venue if event else "").strip(),
            sender_company=sender_company.strip(),
            unsubscribe_url=unsubscribe_url.strip(),
        )


def _answer_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value if str(v).strip())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


@pickled_as_values
@dataclass(frozen=True, slots=True)
class RenderedMessage:
    template_id: str
    language: str  # the language actually used (after fallback)
    subject: str
    text: str
    html: str


def normalise_language(language: str) -> str:
    """'fa-IR', 'de_DE', 'EN' -> 'fa', 'de', 'en'."""
    code = re.split(r"[-_]", language.strip().lower() or DEFAULT_LANGUAGE)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else DEFAULT_LANGUAGE


def turkish_fair(name: str, case: str = "da") -> str:
    """ "at/from the show X" in Turkish (``{{ event.name|fuar("da") }}``, issue 21): "CeBIT
    fuarında", but a name that already ends in "Fuarı" takes the ending itself ("Deneme
    Fuarı'nda", not "Deneme Fuarı fuarında")."""
    ending = "ndan" if case == "dan" else "nda"
    if name.rstrip().lower().endswith(("fuarı", "fuari")):
        return f"{name.rstrip()}'{ending}"
    return f"{name} fuarı{ending}"


def _bytecode_cache(kind: str, options: Mapping[str, Any]) -> BytecodeCache | None:
    """Compiled templates kept between runs in Jinja's own per-user cache folder (0700): the
    first messages rendered in a process (the app's, each bulk worker's) compiled them, ~0.17 s
    for the shipped ones (issue 23). Jinja recompiles a template whose source changed; the
    file names hold the environment (``kind``: autoescaping changes the code, and Jinja's key
    is the template's name and path alone) and its options. None where no safe folder is."""
    options_key = hashlib.sha256(repr(sorted(options.items())).encode()).hexdigest()[:12]
    try:
        return FileSystemBytecodeCache(pattern=f"boothapp-{kind}-{options_key}-%s.cache")
    except (OSError, RuntimeError) as exc:  # no private temporary folder: compile each time
        log.info("message templates are compiled each run: %s", exc)
        return None


class MessageRenderer:
    """Renders templates from event-specific directories first, then the defaults."""

    def __init__(self, template_dirs: Sequence[Path] | None = None) -> None:
        dirs = [str(p) for p in (template_dirs or [])] + [str(default_templates_dir())]
        common: dict[str, Any] = {
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": False,
            # Templates ship with the app (or the event's folder, read at start): no stat() of
            # every template file on every render (8,000 renders planning 2,000 leads).
            "auto_reload": False,
        }
        self._text_env = Environment(
            loader=FileSystemLoader(dirs), autoescape=False,
            bytecode_cache=_bytecode_cache("text", common), **common,
        )  # fmt: skip
        self._html_env = Environment(
            loader=FileSystemLoader(dirs), autoescape=True,
            bytecode_cache=_bytecode_cache("html", common), **common,
        )  # fmt: skip
        for env in (self._text_env, self._html_env):
            env.filters["fuar"] = turkish_fair
        # (template, language chain) -> (file, language): the templates never change while
        # the app runs (auto_reload is off), and planning asks thousands of times.
        self._found: dict[tuple[str, str | tuple[str, ...]], tuple[str, str]] = {}
        self._loaded: dict[str, tuple[Template, Template]] = {}
        self._shapes: dict[str, _Shape | None] = {}
        self._rendered: dict[tuple[Any, ...], tuple[str, str, str] | None] = {}
        self._subject_shapes: dict[str, tuple[int, ...] | None] = {}
        # (template, chain, has links) -> (its variant, file, language, values shown)
        self._subject_plans: dict[tuple[Any, ...], tuple[str, str, str, Any]] = {}
        self._subjects: dict[tuple[Any, ...], tuple[str, RenderedMessage | None]] = {}

    def _templates(self, name: str) -> tuple[Template, Template]:
        """The text and HTML templates of a file, loaded once (planning 50,000 leads renders
        200,000 messages: three environment look-ups each were 4% of a demo build, #23)."""
        pair = self._loaded.get(name)
        if pair is None:
            pair = self._loaded[name] = (
                self._text_env.get_template(name),
                self._html_env.get_template(name),
            )
        return pair

    def warm(self) -> int:
        """Compile every template's text and read its subject's shape now, as the first
        subjects planned would: a bulk capture's worker process does it while it waits for
        its first chunk (issue 23: ~0.3 s of its first plans). Returns how many."""
        names = [name for name in self._text_env.list_templates() if name.endswith(".j2")]
        for name in names:
            self._text_env.get_template(name)
            self._subject_shape(name)
        return len(names)

    def _find(self, template_id: str, language: str | Sequence[str]) -> tuple[str, str]:
        key = (template_id, language if isinstance(language, str) else tuple(language))
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._search(template_id, language)
        return found

    def _search(self, template_id: str, language: str | Sequence[str]) -> tuple[str, str]:
        if not re.fullmatch(r"[a-z0-9_]+", template_id):
            raise TemplateMissingError(f"invalid template id {template_id!r}")
        chain = [language] if isinstance(language, str) else list(language)
        codes = [normalise_language(c) for c in chain if c.strip()]
        lang = codes[0] if codes else DEFAULT_LANGUAGE
        for candidate in dict.fromkeys([*codes, DEFAULT_LANGUAGE]):
            name = f"{candidate}/{template_id}.j2"
            try:
                self._text_env.get_template(name)
            except TemplateNotFound:
                continue
            return name, candidate
        raise TemplateMissingError(
            f"no template {template_id!r} for language {lang!r} or {DEFAULT_LANGUAGE!r}"
        )

    def language_for(
        self, template_id: str, language: str | Sequence[str], *, has_links: bool
    ) -> str:
        """The language ``render`` will use for this template and chain."""
        return self._find(variant_for(template_id, has_links=has_links), language)[1]

    def render(
        self,
        template_id: str,
        language: str | Sequence[str],
        ctx: MessageContext,
        *,
        body: bool = True,
    ) -> RenderedMessage:
        """``language``: one code or a fallback chain (lead -> event -> en, issue 16); the
        first language that has the template wins. A template whose content the lead lacks
        (a pack sentence without a pack) is swapped for its variant without it. ``body``
        False: the subject and the language alone, text and HTML left empty (what planning
        stores; the body is rendered when someone reads or sends it, issue 23)."""
        template_id = variant_for(template_id, has_links=bool(ctx.literature))
        name, lang = self._find(template_id, language)
        shape = self._shape(name)
        if shape is not None:
            message = self._render_shaped(shape, template_id, name, lang, ctx, body)
            if message is not None:
                return message
        return self._render_full(template_id, name, lang, ctx, body)

    def _render_full(
        self, template_id: str, name: str, lang: str, ctx: MessageContext, body: bool = True
    ) -> RenderedMessage:
        plain = _vars(ctx, lang, html=False)  # read-only for templates: shared by two blocks
        text_t, html_t = self._templates(name)
        subject_raw = _render_block(text_t, name, "subject", plain)
        subject = " ".join(subject_raw.split())  # one line: no header injection via CR/LF
        if not body:
            return RenderedMessage(template_id, lang, subject, "", "")
        text_raw = _render_block(text_t, name, "body", plain)
        html_body = _render_block(html_t, name, "body", _vars(ctx, lang, html=True))
        return RenderedMessage(
            template_id=template_id,
            language=lang,
            subject=subject,
            text=_tidy_text(text_raw),
            html=_wrap_html(_tidy_text(html_body), lang),
        )

    def render_for_reader(
        self,
        template_id: str,
        reader: str,
        reader_ctx: MessageContext,
        spoken: str,
        spoken_ctx: MessageContext,
    ) -> RenderedMessage | None:
        """A call script for the rep who reads it (issue 21): the template in the rep's
        language ``reader`` (their headings, the answers in their words) with its
        ``{% block opening %}``, the words to say, taken from the template in the lead's
        language ``spoken``. None when either template has no such block (an event's own
        script): the script is then shown as planned, all in the lead's language."""
        name, lang = self._find(template_id, reader)
        said_name, said_lang = self._find(template_id, spoken)
        text_t, html_t = self._templates(name)
        said_text_t, said_html_t = self._templates(said_name)
        if "opening" not in text_t.blocks or "opening" not in said_text_t.blocks:
            return None
        said = {
            html: _render_block(
                (said_html_t if html else said_text_t),
                said_name,
                "opening",
                _vars(spoken_ctx, said_lang, html=html),
            )
            for html in (False, True)
        }

        def block(template: Template, part: str, html: bool) -> str:
            context = template.new_context(_vars(reader_ctx, lang, html=html))
            # The nested block is looked up in the context when the body reaches it.
            context.blocks["opening"] = [lambda _context: iter([said[html]])]
            return "".join(template.blocks[part](context))

        return RenderedMessage(
            template_id=template_id,
            language=lang,
            subject=" ".join(block(text_t, "subject", False).split()),
            text=_tidy_text(block(text_t, "body", False)),
            html=_wrap_html(_tidy_text(block(html_t, "body", True)), lang),
        )

    def subject_for_reader(self, template_id: str, reader: str, ctx: MessageContext) -> str | None:
        """A call script's subject as the rep reading a list sees it (issue 21: "Call Heike
        Brandt" on a Greek rep's list): the subject block alone, from the template in
        ``reader``'s language. None for a template without an opening block (a message to
        the lead, or an event's own script): its subject stays as planned."""
        name, lang = self._find(template_id, reader)
        text_t, _html = self._templates(name)
        if "opening" not in text_t.blocks:
            return None
        return " ".join(
            _render_block(text_t, name, "subject", _vars(ctx, lang, html=False)).split()
        )

    def subject(
        self,
        template_id: str,
        language: str | Sequence[str],
        *,
        has_links: bool,
        person: Sequence[str],
        shared: Callable[[str], tuple[str, str, str]],
    ) -> RenderedMessage | None:
        """``render(..., body=False)`` from only what a subject reads, or None when the
        template's subject reads more (then ``render`` it): ``has_links`` whether the
        context has literature, ``person`` the lead's values in ``_PERSON`` order (as
        typed: stripped here, as ``MessageContext.from_lead`` does), ``shared(lang)`` the
        event's name and venue and the sender's company as a context in ``lang`` has them.

        The subject block of the default templates prints or tests a name, the company or
        the show's name: its Jinja render is done once per template, language, shared
        values and which person values are empty, and filled in per lead (issue 23: the
        lead's whole context was built for each of 200,000 touches at 50,000 leads)."""
        chain = language if isinstance(language, str) else tuple(language)
        plan = self._subject_plans.get((template_id, chain, has_links))
        if plan is None:
            variant = variant_for(template_id, has_links=has_links)
            name, lang = self._find(variant, chain)
            plan = (variant, name, lang, self._subject_shape(name))
            self._subject_plans[(template_id, chain, has_links)] = plan
        template_id, name, lang, shown = plan
        if shown is None:
            return None
        values = [person[i].strip() for i in shown]
        if not all(map(_substitutable, values)):
            return None
        common = shared(lang)
        key = (name, tuple(map(bool, values)), *common)
        found = self._subjects.get(key)
        if found is None:
            if _has_mark(common):
                return None
            marked = ["" for _ in _PERSON]
            for i, (index, value) in enumerate(zip(shown, values, strict=True)):
                marked[index] = _MARK.format(i) if value else ""
            event_name, event_venue, sender_company = common
            first_name, last_name, company, job_title, email, phone = marked
            ctx = MessageContext(
                first_name=first_name,
                last_name=last_name,
                company=company,
                job_title=job_title,
                email=email,
                phone=phone,
                event_name=event_name,
                event_venue=event_venue,
                sender_company=sender_company,
            )
            # The text template alone (``_find`` loaded it): no HTML one compiled for this.
            text_t = self._text_env.get_template(name)
            raw = _render_block(text_t, name, "subject", _vars(ctx, lang, html=False))
            pattern = _compiled(" ".join(raw.split()))
            # A subject showing none of the lead's values is one message for all its leads.
            fixed = (
                None
                if any(values)
                else RenderedMessage(template_id, lang, pattern.format(), "", "")
            )
            if len(self._subjects) >= _RENDERED_MAX:
                self._subjects.clear()
            found = self._subjects[key] = (pattern, fixed)
        pattern, fixed = found
        if fixed is not None:
            return fixed
        return RenderedMessage(template_id, lang, " ".join(pattern.format(*values).split()), "", "")

    def _subject_shape(self, name: str) -> tuple[int, ...] | None:
        if name not in self._subject_shapes:
            self._subject_shapes[name] = _subject_shape_of(self._text_env, name)
        return self._subject_shapes[name]

    # -- one Jinja render per template, language and shape of the data (issue 23) --------
    # Planning a 50,000-lead show renders 200,000 messages, each three Jinja passes: a
    # fifth of the demo build. Most of a message depends only on what leads share (the
    # event, the rep, the interests); the person's own values (name, company, address) are
    # only printed or tested for being empty. So a template whose AST uses them only that
    # way is rendered once per shape, with a marker for each non-empty person value, and
    # each lead gets the markers replaced by its values (escaped for HTML). Any other use
    # (a filter, a comparison, a ``set``) renders the full way, as does a value with line
    # breaks or outer spaces (the text tidying would treat it differently).

    def _shape(self, name: str) -> _Shape | None:
        if name not in self._shapes:
            self._shapes[name] = _shape_of(self._text_env, name)
        return self._shapes[name]

    def _render_shaped(
        self,
        shape: _Shape,
        template_id: str,
        name: str,
        lang: str,
        ctx: MessageContext,
        body: bool = True,
    ) -> RenderedMessage | None:
        values = _person_values(ctx, shape)
        # map() and list displays, not generators: this runs for each of 200,000 messages.
        if not all(map(_substitutable, values)):
            return None
        key = (name, tuple(map(bool, values)), *[f(ctx) for f in shape.keys])
        parts = self._rendered.get(key, _UNSEEN)
        if parts is _UNSEEN:
            parts = None  # a shared value holding a marker itself: rendered in full
            if not _has_mark(key):
                markers = [_MARK.format(i) if v else "" for i, v in enumerate(values)]
                masked = _with_person(ctx, shape, markers)
                message = self._render_full(template_id, name, lang, masked)
                parts = (
                    _compiled(message.subject),
                    _compiled(message.text),
                    _compiled(message.html),
                )
            if len(self._rendered) >= _RENDERED_MAX:
                self._rendered.clear()  # bounded: a show's shapes refill it in a moment
            self._rendered[key] = parts
        if parts is None:
            return None
        subject, text, html = parts
        if not body:
            return RenderedMessage(
                template_id, lang, " ".join(subject.format(*values).split()), "", ""
            )
        # Most values hold nothing HTML escapes (``&<>'"``): they are their own escape.
        escaped = [str(escape(v)) if _HTML_SPECIAL(v) else v for v in values]
        return RenderedMessage(
            template_id=template_id,
            language=lang,
            subject=" ".join(subject.format(*values).split()),
            text=text.format(*values),
            html=html.format(*escaped),
        )


_default_renderer: MessageRenderer | None = None


def default_renderer() -> MessageRenderer:
    global _default_renderer
    if _default_renderer is None:
        _default_renderer = MessageRenderer()
    return _default_renderer


def render_message(
    template_id: str, language: str | Sequence[str], ctx: MessageContext
) -> RenderedMessage:
    """Render a default template; the language falls back to English."""
    return default_renderer().render(template_id, language, ctx)


# The person's own values: only printed or tested in the templates that qualify (so are
# the notes and each answer of the call script, see ``_person_values``).
_PERSON = ("first_name", "last_name", "company", "job_title", "email", "phone")
# Private-use characters: no whitespace, no line break, unchanged by HTML escaping.
_MARK = "\ue000{}\ue001"
_MARKED = re.compile("\ue000(\\d+)\ue001")
_RENDERED_MAX = 20_000
# What markupsafe's ``escape`` replaces.
_HTML_SPECIAL = re.compile("[&<>'\"]").search
# Data that differs from lead to lead and is not filled in: a template showing it has as
# many shapes as leads, so it is rendered in full.
_PER_LEAD = frozenset({"unsubscribe_url", "extra"})
_UNSEEN: Any = object()
# Template variable -> what of the context it shows (besides the person's own values).
_KEYS: dict[str, Callable[[MessageContext], Any]] = {
    "staff": lambda c: (c.staff_name, c.staff_email, c.staff_phone, c.signature, c.meeting_link),
    "event": lambda c: (c.event_name, c.event_venue),
    "sender": lambda c: c.sender_company,
    "answers": lambda c: None,  # filled in per lead; their number is in the key
    "interests": lambda c: c.interests,
    "notes": lambda c: None,  # filled in per lead
    "shared_notes": lambda c: c.shared_notes,
    "links": lambda c: c.literature,
    "literature_requested": lambda c: c.literature_requested,
    "unsubscribe_url": lambda c: c.unsubscribe_url,
    "extra": lambda c: tuple(sorted(c.extra.items())),
    # Fixed by the template's name, or functions of the above.
    "lead": lambda c: None,
    "html": lambda c: None,
    "lang": lambda c: None,
    "link": lambda c: None,
}


@dataclass(frozen=True, slots=True)
class _Shape:
    """What of a context a template's output depends on, besides the person's values, and
    which of those values it shows (only they are filled in and in the key: a template
    without the answers has one shape for a lead with two answers and one with five)."""

    keys: tuple[Callable[[MessageContext], Any], ...]
    person: tuple[str, ...] = _PERSON  # the ``lead`` values it shows, in ``_PERSON`` order
    notes: bool = True
    answers: bool = True
    # The separator of ``interests|join(sep)`` when that (and testing them) is all the
    # template does with the interests: the joined labels are then filled in per lead like
    # the person's values, not 26 combinations of five options in the key.
    interests: str | None = None


def _lead_fields_shown(node: nodes.Node) -> set[str]:
    """The ``lead.<field>`` names read under ``node``; ``full_name`` counts as the first
    and last name it is joined from, as ``_vars`` does."""
    shown = {
        n.attr
        for n in node.find_all(nodes.Getattr)
        if isinstance(n.node, nodes.Name) and n.node.name == "lead"
    }
    if "full_name" in shown:
        shown |= {"first_name", "last_name"}
    return shown


def _shape_of(env: Environment, name: str) -> _Shape | None:
    """The template's shape, or None when it uses a person's value other than by printing
    it or testing whether it is empty (then it is rendered for each lead in full)."""
    assert env.loader is not None
    source = env.loader.get_source(env, name)[0]
    tree = env.parse(source)
    used = meta.find_undeclared_variables(tree)
    if not used <= _KEYS.keys() or used & _PER_LEAD or not _plain_uses(tree, "other"):
        return None
    shown = _lead_fields_shown(tree)
    seps: set[str] = set()
    joined = next(iter(seps)) if _joined_only(tree, "other", seps) and len(seps) == 1 else None
    keyed = sorted(used - {"interests"}) if joined is not None else sorted(used)
    return _Shape(
        tuple(_KEYS[v] for v in keyed),
        tuple(f for f in _PERSON if f in shown),
        "notes" in used,
        "answers" in used,
        joined,
    )


# What a subject block may read to be rendered from the values ``MessageRenderer.subject``
# is given: the lead's own values (printed or tested), the event and the sender.
_SUBJECT_READS = frozenset({"lead", "event", "sender", "lang", "html"})
# Nodes that read beyond the block's own names (another template, a parent's block).
_SUBJECT_ESCAPES = (
    nodes.Extends,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Block,
    nodes.Macro,
    nodes.CallBlock,
)


def _subject_shape_of(env: Environment, name: str) -> tuple[int, ...] | None:
    """The indexes in ``_PERSON`` of the values a template's subject block shows, or None
    when the block reads anything else of the context or uses a person's value other than
    by printing it or testing whether it is empty."""
    assert env.loader is not None
    tree = env.parse(env.loader.get_source(env, name)[0])
    if any(True for _ in tree.find_all(nodes.Extends)):
        return None  # the block may be the parent's, or call it (super())
    blocks = [b for b in tree.find_all(nodes.Block) if b.name == "subject"]
    if len(blocks) != 1:
        return None
    block = blocks[0]
    if any(True for _ in block.find_all(_SUBJECT_ESCAPES)):
        return None
    if not {n.name for n in block.find_all(nodes.Name)} <= _SUBJECT_READS:
        return None
    if not all(_plain_uses(child, "other") for child in block.body):
        return None
    shown = _lead_fields_shown(block)
    return tuple(i for i, f in enumerate(_PERSON) if f in shown)


def _joined_only(node: nodes.Node, where: str, seps: set[str]) -> bool:
    """Whether ``interests`` under ``node`` is only tested for truth or printed as
    ``interests|join("<constant>")`` (the separators used go into ``seps``)."""
    if isinstance(node, nodes.Filter) and isinstance(node.node, nodes.Name):
        if node.node.name != "interests":
            return all(_joined_only(c, "other", seps) for c in node.iter_child_nodes())
        sep = node.args[0] if len(node.args) == 1 else None
        if (
            node.name != "join"
            or where != "out"
            or not isinstance(sep, nodes.Const)
            or not isinstance(sep.value, str)
            or node.kwargs
            or node.dyn_args is not None
            or node.dyn_kwargs is not None
        ):
            return False
        seps.add(sep.value)
        return True
    if isinstance(node, nodes.Name):
        return node.name != "interests" or where == "test"
    if isinstance(node, nodes.Output):
        return all(_joined_only(c, "out", seps) for c in node.nodes)
    if isinstance(node, nodes.If):
        return _joined_only(node.test, "test", seps) and all(
            _joined_only(c, "other", seps) for c in (*node.body, *node.elif_, *node.else_)
        )
    if isinstance(node, nodes.CondExpr):
        parts = [node.expr1] + ([node.expr2] if node.expr2 is not None else [])
        return _joined_only(node.test, "test", seps) and all(
            _joined_only(p, where, seps) for p in parts
        )
    if isinstance(node, nodes.Or | nodes.And):
        return _joined_only(node.left, where, seps) and _joined_only(node.right, where, seps)
    if isinstance(node, nodes.Not):
        return _joined_only(node.node, "test", seps)
    return all(_joined_only(c, "other", seps) for c in node.iter_child_nodes())


def _plain_uses(node: nodes.Node, where: str, loop: frozenset[str] = frozenset()) -> bool:
    """Whether every person's value under ``node`` (``lead.<value>``, ``notes``, the
    question and answer of each ``answers`` pair) is printed or tested. ``where``: how the
    node's value is used ("out" printed, "test" tested for truth, "other"); ``loop``: the
    names a ``{% for q, a in answers %}`` bound around it."""
    if isinstance(node, nodes.Name):
        if node.name == "lead":
            return False  # the whole person handed on (a macro, a filter)
        if node.name == "answers":
            return where == "test"  # iterated below; counted, indexed or filtered: no
        if node.name == "notes" or node.name in loop:
            return where in ("out", "test")
        return True
    if (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "lead"
    ):
        return node.attr not in (*_PERSON, "full_name") or where in ("out", "test")
    if isinstance(node, nodes.For):
        if isinstance(node.iter, nodes.Name) and node.iter.name == "answers":
            names = node.target.items if isinstance(node.target, nodes.Tuple) else []
            if len(names) != 2 or not all(isinstance(n, nodes.Name) for n in names):
                return False  # a pair taken apart some other way
            inner = loop | {n.name for n in names}  # type: ignore[attr-defined]
        elif _plain_uses(node.iter, "other", loop):
            inner = loop - {n.name for n in node.target.find_all(nodes.Name)}  # rebound
        else:
            return False
        return (
            (node.test is None or _plain_uses(node.test, "test", inner))
            and all(_plain_uses(c, "other", inner) for c in node.body)
            and all(_plain_uses(c, "other", loop) for c in node.else_)
        )
    if isinstance(node, nodes.Output):
        return all(_plain_uses(child, "out", loop) for child in node.nodes)
    if isinstance(node, nodes.If):
        return _plain_uses(node.test, "test", loop) and all(
            _plain_uses(c, "other", loop) for c in (*node.body, *node.elif_, *node.else_)
        )
    if isinstance(node, nodes.CondExpr):
        parts = [node.expr1] + ([node.expr2] if node.expr2 is not None else [])
        return _plain_uses(node.test, "test", loop) and all(
            _plain_uses(p, where, loop) for p in parts
        )
    if isinstance(node, nodes.Or | nodes.And):  # their value is one of the operands
        return _plain_uses(node.left, where, loop) and _plain_uses(node.right, where, loop)
    if isinstance(node, nodes.Not):
        return _plain_uses(node.node, "test", loop)
    return all(_plain_uses(child, "other", loop) for child in node.iter_child_nodes())


def _person_values(ctx: MessageContext, shape: _Shape) -> list[str]:
    """The values filled in per lead that the template shows: the person's, the notes,
    each answer pair's two."""
    values = [getattr(ctx, f) for f in shape.person]
    if shape.notes:
        values.append(ctx.notes)
    if shape.answers:
        values += [text for pair in ctx.answers for text in pair]
    if shape.interests is not None:
        values.append(shape.interests.join(ctx.interests))
    return values


def _substitutable(value: str) -> bool:
    """Filled in as the full render would print it: no line break, no outer space. Format
    marks (a Persian name's zero-width non-joiner, a right-to-left mark) and inner spaces
    change no tidying: a third of the Persian mails of a demo build rendered in full (#23)."""
    return value == value.strip() and (value.isprintable() or all(map(_inline, value)))


def _inline(char: str) -> bool:
    return char.isprintable() or unicodedata.category(char) in ("Cf", "Zs")


def _with_person(ctx: MessageContext, shape: _Shape, markers: list[str]) -> MessageContext:
    """``ctx`` with the values of ``_person_values`` replaced by markers (the ones the
    template does not show emptied); the full name the templates see is joined from them as
    from the values, so it fills in as the full name."""
    it = iter(markers)
    values: dict[str, Any] = {f: next(it) if f in shape.person else "" for f in _PERSON}
    values["notes"] = next(it) if shape.notes else ""
    rest = list(it)
    if shape.interests is not None:
        joined = rest.pop()
        values["interests"] = (joined,) if joined else ()
    answers = rest if shape.answers else []
    values["answers"] = tuple(zip(answers[::2], answers[1::2], strict=True))
    return replace(ctx, **values)


def _has_mark(value: Any) -> bool:
    if isinstance(value, str):
        return "\ue000" in value
    if isinstance(value, Link):
        return _has_mark(value.title) or _has_mark(value.url)
    if isinstance(value, tuple):
        return any(_has_mark(v) for v in value)
    return False


def _compiled(text: str) -> str:
    """A rendered shape as a ``str.format`` pattern, marker i becoming ``{i}``: filling it
    in is one call in C (a regular expression with a callback per value was a tenth of a
    demo build's rendering)."""
    return _MARKED.sub(lambda m: "{" + m.group(1) + "}", text.replace("{", "{{").replace("}", "}}"))


def _render_block(template: Template, name: str, block: str, variables: dict[str, Any]) -> str:
    render_fn: Callable[[Any], Iterator[str]] | None = template.blocks.get(block)
    if render_fn is None:
        raise TemplateMissingError(f"template {name} has no {{% block {block} %}}")
    return "".join(render_fn(template.new_context(variables)))


class _Person:
    """Template view of a person; every attribute is a string, possibly empty."""

    def __init__(self, **values: str) -> None:
        self.__dict__.update(values)


def _vars(ctx: MessageContext, lang: str, *, html: bool) -> dict[str, Any]:
    def link(target: Link | str, title: str = "") -> str:
        item = target if isinstance(target, Link) else Link(title, str(target))
        if not item.url:
            return ""
        if html and not item.url.lower().startswith(_SAFE_SCHEMES):
            # A javascript: or data: URL never becomes a clickable link.
            return str(escape(f"{item.title}: {item.url}" if item.title else item.url))
        if html:
            return Markup('<a href="{url}">{title}</a>').format(
                url=item.url, title=item.title or item.url
            )
        return f"{item.title}: {item.url}" if item.title else item.url

    full = " ".join(p for p in (ctx.first_name, ctx.last_name) if p)
    return {
        "html": html,
        "lang": lang,
        "lead": _Person(
            first_name=ctx.first_name,
            last_name=ctx.last_name,
            full_name=full,
            company=ctx.company,
            job_title=ctx.job_title,
            email=ctx.email,
            phone=ctx.phone,
        ),
        "staff": _Person(
            name=ctx.staff_name,
            email=ctx.staff_email,
            phone=ctx.staff_phone,
            signature=ctx.signature or ctx.staff_name,
            meeting_link=ctx.meeting_link,
        ),
        "event": _Person(name=ctx.event_name, venue=ctx.event_venue),
        "sender": _Person(company=ctx.sender_company),
        "answers": list(ctx.answers),
        "interests": list(ctx.interests),
        "notes": ctx.notes,
        "shared_notes": list(ctx.shared_notes),
        "links": list(ctx.literature),
        "literature_requested": ctx.literature_requested,
        "link": link,
        "unsubscribe_url": ctx.unsubscribe_url,
        "extra": dict(ctx.extra),
    }


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _wrap_html(escaped_body: str, lang: str) -> str:
    """Paragraphs from an already-escaped body; only our own tags are added."""
    paragraphs = [p for p in escaped_body.strip().split("\n\n") if p.strip()]
    inner = "\n".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    direction = "rtl" if lang in RTL_LANGUAGES else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}" dir="{direction}">\n'
        '<head><meta charset="utf-8"></head>\n'
        '<body style="font-family: sans-serif; line-height: 1.5;">\n'
        f"{inner}\n</body>\n</html>\n"
    )
