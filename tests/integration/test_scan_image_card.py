"""`boothapp scan-image` on a business-card photo (no barcode): read as a card, lead stored,
the photo kept with it (issue 20). Real SQLite file, real reader."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from boothapp.app import build_context
from boothapp.demo.cards import demo_card_frame
from boothapp.services.card_images import image_paths_of

pytestmark = pytest.mark.integration

pytest.importorskip("tesserocr")


def test_a_card_photo_without_barcode_becomes_a_lead_with_its_photo(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    spec, still = demo_card_frame(seed=7, language="de")
    photo = tmp_path / "card.png"
    cv2.imwrite(str(photo), still)
    assert cli("event", "create", "--name", "Messe", "--country", "DE").code == 0
    run = cli("scan-image", str(photo), "--event", "Messe")
    assert run.code == 0, run.err
    lead = json.loads(run.lines[0])
    assert lead["name"] == spec.name
    assert lead["company"] == spec.company
    assert lead["email"] == spec.email
    assert "read as a business card" in run.out
    ctx = build_context(str(data_dir))
    try:
        assert image_paths_of(ctx.db, lead["id"]) == [photo.resolve()]
    finally:
        ctx.close()
