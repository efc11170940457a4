"""The lead's photographed business card, small in the lead detail; a click shows it large.

The photo is read and scaled off the GUI thread (a 1080p JPEG takes tens of ms to decode);
QImage, unlike QPixmap, may be made on a pool thread. Hidden when the lead has no card photo
(issue 20).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import cv2
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout

from boothapp.capture.ocr.card_locate import NoCardFound, locate_card
from boothapp.capture.types import Frame
from boothapp.workers.decode_worker import frame_to_qimage
from boothapp.workers.tasks import TaskRunner

THUMB_W = 320
LARGE_W = 1200


def _tr(text: str) -> str:
    return QCoreApplication.translate("CardThumbnail", text)


def load_card(path: Path) -> tuple[QImage, QImage]:
    """The card, flattened out of the kept still (the whole still when no card is found in
    it), scaled for the panel and for the enlarged view (pool thread)."""
    still = cv2.imread(str(path))
    if still is None:
        raise OSError(f"cannot read the card photo {path}")
    card: Frame = still  # type: ignore[assignment]
    with contextlib.suppress(NoCardFound):  # no card in it (a badge, a close-up): as taken
        card = locate_card(card).image
    image = frame_to_qimage(card)
    smooth = Qt.TransformationMode.SmoothTransformation
    large = image.scaledToWidth(min(LARGE_W, image.width()), smooth)
    return image.scaledToWidth(THUMB_W, smooth), large


class CardThumbnail(QLabel):
    """Shows the newest card photo of a lead; ``enlarged`` fires (GUI thread) when opened."""

    enlarged = Signal()

    def __init__(self, runner: TaskRunner, photos_of: Callable[[str], list[Path]]) -> None:
        super().__init__()
        self.setObjectName("CardThumbnail")
        self._runner, self._photos_of = runner, photos_of
        self._lead_id = ""
        self._large: QImage | None = None
        self.dialog: QDialog | None = None
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(_tr("Business card photographed at the booth; click to enlarge"))
        self.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.hide()

    @property
    def lead_id(self) -> str:
        return self._lead_id

    def show_lead(self, lead_id: str) -> None:
        self._lead_id, self._large = lead_id, None
        self.clear()
        self.hide()
        if not lead_id:
            return
        photos_of = self._photos_of

        def work() -> tuple[QImage, QImage] | None:
            photos = photos_of(lead_id)
            return load_card(photos[-1]) if photos else None

        self._runner.run(work, on_done=lambda r: self._loaded(lead_id, r), on_error=self._failed)

    def _loaded(self, lead_id: str, result: tuple[QImage, QImage] | None) -> None:
        if lead_id != self._lead_id or result is None:
            return  # another lead opened meanwhile, or no card
        thumb, self._large = result
        self.setPixmap(QPixmap.fromImage(thumb))
        self.show()

    def _failed(self, exc: BaseException) -> None:
        self.setText(_tr("Card photo could not be read: {0}").format(exc))
        self.show()

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and self._large is not None:
            self.open_large()
        super().mouseReleaseEvent(ev)

    def open_large(self) -> None:
        if self._large is None:
            return
        dialog = QDialog(self)
        dialog.setObjectName("CardLarge")
        dialog.setWindowTitle(_tr("Business card"))
        view = QLabel()
        view.setPixmap(QPixmap.fromImage(self._large))
        scroll = QScrollArea()
        scroll.setWidget(view)
        layout = QVBoxLayout(dialog)
        layout.addWidget(scroll)
        screen = self.screen().availableGeometry() if self.screen() else None
        w, h = self._large.width() + 40, self._large.height() + 40
        if screen is not None:
            w, h = min(w, screen.width() - 80), min(h, screen.height() - 80)
        dialog.resize(w, h)
        self.dialog = dialog
        dialog.show()
        self.enlarged.emit()


__all__ = ["CardThumbnail", "load_card"]
