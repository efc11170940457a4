"""The audit log's "What" column in the manager's words (issue 21): it showed machine JSON,
'{"revision": 2, "sections": ["costs"]}', English keys in every language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from boothapp.app import AppContext
from boothapp.services.events import NewEvent
from boothapp.ui.audit_page import AuditPage, detail_text
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
