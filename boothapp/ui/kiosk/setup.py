"""Build a kiosk for an event from its configuration, with the camera and handheld scanner."""

from __future__ import annotations

from boothapp.app import AppContext
from boothapp.core.config.model import EventConfig, QuestionKind
from boothapp.core.models import Event
from boothapp.ui.camera_controller import CameraController
from boothapp.ui.keyboard_wedge import KeyboardWedge
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.questions_page import KioskQuestion
from boothapp.ui.kiosk.strings import LANGUAGES
from boothapp.workers.tasks import TaskRunner


def kiosk_questions(cfg: EventConfig) -> list[KioskQuestion]:
    """The event's kiosk subset as touch questions (choice questions only: visitors tap)."""
    questions = []
    for q in cfg.kiosk_questions():
        if q.kind is QuestionKind.YES_NO:
            options: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"))
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            options = tuple((o.id, o.label) for o in q.options)
        else:
            continue
        if q.id == "literature":
            continue  # asked on the consent step ("email me the brochure")
        questions.append(
            KioskQuestion(
                q.id,
                q.label,
                options,
                q.kind is QuestionKind.MULTI,
                translations=q.translations,
                option_translations={o.id: o.translations for o in q.options if o.translations},
            )
        )
    return questions


def build_kiosk(
    ctx: AppContext, runner: TaskRunner, event: Event, camera: str = "",
    idle_timeout_s: float = 30.0,
) -> tuple[KioskWindow, KeyboardWedge, CameraController]:  # fmt: skip
    cfg = ctx.configs.get(event.id)
    languages = [lang for lang in cfg.kiosk_languages if lang in LANGUAGES] or ["en"]
    consent = cfg.consent_text.replace("{company}", event.name)
    window = KioskWindow(
        ctx, runner, event, kiosk_questions(cfg), languages=languages,
        consent_texts={"en": consent}, idle_timeout_s=idle_timeout_s,
    )  # fmt: skip
    wedge = KeyboardWedge()
    wedge.scanned.connect(lambda payload: window.handle_scan(payload, ""))
    wedge.install()
    controller = CameraController(window.attract.camera, parent=window)
    controller.scanned.connect(lambda result: window.handle_scan(result.text, result.symbology))
    if camera:
        controller.start(camera)
    else:
        window.attract.camera.hide()  # no camera: visitors type, or use the handheld scanner
    window.exit_unlocked.connect(controller.stop)
    window.exit_unlocked.connect(wedge.uninstall)
    return window, wedge, controller
