"""The audit log's "What" column in the manager's words (issue 21): it showed machine JSON,
'{"revision": 2, "sections": ["costs"]}', English keys in every language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from boothapp.app import AppContext
from boothapp.core.audit_words import detail_text
from boothapp.services.events import NewEvent
from boothapp.ui.audit_page import AuditPage
from boothapp.ui.i18n import apply_language
from boothapp.workers.tasks import TaskRunner


@pytest.fixture
def persian() -> Iterator[None]:
    apply_language("fa")
    yield
    apply_language("en")


def test_a_settings_change_reads_in_persian(qtbot, ctx: AppContext, persian) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Expo", timezone="Asia/Tehran"))
    cfg = ctx.configs.get(event.id)
    ctx.configs.save(event.id, cfg)  # the first revision: every section
    ctx.configs.save(event.id, replace(cfg, rating=replace(cfg.rating, hot=cfg.rating.hot + 5)))
    page = AuditPage(ctx.audit, TaskRunner(inline=True), event.id, event.timezone)
    qtbot.addWidget(page)
    page.refresh()
    texts = [page.table.item(r, 4).text() for r in range(page.table.rowCount())]
    assert "نسخه: ۲ · بخش‌ها: رتبه" in texts
    assert "بخش‌ها: فیلدهای کارت، متن رضایت، CRM، پیگیری‌ها" in texts[1]
    assert not [t for t in texts if re.search(r"[A-Za-z]{3,}", t.replace("CRM", ""))]


def test_detail_values_by_kind(persian) -> None:  # type: ignore[no-untyped-def]
    shown = detail_text({"review": "junk", "leads": 3, "given": True, "file": "/tmp/a.csv",
                         "filter": {"ratings": ["hot"], "search": ""}})  # fmt: skip
    assert shown == (
        "فایل: \u2068/tmp/a.csv\u2069 · فیلتر: (رتبه‌ها: داغ) · رضایت داده شد: بله · "
        "سرنخ‌ها: ۳ · بررسی: به‌عنوان بی‌ارزش حذف شد"
    )


def test_cli_and_page_read_the_same_words(qtbot, ctx: AppContext, cli, persian) -> None:  # type: ignore[no-untyped-def]
    """One formatter (core.audit_words) for the page and `boothapp audit list` (issue 21):
    the CLI's line ends in the page's What cell, without the page's direction marks."""
    event = ctx.events.create_event(NewEvent(name="Expo", timezone="Asia/Tehran"))
    cfg = ctx.configs.get(event.id)
    ctx.configs.save(event.id, replace(cfg, rating=replace(cfg.rating, hot=cfg.rating.hot + 5)))
    page = AuditPage(ctx.audit, TaskRunner(inline=True), event.id, event.timezone)
    qtbot.addWidget(page)
    page.refresh()
    shown = page.table.item(0, 4).text()
    assert shown.startswith("نسخه:")
    run = cli("--lang", "fa", "audit", "list", "--event", "Expo", "--action", "settings_changed")
    assert run.code == 0, run.err
    assert run.lines[-1].endswith(shown) and "تنظیمات تغییر کرد" in run.lines[-1], run.out
    assert "\u2068" not in run.out


def test_the_open_page_rewords_itself(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from boothapp.services.audit import AuditAction

    apply_language("en")
    event = ctx.events.create_event(NewEvent(name="Expo"))
    ctx.configs.save(event.id, ctx.configs.get(event.id))
    page = AuditPage(ctx.audit, TaskRunner(inline=True), event.id, event.timezone)
    qtbot.addWidget(page)
    page.refresh()
    assert page.table.item(0, 1).text() == "Settings changed"
    try:
        apply_language("el")
        QApplication.processEvents()  # Qt posts LanguageChange
        items = [page.action.itemText(i) for i in range(page.action.count())]
        assert not [t for t in items if re.search(r"[A-Za-z]{3,}", t.replace("CRM", ""))], items
        assert len(items) == len(AuditAction) + 1
        assert page.table.item(0, 1).text() == "Αλλαγή ρυθμίσεων"
        assert not re.search(r"[A-Za-z]{3,}", page.table.item(0, 4).text().replace("CRM", ""))
    finally:
        apply_language("en")
