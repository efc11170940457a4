"""Frame sources on real files: a video written with OpenCV and a folder of PNG images."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from boothapp.capture.cameras import _linux_cameras
from boothapp.capture.sources import (
    FrameSource,
    ImageFolderSource,
    IpCameraSource,
    NoCameraError,
    ReconnectingSource,
    Resolution,
    SourceOpenError,
    SourceState,
    VideoFileSource,
    WebcamSource,
    source_from_spec,
)
from tests.helpers.badge_video import Appearance, write_badge_video, write_image_folder
from tests.helpers.zxing_decoder import ZxingFrameDecoder


def read_all(source: FrameSource, limit: int = 1000) -> list[np.ndarray]:
    frames = []
    while len(frames) < limit:
        frame = source.read()
        if frame is None:
            if source.state is SourceState.ENDED:
                break
            continue
        frames.append(frame)
    return frames


@pytest.fixture(scope="module")
def badge_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("video") / "badge.avi"
    return write_badge_video(path, 20, [Appearance("BOOTH-0001", 5, 12)], size=(320, 240))


def test_video_file_delivers_every_frame_at_its_size_then_ends(badge_video: Path) -> None:
    source = VideoFileSource(badge_video)
    source.open()
    assert source.state is SourceState.OPEN
    assert source.resolution == Resolution(320, 240)
    assert source.native_fps == pytest.approx(30.0)
    frames = read_all(source)
    assert len(frames) == 20
    assert {f.shape for f in frames} == {(240, 320, 3)}
    assert source.state is SourceState.ENDED
    assert source.read() is None
    source.close()
    assert source.state is SourceState.CLOSED
    assert "badge.avi" in source.describe() and "320x240" in source.describe()


def test_video_file_frames_carry_the_badge_where_it_was_written(badge_video: Path) -> None:
    source = VideoFileSource(badge_video)
    source.open()
    frames = read_all(source)
    source.close()
    decoder = ZxingFrameDecoder()
    seen = [i for i, f in enumerate(frames) if decoder.decode(f).results]
    assert seen == list(range(5, 13))
    assert decoder.decode(frames[5]).results[0].text == "BOOTH-0001"


def test_looped_video_restarts_and_keeps_going(badge_video: Path) -> None:
    source = VideoFileSource(badge_video, loop=True)
    source.open()
    frames = read_all(source, limit=50)
    assert len(frames) == 50
    assert source.state is SourceState.OPEN
    # Frame 21 of the stream is frame 1 of the file again.
    assert np.array_equal(frames[21], frames[1])
    source.close()


def test_realtime_video_plays_at_its_native_fps(badge_video: Path) -> None:
    source = VideoFileSource(badge_video, realtime=True)
    source.open()
    started = time.monotonic()
    frames = read_all(source)
    elapsed = time.monotonic() - started
    source.close()
    assert len(frames) == 20
    # 20 frames at 30 fps: 19 intervals of 33 ms.
    assert 0.55 <= elapsed <= 1.2
    assert source.fps == pytest.approx(30.0, rel=0.15)


def test_missing_video_file_names_the_file(tmp_path: Path) -> None:
    source = VideoFileSource(tmp_path / "nope.mp4")
    with pytest.raises(SourceOpenError, match=r"Video file not found: .*nope\.mp4"):
        source.open()
    assert source.state is SourceState.CLOSED


def test_file_that_is_not_a_video_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a video")
    with pytest.raises(SourceOpenError, match=r"notes\.mp4"):
        VideoFileSource(bogus).open()


def test_image_folder_cycles_in_name_order_at_the_set_fps(tmp_path: Path) -> None:
    folder = write_image_folder(tmp_path / "imgs", ["A-1", None, "C-3"], size=(400, 300))
    (folder / "readme.txt").write_text("ignored")
    source = ImageFolderSource(folder, fps=20, loop=True)
    source.open()
    assert source.image_count == 3
    started = time.monotonic()
    frames = read_all(source, limit=7)
    elapsed = time.monotonic() - started
    assert len(frames) == 7
    assert {f.shape for f in frames} == {(300, 400, 3)}
    assert source.resolution == Resolution(400, 300)
    # 7 frames at 20 fps: 6 intervals of 50 ms.
    assert 0.25 <= elapsed <= 0.8
    decoder = ZxingFrameDecoder()
    texts = [tuple(r.text for r in decoder.decode(f).results) for f in frames]
    assert texts == [("A-1",), (), ("C-3",), ("A-1",), (), ("C-3",), ("A-1",)]
    source.close()


def test_unlooped_image_folder_ends(tmp_path: Path) -> None:
    folder = write_image_folder(tmp_path / "imgs", ["A-1", "B-2"], size=(300, 300))
    source = ImageFolderSource(folder, fps=0, loop=False)
    source.open()
    assert len(read_all(source)) == 2
    assert source.state is SourceState.ENDED


def test_empty_image_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no pictures here")
    with pytest.raises(SourceOpenError, match="No images in"):
        ImageFolderSource(tmp_path / "empty").open()
    with pytest.raises(SourceOpenError, match="Image folder not found"):
        ImageFolderSource(tmp_path / "missing").open()


def test_webcam_index_that_does_not_exist_fails_fast() -> None:
    index = 63  # no machine in a booth has 64 cameras
    started = time.monotonic()
    with pytest.raises(NoCameraError, match=r"No camera found\. Plug one in or use the demo feed"):
        WebcamSource(index).open()
    assert time.monotonic() - started < 2.0
    with pytest.raises(NoCameraError):
        WebcamSource(-1)


def test_ip_camera_address_is_checked_and_its_password_never_shown() -> None:
    with pytest.raises(SourceOpenError, match="Not a camera stream address"):
        IpCameraSource("ftp://cam.local/stream")
    source = IpCameraSource("rtsp://admin:s3cret@127.0.0.1:1/stream", open_timeout_ms=500)
    started = time.monotonic()
    with pytest.raises(SourceOpenError) as failure:
        source.open()  # nothing listens on port 1: refused at once
    assert time.monotonic() - started < 5.0
    assert "s3cret" not in str(failure.value) and "admin:***@127.0.0.1:1" in str(failure.value)
    assert "s3cret" not in source.describe()


def test_source_from_spec_picks_the_right_kind(tmp_path: Path, badge_video: Path) -> None:
    folder = write_image_folder(tmp_path / "imgs", ["A-1"], size=(300, 300))
    assert isinstance(source_from_spec(str(folder)), ImageFolderSource)
    video = source_from_spec(str(badge_video))
    assert isinstance(video, VideoFileSource) and video.loop and video.realtime
    webcam = source_from_spec("0")
    assert isinstance(webcam, ReconnectingSource) and isinstance(webcam.inner, WebcamSource)
    assert isinstance(source_from_spec("rtsp://cam/1"), ReconnectingSource)
    with pytest.raises(SourceOpenError, match="No camera, file or folder called"):
        source_from_spec(str(tmp_path / "gone"))
    with pytest.raises(SourceOpenError, match="Unsupported camera address scheme"):
        source_from_spec("smb://share/cam")


def test_reconnecting_source_resumes_after_the_device_comes_back(tmp_path: Path) -> None:
    """An image folder on a pulled USB stick behaves like an unplugged camera."""
    folder = write_image_folder(tmp_path / "stick", ["A-1", "B-2"], size=(240, 240))
    spare = tmp_path / "spare"
    shutil.copytree(folder, spare)
    source = ReconnectingSource(ImageFolderSource(folder, fps=0), first_delay=0.05, max_delay=0.2)
    source.open()
    assert source.read() is not None
    shutil.rmtree(folder)  # unplugged
    assert source.read() is None
    assert source.state is SourceState.DISCONNECTED
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        assert source.read() is None  # retries fail while the device is away
    assert "Image folder not found" in source.last_error
    assert source.state is SourceState.DISCONNECTED
    shutil.copytree(spare, folder)  # plugged back in
    deadline = time.monotonic() + 2.0
    frame = None
    while frame is None and time.monotonic() < deadline:
        frame = source.read()
    assert frame is not None and frame.shape == (240, 240, 3)
    assert source.state is SourceState.OPEN
    assert source.reconnects == 1
    source.close()


def test_linux_camera_listing_skips_metadata_nodes(tmp_path: Path) -> None:
    dev, sysfs = tmp_path / "dev", tmp_path / "sys"
    dev.mkdir()
    for index, (name, node_index) in enumerate(
        [("HD Pro Webcam C920", "0"), ("HD Pro Webcam C920", "1"), ("Integrated Camera", "0")]
    ):
        (dev / f"video{index}").touch()
        meta = sysfs / f"video{index}"
        meta.mkdir(parents=True)
        (meta / "name").write_text(name + "\n")
        (meta / "index").write_text(node_index + "\n")
    (dev / "video-bogus").touch()
    cameras = _linux_cameras(dev, sysfs)
    assert [(c.index, c.name) for c in cameras] == [
        (0, "HD Pro Webcam C920"),
        (2, "Integrated Camera"),
    ]
    assert cameras[1].label() == "Integrated Camera (#2)"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /dev")
def test_camera_listing_on_this_machine_matches_dev_video() -> None:
    from boothapp.capture.cameras import list_cameras

    started = time.monotonic()
    cameras = list_cameras()
    assert time.monotonic() - started < 0.5
    nodes = {int(p.name[5:]) for p in Path("/dev").glob("video*") if p.name[5:].isdigit()}
    assert {c.index for c in cameras} <= nodes
