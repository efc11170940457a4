"""The dashboard's response tile in each language (issue 21): the 48-hour target worded in
the reader's language and digits, and the per-owner table inside its tile, read from the
right in Persian, with nothing clipped at 1280x800."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from boothapp.core.followups.attempts import Outcome
from boothapp.core.models import Channel
from boothapp.ui.i18n import apply_language
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_followups import CAPTURED, PLANNED_AT, make_cast
from tests.ui.test_dashboard_response import first_touch, show


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


@pytest.fixture
def contacted(ctx):  # type: ignore[no-untyped-def]
    """The follow-up cast with one lead called back after 26 hours."""
    from datetime import timedelta

    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    ctx.followups.record_outcome(
        first_touch(ctx, cast.hot, Channel.CALL), Outcome.REACHED,
        now=CAPTURED + timedelta(hours=26),
    )  # fmt: skip
    return cast


def _fits(label: QLabel) -> bool:
    """The label's text is drawn whole: no wider than the label, and the label as tall as
    its wrapped lines."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setHtml(label.text())
    return (
        doc.idealWidth() <= label.contentsRect().width() + 1
        and label.height() >= label.heightForWidth(label.width())
    )


@pytest.mark.parametrize(
    ("lang", "within"),
    [
        ("en", "within 48 h"),
        ("tr", "48 saat içinde"),
        ("el", "εντός 48 ωρών"),
        ("fa", "در کمتر از ۴۸ ساعت"),
        ("de", "innerhalb 48 Stunden"),
    ],
)
def test_response_target_in_the_readers_words(qtbot, ctx, runner, contacted, lang, within) -> None:  # type: ignore[no-untyped-def]
    apply_language(lang)
    try:
        page = show(qtbot, ctx, runner, contacted.event_id)
        detail = page.response_tile.detail.text()
        assert within in detail
        if lang in ("tr", "el", "fa"):
            assert not re.search(r"\bh\b", detail), detail  # no Latin hour sign left
        labels = (page.response_tile.detail, page.response_staff, page.board)
        qtbot.waitUntil(lambda: all(_fits(label) for label in labels), timeout=3000)
    finally:
        apply_language("en")


def test_persian_owner_table_starts_on_the_right(qtbot, ctx, runner, contacted) -> None:  # type: ignore[no-untyped-def]
    apply_language("fa")
    try:
        page = show(qtbot, ctx, runner, contacted.event_id)
        assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft
        # The venue's zone by its Persian city name, not "Europe/Berlin".
        assert page.zone_label.text() == "زمان‌ها به وقت برلین"
        doc = QTextDocument()
        doc.setHtml(page.response_staff.text())
        cells = [line.strip() for line in doc.toPlainText().splitlines() if line.strip()]
        # Qt writes a rich-text table's columns left to right whatever the direction: the
        # owner's name is the last cell of its row, so it stands on the right.
        assert cells == ["۰/۱", "–", "Ana Ruiz", "۱/۳", "۲۶:۰۰ ساعت", "Jo Lee"]
    finally:
        apply_language("en")
