"""Live camera preview with the detected symbol outlined and a reader hint.

Frames arrive as numpy arrays (BGR or grey, from the camera worker) or QImages; only the
newest is kept and painted on the next paint event, so a slow paint never queues frames.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QElapsedTimer, QEvent, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from boothapp.ui.i18n import reworded

OUTLINE_MS = 700  # how long an outline stays after the symbol was last seen
FLASH_MS = 450
FRAME_GAP_MS = 100  # frames closer than this are "flowing": they carry the repaints


def frame_to_qimage(frame: np.ndarray) -> QImage:
    """Wrap a BGR/grey numpy frame as a QImage (copied, so the array may be reused)."""
    if frame.ndim == 2:
        h, w = frame.shape
        return QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_Grayscale8).copy()
    h, w, _ = frame.shape
    image = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888)
    return image.copy()


class CameraView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CameraView")
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None
        self._outline: tuple[QPointF, ...] = ()
        self._outline_age = QElapsedTimer()
        self._flash_age = QElapsedTimer()
        self._frame_age = QElapsedTimer()
        self._flash_text = ""
        self._hint = ""
        self._message = self.tr("Starting camera…")
        # Every paint fills the whole view first: Qt need not paint the widgets behind it for
        # each preview frame (issue 23).
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        # Outlines and the confirmation flash fade by time, even if frames stop coming. The
        # timer runs only while one is shown: ticking all day it woke the GUI thread (and asked
        # for the GIL) ten times a second for nothing (issue 23).
        self._fade = QTimer(self)
        self._fade.setInterval(100)
        self._fade.timeout.connect(self._expire)

    # -- inputs -----------------------------------------------------------------------------
    def set_frame(self, frame: QImage | np.ndarray) -> None:
        self._image = frame if isinstance(frame, QImage) else frame_to_qimage(frame)
        self._message = ""
        self._frame_age.start()
        self.update()

    def show_symbol(self, corners: Sequence[tuple[float, float]]) -> None:
        self._outline = tuple(QPointF(x, y) for x, y in corners)
        self._outline_age.start()
        self._fade_soon()
        if not self._frames_flowing():
            self.update()

    def _frames_flowing(self) -> bool:
        # Outlines come from the decode thread at its own rate, between preview frames; while
        # frames flow the next one repaints within a frame time, so an extra paint per decoded
        # frame (half the preview's GUI time) buys nothing.
        return self._frame_age.isValid() and self._frame_age.elapsed() < FRAME_GAP_MS

    def flash(self, text: str) -> None:
        """Visual confirmation of a scan (green frame and the visitor's name)."""
        self._flash_text = text
        self._flash_age.start()
        self._fade_soon()
        self.update()

    def _fade_soon(self) -> None:
        if not self._fade.isActive():
            self._fade.start()

    def set_hint(self, hint: str) -> None:
        if hint != self._hint:
            self._hint = hint
            self.update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._message = reworded(self._message) or self._message  # issue 21
            self.update()
        super().changeEvent(event)

    def set_message(self, message: str) -> None:
        """A full-view message when there is no picture (no camera, reconnecting...)."""
        self._message = message
        if message:
            self._image = None
        self.update()

    def clear(self) -> None:
        """Forget the picture and everything drawn on it (the kiosk's idle reset)."""
        self._image = None
        self._outline = ()
        self._flash_text = ""
        self._hint = ""
        self._message = ""
        self.update()

    @property
    def hint(self) -> str:
        return self._hint

    @property
    def message(self) -> str:
        return self._message

    # -- painting ---------------------------------------------------------------------------
    def _expire(self) -> None:
        changed = False
        if self._outline and self._outline_age.elapsed() > OUTLINE_MS:
            self._outline = ()
            changed = True
        if self._flash_text and self._flash_age.elapsed() > FLASH_MS:
            self._flash_text = ""
            changed = True
        if not self._outline and not self._flash_text:
            self._fade.stop()  # nothing left to fade
        if changed:
            self.update()

    @property
    def fading(self) -> bool:
        """An outline or the flash is on screen and its timer runs."""
        return self._fade.isActive()

    def _image_rect(self) -> QRectF:
        assert self._image is not None
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Ended here, always: a painter left to the garbage collector outlived the paint
        # event ("QBackingStore::endPaint() called with active painter", then a crash of a
        # bench session; issue 23). Only paintEvent ever paints this widget.
        p = QPainter(self)
        try:
            self._paint(p)
        finally:
            p.end()

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(24, 26, 30))
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * 1.6)
        if self._image is None or self._image.isNull():
            p.setPen(QColor(230, 230, 230))
            p.setFont(big)
            p.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
            )
            return
        target = self._image_rect()
        p.drawImage(target, self._image)
        sx = target.width() / self._image.width()
        if self._outline:
            poly = QPolygonF(
                [
                    QPointF(target.x() + pt.x() * sx, target.y() + pt.y() * sx)
                    for pt in self._outline
                ]
            )
            p.setPen(QPen(QColor(60, 220, 90), 4))
            p.drawPolygon(poly)
        if self._flash_text:
            p.setPen(QPen(QColor(60, 220, 90), 12))
            p.drawRect(target.adjusted(6, 6, -6, -6))
            self._banner(p, target, self._flash_text, QColor(30, 140, 60, 220), big, bottom=True)
        elif self._hint:
            self._banner(p, target, self._hint, QColor(200, 120, 0, 220), big, bottom=True)

    def _banner(
        self, p: QPainter, target: QRectF, text: str, color: QColor, font: QFont, bottom: bool
    ) -> None:
        h = font.pointSizeF() * 3
        rect = QRectF(target.x(), target.bottom() - h if bottom else target.y(), target.width(), h)
        p.fillRect(rect, color)
        p.setPen(QColor(255, 255, 255))
        p.setFont(font)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
