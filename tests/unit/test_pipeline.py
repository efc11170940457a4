"""The scanner's decode pipeline on webcam-like frames: reads, hints, tracking, budget."""

from __future__ import annotations

import numpy as np
import pytest

from bench.synthetic_frames import Conditions, make_frame
from boothapp.capture.decoders import ZxingDecoder
from boothapp.capture.pipeline import DecodePipeline
from boothapp.capture.symbologies import BADGE_SYMBOLOGIES, Symbology
from boothapp.capture.types import FrameDecoder, Hint

# Capability, not speed: a roomy budget keeps these tests steady on a busy machine.
ROOMY_MS = 400.0


def _conditions(**changes: float | bool | int) -> Conditions:
    base: dict[str, float | bool | int] = {
        "module_px": 3.0,
        "tilt": 0.0,
        "roll_deg": 5.0,
        "motion_px": 0.0,
        "defocus": 0.4,
        "light": 1.0,
        "noise": 2.0,
        "glare": False,
        "jpeg_quality": 85,
    }
    base.update(changes)
    return Conditions(**base)  # type: ignore[arg-type]


def _reads(decoder: FrameDecoder, frame_seed: int) -> bool:
    frame = make_frame(frame_seed)
    return frame.text in [r.text for r in decoder.decode(frame.image).results]


def test_the_pipeline_is_a_frame_decoder() -> None:
    decoder: FrameDecoder = DecodePipeline()
    outcome = decoder.decode(make_frame(5, Symbology.QR, conditions=_conditions()).image)
    assert outcome.ms > 0


# Hard frames (tilt + defocus, motion + defocus, glare, ...) that zxing-cpp alone misses on
# the full frame and the pipeline reads from a located, rectified, full-resolution crop.
@pytest.mark.parametrize("seed", [22, 24, 26, 27, 32, 37])
def test_pipeline_reads_hard_frames_zxing_alone_misses(seed: int) -> None:
    assert not _reads(ZxingDecoder(BADGE_SYMBOLOGIES), seed)
    assert _reads(DecodePipeline(BADGE_SYMBOLOGIES, budget_ms=ROOMY_MS), seed)


def test_results_carry_full_frame_corners_around_the_symbol() -> None:
    frame = make_frame(3, Symbology.DATA_MATRIX, conditions=_conditions(module_px=2.5))
    outcome = DecodePipeline(budget_ms=ROOMY_MS).decode(frame.image)
    assert [r.text for r in outcome.results] == [frame.text]
    found = np.array(outcome.results[0].corners).mean(axis=0)
    truth = np.array(frame.quad).mean(axis=0)
    assert np.hypot(*(found - truth)) < 10.0


def test_a_tiny_symbol_asks_to_move_closer() -> None:
    frame = make_frame(5, Symbology.QR, conditions=_conditions(module_px=0.9))
    outcome = DecodePipeline(budget_ms=ROOMY_MS).decode(frame.image)
    assert outcome.results == ()
    assert outcome.hint is Hint.MOVE_CLOSER
    assert outcome.candidates, "the unread region is reported for drawing"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_blurred_symbol_asks_to_hold_still(seed: int) -> None:
    frame = make_frame(seed, Symbology.QR, conditions=_conditions(defocus=2.5))
    outcome = DecodePipeline(budget_ms=ROOMY_MS).decode(frame.image)
    assert outcome.results == ()
    assert outcome.hint is Hint.HOLD_STILL
    assert outcome.candidates


@pytest.mark.parametrize(("seed", "symbology"), [(1, Symbology.QR), (11, Symbology.PDF417)])
def test_a_glare_spot_on_the_symbol_asks_to_tilt_the_badge(seed: int, symbology: Symbology) -> None:
    frame = make_frame(seed, symbology, conditions=_conditions(glare=True))
    outcome = DecodePipeline(budget_ms=ROOMY_MS).decode(frame.image)
    assert outcome.results == ()
    assert outcome.hint is Hint.GLARE


def test_a_read_frame_has_no_hint() -> None:
    frame = make_frame(2, Symbology.QR, conditions=_conditions())
    outcome = DecodePipeline(budget_ms=ROOMY_MS).decode(frame.image)
    assert [r.text for r in outcome.results] == [frame.text]
    assert outcome.hint is Hint.NONE and outcome.candidates == ()


def test_the_next_frame_tries_the_last_region_first() -> None:
    pipeline = DecodePipeline(budget_ms=ROOMY_MS)
    first = make_frame(4, Symbology.QR, conditions=_conditions(module_px=1.6))
    assert [r.text for r in pipeline.decode(first.image).results] == [first.text]
    # Same scene a moment later: the tracked region reads it before any full-frame work.
    again = pipeline.decode(first.image)
    assert [r.text for r in again.results] == [first.text]
    assert pipeline.last_step == "tracked region"
    pipeline.reset()
    pipeline.decode(first.image)
    assert pipeline.last_step != "tracked region"


def test_disabled_symbologies_are_not_returned() -> None:
    frame = make_frame(6, Symbology.CODE128, conditions=_conditions())
    assert DecodePipeline(budget_ms=ROOMY_MS).decode(frame.image).results
    only_qr = DecodePipeline({Symbology.QR}, budget_ms=ROOMY_MS)
    assert only_qr.decode(frame.image).results == ()


def test_the_budget_bounds_the_time_spent_on_an_unreadable_frame() -> None:
    frame = make_frame(1, Symbology.QR, conditions=_conditions(defocus=4.0))
    tight = DecodePipeline(budget_ms=5.0).decode(frame.image)
    roomy = DecodePipeline(budget_ms=None).decode(frame.image)
    assert tight.results == () and roomy.results == ()
    assert tight.ms < roomy.ms


@pytest.mark.parametrize("shape", [(1, 1), (5, 5), (2, 900), (8, 8, 3), (30, 30, 4)])
def test_slivers_and_odd_channel_counts_read_nothing_without_error(shape: tuple[int, ...]) -> None:
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    outcome = DecodePipeline(budget_ms=None).decode(image)
    assert outcome.results == () and outcome.hint is Hint.NONE


def test_synthetic_frames_are_webcam_sized_and_deterministic_by_seed() -> None:
    first, again, other = make_frame(11), make_frame(11), make_frame(12)
    assert first.image.shape == (720, 1280, 3)
    assert np.array_equal(first.image, again.image) and first.text == again.text
    assert not np.array_equal(first.image, other.image)
