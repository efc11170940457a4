"""Stopping the camera never holds the GUI thread (issue 23): the threads end on their own."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from boothapp.ui.camera_controller import CameraController
from boothapp.ui.camera_view import CameraView
from tests.helpers.badge_video import Appearance, write_badge_video
from tests.helpers.zxing_decoder import SlowDecoder, ZxingFrameDecoder

DECODE_S = 0.4  # a decode in flight when staff stop the camera


def test_stop_returns_at_once_and_the_threads_end_after_it(qtbot: QtBot, tmp_path: Path) -> None:
    video = write_badge_video(tmp_path / "v.avi", 90, [Appearance("BOOTH-7", 5, 80)])
    view = CameraView()
    qtbot.addWidget(view)
    controller = CameraController(view, SlowDecoder(ZxingFrameDecoder(), DECODE_S))
    assert controller.start(str(video))
    first = controller.worker
    assert first is not None
    qtbot.waitUntil(lambda: controller.last_frame is not None, timeout=10_000)
    qtbot.wait(int(DECODE_S * 1000 / 2))  # mid-decode

    started = time.perf_counter()
    controller.stop()
    stop_ms = (time.perf_counter() - started) * 1000
    assert stop_ms < 50, f"stop() held the GUI thread {stop_ms:.0f} ms"
    assert not controller.running and controller.worker is None
    assert first.is_running()  # the decode in flight finishes off the GUI thread

    # Started again at once (a camera picked while the last one winds down): the new camera
    # thread waits for the old threads, not the GUI.
    started = time.perf_counter()
    assert controller.start(str(video))
    assert (time.perf_counter() - started) * 1000 < 50
    qtbot.waitUntil(lambda: not first.is_running(), timeout=5000)
    qtbot.waitUntil(lambda: controller.last_frame is not None, timeout=5000)  # live again

    controller.stop()
    qtbot.waitUntil(lambda: not controller._retiring, timeout=5000)  # finished retired them
    assert controller.shutdown()


def test_the_preview_flows_on_the_controllers_own_acknowledgement(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The controller's frame slot lets the camera send the next frame (one GUI-thread call a
    frame, issue 23); a worker nobody acknowledges stops at the frames in flight."""
    from boothapp.capture.sources import VideoFileSource
    from boothapp.workers.decode_worker import MAX_PREVIEW_IN_FLIGHT, DecodeWorker

    video = write_badge_video(tmp_path / "v.avi", 60, [Appearance("BOOTH-8", 5, 50)])
    view = CameraView()
    qtbot.addWidget(view)
    controller = CameraController(view, ZxingFrameDecoder())
    assert controller.start(str(video))
    worker = controller.worker
    assert worker is not None
    shown: list[object] = []
    worker.frame_ready.connect(shown.append)
    qtbot.waitUntil(lambda: len(shown) > 3 * MAX_PREVIEW_IN_FLIGHT, timeout=10_000)
    assert controller.shutdown()

    silent = DecodeWorker(VideoFileSource(video, realtime=True), ZxingFrameDecoder(),
                          ack_previews=False)  # fmt: skip
    arrived: list[object] = []
    silent.frame_ready.connect(arrived.append)
    silent.start()
    qtbot.wait(800)
    assert silent.stop()
    qtbot.wait(50)
    assert len(arrived) == MAX_PREVIEW_IN_FLIGHT
