"""Build a kiosk for an event from its configuration, with the camera and handheld scanner."""

from __future__ import annotations

from boothapp.app import AppContext
from boothapp.core.config.consent import shown_consent
from boothapp.core.config.model import EventConfig, QuestionKind
from boothapp.core.models import Event
from boothapp.ui.camera_controller import CameraController
from boothapp.ui.keyboard_wedge import KeyboardWedge
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.questions_page import KioskQuestion
from boothapp.ui.kiosk.strings import LANGUAGES
from boothapp.workers.hub_worker import HubWorker
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
    idle_timeout_s: float = 30.0, hub: HubWorker | None = None,
) -> tuple[KioskWindow, KeyboardWedge, CameraController]:  # fmt: skip
    """``hub``: the replicator of a kiosk joined to an event hub; its state is shown to staff
    at the foot of the attract screen and the PIN pad."""
    cfg = ctx.configs.get(event.id)
    languages = [lang for lang in cfg.kiosk_languages if lang in LANGUAGES] or ["en"]
    # The kiosk has its own wording per language; the config's sentence is its English one.
    consent = shown_consent(cfg.consent_text, event.name, "en")
    window = KioskWindow(
        ctx, runner, event, kiosk_questions(cfg), languages=languages,
        consent_texts={"en": consent}, idle_timeout_s=idle_timeout_s, has_camera=bool(camera),
    )  # fmt: skip
    if hub is not None:
        window.show_hub(None)
        hub.state_changed.connect(window.show_hub)
    wedge = KeyboardWedge()
    wedge.scanned.connect(lambda payload: window.handle_scan(payload, "", handheld=True))
    wedge.install()
    controller = CameraController(window.scan_step.camera, parent=window)
    controller.scanned.connect(lambda result: window.handle_scan(result.text, result.symbology))

    def camera_wanted(on: bool) -> None:
        # Nothing is decoded until a visitor asks (issue 14): the camera runs on the scan
        # step only and stops on every way out of it (details, idle reset, PIN pad).
        if on:
            controller.start(camera)
        else:
            controller.stop()

    if camera:
        window.camera_wanted.connect(camera_wanted)
    window.exit_unlocked.connect(lambda _staff: controller.stop())
    window.exit_unlocked.connect(lambda _staff: wedge.uninstall())
    return window, wedge, controller
