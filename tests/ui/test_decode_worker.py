"""The camera + decode worker on real videos decoded by zxing-cpp."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from boothapp.capture.sources import (
    ImageFolderSource,
    ReconnectingSource,
    VideoFileSource,
)
from boothapp.capture.types import DecodeOutcome, DecodeResult, Frame, Hint
from boothapp.workers.decode_worker import CaptureStats, DecodeWorker, frame_to_qimage
from tests.helpers.badge_video import Appearance, write_badge_video, write_image_folder
from tests.helpers.zxing_decoder import SlowDecoder, ZxingFrameDecoder

SIZE = (640, 360)
PAYLOAD = "BOOTH-0042"


@dataclass
class Recorder:
    """Everything the worker told the GUI thread, with the time it arrived."""

    started: float = field(default_factory=time.monotonic)
    frames: list[float] = field(default_factory=list)
    scans: list[tuple[float, DecodeResult]] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stats: list[CaptureStats] = field(default_factory=list)
    finished: int = 0
    gui_thread: threading.Thread = field(default_factory=threading.current_thread)
    off_gui_calls: int = 0

    def attach(self, worker: DecodeWorker) -> None:
        worker.frame_ready.connect(self._frame)
        worker.symbol_found.connect(lambda r: self.scans.append((self._now(), r)))
        worker.hint_changed.connect(self.hints.append)
        worker.source_state_changed.connect(self.states.append)
        worker.source_failed.connect(self.failures.append)
        worker.stats_changed.connect(self.stats.append)
        worker.finished.connect(self._finished)

    def _now(self) -> float:
        if threading.current_thread() is not self.gui_thread:
            self.off_gui_calls += 1
        return time.monotonic() - self.started

    def _frame(self, frame: Frame) -> None:
        assert frame.shape == (SIZE[1], SIZE[0], 3)
        self.frames.append(self._now())

    def _finished(self) -> None:
        self._now()
        self.finished += 1


@pytest.fixture(scope="module")
def twice_seen_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 s at 30 fps: the badge in view 0.27-0.7 s, away 0.5 s, back 1.2-1.67 s."""
    path = tmp_path_factory.mktemp("worker") / "twice.avi"
    appearances = [Appearance(PAYLOAD, 8, 20), Appearance(PAYLOAD, 36, 50)]
    return write_badge_video(path, 60, appearances, size=SIZE)


def run_to_end(qtbot: QtBot, worker: DecodeWorker, recorder: Recorder) -> None:
    recorder.attach(worker)
    worker.start()
    qtbot.waitUntil(lambda: recorder.finished == 1, timeout=10_000)
    assert worker.stop()


def test_badge_held_in_view_is_one_scan_per_appearance(
    qtbot: QtBot, twice_seen_video: Path
) -> None:
    source = VideoFileSource(twice_seen_video, realtime=True)
    worker = DecodeWorker(source, ZxingFrameDecoder(), cooldown_seconds=0.2)
    recorder = Recorder()
    run_to_end(qtbot, worker, recorder)

    assert [r.text for _, r in recorder.scans] == [PAYLOAD, PAYLOAD]
    first_at, second_at = (t for t, _ in recorder.scans)
    assert 0.2 < first_at < 0.8 and 1.1 < second_at < 1.7
    for _, result in recorder.scans:
        assert result.symbology == "QRCode" and result.backend == "zxing"
        assert len(result.corners) == 4
        # The badge is pasted near (213, 72) and is 145 px wide: the outline must sit on it.
        xs = [x for x, _ in result.corners]
        ys = [y for _, y in result.corners]
        assert 213 <= min(xs) < max(xs) <= 213 + 8 + 145
        assert 72 <= min(ys) < max(ys) <= 72 + 4 + 145
    assert recorder.states == ["open", "ended"]
    assert recorder.off_gui_calls == 0  # every slot ran on the GUI thread
    assert not recorder.failures


def test_only_frames_with_a_badge_go_to_the_gui_for_outlines(
    qtbot: QtBot, twice_seen_video: Path
) -> None:
    """A frame without a symbol has nothing to outline: sending it woke the GUI thread (and
    asked for the GIL) per decoded frame for nothing (issue 23)."""
    worker = DecodeWorker(VideoFileSource(twice_seen_video, realtime=True), ZxingFrameDecoder())
    outcomes: list[DecodeOutcome] = []
    worker.outcome_ready.connect(outcomes.append)
    run_to_end(qtbot, worker, Recorder())
    assert outcomes and all(o.results and o.results[0].text == PAYLOAD for o in outcomes)
    assert len(outcomes) < worker._frames_decoded  # the frames without the badge stayed


def test_default_cooldown_makes_a_quick_return_the_same_scan(
    qtbot: QtBot, twice_seen_video: Path
) -> None:
    worker = DecodeWorker(VideoFileSource(twice_seen_video, realtime=True), ZxingFrameDecoder())
    assert worker.cooldown_seconds == 3.0
    recorder = Recorder()
    run_to_end(qtbot, worker, recorder)
    assert [r.text for _, r in recorder.scans] == [PAYLOAD]


def test_preview_keeps_full_rate_while_decoding_is_slow_and_stale_frames_are_dropped(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # The badge shows up one second in; decoding takes 200 ms a frame.
    video = write_badge_video(tmp_path / "late.avi", 60, [Appearance(PAYLOAD, 30, 59)], size=SIZE)
    slow = SlowDecoder(ZxingFrameDecoder(), seconds=0.2)
    worker = DecodeWorker(VideoFileSource(video, realtime=True), slow)
    recorder = Recorder()
    run_to_end(qtbot, worker, recorder)

    # Preview: all 60 frames in about 2 s, i.e. at the video's 30 fps, not the decoder's 5.
    assert len(recorder.frames) >= 55
    assert recorder.frames[-1] - recorder.frames[0] < 2.6
    # The decoder saw only a fraction of the frames: the rest were dropped as stale.
    assert slow.calls <= 14
    last = recorder.stats[-1]
    assert last.frames_read >= 50 and last.frames_dropped >= 35
    assert last.decode_ms >= 200
    # Taking the newest frame, the badge is read within a decode or two of showing up
    # (at 1.0 s); working through a backlog it would take 30 x 0.2 s = 6 s.
    assert [r.text for _, r in recorder.scans] == [PAYLOAD]
    assert recorder.scans[0][0] < 1.8


def test_stop_ends_both_threads_and_the_preview(qtbot: QtBot, twice_seen_video: Path) -> None:
    worker = DecodeWorker(
        VideoFileSource(twice_seen_video, loop=True, realtime=True), ZxingFrameDecoder()
    )
    recorder = Recorder()
    recorder.attach(worker)
    worker.start()
    assert worker.is_running()
    with pytest.raises(RuntimeError, match="already running"):
        worker.start()
    qtbot.waitUntil(lambda: len(recorder.frames) >= 10, timeout=5000)
    started = time.monotonic()
    assert worker.stop()
    assert time.monotonic() - started < 0.5
    assert not worker.is_running()
    assert worker.source.state.value == "closed"
    qtbot.waitUntil(lambda: recorder.finished == 1, timeout=2000)
    seen = len(recorder.frames)
    qtbot.wait(200)
    assert len(recorder.frames) == seen
    # A stopped worker can start again on the same source.
    worker.start()
    qtbot.waitUntil(lambda: len(recorder.frames) >= seen + 5, timeout=5000)
    assert worker.stop()


def test_missing_video_reports_the_failure_and_ends(qtbot: QtBot, tmp_path: Path) -> None:
    worker = DecodeWorker(VideoFileSource(tmp_path / "demo.mp4"), ZxingFrameDecoder())
    recorder = Recorder()
    run_to_end(qtbot, worker, recorder)
    assert len(recorder.failures) == 1
    assert (
        recorder.failures[0].startswith("Video file not found")
        and "demo.mp4" in (recorder.failures[0])
    )
    assert recorder.frames == [] and recorder.scans == []


def test_unplugged_source_reports_disconnected_and_resumes(qtbot: QtBot, tmp_path: Path) -> None:
    folder = write_image_folder(tmp_path / "stick", [PAYLOAD, None], size=SIZE)
    spare = tmp_path / "spare"
    shutil.copytree(folder, spare)
    source = ReconnectingSource(ImageFolderSource(folder, fps=20), first_delay=0.05, max_delay=0.2)
    worker = DecodeWorker(source, ZxingFrameDecoder())
    recorder = Recorder()
    recorder.attach(worker)
    worker.start()
    qtbot.waitUntil(lambda: len(recorder.scans) == 1, timeout=5000)
    shutil.rmtree(folder)
    qtbot.waitUntil(lambda: "disconnected" in recorder.states, timeout=5000)
    frames_while_away = len(recorder.frames)
    qtbot.wait(300)
    assert len(recorder.frames) <= frames_while_away + 1
    shutil.copytree(spare, folder)
    qtbot.waitUntil(lambda: len(recorder.frames) > frames_while_away + 5, timeout=5000)
    assert recorder.states == ["open", "disconnected", "open"]
    assert worker.stop()
    assert recorder.scans[0][1].text == PAYLOAD


class MoveCloserWhenUnread:
    """A real zxing decode that, like the pipeline, asks for the badge to come closer."""

    def __init__(self) -> None:
        self.inner = ZxingFrameDecoder()

    def decode(self, frame: Frame) -> DecodeOutcome:
        outcome = self.inner.decode(frame)
        return outcome if outcome.results else DecodeOutcome(hint=Hint.MOVE_CLOSER)


def test_hint_is_sent_only_when_it_changes(qtbot: QtBot, twice_seen_video: Path) -> None:
    worker = DecodeWorker(VideoFileSource(twice_seen_video, realtime=True), MoveCloserWhenUnread())
    recorder = Recorder()
    run_to_end(qtbot, worker, recorder)
    move_closer = Hint.MOVE_CLOSER.value
    assert recorder.hints == [move_closer, "", move_closer, "", move_closer]


def test_preview_frame_converts_to_an_image_the_ui_can_keep() -> None:
    frame = np.zeros((4, 6, 3), np.uint8)
    frame[:, :, 2] = 255  # BGR red
    image = frame_to_qimage(frame)
    frame[:] = 0
    assert (image.width(), image.height()) == (6, 4)
    assert image.pixelColor(0, 0).name() == "#ff0000"
    grey = frame_to_qimage(np.full((3, 3), 128, np.uint8))
    assert grey.format() == QImage.Format.Format_Grayscale8


def test_paused_decoding_reads_no_badge_while_the_preview_goes_on_then_resumes(
    qtbot: QtBot, twice_seen_video: Path
) -> None:
    """A business card being read pauses the decoder (issue 20): the badge in view during the
    pause is not scanned, the preview keeps every frame, and the badge's return after
    ``resume_decoding`` is a scan again."""
    worker = DecodeWorker(
        VideoFileSource(twice_seen_video, realtime=True), ZxingFrameDecoder(), cooldown_seconds=0.2
    )
    recorder = Recorder()
    recorder.attach(worker)
    worker.pause_decoding()
    assert worker.decoding_paused
    worker.start()
    # Paused through the first appearance (frames 8-20), resumed before the second (36-50).
    qtbot.waitUntil(lambda: len(recorder.frames) >= 28, timeout=10_000)
    assert recorder.scans == []
    resumed_at = recorder._now()
    worker.resume_decoding()
    assert not worker.decoding_paused
    qtbot.waitUntil(lambda: recorder.finished == 1, timeout=10_000)
    assert worker.stop()
    assert [r.text for _, r in recorder.scans] == [PAYLOAD]
    assert recorder.scans[0][0] > resumed_at  # the second appearance, after the resume
    assert len(recorder.frames) >= 55  # the preview never paused
