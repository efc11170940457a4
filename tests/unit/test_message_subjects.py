"""Issue #23: a planned touch's subject is rendered from only what the template's subject
block reads (the lead's name, company and the like, the show's name), not from the lead's
whole message context. It must be exactly the subject, language and template of the whole
message, for every shipped template and language and awkward data, and a subject block that
reads anything else must fall back to the full render."""

from __future__ import annotations

import random
from pathlib import Path

from boothapp.core.messages.render import (
    Link,
    MessageContext,
    MessageRenderer,
    RenderedMessage,
    _substitutable,
    default_templates_dir,
)
from tests.unit.test_message_render_shapes import _VALUES

_PERSON = ("first_name", "last_name", "company", "job_title", "email", "phone")


def _subject(
    r: MessageRenderer,
    template_id: str,
    chain: list[str],
    ctx: MessageContext,
    links: bool,
    typed: dict[str, str] | None = None,
) -> RenderedMessage | None:
    """``typed``: the values as the lead holds them (a context has them stripped)."""
    return r.subject(
        template_id,
        chain,
        has_links=links,
        person=tuple((typed or {}).get(f, getattr(ctx, f)) for f in _PERSON),
        shared=lambda lang: (ctx.event_name, ctx.event_venue, ctx.sender_company),
    )


def test_every_shipped_subject_is_the_full_renders_subject() -> None:
    r = MessageRenderer()
    names = r._text_env.list_templates()
    templates = sorted({n.split("/")[1].removesuffix(".j2") for n in names})
    langs = sorted({n.split("/")[0] for n in names})
    rng = random.Random(5)
    full = MessageRenderer()
    full._shape = lambda name: None  # type: ignore[method-assign]
    filled = 0
    for template_id in templates:
        for lang in langs:
            for _ in range(12):
                values = {f: rng.choice(_VALUES) for f in _PERSON}
                links = rng.random() < 0.5
                ctx = MessageContext(
                    **{f: v.strip() for f, v in values.items()},
                    event_name=rng.choice(["", "CeBIT", "Deneme Fuarı", "a  b", " x "]),
                    event_venue=rng.choice(["", "Hall 3"]),
                    sender_company=rng.choice(["", "Acme"]),
                    literature=(Link("t", "https://x.example"),) if links else (),
                )
                # Twice: the first fills the cache, the second reads it.
                for _ in range(2):
                    got = _subject(r, template_id, [lang, "en"], ctx, links, values)
                    want = full.render(template_id, [lang, "en"], ctx, body=False)
                    if got is None:  # a value the subject cannot fill in (a line break)
                        assert not all(_substitutable(v.strip()) for v in values.values())
                        continue
                    filled += 1
                    assert got == want, (template_id, lang, ctx)
    assert filled > 1000  # most subjects took the short way


def test_leads_differing_in_one_shown_value_get_their_own_subject() -> None:
    r = MessageRenderer()
    a = MessageContext(first_name="Ana", company="Acme", event_name="Expo")
    b = MessageContext(first_name="Ana", company="Globex", event_name="Expo")
    c = MessageContext(first_name="Ana", company="", event_name="Expo")
    d = MessageContext(first_name="Ana", company="Acme", event_name="Other Expo")
    got = [_subject(r, "nurture_4", ["en"], x, False) for x in (a, b, c, d)]
    assert [m.subject if m else None for m in got] == [
        "A 20-minute call for Acme?",
        "A 20-minute call for Globex?",
        "A 20-minute call?",
        "A 20-minute call for Acme?",
    ]
    shows = [_subject(r, "thank_you", ["en"], x, False) for x in (a, d)]
    assert [m.subject if m else None for m in shows] == [
        "Thank you for visiting us at Expo",
        "Thank you for visiting us at Other Expo",
    ]
    # The language of the chain that has the template, and its variant without links.
    de = _subject(r, "nurture_1", ["de", "en"], a, False)
    ja = _subject(r, "nurture_1", ["xx", "ja"], a, True)
    assert de is not None and (de.template_id, de.language) == ("nurture_1_general", "de")
    assert ja is not None and (ja.template_id, ja.language) == ("nurture_1", "ja")


def test_a_subject_reading_more_than_the_lead_and_show_is_left_to_the_full_render(
    tmp_path: Path,
) -> None:
    (tmp_path / "en").mkdir()
    subjects = {
        "by_rep": "{{ staff.name }} here",
        "shout": "Hi {{ lead.first_name|upper }}",
        "counted": "{{ answers|length }} answers",
        "setting": "{% set x = lead.company %}{{ x }}",
    }
    for name, subject in subjects.items():
        (tmp_path / "en" / f"{name}.j2").write_text(
            f"{{% block subject %}}{subject}{{% endblock %}}{{% block body %}}b{{% endblock %}}"
        )
    r = MessageRenderer([tmp_path])
    ctx = MessageContext(first_name="Ana", company="Acme", staff_name="Jo")
    for name in subjects:
        assert _subject(r, name, ["en"], ctx, False) is None, name
    # The full render, which the callers fall back to, reads them all.
    got = {name: r.render(name, ["en"], ctx, body=False).subject for name in subjects}
    assert got == {
        "by_rep": "Jo here",
        "shout": "Hi ANA",
        "counted": "0 answers",
        "setting": "Acme",
    }


def test_a_leads_planned_subject_is_its_whole_messages_subject() -> None:
    """Through ``render_for_lead``: the short way reads the literature the lead asked for
    (the variant without links otherwise), the show's name as the mail's language names it
    and the contact as typed, and gives what the whole message has."""
    from boothapp.core.config.defaults import default_config
    from boothapp.core.config.followup_content import ContentLink, FollowUpContent
    from boothapp.core.messages.personal import render_for_lead
    from boothapp.core.models import Contact, Event, Lead

    content = FollowUpContent(
        links={"analytics": (ContentLink("Guide", "https://x.example/g"),)},
        event_names={"de": "Messe X", "tr": "X Fuarı"},
    )
    event = Event(id="e1", name=" Expo X ", venue="Hall 1")
    cfg = default_config()
    contacts = [
        Contact(first_name=" Ana ", last_name="Lima", company="Acme  Co"),
        Contact(first_name="", company=""),
        Contact(first_name="Jo", company="x\ny"),  # rendered the full way
    ]
    answers = [
        {"literature": "yes", "interests": ["analytics"]},
        {"literature": "no", "interests": ["analytics"]},
        {"literature": True, "interests": ["platform"]},
        {},
    ]
    seen = set()
    for contact in contacts:
        for given in answers:
            lead = Lead(id="l1", event_id="e1", contact=contact, answers=given)
            for chain in (("de", "en"), ("tr", "en"), ("ja", "en"), ("xx",)):
                for template_id in ("thank_you", "nurture_1", "nurture_2", "call_script"):
                    args = (template_id, lead, event, cfg, content, chain)
                    short = render_for_lead(*args, body=False, sender_company="Us")
                    whole = render_for_lead(*args, sender_company="Us")
                    got = (short.template_id, short.language, short.subject)
                    assert got == (whole.template_id, whole.language, whole.subject), args
                    assert short.text == short.html == ""
                    seen.add(got)
    assert ("nurture_1", "de", "Ihr Informationspaket von der Messe X") in seen
    assert ("nurture_1_general", "de", "Kurze Nachfrage zur Messe X") in seen


def test_a_warmed_renderer_compiles_nothing_more_and_renders_the_same() -> None:
    """A bulk capture's worker warms its renderer while it waits for its first chunk
    (issue 23): every shipped template compiled, and the subjects it then renders are the
    ones a cold renderer gives."""
    warm, cold = MessageRenderer(), MessageRenderer()
    shipped = sorted(Path(default_templates_dir()).glob("*/*.j2"))
    assert warm.warm() == len(shipped) > 40
    compiled: list[str] = []
    real = warm._text_env.compile

    def counted(source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(name or "")
        return real(source, name, *args, **kwargs)  # type: ignore[arg-type]

    warm._text_env.compile = counted  # type: ignore[method-assign]
    ctx = MessageContext(first_name="Ayşe", last_name="Demir", company="Orion", event_name="Expo")
    for template_id in ("thank_you", "nurture_1", "call_script"):
        for chain in (["tr", "en"], ["fa"], ["ja", "en"], ["de"]):
            assert _subject(warm, template_id, chain, ctx, False) == _subject(
                cold, template_id, chain, ctx, False
            )
    assert compiled == []


def test_templates_compiled_once_are_loaded_by_the_next_renderer_each_env_its_own() -> None:
    """Compiled templates are kept between runs (issue 23): a new renderer (the next run, a
    bulk worker) compiles none, and the HTML environment never takes the text one's code
    (Jinja's cache key is the template's name and path: autoescaping is not in it)."""
    MessageRenderer().warm()  # whatever an earlier run left, the cache holds them now
    again = MessageRenderer()
    compiled: list[str] = []
    for env in (again._text_env, again._html_env):
        real = env.compile

        def counted(
            source: str, name: str | None = None, *a: object, _real=real, **k: object
        ) -> object:  # type: ignore[no-untyped-def]
            compiled.append(name or "")
            return _real(source, name, *a, **k)

        env.compile = counted  # type: ignore[method-assign]
    assert again.warm() > 40
    assert compiled == []
    # A line break in a value: rendered the full way, escaped by Jinja's autoescaping.
    ctx = MessageContext(first_name="Ayşe", company="<Demir\n& Co>", event_name="Expo")
    message = again.render("thank_you", "en", ctx)
    assert "<Demir" in message.text
    assert "&lt;Demir" in message.html and "<Demir" not in message.html
