"""Persian in the PDFs and default question wording (issue 21): a long right-to-left paragraph
wraps in reading order, charts are mirrored for a Persian reader, and a default question the
manager kept reads in the reader's language while their own wording stays theirs."""

from __future__ import annotations

from dataclasses import replace

from reportlab.graphics.shapes import String
from reportlab.graphics.widgetbase import Widget

from boothapp.core.answers import option_labels, question_label
from boothapp.core.config.defaults import DEFAULT_QUESTIONS
from boothapp.core.i18n import using
from boothapp.reports.pdf_charts import funnel_chart
from boothapp.reports.pdf_text import BidiParagraph, para, styles, visual
from boothapp.reports.stats import Count

NOTE = (
    "مشتری در غرفه گفت که شرکت Quanta Labs بودجهٔ ۲۵۰ هزار یورو دارد و می‌خواهد نسخهٔ "
    "آزمایشی را با تیم IT خود امتحان کند؛ هفتهٔ بعد با Sophia تماس بگیرید."
)


def test_a_persian_paragraph_wraps_in_reading_order() -> None:
    with using("fa"):
        p = para(styles()["body"], NOTE, None)
        assert isinstance(p, BidiParagraph)
        p.wrap(220, 1000)
        lines = p.text.split("<br/>")
    assert len(lines) >= 3
    # The first drawn line holds the note's first words (reading order), shaped for drawing;
    # the last line its last words. Before, the whole note was reordered and then wrapped,
    # so the first line drawn was the note's end.
    first_words = visual("مشتری در غرفه")
    assert first_words.split(" ")[-1] in lines[0]
    assert visual("بگیرید.").strip(".") in lines[-1]


def test_latin_paragraphs_are_plain_paragraphs() -> None:
    with using("fa"):
        assert not isinstance(para(styles()["body"], "Quanta Labs"), BidiParagraph)


def _placed(node: object, m: tuple[float, ...] = (1, 0, 0, 1, 0, 0)) -> list[tuple[str, float]]:
    """(text, x on the page) of every string under ``node``, through its groups' transforms."""
    if isinstance(node, Widget):
        node = node.draw()  # a chart not yet drawn: its shapes
    if isinstance(node, String):
        a, b, c, d, e, f = m
        return [(node.text, a * node.x + c * node.y + e)]
    t = getattr(node, "transform", (1, 0, 0, 1, 0, 0))
    a, b, c, d, e, f = m
    inner = (a * t[0] + c * t[1], b * t[0] + d * t[1], a * t[2] + c * t[3], b * t[2] + d * t[3],
             a * t[4] + c * t[5] + e, b * t[4] + d * t[5] + f)  # fmt: skip
    found: list[tuple[str, float]] = []
    for child in getattr(node, "contents", []):
        found += _placed(child, inner)
    return found


def test_a_chart_is_mirrored_for_a_persian_reader() -> None:
    counts = [Count("to_contact", 40), Count("won", 3)]
    with using("en"):
        ltr = _placed(funnel_chart("Funnel", counts, 400, 200))
    with using("fa"):
        rtl = _placed(funnel_chart("Funnel", counts, 400, 200))
    assert ltr[0] == ("Funnel", 0)
    assert rtl[0] == ("Funnel", 400)  # the title at the right edge, reading from there
    # The stage names sit left of the bars in English and right of them in Persian.
    names_en = [x for text, x in ltr[1:] if text[:1].isalpha()]
    names_fa = [x for text, x in rtl[1:] if text[:1].isalpha()]
    assert names_en and names_fa
    assert max(names_en) < 200 < min(names_fa)


def test_a_default_question_reads_in_the_readers_language() -> None:
    budget = DEFAULT_QUESTIONS[0]
    assert question_label(budget, "el") == "Προϋπολογισμός"
    assert option_labels(budget, "fa")["over_250k"] == "بیش از ۲۵۰ هزار"
    assert question_label(budget, "en") == "Budget"
    # The manager's own translation wins; a reworded label stays as written.
    own = replace(budget, translations=(("el", "Budget (€)"),))
    assert question_label(own, "el") == "Budget (€)"
    assert question_label(replace(budget, label="Money to spend"), "el") == "Money to spend"
