"""Offscreen screenshots of the scan page, event settings and the kiosk on the demo event.

Scan page: a badge in the camera view outlined and the lead form open pre-filled (light and
dark theme), the duplicate banner; event settings; the kiosk at each step in English, Turkish,
Greek and Persian (right to left).

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_app_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from make_screenshots import _save, _settle
from PySide6.QtWidgets import QApplication

from boothapp.app import AppContext, build_context
from boothapp.capture.pipeline import DecodePipeline
from boothapp.core.models import Contact, Event, LeadSource
from boothapp.demo.badge_video import HEIGHT, WIDTH, _background, _badge_card
from boothapp.demo.build import ROSTER_SIZE, build_demo, video_payloads
from boothapp.demo.people import make_people
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.questions_page import KioskQuestion
from boothapp.ui.theme import Theme, apply_theme
from boothapp.workers.tasks import TaskRunner

KIOSK_PEOPLE = {
    "en": Contact(first_name="Olivia", last_name="Taylor", email="olivia.taylor@summitsteel.co.uk",
                  company="Summit Steel Ltd", title="Head of Procurement"),
    "tr": Contact(first_name="Gülşen", last_name="Öztürk", email="gulsen.ozturk@anadolu.com.tr",
                  company="Anadolu Lojistik A.Ş.", title="Satın Alma Müdürü"),
    "el": Contact(first_name="Κατερίνα", last_name="Παπαδοπούλου", email="k.papadopoulou@hellas.gr",
                  company="Hellas Robotics", title="Διευθύντρια Παραγωγής"),
    "fa": Contact(first_name="مریم", last_name="کریمی", email="maryam.karimi@helixrobotics.ir",
                  company="هلیکس رباتیک", title="مدیر فنی"),
}  # fmt: skip


def badge_frame(index: int, event_name: str) -> tuple[np.ndarray, str]:
    """One camera frame with a demo badge held up, and the badge's payload."""
    people = make_people(ROSTER_SIZE, 11)
    payload = video_payloads(people)[index]
    frame = _background(np.random.default_rng(3))
    card = _badge_card(people[index], payload, event_name)
    h, w = card.shape[:2]
    y, x = (HEIGHT - h) // 2, (WIDTH - w) // 2 + 60
    frame[y : y + h, x : x + w] = card
    return frame, payload


def scan_shots(app: QApplication, ctx: AppContext, event: Event, out: Path) -> None:
    runner = TaskRunner()
    window = DesktopWindow(ctx, runner, event)
    window.resize(1440, 900)
    window.show()
    _settle(app, runner)
    window.sign_in.signed_in.emit(ctx.staff.list_staff(event.id)[0])
    scan = window.scan
    frame, payload = badge_frame(0, event.name)
    outcome = DecodePipeline().decode(frame)
    assert outcome.results, "the demo badge must decode"
    corners = outcome.results[0].corners

    def show_badge() -> None:
        scan.camera.set_frame(frame)
        scan.camera.show_symbol(corners)
        scan.camera_status.setText("1280x720 · 30 fps · decode 6 ms")

    show_badge()
    scan.handle_payload(payload, outcome.results[0].symbology, LeadSource.BADGE_SCAN)
    _settle(app, runner)
    show_badge()
    _save(window, out / "scan-form.png")

    apply_theme(app, Theme.DARK)
    _settle(app, runner)
    show_badge()
    _save(window, out / "scan-form-dark.png")
    apply_theme(app, Theme.LIGHT)

    # Save, then the same badge again: the existing lead opens with who scanned it and when.
    scan.form.save()
    _settle(app, runner)
    scan.handle_payload(payload, outcome.results[0].symbology, LeadSource.BADGE_SCAN)
    _settle(app, runner)
    show_badge()
    assert scan.form.banner.isVisible()
    _save(window, out / "scan-duplicate.png")
    scan.form.cancelled.emit()

    window.show_page(4)
    _settle(app, runner)
    _save(window, out / "event-settings.png")
    window.close()
    runner.wait()


def kiosk_questions(ctx: AppContext, event: Event) -> list[KioskQuestion]:
    cfg = ctx.configs.get(event.id)
    chosen = [q for q in cfg.questions if q.kiosk and q.options] or [
        q for q in cfg.questions if q.options
    ]
    return [
        KioskQuestion(q.id, q.label, tuple((o.id, o.label) for o in q.options),
                      multi=q.kind.value == "multi")
        for q in chosen[:3]
    ]  # fmt: skip


def kiosk_shots(app: QApplication, ctx: AppContext, event: Event, out: Path) -> None:
    runner = TaskRunner()
    kiosk = KioskWindow(ctx, runner, event, kiosk_questions(ctx, event), idle_timeout_s=600)
    kiosk.resize(1280, 800)
    kiosk.show()
    # No camera picture on the attract screen (issue 14): it shows only after "Scan my badge".
    for lang in ("en", "tr", "el", "fa"):
        kiosk.reset()
        kiosk.set_language(lang)
        _settle(app, runner)
        _save(kiosk, out / f"{lang}-1-attract.png")
        kiosk._start_typing()
        person = KIOSK_PEOPLE[lang]
        kiosk.details.first.setText(person.first_name)
        kiosk.details.last.setText(person.last_name)
        kiosk.details.email.setText(person.email)
        kiosk.details.company.setFocus()
        kiosk.details.company.setText(person.company[:7])
        _settle(app, runner)
        _save(kiosk, out / f"{lang}-2-details.png")
        kiosk.details.company.setText(person.company)
        kiosk._details_done(kiosk.details.contact())
        for group in kiosk.questions.groups.values():
            buttons = group.buttons()
            if buttons:
                buttons[min(1, len(buttons) - 1)].setChecked(True)
        _settle(app, runner)
        _save(kiosk, out / f"{lang}-3-questions.png")
        kiosk._questions_done(kiosk.questions.answers())
        _settle(app, runner)
        _save(kiosk, out / f"{lang}-4-consent.png")
        kiosk.visitor.contact = person
        kiosk.thanks.show_for(person.first_name)
        kiosk._go(kiosk.thanks)
        _settle(app, runner)
        _save(kiosk, out / f"{lang}-5-thanks.png")
    kiosk._unlocked = True
    kiosk.close()
    runner.wait()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    (out / "kiosk").mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app, Theme.LIGHT)
    ctx = build_context(tempfile.mkdtemp(prefix="shots-"))
    event = build_demo(ctx, leads=300).event
    scan_shots(app, ctx, event, out)
    kiosk_shots(app, ctx, event, out / "kiosk")
    ctx.close()


if __name__ == "__main__":
    main()
