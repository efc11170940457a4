"""The long-lived camera + decode worker: preview at full rate, decoding on the newest frame.

Two plain threads, owned and joined by ``DecodeWorker``:

* the **camera thread** opens the source (so a slow or hanging device never blocks the GUI),
  reads frames at the source's own rate, emits them for preview and drops each one into a
  single-slot mailbox;
* the **decode thread** takes the newest frame from the mailbox, runs the ``FrameDecoder``
  and turns results into scans (one per badge appearance, see ``ScanCooldown``).

Where each signal comes from (connect with the default AutoConnection and the slot runs on the
receiver's thread, i.e. the GUI thread for widgets):

=======================  ==============  =====================================================
signal                   emitted on      payload
=======================  ==============  =====================================================
frame_ready              camera thread   ``Frame`` (BGR numpy array; treat as read-only)
source_state_changed     camera thread   ``SourceState`` value ("open", "disconnected", ...)
source_failed            camera thread   message for staff (the camera thread then ends)
stats_changed            camera thread   ``CaptureStats`` (about twice a second)
outcome_ready            decode thread   ``DecodeOutcome`` of a decoded frame with a symbol
symbol_found             decode thread   ``DecodeResult`` once per badge appearance (a scan)
hint_changed             decode thread   ``Hint`` value, only when it changes
finished                 decode thread   both threads are done (stopped, failed or source ended)
=======================  ==============  =====================================================

The decoder is only ever called from the decode thread, so a decoder that is not thread-safe
(``DecodePipeline`` keeps tracking state) needs no lock. Preview frames are shared, not copied,
with the decoder: slots must not draw into them (convert with ``frame_to_qimage`` first).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QImage

from boothapp.capture.sources.base import FrameSource, SourceError, SourceState
from boothapp.capture.sources.fps_meter import FpsMeter
from boothapp.capture.types import Frame, FrameDecoder, Hint
from boothapp.workers.frame_mailbox import FrameMailbox, StampedFrame
from boothapp.workers.scan_cooldown import ScanCooldown

log = logging.getLogger(__name__)

# Preview frames queued for the GUI but not yet delivered; past this the camera thread skips
# preview emissions instead of piling frames up in the GUI's event queue.
MAX_PREVIEW_IN_FLIGHT = 2


@dataclass(frozen=True, slots=True)
class CaptureStats:
    preview_fps: float  # frames per second handed to the preview
    source_fps: float  # frames per second the source delivers
    decode_ms: float  # mean decode time over the last few frames
    decode_fps: float  # frames per second the decoder gets through
    frames_read: int
    frames_decoded: int
    frames_dropped: int  # frames replaced in the mailbox before the decoder took them
    resolution: str


def frame_to_qimage(frame: Frame) -> QImage:
    """A QImage that owns a copy of a BGR or grey frame (safe to keep after the frame changes)."""
    height, width = frame.shape[:2]
    if frame.ndim == 2:
        image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_Grayscale8)
    else:
        image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_BGR888)
    return image.copy()


class DecodeWorker(QObject):
    frame_ready = Signal(object)
    source_state_changed = Signal(str)
    source_failed = Signal(str)
    stats_changed = Signal(object)
    outcome_ready = Signal(object)
    symbol_found = Signal(object)
    hint_changed = Signal(str)
    finished = Signal()

    def __init__(
        self,
        source: FrameSource,
        decoder: FrameDecoder,
        cooldown_seconds: float = 3.0,
        stats_interval: float = 0.5,
        parent: QObject | None = None,
        ack_previews: bool = True,
    ) -> None:
        """``ack_previews=False``: whoever shows the frames calls ``preview_shown`` from its
        own ``frame_ready`` slot (the camera controller), instead of a second queued slot of
        the worker's: one GUI-thread entry into Python per frame, not two (issue 23)."""
        super().__init__(parent)
        self._source = source
        self._decoder = decoder
        self._cooldown = ScanCooldown(cooldown_seconds)
        self._stats_interval = stats_interval
        self._stop = threading.Event()
        # Set while something heavier wants the cores (a business card being read): frames
        # still preview, the decoder skips them (issue 20).
        self._paused = threading.Event()
        self._mailbox = FrameMailbox()
        self._camera_thread: threading.Thread | None = None
        self._decode_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._preview_in_flight = 0
        self._decode_ms: deque[float] = deque(maxlen=15)
        self._decode_meter = FpsMeter()
        self._frames_decoded = 0
        self.preview_skipped = 0
        if ack_previews:
            # Connected first, so it runs on the GUI thread just before the UI's own slot.
            self.frame_ready.connect(self._on_preview_delivered)

    # -- control (GUI thread) -------------------------------------------------------------

    @property
    def source(self) -> FrameSource:
        return self._source

    @property
    def cooldown_seconds(self) -> float:
        return self._cooldown.seconds

    def set_cooldown_seconds(self, seconds: float) -> None:
        self._cooldown = ScanCooldown(seconds)

    @property
    def decoding_paused(self) -> bool:
        return self._paused.is_set()

    def pause_decoding(self) -> None:
        """Skip decoding (the preview goes on) until ``resume_decoding``: a card read on the
        pool then has both cores for itself and the GUI thread (on 2 cores the decoder's
        frames pushed the GUI thread's waits for a core past 50 ms; issue 20)."""
        self._paused.set()

    def resume_decoding(self) -> None:
        self._paused.clear()

    def is_running(self) -> bool:
        threads = (self._camera_thread, self._decode_thread)
        return any(t is not None and t.is_alive() for t in threads)

    def start(self, after: tuple[DecodeWorker, ...] = ()) -> None:
        """Open the source and start both threads; returns at once (the open runs off-GUI).

        ``after``: workers asked to stop whose threads may still hold the same device; the
        camera thread joins them before opening, so the GUI thread never waits for them.
        """
        if self.is_running():
            raise RuntimeError("DecodeWorker is already running; stop() it first")
        self._stop.clear()
        self._mailbox = FrameMailbox()
        self._cooldown.reset()
        self._decode_ms.clear()
        self._decode_meter.reset()
        self._frames_decoded = 0
        self._preview_in_flight = 0
        # A new session: decoders that track a region between frames (DecodePipeline) forget it.
        reset = getattr(self._decoder, "reset", None)
        if callable(reset):
            reset()
        self._decode_thread = threading.Thread(
            target=self._decode_loop, args=(self._mailbox,), name="boothapp-decode", daemon=True
        )
        self._camera_thread = threading.Thread(
            target=self._camera_loop,
            args=(self._mailbox, tuple(after)),
            name="boothapp-camera",
            daemon=True,
        )
        self._decode_thread.start()
        self._camera_thread.start()

    def request_stop(self) -> None:
        """Ask both threads to end without waiting (``finished`` follows)."""
        self._stop.set()
        self._mailbox.close(discard=True)

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop and join both threads; True when none is left running.

        Blocks for one source read plus one decode (tens of milliseconds), but an IP camera
        still connecting can hold it up to its open timeout: from the GUI prefer
        ``request_stop()`` and react to ``finished``; use ``stop()`` at shutdown and in tests.
        """
        self.request_stop()
        return self.join(timeout)

    def join(self, timeout: float = 5.0) -> bool:
        """Wait for both threads to end (not on the GUI thread: see ``stop``)."""
        for thread in (self._camera_thread, self._decode_thread):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)
        return not self.is_running()

    # -- camera thread --------------------------------------------------------------------

    def _camera_loop(self, mailbox: FrameMailbox, after: tuple[DecodeWorker, ...] = ()) -> None:
        for previous in after:  # the last session's threads let go of the device first
            previous.join(5.0)
        source = self._source
        if self._stop.is_set():
            mailbox.close()
            return
        try:
            source.open()
        except SourceError as exc:
            self.source_failed.emit(str(exc))
            mailbox.close()
            return
        except Exception as exc:  # cv2 raises plain cv2.error for broken drivers
            log.exception("camera source failed to open")
            self.source_failed.emit(f"The camera could not be started: {exc}")
            mailbox.close()
            return
        state = source.state
        self.source_state_changed.emit(state.value)
        preview_meter = FpsMeter()
        frames_read = 0
        next_stats = time.monotonic() + self._stats_interval
        try:
            while not self._stop.is_set():
                frame = source.read()
                if source.state is not state:
                    state = source.state
                    self.source_state_changed.emit(state.value)
                if frame is None:
                    if state in (SourceState.ENDED, SourceState.CLOSED):
                        break
                    # Waiting for a reconnect: poll gently but stay responsive to stop().
                    self._stop.wait(0.05 if state is SourceState.DISCONNECTED else 0.005)
                    continue
                frames_read += 1
                now = time.monotonic()
                mailbox.put(StampedFrame(frame, frames_read, now))
                if self._claim_preview_slot():
                    preview_meter.tick(now)
                    self.frame_ready.emit(frame)
                else:
                    self.preview_skipped += 1
                if now >= next_stats:
                    next_stats = now + self._stats_interval
                    self.stats_changed.emit(
                        self._stats(preview_meter.fps, source, frames_read, mailbox),
                    )
            # A last account of the run, so the figures cover every frame read.
            self.stats_changed.emit(self._stats(preview_meter.fps, source, frames_read, mailbox))
        except Exception as exc:
            log.exception("camera loop failed")
            self.source_failed.emit(f"The camera stopped: {exc}")
        finally:
            source.close()
            mailbox.close()

    def _claim_preview_slot(self) -> bool:
        with self._lock:
            if self._preview_in_flight >= MAX_PREVIEW_IN_FLIGHT:
                return False
            self._preview_in_flight += 1
            return True

    @Slot(object)
    def _on_preview_delivered(self, _frame: object) -> None:
        self.preview_shown()

    def preview_shown(self) -> None:
        """A preview frame reached the GUI: the camera thread may send another (GUI thread)."""
        with self._lock:
            self._preview_in_flight = max(0, self._preview_in_flight - 1)

    def _stats(
        self, preview_fps: float, source: FrameSource, frames_read: int, mailbox: FrameMailbox
    ) -> CaptureStats:
        with self._lock:
            recent = list(self._decode_ms)
        return CaptureStats(
            preview_fps=round(preview_fps, 1),
            source_fps=round(source.fps, 1),
            decode_ms=round(sum(recent) / len(recent), 1) if recent else 0.0,
            decode_fps=round(self._decode_meter.fps, 1),
            frames_read=frames_read,
            frames_decoded=self._frames_decoded,
            frames_dropped=mailbox.dropped,
            resolution=str(source.resolution or ""),
        )

    # -- decode thread --------------------------------------------------------------------

    def _decode_loop(self, mailbox: FrameMailbox) -> None:
        hint = Hint.NONE
        try:
            while not self._stop.is_set():
                item = mailbox.take(timeout=0.25)
                if item is None:
                    if mailbox.closed:
                        break
                    continue
                if self._paused.is_set():
                    continue  # the newest frame is dropped; decoding picks up the next one
                started = time.perf_counter()
                try:
                    outcome = self._decoder.decode(item.frame)
                except Exception:
                    # One bad frame (or a decoder bug) must not end scanning for the day.
                    log.exception("decoder failed on frame %d", item.index)
                    continue
                with self._lock:
                    self._decode_ms.append((time.perf_counter() - started) * 1000.0)
                self._decode_meter.tick()
                self._frames_decoded += 1
                if self._stop.is_set():
                    break
                if outcome.results:
                    # Only frames with a symbol are outlined: an empty outcome was a GUI
                    # wake-up (and a wait for the GIL) per decoded frame for nothing (issue 23).
                    self.outcome_ready.emit(outcome)
                for result in outcome.results:
                    if self._cooldown.is_new(result.symbology, result.text, item.captured_at):
                        self.symbol_found.emit(result)
                new_hint = Hint.NONE if outcome.results else outcome.hint
                if new_hint is not hint:
                    hint = new_hint
                    self.hint_changed.emit(hint.value)
        finally:
            camera = self._camera_thread
            if camera is not None and camera is not threading.current_thread():
                camera.join(5.0)
            self.finished.emit()
