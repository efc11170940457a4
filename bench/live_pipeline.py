"""Live scanning end to end: video source -> camera/decode worker -> result on the GUI thread.

Writes a 1280x720 30 fps video in a temp dir in which badges (segno QR codes) come into view at
known frames, plays it in real time through ``VideoFileSource`` and ``DecodeWorker``, and
reports per decoder: preview fps delivered, badge-visible-to-result latency (median, p95;
target <= 150 ms), CPU use (process CPU time / wall time) and frames the decoder dropped.

Decoders compared side by side: zxing-cpp on the whole frame (tests/helpers) and, once it
exists, ``boothapp.capture.pipeline.DecodePipeline``.

    python bench/live_pipeline.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402

from boothapp.capture.sources import VideoFileSource  # noqa: E402
from boothapp.capture.types import DecodeResult, Frame, FrameDecoder  # noqa: E402
from boothapp.workers.decode_worker import CaptureStats, DecodeWorker  # noqa: E402
from tests.helpers.badge_video import Appearance, write_badge_video  # noqa: E402
from tests.helpers.zxing_decoder import ZxingFrameDecoder  # noqa: E402

FPS = 30.0
SIZE = (1280, 720)
LATENCY_TARGET_MS = 150.0


class TimedVideoSource(VideoFileSource):
    """Records when each frame of the file left the source (the moment it was 'in view')."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, realtime=True)
        self.delivered_at: dict[int, float] = {}

    def read(self) -> Frame | None:
        frame = super().read()
        if frame is not None:
            self.delivered_at[self.position - 1] = time.monotonic()
        return frame


@dataclass
class Run:
    scans: list[tuple[float, DecodeResult]] = field(default_factory=list)
    preview: list[float] = field(default_factory=list)
    stats: CaptureStats | None = None
    failure: str = ""


def schedule(count: int) -> tuple[int, list[Appearance]]:
    """Each badge 1 s in view, then 1 s of empty scene; distinct payloads (one scan each)."""
    lead = int(FPS // 2)
    appearances = [
        Appearance(f"BOOTH-{n + 1:04d};Jane Doe;ACME", lead + n * 60, lead + n * 60 + 29)
        for n in range(count)
    ]
    return lead + count * 60, appearances


def play(video: Path, decoder: FrameDecoder, appearances: list[Appearance]) -> dict[str, object]:
    app = QCoreApplication.instance() or QCoreApplication([])
    source = TimedVideoSource(video)
    worker = DecodeWorker(source, decoder)
    run = Run()
    worker.frame_ready.connect(lambda _f: run.preview.append(time.monotonic()))
    worker.symbol_found.connect(lambda r: run.scans.append((time.monotonic(), r)))
    worker.stats_changed.connect(lambda s: setattr(run, "stats", s))
    worker.source_failed.connect(lambda m: setattr(run, "failure", m))
    worker.finished.connect(app.quit)
    QTimer.singleShot(120_000, app.quit)  # never hang a benchmark
    cpu0, wall0 = time.process_time(), time.monotonic()
    worker.start()
    app.exec()
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    worker.stop()
    app.processEvents()  # the last queued stats

    latencies: list[float] = []
    first_scan: dict[str, float] = {}
    for at, result in run.scans:
        first_scan.setdefault(result.text, at)
    for appearance in appearances:
        visible_at = source.delivered_at.get(appearance.first_frame)
        found_at = first_scan.get(appearance.payload)
        if visible_at is not None and found_at is not None:
            latencies.append((found_at - visible_at) * 1000.0)
    latencies.sort()
    stats = run.stats
    span = run.preview[-1] - run.preview[0] if len(run.preview) > 1 else 0.0
    p95_index = max(0, round(0.95 * (len(latencies) - 1)))
    return {
        "appearances": len(appearances),
        "found": len(latencies),
        "scans": len(run.scans),
        "latency_median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(latencies[p95_index], 1) if latencies else None,
        "latency_max_ms": round(latencies[-1], 1) if latencies else None,
        "preview_fps": round((len(run.preview) - 1) / span, 1) if span else 0.0,
        "cpu_percent": round(100.0 * cpu / wall, 1) if wall else 0.0,
        "decode_ms_mean": stats.decode_ms if stats else None,
        "frames_read": stats.frames_read if stats else 0,
        "frames_decoded": stats.frames_decoded if stats else 0,
        "frames_dropped": stats.frames_dropped if stats else 0,
        "failure": run.failure,
    }


def decoders() -> dict[str, FrameDecoder | str]:
    found: dict[str, FrameDecoder | str] = {"zxing_whole_frame": ZxingFrameDecoder()}
    try:
        from boothapp.capture.pipeline import DecodePipeline
    except ImportError as exc:
        found["pipeline"] = f"unavailable: {exc}"
    else:
        try:
            found["pipeline"] = DecodePipeline()
        except Exception as exc:  # its constructor is not ours to know
            found["pipeline"] = f"unavailable: {exc}"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 badge appearances instead of 8")
    args = parser.parse_args()
    frame_count, appearances = schedule(3 if args.quick else 8)
    figures: dict[str, object] = {
        "resolution": f"{SIZE[0]}x{SIZE[1]}",
        "video_fps": FPS,
        "latency_target_ms": LATENCY_TARGET_MS,
        "cores": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="boothapp-bench-") as tmp:
        video = write_badge_video(
            Path(tmp) / "badges.avi", frame_count, appearances, size=SIZE, fps=FPS, scale=4
        )
        for name, decoder in decoders().items():
            if isinstance(decoder, str):
                print(f"{name}: {decoder}")
                figures[name] = {"skipped": decoder}
                continue
            result = play(video, decoder, appearances)
            figures[name] = result
            print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in result.items()))
    leftover = [t.name for t in threading.enumerate() if t.name.startswith("boothapp-")]
    figures["threads_left"] = len(leftover)
    print(json.dumps({"bench": "live_pipeline", "figures": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
