"""Follow-up message rendering: fallbacks, escaping, languages."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from boothapp.core.messages.render import (
    Link,
    MessageContext,
    MessageRenderer,
    TemplateMissingError,
    default_templates_dir,
    render_message,
)
from boothapp.core.models import Contact, Event, Lead, Staff

LANGUAGES = ["en", "de", "tr", "el", "fa"]
TEMPLATES = [
    "thank_you",
    "hot_thank_you",
    "nurture_1",
    "nurture_2",
    "nurture_3",
    "nurture_4",
    "call_script",
    "letter",
]
FULL = MessageContext(
    first_name="Ayşe",
    last_name="Yılmaz",
    company="Acme Makina",
    job_title="Purchasing lead",
    phone="+90 212 555 0101",
    answers=(("Budget:", "50k EUR"), ("Timeframe:", "Q1")),  # lead-ins as from_lead makes them
    interests=("Badge scanners", "CRM sync"),
    notes="Wants a demo for 12 sites",
    literature=(Link("Brochure", "https://example.com/brochure.pdf"),),
    staff_name="Jo Lee",
    staff_email="jo@example.com",
    staff_phone="+49 30 1234",
    event_name="CeMAT Istanbul",
    sender_company="BoothCo",
    unsubscribe_url="https://example.com/u/abc",
)


def test_every_default_template_exists_in_every_language() -> None:
    root = default_templates_dir()
    for lang in LANGUAGES:
        for template in TEMPLATES:
            assert (root / lang / f"{template}.j2").is_file(), f"{lang}/{template}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_empty_data_never_reads_broken(lang: str, template: str) -> None:
    msg = render_message(template, lang, MessageContext())
    assert msg.language == lang
    assert msg.subject.strip()
    for text in (msg.subject, msg.text):
        assert "None" not in text
        assert "{{" not in text and "{%" not in text
        assert not re.search(r"\s[,،]", text), text  # "Dear ," / "at ,"
        assert "()" not in text
        assert all("  " not in line for line in text.splitlines()), text
    # Salutations that need a name must not appear without one.
    assert not re.search(r"\b(Dear|Hallo|Sayın)\s*[,،]|سلام\s+عزیز", msg.text)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_full_data_is_personalised(lang: str, template: str) -> None:
    msg = render_message(template, lang, FULL)
    assert "Ayşe" in msg.text
    assert "{{" not in msg.html
    if template != "letter":
        assert "Jo Lee" in msg.text or "Ayşe" in msg.subject


def test_english_fallback_wording() -> None:
    msg = render_message("thank_you", "en", MessageContext())
    assert msg.text.startswith("Hello,\n")
    assert "your team" in msg.text
    assert "Our team" in msg.text
    assert msg.subject == "Thank you for visiting our booth"
    personal = render_message("thank_you", "en", FULL)
    assert personal.text.startswith("Dear Ayşe,\n")
    assert personal.subject == "Thank you for visiting us at CeMAT Istanbul"
    assert "Badge scanners, CRM sync" in personal.text
    assert "- Brochure: https://example.com/brochure.pdf" in personal.text


def test_lead_data_is_escaped_in_html_but_kept_in_text() -> None:
    ctx = MessageContext(
        first_name="<script>alert(1)</script>",
        company='Evil & "Co"',
        interests=("<b>x</b>",),
    )
    msg = render_message("thank_you", "en", ctx)
    assert "<script>" not in msg.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in msg.html
    assert "Evil &amp; &#34;Co&#34;" in msg.html
    assert "<b>x</b>" not in msg.html
    assert "Dear <script>alert(1)</script>," in msg.text


def test_links_are_anchors_only_for_safe_schemes() -> None:
    ctx = MessageContext(
        literature=(
            Link("Brochure", "https://example.com/b.pdf"),
            Link("Bad", "javascript:alert(1)"),
        )
    )
    html = render_message("thank_you", "en", ctx).html
    assert '<a href="https://example.com/b.pdf">Brochure</a>' in html
    assert 'href="javascript' not in html


def test_nurture_emails_have_different_content() -> None:
    msgs = [render_message(f"nurture_{i}", "en", FULL) for i in range(1, 5)]
    assert len({m.subject for m in msgs}) == 4
    assert len({m.text for m in msgs}) == 4
    # The opt-out line is the footer added when the mail is built (core.messages.footer).


def test_persian_is_right_to_left_and_language_falls_back_to_english() -> None:
    fa = render_message("thank_you", "fa-IR", FULL)
    assert fa.language == "fa"
    assert 'dir="rtl"' in fa.html and 'lang="fa"' in fa.html
    assert "سلام Ayşe عزیز،" in fa.text
    assert "تیم شما" in render_message("thank_you", "fa", MessageContext()).text
    pt = render_message("thank_you", "pt_BR", FULL)
    assert pt.language == "pt"  # shipped since issue 16
    assert pt.text.startswith("Olá Ayşe,")
    assert 'dir="ltr"' in pt.html
    # A language without templates falls along the chain: Italian -> German -> English.
    assert render_message("thank_you", ["it", "de"], FULL).language == "de"
    assert render_message("thank_you", ["it"], FULL).text.startswith("Dear Ayşe,")


def test_subject_is_one_line_even_with_newlines_in_data() -> None:
    msg = render_message("nurture_4", "en", MessageContext(company="Acme\r\nBcc: x@y.z"))
    assert "\n" not in msg.subject and "\r" not in msg.subject


def test_call_script_carries_answers_and_notes_for_the_caller() -> None:
    msg = render_message("call_script", "en", FULL)
    assert "- Budget: 50k EUR" in msg.text
    assert "Notes: Wants a demo for 12 sites" in msg.text
    assert "+90 212 555 0101" in msg.text


@pytest.mark.parametrize(
    ("lang", "question"),
    [("en", "When do you plan to buy?"), ("el", "Πότε σκοπεύετε να αγοράσετε;"),
     ("fa", "چه زمانی قصد خرید دارید؟"), ("tr", "Ne zaman almayı düşünüyorsunuz?")],
)  # fmt: skip
def test_call_script_puts_no_colon_after_a_question_mark(lang: str, question: str) -> None:
    """Issue 21: "Πότε σκοπεύει να αγοράσει;: < 3 μήνες" read as a typo."""
    lead = Lead(id="l1", event_id="e1", contact=Contact(first_name="Ayşe"))
    built = MessageContext.from_lead(
        lead,
        Event(id="e1", name="Expo"),
        None,
        answer_lines=((question, "Q1"), ("Budget", "50k EUR")),
    )
    context = replace(FULL, answers=built.answers)
    text = render_message("call_script", lang, context).text
    assert f"- {question} Q1" in text and "- Budget: 50k EUR" in text


def test_context_from_lead_uses_the_staff_and_event() -> None:
    lead = Lead(
        id="l1",
        event_id="e1",
        contact=Contact(first_name=" Maria ", company="", email="m@example.com"),
        answers={"Budget": "", "Interests": ["A", "B"], "Decides": True},
        staff_name="Fallback Name",
    )
    ctx = MessageContext.from_lead(
        lead, Event(id="e1", name="Expo"), Staff(id="s", event_id="e1", name="Jo Lee")
    )
    assert ctx.first_name == "Maria"
    assert ctx.staff_name == "Jo Lee"
    assert ctx.answers == (("Interests:", "A, B"), ("Decides:", "yes"))
    msg = render_message("thank_you", "de", ctx)
    assert msg.text.startswith("Hallo Maria,")
    assert "Ihr Team" in msg.text


def test_event_templates_override_defaults_and_unknown_ids_fail_clearly(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "thank_you.j2").write_text(
        "{% block subject %}Custom for {{ lead.first_name or 'you' }}{% endblock %}"
        "{% block body %}Hi {{ lead.first_name }}{% endblock %}",
        encoding="utf-8",
    )
    renderer = MessageRenderer([tmp_path])
    assert renderer.render("thank_you", "en", FULL).subject == "Custom for Ayşe"
    assert renderer.render("letter", "en", FULL).subject == "Thank you for your visit"
    with pytest.raises(TemplateMissingError, match="nope"):
        renderer.render("nope", "en", FULL)
    with pytest.raises(TemplateMissingError):
        renderer.render("../secret", "en", FULL)


@pytest.mark.parametrize("lang", ["tr", "fa", "en"])
def test_the_queues_call_script_leads_each_answer_in(lang: str) -> None:
    """Issue 21 walk: the script planned and shown in the queue (``render_for_rep``, through
    ``personal_context``) printed "- Satın almadaki rolü Etkileyen", question and answer run
    together; "Budget:" but "When ...?" as from_lead makes them."""
    from boothapp.core.config.defaults import default_config
    from boothapp.core.config.followup_content import FollowUpContent
    from boothapp.core.messages.personal import render_for_rep

    lead = Lead(id="l1", event_id="e1", contact=Contact(first_name="Ayşe"),
                answers={"authority": "influencer", "timeframe": "3_6m"})  # fmt: skip
    cfg = default_config()
    text = render_for_rep("call_script", lead, Event(id="e1", name="Expo"), cfg,
                          FollowUpContent(), ("en",), lang).text  # fmt: skip
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == 2, text
    for line in lines:
        assert ":" in line or "?" in line or "؟" in line, line


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_call_script_names_the_interests_once(lang: str) -> None:
    """Issue 21 walk: the German script read "- Interessiert an: Plattform" and again
    "Interessen: Plattform": the interests question is one of the answers, in the event's
    own wording and order, and the script prints it there only."""
    from boothapp.core.config.defaults import default_config
    from boothapp.core.config.followup_content import FollowUpContent
    from boothapp.core.messages.personal import render_for_rep

    lead = Lead(id="l1", event_id="e1", contact=Contact(first_name="Ayşe"),
                answers={"interests": ["platform", "analytics"], "timeframe": "3_6m"})  # fmt: skip
    text = render_for_rep("call_script", lead, Event(id="e1", name="Expo"), default_config(),
                          FollowUpContent(), ("en",), lang).text  # fmt: skip
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == 2, text
    interest_lines = [line for line in lines if "," in line or "،" in line]  # two labels
    assert len(interest_lines) == 1, text
    # Each interest's label appears on that one line and nowhere else in the script.
    label = interest_lines[0].rsplit(" ", 1)[-1]
    assert text.count(label) == 1, text


@pytest.mark.parametrize("template", ["thank_you", "letter"])
def test_japanese_letters_put_the_company_above_the_name(template: str) -> None:
    # A Japanese letter opens with the company on its own line, then "Yılmaz 様": the
    # thank-you mail printed them as one word ("Acme MakinaYılmaz 様").
    text = render_message(template, "ja", FULL).text
    lines = text.splitlines()
    assert "Acme Makina" in lines
    assert lines[lines.index("Acme Makina") + 1].endswith(" 様")
