"""Read rate and time per symbology: each decoder alone vs the app's pipeline, side by side.

Two sets: a corpus of real badge-symbology photos and scans (expected payloads beside each
image, a ``manifest.csv`` listing them) and synthetic webcam-like 720p frames
(``bench/synthetic_frames.py``). The corpus is the folder ``BOOTHAPP_CORPUS`` names (the full
349-image corpus the figures are quoted on) or else the 84-image subset the tests use,
``tests/fixtures/badges-real``. Every decoder searches the same enabled
symbologies (the six badge symbologies), as the scanner would at an event.

    BOOTHAPP_CORPUS=/path/to/badges-real python bench/decode_corpus.py [--quick] [--frames N]
    python bench/decode_corpus.py [--quick] [--frames N] [--budget-ms 15]

Ends with one JSON line: {"bench": "decode_corpus", "figures": {...}}.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic_frames import frames as synthetic_frames  # noqa: E402
from boothapp.capture.decoders import OpenCvDecoder, PyzbarDecoder, ZxingDecoder  # noqa: E402
from boothapp.capture.imagefile import FILE_BUDGET_MS, load_image  # noqa: E402
from boothapp.capture.pipeline import DecodePipeline  # noqa: E402
from boothapp.capture.symbologies import BADGE_SYMBOLOGIES, Symbology  # noqa: E402
from boothapp.capture.types import FrameDecoder  # noqa: E402

FORMAT_DIRS = {
    "qrcode": Symbology.QR,
    "pdf417": Symbology.PDF417,
    "code128": Symbology.CODE128,
    "code39": Symbology.CODE39,
    "datamatrix": Symbology.DATA_MATRIX,
    "aztec": Symbology.AZTEC,
}


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    symbology: Symbology
    expected: str
    image: np.ndarray
    labels: tuple[str, ...] = ()  # synthetic frames: the webcam troubles applied


IN_REPO_CORPUS = ROOT / "tests" / "fixtures" / "badges-real"


def corpus_dir() -> Path:
    """The full corpus when BOOTHAPP_CORPUS points at one, else the in-repo subset."""
    named = os.environ.get("BOOTHAPP_CORPUS")
    folder = Path(named).expanduser() if named else IN_REPO_CORPUS
    if not (folder / "manifest.csv").is_file():
        raise SystemExit(f"decode_corpus: no manifest.csv in {folder} (BOOTHAPP_CORPUS)")
    return folder.resolve()


def read_expected(path: Path) -> str:
    encoding = "utf-8" if path.suffix == ".txt" else "iso-8859-1"
    with path.open(encoding=encoding, newline="") as fh:  # keep CR LF as printed
        return fh.read().strip()


def load_corpus(quick: bool) -> list[Sample]:
    folder = corpus_dir()
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if quick:
        rows = rows[::3]
    return [
        Sample(
            row["file"],
            FORMAT_DIRS[row["format"]],
            read_expected(folder / row["expected_payload_file"]),
            load_image(folder / row["file"]),
        )
        for row in rows
    ]


def load_synthetic(count: int) -> list[Sample]:
    return [
        Sample(f"seed-{f.seed}", f.symbology, f.text, f.image, f.conditions.labels())
        for f in synthetic_frames(count, start_seed=1000)
    ]


@dataclass
class Tally:
    read: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.read / self.total if self.total else 0.0


HintCounts = dict[str, dict[str, int]]


def run(
    decoder: FrameDecoder, samples: list[Sample], hints: HintCounts | None = None
) -> tuple[dict[str, Tally], list[float]]:
    """Read rate per symbology and time per image; unread frames' hints counted per trouble."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    times: list[float] = []
    reset = getattr(decoder, "reset", None)
    for sample in samples:
        if reset is not None:
            reset()  # independent images: no tracked region carried over
        start = time.perf_counter()
        outcome = decoder.decode(sample.image)
        times.append((time.perf_counter() - start) * 1000.0)
        ok = any(r.text.strip() == sample.expected for r in outcome.results)
        if hints is not None and not ok:
            for label in sample.labels or ("none",):
                per_label = hints.setdefault(label, {})
                name = outcome.hint.name
                per_label[name] = per_label.get(name, 0) + 1
        for key in (sample.symbology.value, "all"):
            tallies[key].total += 1
            tallies[key].read += int(ok)
    return tallies, times


def tracked_rereads(frames: list[Sample], budget_ms: float) -> list[float]:
    """Time to read the next frame of a badge just read (the live case: it barely moved)."""
    pipeline = DecodePipeline(BADGE_SYMBOLOGIES, budget_ms=budget_ms)
    times: list[float] = []
    for sample in frames:
        pipeline.reset()
        if not pipeline.decode(sample.image).results:
            continue
        start = time.perf_counter()
        outcome = pipeline.decode(sample.image)
        if any(r.text.strip() == sample.expected for r in outcome.results):
            times.append((time.perf_counter() - start) * 1000.0)
    return times


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def table(title: str, results: dict[str, tuple[dict[str, Tally], list[float]]]) -> None:
    names = list(results)
    print(f"\n{title}")
    print(f"{'symbology':<12}" + "".join(f"{n:>18}" for n in names))
    keys = [*sorted({k for tallies, _ in results.values() for k in tallies} - {"all"}), "all"]
    for key in keys:
        cells = []
        for n in names:
            t = results[n][0].get(key, Tally())
            cells.append(f"{t.read:>4}/{t.total:<4} {100 * t.rate:5.1f}%")
        print(f"{key:<12}" + "".join(f"{c:>18}" for c in cells))
    med = "".join(f"{statistics.median(results[n][1]):>16.1f}ms" for n in names)
    p95 = "".join(f"{percentile(results[n][1], 95):>16.1f}ms" for n in names)
    print(f"{'median':<12}" + med)
    print(f"{'p95':<12}" + p95)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="decode read rates and times")
    parser.add_argument("--quick", action="store_true", help="a third of the corpus, 30 frames")
    parser.add_argument("--frames", type=int, default=None, help="synthetic frames (default 150)")
    parser.add_argument("--budget-ms", type=float, default=15.0, help="pipeline per-frame budget")
    args = parser.parse_args(argv)
    n_frames = args.frames or (30 if args.quick else 150)
    syms = BADGE_SYMBOLOGIES

    def decoders(budget: float | None) -> dict[str, FrameDecoder]:
        return {
            "zxing": ZxingDecoder(syms),
            "pyzbar": PyzbarDecoder(syms),
            "opencv": OpenCvDecoder(syms),
            "pipeline": DecodePipeline(syms, budget_ms=budget),
        }

    corpus_folder = corpus_dir()
    corpus = load_corpus(args.quick)
    corpus_results = {name: run(d, corpus) for name, d in decoders(FILE_BUDGET_MS).items()}
    corpus_results["pipeline@frame"] = run(DecodePipeline(syms, budget_ms=args.budget_ms), corpus)
    table(
        f"corpus {corpus_folder} ({len(corpus)} images; pipeline = file mode, "
        f"pipeline@frame = {args.budget_ms:g} ms budget)",
        corpus_results,
    )

    frames = load_synthetic(n_frames)
    unread_hints: HintCounts = {}
    synth_results = {
        name: run(d, frames, unread_hints if name == "pipeline" else None)
        for name, d in decoders(args.budget_ms).items()
    }
    table(
        f"synthetic webcam frames ({len(frames)} x 1280x720, budget {args.budget_ms:g} ms)",
        synth_results,
    )

    pipe_ms = synth_results["pipeline"][1]
    tracked_ms = tracked_rereads(frames, args.budget_ms)
    print(
        f"\nnext frame of a read badge (tracked region first): {len(tracked_ms)} re-reads, "
        f"median {statistics.median(tracked_ms or [0.0]):.1f} ms"
    )
    print("\nhints on frames the pipeline did not read, by webcam trouble:")
    for label, counts in sorted(unread_hints.items()):
        print(f"  {label:<8} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    figures = {
        "corpus": "full" if os.environ.get("BOOTHAPP_CORPUS") else "in-repo subset",
        "corpus_images": len(corpus),
        "synthetic_frames": len(frames),
        "budget_ms": args.budget_ms,
        "cpu_count": os.cpu_count(),
        "pipeline_corpus_read_rate": round(corpus_results["pipeline"][0]["all"].rate, 4),
        "pipeline_at_frame_budget_corpus_read_rate": round(
            corpus_results["pipeline@frame"][0]["all"].rate, 4
        ),
        "zxing_corpus_read_rate": round(corpus_results["zxing"][0]["all"].rate, 4),
        "pyzbar_corpus_read_rate": round(corpus_results["pyzbar"][0]["all"].rate, 4),
        "opencv_corpus_read_rate": round(corpus_results["opencv"][0]["all"].rate, 4),
        "pipeline_synthetic_read_rate": round(synth_results["pipeline"][0]["all"].rate, 4),
        "zxing_synthetic_read_rate": round(synth_results["zxing"][0]["all"].rate, 4),
        "pyzbar_synthetic_read_rate": round(synth_results["pyzbar"][0]["all"].rate, 4),
        "opencv_synthetic_read_rate": round(synth_results["opencv"][0]["all"].rate, 4),
        "pipeline_720p_median_ms": round(statistics.median(pipe_ms), 2),
        "pipeline_720p_p95_ms": round(percentile(pipe_ms, 95), 2),
        "pipeline_tracked_reread_median_ms": round(statistics.median(tracked_ms or [0.0]), 2),
        "zxing_720p_median_ms": round(statistics.median(synth_results["zxing"][1]), 2),
        "zxing_720p_p95_ms": round(percentile(synth_results["zxing"][1], 95), 2),
        "pipeline_corpus_by_symbology": {
            k: round(t.rate, 4) for k, t in corpus_results["pipeline"][0].items() if k != "all"
        },
        "pipeline_synthetic_by_symbology": {
            k: round(t.rate, 4) for k, t in synth_results["pipeline"][0].items() if k != "all"
        },
        "pipeline_unread_hints_by_trouble": unread_hints,
        "zxing_synthetic_by_symbology": {
            k: round(t.rate, 4) for k, t in synth_results["zxing"][0].items() if k != "all"
        },
    }
    print(json.dumps({"bench": "decode_corpus", "figures": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
