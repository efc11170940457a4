"""Runs the camera + decode worker for a CameraView and reports scans.

The one place that turns a camera spec into a running ``DecodeWorker`` wired to a preview: the
scan page and the kiosk both use it. Everything it emits arrives on the GUI thread.
"""

from __future__ import annotations

import contextlib

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from boothapp.capture.pipeline import DecodePipeline
from boothapp.capture.sources import SourceError, source_from_spec
from boothapp.capture.types import FrameDecoder
from boothapp.ui.camera_view import CameraView
from boothapp.workers.decode_worker import DecodeWorker


class CameraController(QObject):
    scanned = Signal(object)  # capture.types.DecodeResult, once per badge appearance
    status_changed = Signal(str)  # a short line for a status label ("1280x720 · 30 fps ...")

    def __init__(
        self,
        view: CameraView,
        decoder: FrameDecoder | None = None,
        parent: QObject | None = None,
        no_camera_hint: str = "",
    ) -> None:
        super().__init__(parent)
        self._view = view
        self._decoder = decoder
        self._hint = no_camera_hint
        self.worker: DecodeWorker | None = None
        # Workers asked to stop whose threads have not ended yet: kept (a QObject must outlive
        # its threads' emits) until their ``finished`` arrives on the GUI thread.
        self._retiring: list[DecodeWorker] = []
        self.last_frame: np.ndarray | None = None  # for "photograph the badge"
        self._decoding_paused = False  # kept across a camera restart (a card read, issue 20)

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.is_running()

    def start(self, spec: str, no_camera_hint: str | None = None) -> bool:
        """Start the camera (index, video file, folder or stream URL); errors are shown."""
        self.stop()
        if no_camera_hint is not None:
            self._hint = no_camera_hint
        try:
            source = source_from_spec(spec)
        except SourceError as exc:
            self._view.set_message(self._with_hint(str(exc)))
            self.status_changed.emit(self.tr("No camera"))
            return False
        # The frame slot below lets the camera thread send the next frame (issue 23).
        worker = DecodeWorker(source, self._decoder or DecodePipeline(), ack_previews=False)
        worker.frame_ready.connect(self._frame)
        worker.outcome_ready.connect(self._outline)
        worker.symbol_found.connect(self._found)
        worker.hint_changed.connect(self._view.set_hint)
        worker.source_failed.connect(self._failed)
        worker.source_state_changed.connect(self._state)
        worker.stats_changed.connect(self._stats)
        self.worker = worker
        if self._decoding_paused:
            worker.pause_decoding()
        self._view.set_message(self.tr("Starting camera…"))
        self.status_changed.emit(source.describe())
        worker.start(after=tuple(self._retiring))
        return True

    def stop(self) -> None:
        """Stop the camera without waiting: the threads end on their own (a read and a decode,
        or an IP camera's open timeout) and ``finished`` retires the worker.

        Joining here held the GUI thread up to 2 s per thread (a 5 s freeze when the camera
        list arrived mid-session and restarted the camera; bench/ui_latency.py, issue 23).
        """
        worker, self.worker = self.worker, None
        if worker is not None:
            # Frames and stats already queued from the stopped worker must not paint a last
            # picture or "29 fps" after the stop: the screen would look live (issue 15).
            for signal in (worker.frame_ready, worker.outcome_ready, worker.stats_changed,
                           worker.symbol_found,
                           worker.hint_changed, worker.source_state_changed):  # fmt: skip
                with contextlib.suppress(RuntimeError, TypeError):  # nothing was connected
                    signal.disconnect()
            self._retiring.append(worker)
            worker.finished.connect(self._finished)  # queued to this (GUI) thread
            worker.request_stop()
            if not worker.is_running():  # never started, or already ended: nothing will follow
                self._retired(worker)
        self.last_frame = None  # a stopped camera keeps no picture of anyone (kiosk, issue 14)

    def set_decoding_paused(self, paused: bool) -> None:
        """Badges are not decoded while ``paused`` (the preview goes on): a business card
        being read needs the two cores the decoder shares with the GUI thread (issue 20)."""
        self._decoding_paused = paused
        if self.worker is not None:
            if paused:
                self.worker.pause_decoding()
            else:
                self.worker.resume_decoding()

    def shutdown(self, timeout: float = 2.0) -> bool:
        """Stop and join every camera thread (app exit and tests only: this blocks)."""
        self.stop()
        done = all(worker.join(timeout) for worker in list(self._retiring))
        self._retiring = [w for w in self._retiring if w.is_running()]
        return done

    @Slot()
    def _finished(self) -> None:
        worker = self.sender()
        if isinstance(worker, DecodeWorker):
            self._retired(worker)

    def _retired(self, worker: DecodeWorker) -> None:
        if worker in self._retiring:
            # ``finished`` is the decode thread's last act: this join returns at once.
            worker.join(0.5)
            self._retiring.remove(worker)

    def go_dark(self, reason: str) -> None:
        """No camera on purpose: no picture, no frame rate, and the reason on the preview."""
        self.stop()
        self.last_frame = None
        self._view.set_message(reason)
        self._view.set_hint("")
        self.status_changed.emit(self.tr("No camera"))

    def _with_hint(self, message: str) -> str:
        return f"{message}\n{self._hint}".strip()

    def _frame(self, frame: np.ndarray) -> None:
        if self.worker is None:
            return  # queued before stop(): the kiosk reset must not get a picture back
        self.worker.preview_shown()
        self.last_frame = frame
        self._view.set_frame(frame)

    def _found(self, result: object) -> None:
        if self.worker is not None:  # a read queued before stop() is dropped with the camera
            self.scanned.emit(result)

    def _outline(self, outcome: object) -> None:
        results = getattr(outcome, "results", ())
        if results:
            self._view.show_symbol(results[0].corners)

    def _failed(self, message: str) -> None:
        self._view.set_message(self._with_hint(message))
        self.status_changed.emit(self.tr("Camera stopped"))

    def _state(self, state: str) -> None:
        if state == "disconnected":
            self._view.set_message(self.tr("Camera disconnected — reconnecting…"))

    def _stats(self, stats: object) -> None:
        fps = getattr(stats, "preview_fps", 0.0)
        ms = getattr(stats, "decode_ms", 0.0)
        res = getattr(stats, "resolution", "")
        self.status_changed.emit(
            self.tr("{0} · {1:.0f} fps · decode {2:.0f} ms").format(res, fps, ms)
        )
