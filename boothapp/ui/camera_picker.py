"""Camera choice for the toolbar: webcams found, a video file, a stream URL, or none."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QInputDialog, QWidget

from boothapp.capture.cameras import CameraInfo
from boothapp.settings import NO_CAMERA

_FILE, _URL, _NONE = "__file__", "__url__", NO_CAMERA


class CameraPicker(QComboBox):
    camera_chosen = Signal(str)  # a spec for source_from_spec ("0", a path, a URL) or NO_CAMERA

    def __init__(self, current: str = "", extra: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("CameraPicker")
        self.setMinimumWidth(220)
        self._extra = extra or {}
        self._cameras: list[CameraInfo] = []
        self._current = current
        self.refresh()
        self.activated.connect(self._picked)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()  # the choices are worded in refresh (issue 21)
        super().changeEvent(event)

    def set_cameras(self, cameras: list[CameraInfo]) -> None:
        """Fill in the webcams (probing can take seconds on some systems: done off-GUI)."""
        self._cameras = list(cameras)
        self.refresh()

    def refresh(self) -> None:
        current = self._current
        self.blockSignals(True)
        self.clear()
        for cam in self._cameras:
            self.addItem(self.tr("Camera {0}: {1}").format(cam.index, cam.name), str(cam.index))
        for label, spec in self._extra.items():
            self.addItem(label, spec)
        self.addItem(self.tr("Video file…"), _FILE)
        self.addItem(self.tr("Network camera URL…"), _URL)
        self.addItem(self.tr("No camera (handheld scanner only)"), _NONE)
        index = self.findData(current or _NONE)
        if index < 0 and current:
            self.insertItem(0, current, current)
            index = 0
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def _picked(self, index: int) -> None:
        spec = self.itemData(index)
        if spec == _FILE:
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Video or camera recording"),
                "",
                self.tr("Video (*.mp4 *.avi *.mkv *.mov);;All (*)"),
            )
            if not path:
                return
            spec = path
        elif spec == _URL:
            url, ok = QInputDialog.getText(
                self,
                self.tr("Network camera"),
                self.tr("RTSP or HTTP address (rtsp://user:pass@host/stream)"),
            )
            if not ok or not url.strip():
                return
            spec = url.strip()
        self._current = spec
        self.camera_chosen.emit(spec)
