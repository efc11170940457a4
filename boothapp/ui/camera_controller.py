"""Runs the camera + decode worker for a CameraView and reports scans.

One place that knows how to turn a camera spec into a running ``DecodeWorker`` wired to a
preview: the kiosk uses it (and the scan page can).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from boothapp.capture.pipeline import DecodePipeline
from boothapp.capture.sources import SourceError, source_from_spec
from boothapp.capture.types import DecodeResult, FrameDecoder
from boothapp.ui.camera_view import CameraView
from boothapp.workers.decode_worker import DecodeWorker


class CameraController(QObject):
    scanned = Signal(object)  # DecodeResult, once per badge appearance (GUI thread)
    status_changed = Signal(str)

    def __init__(
        self, view: CameraView, decoder: FrameDecoder | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._view = view
        self._decoder = decoder
        self._worker: DecodeWorker | None = None

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.is_running()

    def start(self, spec: str, no_camera_hint: str = "") -> bool:
        self.stop()
        try:
            source = source_from_spec(spec)
        except SourceError as exc:
            self._view.set_message(f"{exc}\n{no_camera_hint}".strip())
            self.status_changed.emit("No camera")
            return False
        worker = DecodeWorker(source, self._decoder or DecodePipeline())
        worker.frame_ready.connect(self._view.set_frame)
        worker.outcome_ready.connect(self._outline)
        worker.symbol_found.connect(self._found)
        worker.hint_changed.connect(self._view.set_hint)
        worker.source_failed.connect(
            lambda message: self._view.set_message(f"{message}\n{no_camera_hint}".strip())
        )
        self._worker = worker
        self._view.set_message("Starting camera…")
        self.status_changed.emit(source.describe())
        worker.start()
        return True

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop(2.0)
            self._worker = None

    def _outline(self, outcome: object) -> None:
        results = getattr(outcome, "results", ())
        if results:
            self._view.show_symbol(results[0].corners)

    def _found(self, result: DecodeResult) -> None:
        self.scanned.emit(result)
